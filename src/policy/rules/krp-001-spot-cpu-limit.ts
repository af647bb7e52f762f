import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";
import { at, KARPENTER_OBJECT_TYPES, karpenterObject } from "./krp-shared";

/** Whether a NodePool's `karpenter.sh/capacity-type` requirement admits spot (none admits on-demand only). */
function admitsSpot(requirements: unknown): boolean {
  const list: unknown[] = Array.isArray(requirements) ? requirements : [];
  const req = list.find((q) => at(q, "key") === "karpenter.sh/capacity-type");
  if (req === undefined) return false;
  const values = at(req, "values");
  const listed = Array.isArray(values) && values.includes("spot");
  switch (at(req, "operator")) {
    case "In":
      return listed;
    case "NotIn":
      return !listed;
    case "Exists":
      return true;
    default:
      return false;
  }
}

/** Spot capacity comes with a ceiling. */
export const KRP_001: PolicyRule = {
  id: "KRP-001",
  title: "A Karpenter NodePool that may launch spot instances has a CPU limit",
  description:
    "Without spec.limits Karpenter launches as many nodes as pending pods ask for; with spot, every interruption and replacement adds to that churn. A CPU limit caps what a runaway deployment can cost.",
  mirrors: [],
  level: "error",
  resourceTypes: KARPENTER_OBJECT_TYPES,
  fix: "set karpenter.nodePool.cpuLimit (spec.limits.cpu), or allow only on-demand capacity",
  check: (r) => {
    const pool = karpenterObject(r, "NodePool");
    if (!pool) return NOT_APPLICABLE;
    if (!admitsSpot(at(pool, "spec", "template", "spec", "requirements"))) return COMPLIANT;
    const cpu = at(pool, "spec", "limits", "cpu");
    return cpu === undefined || cpu === null ? nonCompliant("may launch spot instances but sets no spec.limits.cpu") : COMPLIANT;
  },
};
