import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";
import { at, KARPENTER_OBJECT_TYPES, karpenterObject } from "./krp-shared";

/** What LT-001, LT-002 and LT-003 require of launch templates, for the ones Karpenter makes. */
export const KRP_003: PolicyRule = {
  id: "KRP-003",
  title: "A Karpenter EC2NodeClass requires IMDSv2 with hop limit 1 and encrypts every volume",
  description:
    "Karpenter writes the launch templates of its nodes from the EC2NodeClass, out of the pack's reach: the class itself must say what LT-001, LT-002 and LT-003 ask of the node groups' templates. Mirrors Checkov CKV_AWS_79 and CKV_AWS_341.",
  mirrors: ["CKV_AWS_79", "CKV_AWS_341"],
  level: "error",
  resourceTypes: KARPENTER_OBJECT_TYPES,
  fix: "set spec.metadataOptions (httpTokens required, httpPutResponseHopLimit 1) and encrypted: true on every blockDeviceMappings entry",
  check: (r) => {
    const nodeClass = karpenterObject(r, "EC2NodeClass");
    if (!nodeClass) return NOT_APPLICABLE;
    const problems: string[] = [];
    const imds = at(nodeClass, "spec", "metadataOptions");
    if (at(imds, "httpTokens") !== "required") problems.push("does not require IMDSv2 (spec.metadataOptions.httpTokens)");
    if (at(imds, "httpPutResponseHopLimit") !== 1) problems.push("does not set spec.metadataOptions.httpPutResponseHopLimit to 1");
    const devices = at(nodeClass, "spec", "blockDeviceMappings");
    if (!Array.isArray(devices) || devices.length === 0) problems.push("leaves its volumes to the AMI (no spec.blockDeviceMappings)");
    else if (devices.some((d) => at(d, "ebs", "encrypted") !== true)) problems.push("has a volume without encrypted: true");
    return problems.length === 0 ? COMPLIANT : nonCompliant(problems.join("; "));
  },
};
