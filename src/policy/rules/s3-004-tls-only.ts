import { list, parsePolicyDocument, statements } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** The bucket policy refuses plain-HTTP requests. */
export const S3_004: PolicyRule = {
  id: "S3-004",
  title: "S3 buckets deny requests without TLS",
  description:
    "A Deny on aws:SecureTransport = false keeps state off the wire in clear text. No scanner checks this (Checkov CKV_AWS_379 only covers public ACLs); cloudposse's tfstate-backend does it.",
  mirrors: [],
  level: "error",
  resourceTypes: ["aws_s3_bucket"],
  fix: 'add a bucket policy statement: Effect Deny, Principal "*", Action "s3:*", Condition Bool aws:SecureTransport "false"',
  check: (r, ctx) => {
    for (const policy of ctx.referencing("aws_s3_bucket_policy", r)) {
      const denies = statements(parsePolicyDocument(policy.config.policy)).some((s) => {
        const cond = (s.Condition as Record<string, Record<string, unknown>> | undefined)?.Bool?.["aws:SecureTransport"];
        return s.Effect === "Deny" && list(s.Action).some((a) => a === "s3:*" || a === "*") && String(cond) === "false";
      });
      if (denies) return COMPLIANT;
    }
    return nonCompliant("has no bucket policy denying requests where aws:SecureTransport is false");
  },
};
