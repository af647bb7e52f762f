import { list, parsePolicyDocument, statements } from "../context";
import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

/** IRSA roles trust one service account, with the STS audience. */
export const IAM_004: PolicyRule = {
  id: "IAM-004",
  title: "IRSA roles trust exactly one service account, with sub and aud conditions",
  description:
    "Without a sub condition every pod of the cluster can assume the role; the Fargate post's controller role had no aud condition. EKS best practices (scope the IRSA trust policy); no scanner id.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_iam_role"],
  fix: 'add StringEquals { "<issuer>:sub": "system:serviceaccount:<ns>:<sa>", "<issuer>:aud": "sts.amazonaws.com" }',
  check: (r) => {
    if (r.type !== "aws_iam_role") return NOT_APPLICABLE;
    const web = statements(parsePolicyDocument(r.config.assume_role_policy)).filter((s) =>
      list(s.Action).includes("sts:AssumeRoleWithWebIdentity"),
    );
    if (web.length === 0) return NOT_APPLICABLE;
    for (const s of web) {
      const eq = (s.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals ?? {};
      const sub = Object.entries(eq).find(([k]) => k.endsWith(":sub"));
      const aud = Object.entries(eq).find(([k]) => k.endsWith(":aud"));
      if (!sub) return nonCompliant("trusts web identities without a StringEquals :sub condition (any service account could assume it)");
      if (list(sub[1]).some((v) => v.includes("*") || v.includes("?") || !v.startsWith("system:serviceaccount:"))) {
        return nonCompliant(`trusts ${JSON.stringify(sub[1])}, not one service account`);
      }
      if (!aud || !list(aud[1]).every((v) => v === "sts.amazonaws.com"))
        return nonCompliant("has no :aud condition limited to sts.amazonaws.com");
    }
    return COMPLIANT;
  },
};
