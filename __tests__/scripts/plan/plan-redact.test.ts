/**
 * Redaction of `terraform show -json` plans: every value Terraform marks sensitive is replaced; the
 * artifact keeps only what the review reads (a real plan's literals: integration/plan-artifact).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { applyMask, planArtifact, REDACTED, redactPlan, writePlanArtifact } from "../../../scripts/plan/plan-redact";
import {
  readPlanFile,
  renderMarkdown,
  summarizePlans,
  summarizeStack,
  validatePlan,
  type PlanJson,
} from "../../../scripts/plan/plan-summary";

describe("applyMask", () => {
  it("redacts whole values, nested keys and list items as the mask says", () => {
    expect(applyMask("s3cret", true)).toBe(REDACTED);
    expect(applyMask(null, true)).toBeNull();
    expect(applyMask({ a: "x", b: { c: "y", d: "z" } }, { b: { c: true } })).toEqual({ a: "x", b: { c: REDACTED, d: "z" } });
    expect(applyMask(["p", "q"], [false, true])).toEqual(["p", REDACTED]);
    expect(applyMask({ a: "x" }, false)).toEqual({ a: "x" });
  });
});

describe("redactPlan", () => {
  const plan = {
    format_version: "1.2",
    variables: { token: { value: "v-secret" }, region: { value: "eu-west-1" } },
    configuration: { root_module: { variables: { token: { sensitive: true }, region: {} } } },
    planned_values: {
      outputs: { kubeconfig: { sensitive: true, value: "o-secret" }, name: { sensitive: false, value: "eks" } },
      root_module: {
        resources: [{ address: "aws_ssm_parameter.p", values: { name: "p", value: "r-secret" }, sensitive_values: { value: true } }],
        child_modules: [{ resources: [{ address: "module.m.x.y", values: { pw: "c-secret" }, sensitive_values: { pw: true } }] }],
      },
    },
    prior_state: { values: { root_module: { resources: [{ values: { value: "old-secret" }, sensitive_values: { value: true } }] } } },
    resource_changes: [
      {
        address: "aws_ssm_parameter.p",
        change: {
          actions: ["update"],
          before: { value: "old-secret" },
          after: { value: "r-secret" },
          before_sensitive: { value: true },
          after_sensitive: { value: true },
        },
      },
    ],
    resource_drift: [
      {
        address: "aws_ssm_parameter.q",
        change: { before: { v: "d-secret" }, before_sensitive: { v: true }, after: null, after_sensitive: false },
      },
    ],
    output_changes: {
      kubeconfig: { actions: ["create"], before: null, after: "o-secret", before_sensitive: false, after_sensitive: true },
    },
    // A section this code does not name (Terraform 1.9+), with the same markers.
    deferred_changes: [
      { reason: "provider_config_unknown", resource_change: { change: { after: { pw: "x-secret" }, after_sensitive: { pw: true } } } },
    ],
  };

  it("leaves no sensitive value anywhere in the plan, and keeps the rest", () => {
    const text = JSON.stringify(redactPlan(plan));
    for (const secret of ["v-secret", "o-secret", "r-secret", "c-secret", "old-secret", "d-secret", "x-secret"])
      expect(text).not.toContain(secret);
    const redacted = redactPlan(plan);
    expect(redacted.resource_changes[0].change.after).toEqual({ value: REDACTED });
    expect(redacted.planned_values.outputs.name.value).toBe("eks");
    expect(redacted.variables.region.value).toBe("eu-west-1");
    expect(redacted.format_version).toBe("1.2");
  });

  it("does not change its input", () => {
    const before = JSON.stringify(plan);
    redactPlan(plan);
    expect(JSON.stringify(plan)).toBe(before);
  });
});

describe("planArtifact", () => {
  const EVERY_ACTION = path.join(__dirname, "..", "..", "fixtures", "terraform-1.11-every-action.plan.json");
  const secretPlan = {
    format_version: "1.2",
    terraform_version: "1.11.4",
    variables: { db_password: { value: "var-secret" } },
    planned_values: { root_module: { resources: [{ values: { password: "pv-secret" }, sensitive_values: {} }] } },
    prior_state: { values: { root_module: { resources: [{ values: { tag: "state-secret" } }] } } },
    resource_drift: [{ address: "aws_ssm_parameter.q", change: { before: { v: "drift-secret" } } }],
    relevant_attributes: [{ resource: "aws_ssm_parameter.q", attribute: ["value"] }],
    checks: [{ address: { to_display: "check-secret" } }],
    configuration: {
      provider_config: { aws: { expressions: { secret_key: { constant_value: "provider-secret" } } } },
      root_module: {
        variables: { db_password: { default: "default-secret", sensitive: true } },
        resources: [{ address: "aws_db_instance.db", expressions: { password: { constant_value: "literal-secret" } } }],
      },
    },
    resource_changes: [
      {
        address: "aws_db_instance.db",
        mode: "managed",
        type: "aws_db_instance",
        name: "db",
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: {
          actions: ["create"],
          before: null,
          after: { password: "rc-secret", engine: "postgres" },
          after_unknown: { id: true },
          before_sensitive: false,
          after_sensitive: { password: true },
          generated_config: 'resource "aws_db_instance" "db" { password = "generated-secret" }',
          importing: { id: "import-id" },
        },
      },
    ],
    output_changes: { token: { actions: ["create"], before: null, after: "out-secret", after_sensitive: true } },
    timestamp: "2026-01-01T00:00:00Z",
  };

  it("keeps only what the review reads, with sensitive values redacted", () => {
    const artifact = planArtifact(secretPlan);
    expect(Object.keys(artifact)).toEqual(["format_version", "terraform_version", "resource_changes", "output_changes"]);
    expect(artifact.resource_changes).toEqual([
      {
        address: "aws_db_instance.db",
        mode: "managed",
        type: "aws_db_instance",
        name: "db",
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: {
          actions: ["create"],
          before: null,
          after: { password: REDACTED, engine: "postgres" },
          after_unknown: { id: true },
          before_sensitive: false,
          after_sensitive: { password: true },
        },
      },
    ]);
    expect(artifact.output_changes).toEqual({ token: { actions: ["create"], before: null, after: REDACTED, after_sensitive: true } });
    expect(JSON.stringify(artifact)).not.toMatch(/secret/);
  });

  it("gives a plan without resources an empty resource_changes, which the review reads", () => {
    const artifact = planArtifact({ format_version: "1.2", terraform_version: "1.11.4", planned_values: { root_module: {} } });
    expect(artifact).toEqual({ format_version: "1.2", terraform_version: "1.11.4", resource_changes: [] });
    expect(summarizeStack("s", artifact as PlanJson).counts.create).toBe(0);
  });

  it("reviews the same as the whole plan: a real Terraform 1.11 plan with every action", () => {
    const whole = readPlanFile(EVERY_ACTION);
    const artifact = validatePlan(planArtifact(whole as Record<string, unknown>), "artifact");
    const review = (plan: PlanJson) => summarizePlans([{ stack: "demo", plan }], "Plan: demo");
    expect(review(artifact)).toEqual(review(whole));
    expect(renderMarkdown(review(artifact))).toBe(renderMarkdown(review(whole)));
    expect(Object.keys(artifact)).not.toContain("configuration");
  });

  it("is written with mode 0600, from terraform show -json output", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-artifact-"));
    try {
      const file = path.join(dir, "s.plan.json");
      writePlanArtifact(file, JSON.stringify(secretPlan));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, "utf8")).not.toMatch(/secret/);
      expect(fs.readdirSync(dir)).toEqual(["s.plan.json"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
