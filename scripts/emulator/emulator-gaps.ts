/**
 * Everything the AWS API emulator (moto 5.2.1) cannot do that the synthesized stacks use, in one
 * place, each with the reason. The emulated deploy turns this list into an override file
 * (`emulator_gaps_override.tf.json`) next to the synthesized stack, so the stack's own JSON stays
 * what `cdktf synth` wrote, and it reports what each entry touched. Nothing else is adjusted: any
 * other failure or diff of an emulated deploy is a defect of the project.
 */

import type { BlocksByType, Json, TerraformJson } from "../../src/lib/synthesized";

/** How a gap is worked around in the emulated run. */
export type GapKind =
  /** The resource is not created (`count = 0`): the emulator has no such API, or cannot honour it. */
  | "excluded"
  /** One argument is left out: the emulator drops it, and the provider waits for it forever. */
  | "argument-dropped"
  /** Attributes the emulator never returns are ignored after create (`ignore_changes`). */
  | "not-read-back";

export interface EmulatorGap {
  readonly kind: GapKind;
  /** The resource type it concerns. */
  readonly type: string;
  /** Which resources of that type, when not all of them. @default - every resource of the type */
  readonly when?: (body: Json) => boolean;
  /** What is left out: the argument path (argument-dropped) or the attributes (not-read-back). */
  readonly attributes?: readonly string[];
  /** What the emulator does, and what is therefore not proven by the emulated deploy. */
  readonly reason: string;
}

/** References the EKS-created cluster security group (`vpc_config[0].cluster_security_group_id`). */
const readsPrimarySecurityGroup = (body: Json) => JSON.stringify(body).includes(".vpc_config[0].cluster_security_group_id}");

/** The gaps of moto 5.2.1, by resource type. */
export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    kind: "excluded",
    type: "aws_eks_access_entry",
    reason: "moto 5.2.1 implements no EKS access-entry API (CreateAccessEntry answers 404)",
  },
  {
    kind: "excluded",
    type: "aws_eks_access_policy_association",
    reason: "moto 5.2.1 implements no EKS access-entry API (AssociateAccessPolicy answers 404)",
  },
  { kind: "excluded", type: "aws_eks_addon", reason: "moto 5.2.1 implements no EKS add-on API (CreateAddon answers 404)" },
  {
    kind: "excluded",
    type: "aws_vpc_security_group_ingress_rule",
    when: readsPrimarySecurityGroup,
    reason:
      "moto 5.2.1 DescribeCluster returns no clusterSecurityGroupId (the group EKS creates), so a rule on or from it has no group to name",
  },
  {
    kind: "excluded",
    type: "aws_s3_bucket_policy",
    reason:
      "moto 5.2.1 evaluates bucket-policy conditions without the request's context: the TLS-only deny (aws:SecureTransport false) would deny every state read and write",
  },
  {
    kind: "argument-dropped",
    type: "aws_s3_bucket_lifecycle_configuration",
    attributes: ["rule.noncurrent_version_expiration.newer_noncurrent_versions"],
    reason:
      "moto 5.2.1 stores NoncurrentVersionExpiration without NewerNoncurrentVersions; the provider waits 3 minutes for the rule to read back as written, then fails",
  },
  {
    kind: "not-read-back",
    type: "aws_eks_cluster",
    attributes: ["access_config", "upgrade_policy", "compute_config", "storage_config", "tags"],
    reason:
      "moto 5.2.1 DescribeCluster returns no accessConfig, upgradePolicy or the Auto Mode computeConfig and storageConfig, and an empty tag map, so a second plan would replace or update the cluster",
  },
  {
    kind: "not-read-back",
    type: "aws_eks_node_group",
    attributes: ["remote_access", "tags", "update_config"],
    reason:
      "moto 5.2.1 DescribeNodegroup returns a remoteAccess block nobody set, an empty tag map and no updateConfig, so a second plan would replace the group",
  },
  {
    kind: "not-read-back",
    type: "aws_launch_template",
    attributes: ["tag_specifications"],
    reason:
      "moto 5.2.1 copies the launch template's own tags into its data as a tag specification of type launch-template, so a second plan would write a new version",
  },
  {
    kind: "not-read-back",
    type: "aws_vpc_security_group_ingress_rule",
    when: (body) => body.referenced_security_group_id !== undefined,
    attributes: ["description"],
    reason: "moto 5.2.1 DescribeSecurityGroupRules returns no description for a rule whose source is a security group",
  },
];

/** What one gap did to one stack. */
export interface AppliedGap {
  readonly gap: EmulatorGap;
  /** Terraform addresses it touched. */
  readonly addresses: string[];
}

/** The override of one stack and what it changed. */
export interface GapOverride {
  /** The content of `emulator_gaps_override.tf.json`; undefined when no gap touches the stack. */
  readonly override?: Json;
  readonly applied: AppliedGap[];
  /** Managed resources of the stack, and how many of them are excluded. */
  readonly resources: number;
  readonly excluded: number;
}

function dropPath(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return value;
  if (Array.isArray(value)) return value.map((v) => dropPath(v, path));
  if (!value || typeof value !== "object") return value;
  const copy = { ...(value as Json) };
  if (path.length === 1) delete copy[path[0]];
  else if (path[0] in copy) copy[path[0]] = dropPath(copy[path[0]], path.slice(1));
  return copy;
}

