import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const VPC_002: PolicyRule = {
  id: "VPC-002",
  title: "Subnets do not assign public IPs at launch",
  description:
    "Only load balancers and NAT gateways live in public subnets, and they get their addresses explicitly. Mirrors Checkov CKV_AWS_130 and Trivy AWS-0164.",
  mirrors: ["CKV_AWS_130", "AWS-0164"],
  level: "error",
  resourceTypes: ["aws_subnet"],
  fix: "set map_public_ip_on_launch = false",
  check: (r) => (r.config.map_public_ip_on_launch === true ? nonCompliant("assigns public IPs at launch") : COMPLIANT),
};
