import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Autoscaling groups launch from a template, never a launch configuration. */
export const ASG_002: PolicyRule = {
  id: "ASG-002",
  title: "Autoscaling groups use a launch template",
  description: "AWS accounts created since 2024-10-01 cannot create launch configurations at all. Mirrors Checkov CKV_AWS_315.",
  mirrors: ["CKV_AWS_315"],
  level: "error",
  resourceTypes: ["aws_autoscaling_group"],
  fix: "set launch_template { id, version } (or mixed_instances_policy.launch_template)",
  check: (r) => {
    if (r.config.launch_configuration !== undefined) return nonCompliant("uses a launch configuration");
    const mixed = block(block(r.config.mixed_instances_policy)?.launch_template);
    return block(r.config.launch_template) || mixed ? COMPLIANT : nonCompliant("has no launch template");
  },
};
