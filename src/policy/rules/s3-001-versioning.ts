import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Buckets keep old versions (state recovery). */
export const S3_001: PolicyRule = {
  id: "S3-001",
  title: "S3 buckets have versioning enabled",
  description:
    "Terraform's S3 backend docs 'highly recommend' versioning to recover a corrupted or overwritten state. Mirrors Checkov CKV_AWS_21 and Trivy AWS-0090.",
  mirrors: ["CKV_AWS_21", "AWS-0090"],
  level: "error",
  resourceTypes: ["aws_s3_bucket"],
  fix: 'add aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }',
  check: (r, ctx) => {
    const enabled = ctx
      .referencing("aws_s3_bucket_versioning", r)
      .some((v) => block(v.config.versioning_configuration)?.status === "Enabled");
    return enabled ? COMPLIANT : nonCompliant("has no aws_s3_bucket_versioning with status Enabled");
  },
};
