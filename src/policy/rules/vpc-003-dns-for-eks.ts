import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

export const VPC_003: PolicyRule = {
  id: "VPC-003",
  title: "A VPC with an EKS cluster has DNS support and DNS hostnames",
  description:
    "The private API endpoint resolves only with both on (EKS user guide, cluster endpoint access); the first blog post left hostnames off.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_vpc"],
  fix: "set enable_dns_support = true and enable_dns_hostnames = true",
  check: (r, ctx) => {
    if (!ctx.resources.some((c) => c.type === "aws_eks_cluster")) return NOT_APPLICABLE;
    const off = ["enable_dns_support", "enable_dns_hostnames"].filter((k) => r.config[k] !== true);
    return off.length === 0 ? COMPLIANT : nonCompliant(`does not set ${off.join(" and ")}`);
  },
};
