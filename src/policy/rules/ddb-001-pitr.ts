import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Tables can be restored to any second of the last 35 days. */
export const DDB_001: PolicyRule = {
  id: "DDB-001",
  title: "DynamoDB tables have point-in-time recovery",
  description:
    "Mirrors Checkov CKV_AWS_28 and Trivy AWS-0024. Turning it off for an app table (tables.<name>.pointInTimeRecovery: false) is the explicit, suppressed opt-out.",
  mirrors: ["CKV_AWS_28", "AWS-0024"],
  level: "error",
  resourceTypes: ["aws_dynamodb_table"],
  fix: "set point_in_time_recovery { enabled = true }",
  check: (r) => (block(r.config.point_in_time_recovery)?.enabled === true ? COMPLIANT : nonCompliant("has no point-in-time recovery")),
};
