import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, "an AWS access key id"],
  [/aws_secret_access_key|AWS_SECRET_ACCESS_KEY/, "an AWS secret access key"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
];

/** User data carries no credentials (it is readable by anyone who can describe the template). */
export const LT_005: PolicyRule = {
  id: "LT-005",
  title: "Launch template user data holds no secrets",
  description:
    "User data is visible to anyone allowed to describe the template and to every process on the node through IMDS. Mirrors Checkov CKV_AWS_46 and Trivy AWS-0129.",
  mirrors: ["CKV_AWS_46", "AWS-0129"],
  level: "error",
  resourceTypes: ["aws_launch_template"],
  fix: "pass credentials through the node's IAM role, never user data",
  check: (r) => {
    const text = typeof r.config.user_data === "string" ? r.config.user_data : "";
    const hit = SECRET_PATTERNS.find(([re]) => re.test(text));
    return hit ? nonCompliant(`has ${hit[1]} in its user data`) : COMPLIANT;
  },
};
