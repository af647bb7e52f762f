import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

export const VPC_001: PolicyRule = {
  id: "VPC-001",
  title: "Every VPC has flow logs",
  description:
    "Mirrors Checkov CKV2_AWS_11 and Trivy AWS-0178. An existing VPC (vpc.existing) is judged through the cluster that runs in it: a flow log of the stack must log that VPC. vpc.flowLogs.enabled: false is the explicit, suppressed opt-out.",
  mirrors: ["CKV2_AWS_11", "AWS-0178"],
  level: "error",
  resourceTypes: ["aws_vpc", "aws_eks_cluster"],
  fix: "keep vpc.flowLogs.enabled (the default)",
  check: (r, ctx) => {
    if (r.type === "aws_vpc") return ctx.referencing("aws_flow_log", r).length > 0 ? COMPLIANT : nonCompliant("has no aws_flow_log");
    // A cluster: only in an existing VPC, which is no resource here (its id is declared).
    if (!ctx.network) return NOT_APPLICABLE;
    const vpcId = ctx.network.vpcId;
    const logged = ctx.resources.some((f) => f.type === "aws_flow_log" && f.config.vpc_id === vpcId);
    return logged ? COMPLIANT : nonCompliant(`runs in the existing VPC ${vpcId}, which no aws_flow_log of the stack logs`);
  },
};
