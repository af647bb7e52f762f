import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

const TYPES = [
  "aws_iam_role_policy_attachment",
  "aws_iam_policy_attachment",
  "aws_iam_user_policy_attachment",
  "aws_iam_group_policy_attachment",
];

export const IAM_006: PolicyRule = {
  id: "IAM-006",
  title: "Nothing attaches AdministratorAccess",
  description: "AdministratorAccess on a node, pod or CI role turns any compromise into account takeover. Mirrors Checkov CKV_AWS_274.",
  mirrors: ["CKV_AWS_274"],
  level: "error",
  resourceTypes: TYPES,
  fix: "attach a policy with the actions the role needs",
  check: (r) =>
    /:policy\/AdministratorAccess$/.test(String(r.config.policy_arn)) ? nonCompliant("attaches AdministratorAccess") : COMPLIANT,
};
