import { blocks } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const ECR_003: PolicyRule = {
  id: "ECR-003",
  title: "ECR repositories are encrypted with a customer KMS key",
  description: "Mirrors Checkov CKV_AWS_136 and Trivy AWS-0033.",
  mirrors: ["CKV_AWS_136", "AWS-0033"],
  level: "error",
  resourceTypes: ["aws_ecr_repository"],
  fix: 'set encryption_configuration { encryption_type = "KMS", kms_key = <customer key> }',
  check: (r) => {
    const enc = blocks(r.config.encryption_configuration)[0];
    return enc?.encryption_type === "KMS" && typeof enc.kms_key === "string"
      ? COMPLIANT
      : nonCompliant("is not encrypted with a customer KMS key");
  },
};
