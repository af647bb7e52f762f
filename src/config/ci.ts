/**
 * Who does what in CI and who may touch the state, decided once from an environment's config: the
 * plan and deploy roles (the ones `ci.github` creates, or your own), the stacks pull requests
 * plan, and the state's readers and writers.
 */
import { partitionOf } from "../lib/aws-catalog";
import type { CiIamContext } from "../lib/ci-iam";
import { roleArnOf, roleNames } from "../lib/naming";
import type { EnvConfig } from "./resolve";
import type { ParsedEnv } from "./schema";

type CiEnv = Pick<ParsedEnv, "name" | "project" | "region" | "accountId" | "ci" | "iam">;

/** The plan and deploy roles of the workflows, and whether the backend stack creates them. */
export function ciRoles(env: CiEnv): { plan?: string; deploy?: string; generated: boolean } {
  if (env.ci.github && env.accountId) {
    const partition = partitionOf(env.region) ?? "aws";
    const names = roleNames(env);
    return {
      plan: roleArnOf(partition, env.accountId, env.iam.rolePath, names.ciPlan),
      deploy: env.ci.github.deploy ? roleArnOf(partition, env.accountId, env.iam.rolePath, names.ciDeploy) : undefined,
      generated: true,
    };
  }
  return { plan: env.ci.planRoleArn, deploy: env.ci.deployRoleArn, generated: false };
}

/** The stacks the pull-request workflow plans: never the workloads stack (it reads the cluster). */
export function planStacksOf(env: Pick<ParsedEnv, "ci" | "backend">): ("backend" | "platform")[] {
  const hasBackendStack = env.backend.kind === "s3";
  const wanted = env.ci.planStacks ?? ["backend", "platform"];
  return (["backend", "platform"] as const).filter((k) => wanted.includes(k) && (k !== "backend" || hasBackendStack));
}

/** The role the workloads stack's kubernetes and helm providers authenticate to the cluster as. */
export function workloadsPrincipal(env: Pick<ParsedEnv, "workloads" | "assumeRole">): string | undefined {
  return env.workloads.roleArn ?? env.assumeRole?.roleArn;
}

type StateEnv = CiEnv & Pick<ParsedEnv, "backend" | "assumeRole" | "eks">;

/** Who may write the state: `backend.stateWriters`, else the deploy role, `assumeRole` and the cluster admins. */
export function stateWriters(env: StateEnv): string[] {
  if (env.backend.stateWriters) return [...new Set(env.backend.stateWriters)];
  const deploy = ciRoles(env).deploy;
  return [...new Set([deploy, env.assumeRole?.roleArn, ...Object.values(env.eks.admins)].filter((a): a is string => a !== undefined))];
}

/** Who may read the state: `backend.stateReaders`, else the writers and the plan role. */
export function stateReaders(env: StateEnv): string[] {
  if (env.backend.stateReaders) return [...new Set([...env.backend.stateReaders, ...stateWriters(env)])];
  const plan = ciRoles(env).plan;
  return [...new Set([...stateWriters(env), ...(plan ? [plan] : [])])];
}

/** What the CI policies of an environment are derived with. */
export function ciIamContext(env: EnvConfig): CiIamContext {
  const { names, workloadsPrincipal: clusterRole } = env.derived;
  return {
    partition: partitionOf(env.region) ?? "aws",
    account: env.accountId ?? "*",
    region: env.region,
    prefix: names.prefix,
    env: env.name,
    cluster: names.cluster,
    stateBucket: names.stateBucket,
    lockTable: names.lockTable,
    rolePath: env.iam.rolePath,
    permissionsBoundaryArn: env.iam.permissionsBoundaryArn,
    clusterRoles: clusterRole ? [clusterRole] : [],
  };
}
