/**
 * Suppressions: a rule turned off for one resource, always with a reason (cdk-nag's rule: at
 * least 10 characters), always listed in the synth output.
 */

/** Whether a suppression covers a resource (by its Terraform address). */
export function suppresses(s: Suppression, resource: { address: string }): boolean {
  return resource.address === s.resource;
}

export interface Suppression {
  /** Rule id, e.g. "ECR-002". */
  readonly rule: string;
  /** The Terraform address it applies to, e.g. `aws_ecr_repository.ecr_web`. */
  readonly resource: string;
  /** Why the exception is acceptable: written in the config, or naming the opt-out's config field. */
  readonly reason: string;
  /** The environment file that declares it. */
  readonly source: string;
}
