import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

export const KMS_001: PolicyRule = {
  id: "KMS-001",
  title: "KMS keys rotate yearly",
  description: "Mirrors Checkov CKV_AWS_7 and Trivy AWS-0065; EKS best practices (rotate your CMKs).",
  mirrors: ["CKV_AWS_7", "AWS-0065"],
  level: "error",
  resourceTypes: ["aws_kms_key"],
  fix: "set enable_key_rotation = true",
  check: (r) => {
    if (r.config.customer_master_key_spec !== undefined && r.config.customer_master_key_spec !== "SYMMETRIC_DEFAULT") return NOT_APPLICABLE;
    return r.config.enable_key_rotation === true ? COMPLIANT : nonCompliant("does not rotate");
  },
};
