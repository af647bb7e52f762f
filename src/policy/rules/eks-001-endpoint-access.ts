import { block, isExpression } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** The API endpoint is private, or public only to an allow-list without 0.0.0.0/0. */
export const EKS_001: PolicyRule = {
  id: "EKS-001",
  title: "The cluster API endpoint is private, or public only to an explicit allow-list",
  description:
    "A public endpoint open to the internet exposes the Kubernetes API to every scanner. Mirrors Checkov CKV_AWS_38/CKV_AWS_39 and Trivy AWS-0040/AWS-0041.",
  mirrors: ["CKV_AWS_38", "CKV_AWS_39", "AWS-0040", "AWS-0041"],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: "keep eks.endpointPublicAccess false, or list your own ranges in eks.publicAccessCidrs",
  check: (r) => {
    const vpc = block(r.config.vpc_config);
    const publicAccess = vpc?.endpoint_public_access;
    if (publicAccess === false) return COMPLIANT;
    if (publicAccess === undefined)
      return nonCompliant("does not set vpc_config.endpoint_public_access (the EKS default is a public endpoint open to 0.0.0.0/0)");
    if (isExpression(publicAccess))
      return nonCompliant("sets endpoint_public_access from an expression that cannot be checked before apply");
    const cidrs = vpc?.public_access_cidrs;
    if (!Array.isArray(cidrs) || cidrs.length === 0)
      return nonCompliant("has a public endpoint without public_access_cidrs (an empty list means 0.0.0.0/0)");
    if (cidrs.some((c) => c === "0.0.0.0/0")) return nonCompliant("has a public endpoint open to 0.0.0.0/0");
    return COMPLIANT;
  },
};
