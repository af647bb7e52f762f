import { valueText } from "../context";
import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

/** When the environment chose a log key, every log group uses it. */
export const LOG_003: PolicyRule = {
  id: "LOG-003",
  title: "When a stack has a CloudWatch Logs key, every log group uses a KMS key",
  description:
    "Applies where logKmsEncryption is on (the stack defines a key whose policy serves CloudWatch Logs). Mirrors Checkov CKV_AWS_158 and Trivy AWS-0017.",
  mirrors: ["CKV_AWS_158", "AWS-0017"],
  level: "error",
  resourceTypes: ["aws_cloudwatch_log_group"],
  fix: "set kms_key_id to the environment's log key",
  check: (r, ctx) => {
    const chosen = ctx.resources.some(
      (k) => k.type === "aws_kms_key" && /logs\.[a-z0-9-]+\.amazonaws\.com/.test(valueText(k.config.policy ?? "")),
    );
    if (!chosen) return NOT_APPLICABLE;
    return typeof r.config.kms_key_id === "string"
      ? COMPLIANT
      : nonCompliant("has no kms_key_id although the environment encrypts its logs");
  },
};
