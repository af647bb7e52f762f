import { blocks, list } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule, type SynthResource } from "../types";

const OPEN = ["0.0.0.0/0", "::/0"];
const TYPES = ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"];

function openIngress(r: SynthResource): string | undefined {
  switch (r.type) {
    case "aws_vpc_security_group_ingress_rule":
      return [r.config.cidr_ipv4, r.config.cidr_ipv6].find((c) => OPEN.includes(String(c))) as string | undefined;
    case "aws_security_group_rule":
      if (r.config.type !== "ingress") return undefined;
      return [...list(r.config.cidr_blocks), ...list(r.config.ipv6_cidr_blocks)].find((c) => OPEN.includes(c));
    case "aws_security_group":
      return blocks(r.config.ingress)
        .flatMap((i) => [...list(i.cidr_blocks), ...list(i.ipv6_cidr_blocks)])
        .find((c) => OPEN.includes(c));
    default:
      return undefined;
  }
}

/** Nothing is reachable from the whole internet through a security group. */
export const SG_001: PolicyRule = {
  id: "SG-001",
  title: "Security groups allow no ingress from 0.0.0.0/0 or ::/0",
  description:
    "Load balancers get their rules from the load balancer controller; nothing this project defines needs world-open ingress. Mirrors Checkov CKV_AWS_24, CKV_AWS_25, CKV_AWS_260, CKV_AWS_277 and Trivy AWS-0107.",
  mirrors: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "AWS-0107"],
  level: "error",
  resourceTypes: TYPES,
  fix: "allow a security group by reference, or your own CIDRs",
  check: (r) => {
    const cidr = openIngress(r);
    return cidr ? nonCompliant(`allows ingress from ${cidr}`) : COMPLIANT;
  },
};
