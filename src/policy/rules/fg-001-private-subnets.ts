import { privateSubnetsProblem } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const FG_001: PolicyRule = {
  id: "FG-001",
  title: "Fargate profiles use private subnets only",
  description: "EKS rejects subnets that route to an internet gateway, after a long create. EKS user guide (Fargate profiles).",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_eks_fargate_profile"],
  fix: "use the VPC's private subnets",
  check: (r, ctx) => {
    const problem = privateSubnetsProblem(r.config.subnet_ids, ctx);
    return problem ? nonCompliant(problem) : COMPLIANT;
  },
};
