/**
 * The policy rule pack's vocabulary (cdk-nag v2 shape): a rule is a pure function of one
 * synthesized resource (and, for references, the stack it sits in) returning compliant,
 * non-compliant or not applicable.
 */

/** One resource of a synthesized stack, with its resolved Terraform configuration. */
export interface SynthResource {
  /** `aws_eks_cluster` */
  readonly type: string;
  /** `eks` */
  readonly name: string;
  /** `aws_eks_cluster.eks` */
  readonly address: string;
  /** The resource's arguments as they appear in cdk.tf.json (without cdktf metadata). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Construct path, for annotations: `dev-platform/eks/Resource`. */
  readonly path: string;
}

export type Compliance = "compliant" | "non-compliant" | "not-applicable";

/** The outcome of a rule on one resource; `detail` says what is wrong (for non-compliant). */
export interface Finding {
  readonly compliance: Compliance;
  readonly detail?: string;
}

export const COMPLIANT: Finding = { compliance: "compliant" };
export const NOT_APPLICABLE: Finding = { compliance: "not-applicable" };
export function nonCompliant(detail: string): Finding {
  return { compliance: "non-compliant", detail };
}

/**
 * An existing VPC the environment declares (`vpc.existing`): its subnets are no resources of any
 * stack, so rules about subnets judge their ids by the role the config gives them.
 */
export interface DeclaredNetwork {
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly publicSubnetIds: readonly string[];
}

/** Read-only view of the stack a resource belongs to. */
export interface PolicyContext {
  readonly stack: string;
  readonly resources: readonly SynthResource[];
  /** The existing VPC the environment declares, if it uses one. */
  readonly network?: DeclaredNetwork;
  /** The resource a `${type.name.attr}` reference points at, if it is in this stack. */
  resolve(reference: unknown): SynthResource | undefined;
  /** Resources of `type` whose configuration references `target`. */
  referencing(type: string, target: SynthResource): SynthResource[];
}

export interface PolicyRule {
  /** Stable id: never reused, never renumbered (suppressions name it). */
  readonly id: string;
  /** One line: what a compliant resource does. */
  readonly title: string;
  /** Why it matters, and the Checkov / Trivy checks it mirrors. */
  readonly description: string;
  /** Checkov and Trivy (tfsec) ids this rule mirrors; empty for checks no scanner has. */
  readonly mirrors: readonly string[];
  /** Errors fail synth; warnings are reported. */
  readonly level: "error" | "warning";
  /** Resource types the rule looks at. */
  readonly resourceTypes: readonly string[];
  /** How to fix a violation. */
  readonly fix: string;
  /** Called only for resources of `resourceTypes`. */
  readonly check: (resource: SynthResource, context: PolicyContext) => Finding;
}
