import { privateSubnetsProblem } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Managed node groups run in private subnets. */
export const NG_001: PolicyRule = {
  id: "NG-001",
  title: "Managed node groups run in private subnets",
  description:
    "Nodes in public subnets are one security-group mistake away from the internet. CIS EKS 5.4.3; EKS best practices (deploy workers onto private subnets).",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_eks_node_group"],
  fix: "use the VPC's private subnets (the EksWorkerNodes construct always does)",
  check: (r, ctx) => {
    const problem = privateSubnetsProblem(r.config.subnet_ids, ctx);
    return problem ? nonCompliant(problem) : COMPLIANT;
  },
};
