import { list, valueText } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";
import { PERMISSION_TYPES, permissionStatements } from "./iam-shared";

/** No policy allows every action. */
export const IAM_001: PolicyRule = {
  id: "IAM-001",
  title: 'IAM policies never allow Action "*"',
  description:
    'An Allow of "*" (on "*" it is full admin) defeats least privilege. Mirrors Checkov CKV_AWS_62/CKV_AWS_63 and Trivy AWS-0057.',
  mirrors: ["CKV_AWS_62", "CKV_AWS_63", "AWS-0057"],
  level: "error",
  resourceTypes: PERMISSION_TYPES,
  fix: "list the actions the principal needs",
  check: (r) => {
    const stmts = permissionStatements(r);
    const bad = stmts.find((s) => s.Effect === "Allow" && list(s.Action).some((a) => a === "*" || a === "*:*"));
    if (!bad) return COMPLIANT;
    return nonCompliant(
      `allows Action "*"${list(bad.Resource).includes("*") ? ' on Resource "*" (full admin)' : ""}${bad.Sid ? ` in statement ${valueText(bad.Sid)}` : ""}`,
    );
  },
};