/** Builds the gap override of a synthesized stack (its parsed `cdk.tf.json`). */
export function emulatorGapOverride(stackJson: TerraformJson, gaps: readonly EmulatorGap[] = EMULATOR_GAPS): GapOverride {
  const resources = stackJson.resource ?? {};
  const override: BlocksByType = {};
  const applied: AppliedGap[] = [];
  let total = 0;
  for (const byName of Object.values(resources)) total += Object.keys(byName).length;
  const excluded = new Set<string>();
  for (const gap of gaps) {
    const addresses: string[] = [];
    for (const [name, body] of Object.entries(resources[gap.type] ?? {})) {
      if (gap.when && !gap.when(body)) continue;
      const address = `${gap.type}.${name}`;
      if (excluded.has(address)) continue;
      const entry = ((override[gap.type] ??= {})[name] ??= {});
      if (gap.kind === "excluded") {
        entry.count = 0;
        excluded.add(address);
      } else if (gap.kind === "argument-dropped") {
        for (const attribute of gap.attributes ?? []) {
          const [block, ...rest] = attribute.split(".");
          if (body[block] === undefined) continue;
          // A nested block in an override file replaces every block of that type: write it whole.
          entry[block] = dropPath(entry[block] ?? body[block], rest);
        }
      } else {
        const lifecycle = (body.lifecycle ?? {}) as { ignore_changes?: string[] };
        entry.lifecycle = { ...lifecycle, ignore_changes: [...(lifecycle.ignore_changes ?? []), ...(gap.attributes ?? [])] };
      }
      addresses.push(address);
    }
    if (addresses.length > 0) applied.push({ gap, addresses });
  }
  // An excluded resource's own arguments may read another excluded one; with `count` set, Terraform
  // wants an index there even though nothing is evaluated at count 0.
  const indexed = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value).replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./g, (ref, type: string, name: string) =>
        excluded.has(`${type}.${name}`) ? `\${${type}.${name}[0].` : ref,
      ),
    );
  for (const address of excluded) {
    const [type, name] = address.split(".");
    for (const [attr, value] of Object.entries(resources[type][name])) {
      if (attr === "depends_on" || attr === "//") continue;
      const rewritten = indexed(value);
      if (JSON.stringify(rewritten) !== JSON.stringify(value)) override[type][name][attr] = rewritten;
    }
  }
  return {
    override: Object.keys(override).length > 0 ? { resource: override } : undefined,
    applied,
    resources: total,
    excluded: excluded.size,
  };
}

/** One line per applied gap, for logs and test output. */
export function describeGaps(stack: string, result: GapOverride): string[] {
  return [
    `${stack}: ${result.resources - result.excluded} of ${result.resources} resources applied on the emulator, ${result.excluded} excluded`,
    ...result.applied.map(
      (a) =>
        `  ${a.gap.kind} ${a.gap.type}${a.gap.attributes ? ` (${a.gap.attributes.join(", ")})` : ""} x${a.addresses.length}: ${a.gap.reason}`,
    ),
  ];
}

/**
 * A gap of moto's server rather than of its APIs, seen about once in ten full e2e runs on a loaded
 * 2-core machine: the AWS SDK resends a write whose answer it lost, and the emulator, which made the
 * write the first time, refuses the resend. Terraform then fails a step that a real account would
 * have completed, in one of three ways:
 * - a create answered 409 ("Role with name ... already exists");
 * - a revoke of a security group rule answered "does not exist" (`InvalidPermission.NotFound`), for
 *   the rule the provider had just listed and revoked (moto logged one revoke more than the stack makes);
 * - a state lock refused ("Error acquiring the state lock", the lock table's conditional PutItem or
 *   the lockfile's conditional PutObject), the lock being the one this same command had just taken.
 * The e2e harness starts such a scenario over once on a fresh emulator, and says so. Nothing else
 * holds a lock in those scenarios, so a lock the project itself left behind fails again the second time.
 */
export const LOST_ANSWER: readonly RegExp[] = [
  /StatusCode: 409,[^\n]*(EntityAlreadyExists|AlreadyExists|already exists)/,
  /operation error EC2: RevokeSecurityGroup(Egress|Ingress), https response error StatusCode: 400,[^\n]*InvalidPermission\.NotFound/,
  /Error acquiring the state lock\s+Error message: operation error (DynamoDB: PutItem|S3: PutObject),[\s\S]{0,300}?(ConditionalCheckFailedException|PreconditionFailed)/,
];

/** {@link LOST_ANSWER} as the gaps table of docs/testing.md lists it. */
export const LOST_ANSWER_GAP = {
  what: "an e2e scenario run again, once, on a fresh emulator",
  reason:
    'moto 5.2.1\'s server now and then loses the answer to a write under load; the AWS SDK resends the write and moto refuses the resend (a create answered 409 "already exists", a security group rule\'s revoke answered "does not exist", or a state lock refused as held, the lock being the command\'s own). The run prints EMULATOR GAP when it happens',
};

/** Whether Terraform's output shows the emulator's lost answer ({@link LOST_ANSWER}). */
export function isLostAnswer(text: string): boolean {
  return LOST_ANSWER.some((pattern) => pattern.test(text));
}
