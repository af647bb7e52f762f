import { list, parsePolicyDocument, statements } from "../context";
import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from "../types";

/** The Fargate pod execution role can be used only by this cluster's profiles. */
export const IAM_005: PolicyRule = {
  id: "IAM-005",
  title: "Fargate pod execution roles are scoped to the cluster's profiles",
  description:
    "The EKS user guide's trust policy conditions aws:SourceArn on the cluster's fargateprofile ARNs (confused-deputy protection); no scanner id.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_iam_role"],
  fix: 'add Condition ArnLike { "aws:SourceArn": "arn:aws:eks:<region>:<account>:fargateprofile/<cluster>/*" }',
  check: (r) => {
    const fargate = statements(parsePolicyDocument(r.config.assume_role_policy)).filter((s) =>
      list((s.Principal as Record<string, unknown> | undefined)?.Service).includes("eks-fargate-pods.amazonaws.com"),
    );
    if (fargate.length === 0) return NOT_APPLICABLE;
    for (const s of fargate) {
      const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
      const source = cond.ArnLike?.["aws:SourceArn"] ?? cond.ArnEquals?.["aws:SourceArn"];
      if (!source || !list(source).every((v) => /:fargateprofile\/[^*/]+\//.test(v))) {
        return nonCompliant("trusts eks-fargate-pods.amazonaws.com without an aws:SourceArn condition on one cluster's profiles");
      }
    }
    return COMPLIANT;
  },
};
