import { list } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

const ALL = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** All five control-plane log types are on. */
export const EKS_003: PolicyRule = {
  id: "EKS-003",
  title: "All five control-plane log types are sent to CloudWatch",
  description:
    "Audit and authenticator logs are what an incident review needs. Mirrors Checkov CKV_AWS_37 and Trivy AWS-0038; CIS EKS 2.1.1.",
  mirrors: ["CKV_AWS_37", "AWS-0038"],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: `set enabled_cluster_log_types to ${ALL.join(", ")}`,
  check: (r) => {
    const enabled = list(r.config.enabled_cluster_log_types);
    const missing = ALL.filter((t) => !enabled.includes(t));
    return missing.length === 0 ? COMPLIANT : nonCompliant(`does not log ${missing.join(", ")}`);
  },
};
