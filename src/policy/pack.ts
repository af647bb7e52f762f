/**
 * The policy pack: every rule applied to every resource of a stack (rules in the cdk-nag v2
 * shape). `EksApp` calls `checkPolicy` on all stacks before writing any, so a violation leaves no
 * partial cdktf.out.
 */
import { Annotations, type TerraformStack } from "cdktf";
import { contextOf, resourcesOf } from "./context";
import { ALL_RULES } from "./rules";
import { suppresses, type Suppression } from "./suppressions";
import type { DeclaredNetwork, PolicyRule, SynthResource } from "./types";
import type { TerraformJson } from "../lib/synthesized";

/** One rule's verdict on one resource that did not comply. */
export interface Violation {
  readonly rule: PolicyRule;
  readonly stack: string;
  readonly resource: SynthResource;
  readonly detail: string;
}

export interface StackReport {
  readonly stack: string;
  readonly errors: Violation[];
  readonly warnings: Violation[];
  readonly suppressed: (Violation & { suppression: Suppression })[];
  /** How many (rule, resource) pairs were checked. */
  readonly checked: number;
}

/** `[EKS-001] dev-platform aws_eks_cluster.eks has a public endpoint ... Fix: ... (mirrors ...)` */
export function formatViolation(v: Violation): string {
  const mirrors = v.rule.mirrors.length > 0 ? ` (mirrors ${v.rule.mirrors.join(", ")})` : "";
  return `[${v.rule.id}] ${v.stack} ${v.resource.address} ${v.detail}. Fix: ${v.rule.fix}${mirrors}`;
}

/**
 * Applies the rules to one synthesized stack (its cdk.tf.json as an object), with the existing VPC
 * the environment declares, if any. Pure: no cdktf here, so scripts and tests can check any
 * synthesized JSON.
 */
export function evaluateStack(
  stack: string,
  json: TerraformJson,
  suppressions: readonly Suppression[],
  rules: readonly PolicyRule[] = ALL_RULES,
  network?: DeclaredNetwork,
): StackReport {
  const resources = resourcesOf(stack, json);
  const ctx = contextOf(stack, resources, network);
  const report: StackReport = { stack, errors: [], warnings: [], suppressed: [], checked: 0 };
  for (const resource of resources) {
    for (const rule of rules) {
      if (!rule.resourceTypes.includes(resource.type)) continue;
      let finding;
      try {
        finding = rule.check(resource, ctx);
      } catch (err) {
        finding = { compliance: "non-compliant" as const, detail: `could not be checked (${(err as Error).message})` };
      }
      if (finding.compliance === "not-applicable") continue;
      (report as { checked: number }).checked++;
      if (finding.compliance === "compliant") continue;
      const violation: Violation = { rule, stack, resource, detail: finding.detail ?? "does not comply" };
      const suppression = suppressions.find((s) => s.rule === rule.id && suppresses(s, resource));
      if (suppression) report.suppressed.push({ ...violation, suppression });
      else if (rule.level === "error") report.errors.push(violation);
      else report.warnings.push(violation);
    }
  }
  return report;
}

/** What `checkPolicy` needs besides the stack: what its environment declares. */
export interface PolicyOptions {
  /** Suppressions from the environment config, its explicit opt-outs included (by Terraform address). @default [] */
  readonly suppressions?: readonly Suppression[];
  /** The existing VPC the environment declares (`vpc.existing`). @default - none: the stacks define the VPC */
  readonly network?: DeclaredNetwork;
}

/**
 * Checks a stack whose configuration is final: evaluates its Terraform JSON with the suppressions
 * of `options`, annotates each violating construct (the annotations
 * manifest.json lists) and returns the report. Writes nothing.
 */
export function checkPolicy(stack: TerraformStack, options: PolicyOptions = {}): StackReport {
  const json = stack.toTerraform() as TerraformJson;
  const report = evaluateStack(stack.node.id, json, options.suppressions ?? [], ALL_RULES, options.network);
  const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
  for (const v of report.errors) Annotations.of(byPath.get(v.resource.path) ?? stack).addError(formatViolation(v));
  for (const v of report.warnings) Annotations.of(byPath.get(v.resource.path) ?? stack).addWarning(formatViolation(v));
  return report;
}
