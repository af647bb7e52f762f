/**
 * The explicit opt-outs of an environment config (mutable ECR tags, flow logs off, ...) as policy
 * suppressions: each names the rule it turns off, the Terraform address of the resource it covers
 * and the config field that asks for it. The stacks hand them to the policy check with the
 * config's own `policy.suppressions`, so constructs never deal with policy rules. A suppression
 * that matches no violation fails synth like any other, which keeps these addresses and the
 * construct ids in step.
 */
import { ecrRepositoryId, tableId, terraformName } from "../lib/addressing";
import type { Suppression } from "../policy/suppressions";
import type { EnvConfig } from "./resolve";

/** Every suppression the opt-outs of `env` imply, declared in `source` (the environment's file). */
export function optOutSuppressions(env: EnvConfig, source: string): Suppression[] {
  const out: Suppression[] = [];
  const add = (rule: string, type: string, ids: string[], setting: string, why?: string) =>
    out.push({
      rule,
      resource: `${type}.${terraformName(ids)}`,
      reason: `${setting} in the environment config (explicit opt-out${why ? `: ${why}` : ""})`,
      source,
    });

  // The state backend (none on HCP Terraform) loses prevent_destroy, and its lock table deletion protection.
  if (env.ephemeral && env.backend.kind === "s3") {
    const tornDown = "the environment is torn down";
    add("TF-001", "aws_s3_bucket", ["state", "bucket"], "ephemeral is true", tornDown);
    add("TF-001", "aws_kms_key", ["state", "key"], "ephemeral is true", tornDown);
    if (env.backend.dynamodbLock) {
      add("TF-001", "aws_dynamodb_table", ["state", "lock_table"], "ephemeral is true", tornDown);
      add("DDB-003", "aws_dynamodb_table", ["state", "lock_table"], "ephemeral is true");
    }
  }

  if (env.ecr.imageTagMutability === "MUTABLE") {
    for (const image of env.ecr.repositories)
      add("ECR-002", "aws_ecr_repository", ["ecr", ecrRepositoryId(image)], "ecr.imageTagMutability is MUTABLE");
  }

  // In effect only when the endpoint is then public to everyone: no list, or 0.0.0.0/0 in it.
  const { endpointPublicAccess, allowPublicAccessFromAnywhere, publicAccessCidrs } = env.eks;
  const anywhere = publicAccessCidrs.length === 0 || publicAccessCidrs.includes("0.0.0.0/0");
  if (endpointPublicAccess && allowPublicAccessFromAnywhere && anywhere)
    add("EKS-001", "aws_eks_cluster", ["eks"], "eks.allowPublicAccessFromAnywhere is set");

  for (const kind of ["selfManaged", "managed"] as const) {
    const groups: Record<string, { readonly metadataHopLimit: number }> = env.nodeGroups[kind];
    for (const [group, { metadataHopLimit: hops }] of Object.entries(groups)) {
      if (hops !== 1)
        add(
          "LT-002",
          "aws_launch_template",
          ["workers", `${group}_launch_template`],
          `nodeGroups.${kind}.${group}.metadataHopLimit is ${hops}`,
        );
    }
  }

  for (const [name, table] of Object.entries(env.tables)) {
    const ids = ["tables", tableId(name)];
    if (!table.pointInTimeRecovery) add("DDB-001", "aws_dynamodb_table", ids, `tables.${name}.pointInTimeRecovery is false`);
    if (!table.deletionProtection) add("DDB-003", "aws_dynamodb_table", ids, `tables.${name}.deletionProtection is false`);
  }

  // An existing VPC has no resource in the stacks: the flow-log rule judges it through the cluster.
  if (!env.vpc.flowLogs.enabled) {
    if (env.vpc.existing) add("VPC-001", "aws_eks_cluster", ["eks"], "vpc.flowLogs.enabled is false", "the existing VPC's owner logs it");
    else add("VPC-001", "aws_vpc", ["vpc"], "vpc.flowLogs.enabled is false");
  }
  return out;
}
