import { kubernetesVersionProblem, SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/eks-versions";
import { valueText } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** The cluster pins a Kubernetes version EKS still supports. */
export const EKS_004: PolicyRule = {
  id: "EKS-004",
  title: "The cluster pins a supported Kubernetes version",
  description:
    "An unpinned cluster gets whatever EKS defaults to, and versions past extended support are upgraded by AWS. Mirrors Checkov CKV_AWS_339 (with this project's maintained list, src/lib/eks-versions.ts).",
  mirrors: ["CKV_AWS_339"],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: `set version to one of ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
  check: (r) => {
    const v = r.config.version;
    if (v === undefined) return nonCompliant("does not pin a version");
    const problem = kubernetesVersionProblem(valueText(v));
    return problem ? nonCompliant(`pins ${JSON.stringify(v)}, which ${problem}`) : COMPLIANT;
  },
};
