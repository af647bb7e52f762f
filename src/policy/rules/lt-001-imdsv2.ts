import { block } from "../context";
import { COMPLIANT, nonCompliant, type PolicyRule } from "../types";

/** Instances require IMDSv2 session tokens. */
export const LT_001: PolicyRule = {
  id: "LT-001",
  title: "Launch templates require IMDSv2",
  description:
    "IMDSv1 answers any request, which SSRF bugs turn into stolen node credentials. Mirrors Checkov CKV_AWS_79 and Trivy AWS-0130.",
  mirrors: ["CKV_AWS_79", "AWS-0130"],
  level: "error",
  resourceTypes: ["aws_launch_template"],
  fix: 'set metadata_options { http_tokens = "required" }',
  check: (r) => {
    const md = block(r.config.metadata_options);
    if (!md) return nonCompliant("has no metadata_options (IMDSv1 stays on)");
    if (md.http_endpoint === "disabled") return COMPLIANT;
    return md.http_tokens === "required" ? COMPLIANT : nonCompliant(`sets http_tokens to ${JSON.stringify(md.http_tokens ?? "optional")}`);
  },
};
