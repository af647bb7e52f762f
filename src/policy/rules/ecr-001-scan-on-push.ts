import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

export const ECR_001: PolicyRule = {
  id: "ECR-001",
  title: "ECR repositories scan images on push",
  description: "Mirrors Checkov CKV_AWS_163 and Trivy AWS-0030; CIS EKS 5.1.1.",
  mirrors: ["CKV_AWS_163", "AWS-0030"],
  level: "error",
  resourceTypes: ["aws_ecr_repository"],
  fix: "set image_scanning_configuration { scan_on_push = true }",
  check: (r) => (block(r.config.image_scanning_configuration)?.scan_on_push === true ? COMPLIANT : nonCompliant("does not scan on push")),
};
