import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** EKS Auto Mode is all or nothing: compute, block storage and load balancing on together. */
export const EKS_008: PolicyRule = {
  id: "EKS-008",
  title: "EKS Auto Mode turns compute, block storage and load balancing on together",
  description:
    "The EKS API refuses a cluster whose Auto Mode compute, block storage and elastic load balancing settings differ, after the create has begun; with node pools it also needs the node role.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: "set compute_config.enabled, storage_config.block_storage.enabled and kubernetes_network_config.elastic_load_balancing.enabled to the same value (eks.autoMode does)",
  check: (r) => {
    const compute = block(r.config.compute_config);
    const storage = block(block(r.config.storage_config)?.block_storage);
    const balancing = block(block(r.config.kubernetes_network_config)?.elastic_load_balancing);
    const on = [compute?.enabled, storage?.enabled, balancing?.enabled].map((v) => v === true);
    if (on.every((v) => !v)) return COMPLIANT;
    if (!on.every(Boolean)) {
      return nonCompliant(`turns Auto Mode on only partly (compute ${on[0]}, block storage ${on[1]}, load balancing ${on[2]})`);
    }
    const pools = compute?.node_pools;
    if (Array.isArray(pools) && pools.length > 0 && !compute?.node_role_arn)
      return nonCompliant("has Auto Mode node pools but no node_role_arn");
    return COMPLIANT;
  },
};
