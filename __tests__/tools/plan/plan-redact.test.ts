/** Redaction of `terraform show -json` plans: every value Terraform marks sensitive is replaced. */
import { describe, expect, it } from "vitest";
import { applyMask, REDACTED, redactPlan } from "../../../src/tools/plan/plan-redact";

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
