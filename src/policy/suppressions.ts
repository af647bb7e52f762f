/**
 * Suppressions: a rule turned off for one resource, always with a reason (cdk-nag's rule: at
 * least 10 characters), always listed in the synth output.
 */
import type { IConstruct } from "constructs";

/** Metadata type under which constructs carry their suppressions. */
export const SUPPRESSION_METADATA = "cdktf-eks/policy-suppression";

/** Whether a suppression covers a resource (by address, or by construct path). */
export function suppresses(s: Suppression, resource: { address: string; path: string }): boolean {
  if (s.match === "construct") return resource.path === s.resource || resource.path.startsWith(`${s.resource}/`);
  return resource.address === s.resource;
}

/** The minimum length of a reason. */
const MIN_REASON_LENGTH = 10;

export interface Suppression {
  /** Rule id, e.g. "ECR-002". */
  readonly rule: string;
  /**
   * What it applies to: a Terraform address (`aws_ecr_repository.ecr_web`) from the environment
   * config, or a construct path whose resources it covers (from `suppressRule`).
   */
  readonly resource: string;
  /** @default "address" */
  readonly match?: "address" | "construct";
  readonly reason: string;
  /** Where it was declared: an environment file, or a construct path. */
  readonly source: string;
}

/**
 * Suppresses `rule` for every resource defined under `scope`. Constructs use it for the
 * environment's explicit opt-outs (e.g. mutable ECR tags), quoting the config field in the reason.
 */
export function suppressRule(scope: IConstruct, rule: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `${scope.node.path}: the suppression of ${rule} needs a reason of at least ${MIN_REASON_LENGTH} characters (got ${JSON.stringify(reason)})`,
    );
  }
  scope.node.addMetadata(SUPPRESSION_METADATA, { rule, reason });
}
