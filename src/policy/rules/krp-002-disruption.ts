import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";
import { at, KARPENTER_OBJECT_TYPES, karpenterObject } from "./krp-shared";

/** Nodes are consolidated and, in time, replaced. */
export const KRP_002: PolicyRule = {
  id: "KRP-002",
  title: "A Karpenter NodePool consolidates its nodes and expires them",
  description:
    "Without consolidation, nodes emptied by scale-downs keep running and billing; without expiry, a node lives until something else removes it, so it never gets a newer AMI or the patches of its release.",
  mirrors: [],
  level: "warning",
  resourceTypes: KARPENTER_OBJECT_TYPES,
  fix: 'set karpenter.nodePool.consolidateAfter and expireAfter to durations, not "Never"',
  check: (r) => {
    const pool = karpenterObject(r, "NodePool");
    if (!pool) return NOT_APPLICABLE;
    const off: string[] = [];
    if (at(pool, "spec", "disruption", "consolidateAfter") === "Never")
      off.push("never consolidates (spec.disruption.consolidateAfter Never)");
    if (at(pool, "spec", "template", "spec", "expireAfter") === "Never")
      off.push("never expires its nodes (spec.template.spec.expireAfter Never)");
    return off.length === 0 ? COMPLIANT : nonCompliant(off.join(" and "));
  },
};
