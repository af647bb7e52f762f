import { block, list } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Kubernetes Secrets are envelope-encrypted with a KMS key. */
export const EKS_002: PolicyRule = {
  id: "EKS-002",
  title: "Kubernetes Secrets are envelope-encrypted with a customer KMS key",
  description:
    "Without envelope encryption, Secrets in etcd are protected only by EBS encryption. Mirrors Checkov CKV_AWS_58 and Trivy AWS-0039; CIS EKS 5.3.1.",
  mirrors: ["CKV_AWS_58", "AWS-0039"],
  level: "error",
  resourceTypes: ["aws_eks_cluster"],
  fix: 'set encryption_config { resources = ["secrets"], provider { key_arn } } (the Eks construct always does)',
  check: (r) => {
    const enc = block(r.config.encryption_config);
    if (!enc) return nonCompliant("has no encryption_config");
    if (!list(enc.resources).includes("secrets")) return nonCompliant("does not encrypt the secrets resource");
    const key = block(enc.provider)?.key_arn;
    if (typeof key !== "string" || key === "") return nonCompliant("has no KMS key in encryption_config.provider.key_arn");
    return COMPLIANT;
  },
};
