import { list, parsePolicyDocument, statements } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const KMS_002: PolicyRule = {
  id: "KMS-002",
  title: "KMS key policies never allow every principal without conditions",
  description: "A key usable by any principal protects nothing. Mirrors Checkov CKV_AWS_33.",
  mirrors: ["CKV_AWS_33"],
  level: "error",
  resourceTypes: ["aws_kms_key"],
  fix: "name the principals (the account root, services with conditions)",
  check: (r) => {
    if (r.config.policy === undefined) return COMPLIANT; // the default key policy: the account only
    for (const s of statements(parsePolicyDocument(r.config.policy))) {
      const p = s.Principal;
      const everyone = p === "*" || list((p as Record<string, unknown> | undefined)?.AWS).includes("*");
      if (s.Effect === "Allow" && everyone && !s.Condition) return nonCompliant('allows Principal "*" without conditions');
    }
    return COMPLIANT;
  },
};
