import { block } from "../context";
import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

const STATE_TYPES = ["aws_s3_bucket", "aws_dynamodb_table", "aws_kms_key"];

/** The state bucket, lock table and state key cannot be destroyed by a plan. */
export const TF_001: PolicyRule = {
  id: "TF-001",
  title: "The state backend's bucket, lock table and key have prevent_destroy",
  description:
    "Destroying them loses every environment's state. No scanner checks lifecycle.prevent_destroy. Applies to the <env>-backend stacks.",
  mirrors: [],
  level: "error",
  resourceTypes: STATE_TYPES,
  fix: "set lifecycle { prevent_destroy = true } (the StateBackend construct does)",
  check: (r, ctx) => {
    if (!ctx.stack.endsWith("-backend")) return NOT_APPLICABLE;
    return block(r.config.lifecycle)?.prevent_destroy === true ? COMPLIANT : nonCompliant("has no lifecycle.prevent_destroy");
  },
};
