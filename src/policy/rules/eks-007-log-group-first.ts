import { list } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** The control-plane log group exists, with retention, before the cluster writes to it. */
export const EKS_007: PolicyRule = {
  id: "EKS-007",
  title: "The control-plane log group is created first, by Terraform",
  description:
    "Otherwise EKS creates /aws/eks/<cluster>/cluster itself without retention, and Terraform later fails to create it. EKS best practices (detective controls); the Fargate post did this by hand.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: "define aws_cloudwatch_log_group /aws/eks/<cluster>/cluster and make the cluster depend on it",
  check: (r, ctx) => {
    const name = `/aws/eks/${String(r.config.name)}/cluster`;
    const group = ctx.resources.find((g) => g.type === "aws_cloudwatch_log_group" && g.config.name === name);
    if (!group) return nonCompliant(`has no aws_cloudwatch_log_group named ${name} in its stack`);
    if (!list(r.config.depends_on).includes(group.address)) return nonCompliant(`does not depend on ${group.address}`);
    return COMPLIANT;
  },
};
