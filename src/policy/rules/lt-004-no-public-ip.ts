import { blocks } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Nodes get no public IP address. */
export const LT_004: PolicyRule = {
  id: "LT-004",
  title: "Launch templates give no public IP address",
  description: "Nodes belong in private subnets behind NAT. Mirrors Checkov CKV_AWS_88; CIS EKS 5.4.3.",
  mirrors: ["CKV_AWS_88"],
  level: "error",
  resourceTypes: ["aws_launch_template"],
  fix: 'set network_interfaces.associate_public_ip_address = "false" (or leave network interfaces to the node group)',
  check: (r) => {
    const open = blocks(r.config.network_interfaces).some((n) => String(n.associate_public_ip_address) === "true");
    return open ? nonCompliant("associates a public IP address") : COMPLIANT;
  },
};
