import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Tables cannot be deleted by accident. */
export const DDB_003: PolicyRule = {
  id: "DDB-003",
  title: "DynamoDB tables have deletion protection",
  description:
    "Covers the state lock table and the app tables; no scanner checks it. tables.<name>.deletionProtection: false is the explicit, suppressed opt-out.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_dynamodb_table"],
  fix: "set deletion_protection_enabled = true",
  check: (r) => (r.config.deletion_protection_enabled === true ? COMPLIANT : nonCompliant("has no deletion protection")),
};
