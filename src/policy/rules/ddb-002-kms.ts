import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Tables are encrypted with a customer-managed key. */
export const DDB_002: PolicyRule = {
  id: "DDB-002",
  title: "DynamoDB tables are encrypted with a customer KMS key",
  description: "Mirrors Checkov CKV_AWS_119 and Trivy AWS-0025 (which rejects the AWS-owned key).",
  mirrors: ["CKV_AWS_119", "AWS-0025"],
  level: "error",
  resourceTypes: ["aws_dynamodb_table"],
  fix: "set server_side_encryption { enabled = true, kms_key_arn = <customer key> }",
  check: (r) => {
    const sse = block(r.config.server_side_encryption);
    if (sse?.enabled !== true) return nonCompliant("does not enable server_side_encryption with a customer key");
    const key = sse.kms_key_arn;
    if (typeof key !== "string" || key === "" || key.includes("alias/aws/dynamodb"))
      return nonCompliant("has no customer KMS key (kms_key_arn)");
    return COMPLIANT;
  },
};
