import { list, valueText } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";
import { PERMISSION_TYPES, permissionStatements } from "./iam-shared";

/** No policy grants a whole service on every resource (the Finleap post's elasticloadbalancing:*). */
export const IAM_002: PolicyRule = {
  id: "IAM-002",
  title: 'IAM policies never allow a whole service ("s3:*", "iam:*") on Resource "*"',
  description: "Mirrors Checkov CKV2_AWS_40 and CKV_AWS_355 (restrictable actions on *) and Trivy AWS-0057.",
  mirrors: ["CKV2_AWS_40", "CKV_AWS_355", "AWS-0057"],
  level: "error",
  resourceTypes: PERMISSION_TYPES,
  fix: "list the actions, or scope the resources",
  check: (r) => {
    const stmts = permissionStatements(r);
    for (const s of stmts) {
      if (s.Effect !== "Allow" || !list(s.Resource).includes("*")) continue;
      const wild = list(s.Action).find((a) => /^[a-z0-9-]+:\*$/.test(a));
      if (wild) return nonCompliant(`allows ${wild} on Resource "*"${s.Sid ? ` in statement ${valueText(s.Sid)}` : ""}`);
    }
    return COMPLIANT;
  },
};
