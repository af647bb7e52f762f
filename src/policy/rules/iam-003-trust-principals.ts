import { list, parsePolicyDocument, statements } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Roles trust named principals, never everyone or a whole account. */
export const IAM_003: PolicyRule = {
  id: "IAM-003",
  title: "IAM roles trust named principals, never * or a whole account",
  description: "Mirrors Checkov CKV_AWS_60 (public assume) and CKV_AWS_61 (assume from a whole account).",
  mirrors: ["CKV_AWS_60", "CKV_AWS_61"],
  level: "error",
  resourceTypes: ["aws_iam_role"],
  fix: "trust a service, a specific role ARN, or an OIDC provider with conditions",
  check: (r) => {
    const stmts = statements(parsePolicyDocument(r.config.assume_role_policy));
    if (stmts.length === 0) return nonCompliant("has no readable trust policy");
    for (const s of stmts.filter((x) => x.Effect === "Allow")) {
      const principal = s.Principal;
      if (principal === "*") return nonCompliant('trusts Principal "*"');
      const aws = list((principal as Record<string, unknown> | undefined)?.AWS);
      if (aws.includes("*")) return nonCompliant('trusts Principal AWS "*"');
      const account = aws.find((p) => /^\d{12}$/.test(p) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(p));
      if (account && !s.Condition) return nonCompliant(`trusts the whole account ${account} without conditions`);
    }
    return COMPLIANT;
  },
};
