import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const ECR_002: PolicyRule = {
  id: "ECR-002",
  title: "ECR repositories have immutable tags",
  description:
    "A pushed tag can never point at other code. Mirrors Checkov CKV_AWS_51 and Trivy AWS-0031. ecr.imageTagMutability: MUTABLE is the explicit, suppressed opt-out.",
  mirrors: ["CKV_AWS_51", "AWS-0031"],
  level: "error",
  resourceTypes: ["aws_ecr_repository"],
  fix: 'set image_tag_mutability = "IMMUTABLE"',
  check: (r) =>
    r.config.image_tag_mutability === "IMMUTABLE"
      ? COMPLIANT
      : nonCompliant(`has ${JSON.stringify(r.config.image_tag_mutability ?? "MUTABLE")} tags`),
};
