import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

export const VPC_001: PolicyRule = {
  id: "VPC-001",
  title: "Every VPC has flow logs",
  description: "Mirrors Checkov CKV2_AWS_11 and Trivy AWS-0178. vpc.flowLogs.enabled: false is the explicit, suppressed opt-out.",
  mirrors: ["CKV2_AWS_11", "AWS-0178"],
  level: "error",
  resourceTypes: ["aws_vpc"],
  fix: "keep vpc.flowLogs.enabled (the default)",
  check: (r, ctx) => {
    if (r.type !== "aws_vpc") return NOT_APPLICABLE;
    return ctx.referencing("aws_flow_log", r).length > 0 ? COMPLIANT : nonCompliant("has no aws_flow_log");
  },
};
