import { block, blocks } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Buckets encrypt by default with KMS. */
export const S3_002: PolicyRule = {
  id: "S3-002",
  title: "S3 buckets encrypt by default with a KMS key",
  description:
    "SSE-KMS adds a second, auditable permission (kms:Decrypt) on top of S3 access. Mirrors Checkov CKV_AWS_19/CKV_AWS_145 and Trivy AWS-0088/AWS-0132.",
  mirrors: ["CKV_AWS_19", "CKV_AWS_145", "AWS-0088", "AWS-0132"],
  level: "error",
  resourceTypes: ["aws_s3_bucket"],
  fix: 'add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" and kms_master_key_id',
  check: (r, ctx) => {
    const configs = ctx.referencing("aws_s3_bucket_server_side_encryption_configuration", r);
    if (configs.length === 0) return nonCompliant("has no server-side encryption configuration");
    const byDefault = configs.flatMap((c) => blocks(c.config.rule)).map((rule) => block(rule.apply_server_side_encryption_by_default));
    if (!byDefault.some((d) => d?.sse_algorithm === "aws:kms" && typeof d.kms_master_key_id === "string")) {
      return nonCompliant("does not encrypt with aws:kms and a customer key");
    }
    return COMPLIANT;
  },
};
