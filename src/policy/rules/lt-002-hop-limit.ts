import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Containers cannot reach the node's instance role through IMDS. */
export const LT_002: PolicyRule = {
  id: "LT-002",
  title: "The IMDS response hop limit is 1",
  description:
    "A hop limit of 2 or more lets pods read the node role's credentials. Mirrors Checkov CKV_AWS_341; EKS best practices. Setting a group's metadataHopLimit to 2 is the explicit, suppressed opt-out.",
  mirrors: ["CKV_AWS_341"],
  level: "error",
  resourceTypes: ["aws_launch_template"],
  fix: "set metadata_options.http_put_response_hop_limit = 1 (metadataHopLimit in the node group config)",
  check: (r) => {
    const hop = block(r.config.metadata_options)?.http_put_response_hop_limit;
    if (hop === undefined) return nonCompliant("does not set http_put_response_hop_limit");
    return hop === 1 ? COMPLIANT : nonCompliant(`sets http_put_response_hop_limit to ${JSON.stringify(hop)}`);
  },
};
