import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Admin access is granted explicitly, not to whoever created the cluster. */
export const EKS_006: PolicyRule = {
  id: "EKS-006",
  title: "The cluster creator gets no implicit admin rights; access is set explicitly",
  description:
    "bootstrap_cluster_creator_admin_permissions defaults to true in the API and is create-time only; explicit access entries are auditable. EKS best practices (IAM: remove the cluster-admin permissions of the creator).",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: "set access_config { authentication_mode, bootstrap_cluster_creator_admin_permissions = false } and list admins in eks.admins",
  check: (r) => {
    const access = block(r.config.access_config);
    if (!access) return nonCompliant("has no access_config");
    if (access.bootstrap_cluster_creator_admin_permissions !== false)
      return nonCompliant("gives the cluster creator admin rights (bootstrap_cluster_creator_admin_permissions is not false)");
    return COMPLIANT;
  },
};
