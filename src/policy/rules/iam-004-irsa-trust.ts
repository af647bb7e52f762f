import { list, parsePolicyDocument, statements } from "../context";
import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

/** GitHub's OIDC issuer: its subjects name a repository, never a service account. */
const GITHUB_ISSUER = "token.actions.githubusercontent.com";

/** Web-identity roles trust one subject, with the STS audience: one service account (IRSA) or one GitHub Actions subject. */
export const IAM_004: PolicyRule = {
  id: "IAM-004",
  title: "Web-identity roles trust exactly one subject (a service account, or one GitHub Actions subject), with sub and aud conditions",
  description:
    "Without a sub condition every pod of the cluster, or every repository on GitHub, can assume the role; the Fargate post's controller role had no aud condition. EKS best practices (scope the IRSA trust policy), GitHub's OIDC hardening guide; no scanner id.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_iam_role"],
  fix: 'add StringEquals { "<issuer>:sub": "system:serviceaccount:<ns>:<sa>" (or one "repo:<owner>/<name>:..." for GitHub), "<issuer>:aud": "sts.amazonaws.com" }',
  check: (r) => {
    const web = statements(parsePolicyDocument(r.config.assume_role_policy)).filter((s) =>
      list(s.Action).includes("sts:AssumeRoleWithWebIdentity"),
    );
    if (web.length === 0) return NOT_APPLICABLE;
    for (const s of web) {
      const eq = (s.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals ?? {};
      const sub = Object.entries(eq).find(([k]) => k.endsWith(":sub"));
      const aud = Object.entries(eq).find(([k]) => k.endsWith(":aud"));
      if (!sub) return nonCompliant("trusts web identities without a StringEquals :sub condition (any service account could assume it)");
      const github = sub[0] === `${GITHUB_ISSUER}:sub`;
      const subjects = list(sub[1]);
      const exact = subjects.length === 1 && !subjects[0].includes("*") && !subjects[0].includes("?");
      if (github && !(exact && subjects[0].startsWith("repo:"))) {
        return nonCompliant(`trusts ${JSON.stringify(sub[1])}, not one GitHub Actions subject ("repo:<owner>/<name>:...")`);
      }
      if (!github && !(exact && subjects[0].startsWith("system:serviceaccount:"))) {
        return nonCompliant(`trusts ${JSON.stringify(sub[1])}, not one service account`);
      }
      if (!aud || !list(aud[1]).every((v) => v === "sts.amazonaws.com"))
        return nonCompliant("has no :aud condition limited to sts.amazonaws.com");
    }
    return COMPLIANT;
  },
};
