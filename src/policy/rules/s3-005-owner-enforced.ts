import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** ACLs are disabled: the bucket owner owns every object. */
export const S3_005: PolicyRule = {
  id: "S3-005",
  title: "S3 buckets disable ACLs (BucketOwnerEnforced)",
  description: "With ACLs off, access is decided by policies only. Mirrors Checkov CKV2_AWS_65.",
  mirrors: ["CKV2_AWS_65"],
  level: "error",
  resourceTypes: ["aws_s3_bucket"],
  fix: 'add aws_s3_bucket_ownership_controls with rule { object_ownership = "BucketOwnerEnforced" }',
  check: (r, ctx) => {
    const enforced = ctx
      .referencing("aws_s3_bucket_ownership_controls", r)
      .some((o) => block(o.config.rule)?.object_ownership === "BucketOwnerEnforced");
    return enforced ? COMPLIANT : nonCompliant("does not enforce BucketOwnerEnforced ownership");
  },
};
