import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/** All four public-access blocks are on. */
export const S3_003: PolicyRule = {
  id: "S3-003",
  title: "S3 buckets block all public access",
  description:
    "Terraform state holds secrets; one public ACL or policy exposes them. Mirrors Checkov CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56, CKV2_AWS_6 and Trivy AWS-0086, AWS-0087, AWS-0091, AWS-0093, AWS-0094.",
  mirrors: [
    "CKV_AWS_53",
    "CKV_AWS_54",
    "CKV_AWS_55",
    "CKV_AWS_56",
    "CKV2_AWS_6",
    "AWS-0086",
    "AWS-0087",
    "AWS-0091",
    "AWS-0093",
    "AWS-0094",
  ],
  level: "error",
  resourceTypes: ["aws_s3_bucket"],
  fix: `add aws_s3_bucket_public_access_block with ${FLAGS.join(", ")} = true`,
  check: (r, ctx) => {
    const pab = ctx.referencing("aws_s3_bucket_public_access_block", r)[0];
    if (!pab) return nonCompliant("has no aws_s3_bucket_public_access_block");
    const off = FLAGS.filter((f) => pab.config[f] !== true);
    return off.length === 0 ? COMPLIANT : nonCompliant(`does not set ${off.join(", ")}`);
  },
};
