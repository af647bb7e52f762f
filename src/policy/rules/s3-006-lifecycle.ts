import { block, blocks } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Old versions and failed uploads do not pile up. */
export const S3_006: PolicyRule = {
  id: "S3-006",
  title: "Versioned S3 buckets expire noncurrent versions and abort failed uploads",
  description: "Every apply adds a state version and every lock a delete marker. Mirrors Checkov CKV2_AWS_61 and CKV_AWS_300.",
  mirrors: ["CKV2_AWS_61", "CKV_AWS_300"],
  level: "warning",
  resourceTypes: ["aws_s3_bucket"],
  fix: "add aws_s3_bucket_lifecycle_configuration with noncurrent_version_expiration and abort_incomplete_multipart_upload",
  check: (r, ctx) => {
    const rules = ctx
      .referencing("aws_s3_bucket_lifecycle_configuration", r)
      .flatMap((l) => blocks(l.config.rule))
      .filter((x) => x.status === "Enabled");
    const expires = rules.some((x) => block(x.noncurrent_version_expiration));
    const aborts = rules.some((x) => block(x.abort_incomplete_multipart_upload));
    if (expires && aborts) return COMPLIANT;
    return nonCompliant(
      `has no enabled lifecycle rule that ${[!expires && "expires noncurrent versions", !aborts && "aborts incomplete uploads"].filter(Boolean).join(" or ")}`,
    );
  },
};
