import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** The VPC's default security group allows nothing. */
export const SG_003: PolicyRule = {
  id: "SG-003",
  title: "Each VPC's default security group is managed and allows nothing",
  description:
    "The default group allows all traffic between its members; anything launched without a group lands in it. Mirrors Checkov CKV2_AWS_12 and Trivy AWS-0173.",
  mirrors: ["CKV2_AWS_12", "AWS-0173"],
  level: "error",
  resourceTypes: ["aws_vpc"],
  fix: "add aws_default_security_group for the VPC with no ingress or egress blocks",
  check: (r, ctx) => {
    const sg = ctx.referencing("aws_default_security_group", r)[0];
    if (!sg) return nonCompliant("has no aws_default_security_group locking its default group down");
    return sg.config.ingress || sg.config.egress ? nonCompliant(`lets ${sg.address} keep rules`) : COMPLIANT;
  },
};
