import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const ECR_004: PolicyRule = {
  id: "ECR-004",
  title: "ECR repositories have a lifecycle policy",
  description: "Untagged and old images otherwise accumulate (and keep old vulnerabilities pullable). Registry hygiene; no scanner id.",
  mirrors: [],
  level: "warning",
  resourceTypes: ["aws_ecr_repository"],
  fix: "add aws_ecr_lifecycle_policy for the repository",
  check: (r, ctx) => (ctx.referencing("aws_ecr_lifecycle_policy", r).length > 0 ? COMPLIANT : nonCompliant("has no lifecycle policy")),
};
