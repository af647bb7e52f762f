import { block, list } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** A node group's SSH key is only usable from named security groups. */
export const NG_002: PolicyRule = {
  id: "NG-002",
  title: "Managed node groups allow no SSH from anywhere",
  description: "remote_access with a key but no source security groups opens port 22 to 0.0.0.0/0. Mirrors Checkov CKV_AWS_100.",
  mirrors: ["CKV_AWS_100"],
  level: "error",
  resourceTypes: ["aws_eks_node_group"],
  fix: "drop remote_access (use SSM Session Manager), or give source_security_group_ids",
  check: (r) => {
    const remote = block(r.config.remote_access);
    if (!remote) return COMPLIANT;
    return list(remote.source_security_group_ids).length > 0
      ? COMPLIANT
      : nonCompliant("opens SSH to 0.0.0.0/0 (remote_access without source_security_group_ids)");
  },
};
