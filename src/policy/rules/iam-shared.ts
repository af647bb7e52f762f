/**
 * Where IAM policy documents live in a synthesized stack (shared by the IAM rules).
 */
import { blocks, parsePolicyDocument, statements } from "../context";
import type { SynthResource } from "../types";
import type { Json } from "../../lib/synthesized";

/**
 * Permission policies (not trust policies, not KMS key policies) a resource of `PERMISSION_TYPES`
 * carries: a role's inline policies, or the other types' `policy`.
 */
export function permissionStatements(r: SynthResource): Json[] {
  if (r.type === "aws_iam_role") return blocks(r.config.inline_policy).flatMap((p) => statements(parsePolicyDocument(p.policy)));
  return statements(parsePolicyDocument(r.config.policy));
}

export const PERMISSION_TYPES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"];
