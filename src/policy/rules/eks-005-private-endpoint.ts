import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** The private endpoint is on, so nodes reach the API inside the VPC. */
export const EKS_005: PolicyRule = {
  id: "EKS-005",
  title: "The cluster's private API endpoint is on",
  description:
    "With the private endpoint off, nodes talk to the API over the internet through NAT. CIS EKS 5.4.2; the EKS user guide requires it when the public endpoint is off.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: "set vpc_config.endpoint_private_access = true",
  check: (r) =>
    block(r.config.vpc_config)?.endpoint_private_access === true ? COMPLIANT : nonCompliant("does not turn the private endpoint on"),
};
