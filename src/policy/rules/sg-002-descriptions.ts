import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

const TYPES = [
  "aws_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
];

export const SG_002: PolicyRule = {
  id: "SG-002",
  title: "Security groups and their rules say why they exist",
  description: "A rule without a description is a rule nobody dares remove. Mirrors Checkov CKV_AWS_23 and Trivy AWS-0099/AWS-0124.",
  mirrors: ["CKV_AWS_23", "AWS-0099", "AWS-0124"],
  level: "warning",
  resourceTypes: TYPES,
  fix: "set description",
  check: (r) =>
    typeof r.config.description === "string" && r.config.description.trim() !== "" ? COMPLIANT : nonCompliant("has no description"),
};
