import { blocks } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Nodes carry the cluster's ownership tag from launch. */
export const ASG_003: PolicyRule = {
  id: "ASG-003",
  title: "Autoscaling groups propagate the kubernetes.io/cluster tag to their instances",
  description:
    "EKS and the load balancer controller find a cluster's nodes by kubernetes.io/cluster/<name> = owned; the first blog post's author lost hours to a missing tag. Extends Checkov CKV_AWS_153 (tags present).",
  mirrors: ["CKV_AWS_153"],
  level: "error",
  resourceTypes: ["aws_autoscaling_group"],
  fix: 'add tag { key = "kubernetes.io/cluster/<cluster>", value = "owned", propagate_at_launch = true }',
  check: (r) => {
    const tag = blocks(r.config.tag).find((t) => String(t.key).startsWith("kubernetes.io/cluster/"));
    if (!tag) return nonCompliant("has no kubernetes.io/cluster/<cluster> tag");
    if (tag.propagate_at_launch !== true) return nonCompliant(`does not propagate ${String(tag.key)} at launch`);
    return tag.value === "owned" ? COMPLIANT : nonCompliant(`tags ${String(tag.key)} as ${JSON.stringify(tag.value)}, not "owned"`);
  },
};
