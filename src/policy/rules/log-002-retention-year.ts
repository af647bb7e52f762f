import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

export const LOG_002: PolicyRule = {
  id: "LOG-002",
  title: "Log groups keep at least a year of logs",
  description:
    "Incident timelines and audits often reach back months. Mirrors Checkov CKV_AWS_338. A warning: shorter retention in development is a fair cost choice.",
  mirrors: ["CKV_AWS_338"],
  level: "warning",
  resourceTypes: ["aws_cloudwatch_log_group"],
  fix: "set retention_in_days to 365 or more (eks.logRetentionDays, vpc.flowLogs.retentionDays)",
  check: (r) => {
    const days = r.config.retention_in_days;
    if (typeof days !== "number") return NOT_APPLICABLE;
    return days === 0 || days >= 365 ? COMPLIANT : nonCompliant(`keeps logs for ${days} days`);
  },
};
