import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const LOG_001: PolicyRule = {
  id: "LOG-001",
  title: "Log groups set their retention",
  description: "Without it, logs are kept (and billed) forever by accident. Mirrors Checkov CKV_AWS_66.",
  mirrors: ["CKV_AWS_66"],
  level: "error",
  resourceTypes: ["aws_cloudwatch_log_group"],
  fix: "set retention_in_days (0 only when never expiring is intended)",
  check: (r) => (typeof r.config.retention_in_days === "number" ? COMPLIANT : nonCompliant("does not set retention_in_days")),
};
