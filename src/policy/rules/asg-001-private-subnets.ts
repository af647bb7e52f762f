import { privateSubnetsProblem } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Self-managed node groups run in private subnets. */
export const ASG_001: PolicyRule = {
  id: "ASG-001",
  title: "Autoscaling groups run in private subnets",
  description: "The first blog post ran its nodes in public subnets with public IPs. CIS EKS 5.4.3; EKS best practices.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_autoscaling_group"],
  fix: "set vpc_zone_identifier to the private subnets",
  check: (r, ctx) => {
    const problem = privateSubnetsProblem(r.config.vpc_zone_identifier, ctx);
    return problem ? nonCompliant(problem) : COMPLIANT;
  },
};
