/**
 * Every AWS name an environment derives (`derived.names`), with the field that makes it, the rule
 * AWS holds it to and where it must be unique. Two checks read this one list: each name against
 * AWS's naming rules (the `names` rules), and names that two environments of one account (IAM) or
 * one account and region (the rest) would both create (`nameCollisions`).
 */
import {
  autoscalingGroupNameProblem,
  dynamodbTableNameProblem,
  ecrRepositoryNameProblem,
  eksChildNameProblem,
  eksClusterNameProblem,
  eventRuleNameProblem,
  iamRoleNameProblem,
  kmsAliasProblem,
  launchTemplateNameProblem,
  logGroupNameProblem,
  s3BucketNameProblem,
  sqsQueueNameProblem,
} from "../lib/aws-limits";
import { interruptionRuleNames, nodeTerminationEvents } from "../lib/interruption-events";
import { nodeTerminationRulePrefix } from "../lib/naming";
import type { DerivedNames, EnvConfig } from "./resolve";
import type { ConfigIssue } from "./rules/types";
import { KEY_NAME_PATTERN, type ParsedEnv } from "./schema";
import { sameAccountAndRegion } from "./vpc-overlaps";

/**
 * The rule of each type of name AWS checks, and where a name must be unique: S3 buckets everywhere,
 * IAM names in the account, a node group in its cluster, the rest in the account's region.
 */
const NAME_RULES = {
  aws_s3_bucket: { scope: "global", problem: s3BucketNameProblem },
  aws_iam_role: { scope: "account", problem: iamRoleNameProblem },
  aws_eks_node_group: { scope: "cluster", problem: eksChildNameProblem },
  aws_eks_cluster: { scope: "region", problem: eksClusterNameProblem },
  aws_dynamodb_table: { scope: "region", problem: dynamodbTableNameProblem },
  aws_kms_alias: { scope: "region", problem: kmsAliasProblem },
  aws_cloudwatch_log_group: { scope: "region", problem: logGroupNameProblem },
  aws_launch_template: { scope: "region", problem: launchTemplateNameProblem },
  aws_autoscaling_group: { scope: "region", problem: autoscalingGroupNameProblem },
  aws_ecr_repository: { scope: "region", problem: ecrRepositoryNameProblem },
  aws_sqs_queue: { scope: "region", problem: sqsQueueNameProblem },
  aws_cloudwatch_event_rule: { scope: "region", problem: eventRuleNameProblem },
} as const satisfies Record<string, { scope: string; problem: (name: string) => string | undefined }>;

/** One derived name (or several of one pattern), as the checks see it. */
export interface NameUse {
  /** What it names, for messages: "cluster name". */
  readonly what: string;
  /** The Terraform resource type it names: its naming rule and where it must be unique. */
  readonly type: keyof typeof NAME_RULES;
  /** The names; several of one pattern (the roles, a per-zone group's) are checked by their longest. */
  readonly names: readonly string[];
  /** The field that makes it, to blame and to change. */
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

/** A use of `names`, made by `at` (the project unless said otherwise). */
function use(what: string, type: NameUse["type"], names: readonly (string | undefined)[], at: Pick<NameUse, "path" | "value">): NameUse[] {
  const defined = names.filter((n): n is string => n !== undefined);
  return defined.length > 0 ? [{ what, type, names: defined, ...at }] : [];
}

/** The state backend's names (S3 backend only); an override, when given, is the field to blame. */
export function backendNameUses(
  env: Pick<ParsedEnv, "project" | "backend">,
  names: Pick<DerivedNames, "stateBucket" | "lockTable" | "stateKeyAlias">,
): NameUse[] {
  if (env.backend.kind === "hcp") return []; // no bucket, table or key of its own
  const project = { path: ["project"], value: env.project };
  const { bucketName, lockTableName } = env.backend;
  return [
    ...use(
      "state bucket name",
      "aws_s3_bucket",
      [names.stateBucket],
      bucketName ? { path: ["backend", "bucketName"], value: bucketName } : project,
    ),
    ...use(
      "lock table name",
      "aws_dynamodb_table",
      [names.lockTable],
      lockTableName ? { path: ["backend", "lockTableName"], value: lockTableName } : project,
    ),
    ...use("state key alias", "aws_kms_alias", [names.stateKeyAlias], project),
  ];
}

/** The platform's names: cluster, roles, log groups, node groups' templates and groups, tables, repositories, queues. */
export function platformNameUses(env: Pick<ParsedEnv, "project" | "nodeGroups" | "ecr">, names: DerivedNames): NameUse[] {
  const project = { path: ["project"], value: env.project };
  const uses = [
    ...use("cluster name", "aws_eks_cluster", [names.cluster], project),
    ...use("IAM role name", "aws_iam_role", Object.values(names.roles), project),
    ...use("control-plane log group name", "aws_cloudwatch_log_group", [names.clusterLogGroup], project),
    ...use("flow-log group name", "aws_cloudwatch_log_group", [names.flowLogGroup], project),
  ];
  for (const kind of ["selfManaged", "managed"] as const) {
    for (const key of Object.keys(env.nodeGroups[kind])) {
      if (!KEY_NAME_PATTERN.test(key)) continue; // the key's own rule reports it
      const { launchTemplate, groups } = names.nodeGroups[key];
      const at = { path: ["nodeGroups", kind, key], value: key };
      uses.push(...use("launch template name", "aws_launch_template", [launchTemplate], at));
      if (kind === "selfManaged") uses.push(...use("autoscaling group name", "aws_autoscaling_group", groups, at));
      else uses.push(...use("node group name", "aws_eks_node_group", groups, at));
    }
  }
  for (const [table, name] of Object.entries(names.tables))
    uses.push(...use("table name", "aws_dynamodb_table", [name], { path: ["tables", table], value: table }));
  env.ecr.repositories.forEach((image, i) =>
    uses.push(
      ...use("repository name", "aws_ecr_repository", [names.ecrRepositories[image]], { path: ["ecr", "repositories", i], value: image }),
    ),
  );
  uses.push(...use("Node Termination Handler queue name", "aws_sqs_queue", [names.terminationQueue], project));
  if (names.terminationQueue) {
    const rules = interruptionRuleNames(nodeTerminationRulePrefix(names.cluster), nodeTerminationEvents([]));
    uses.push(...use("Node Termination Handler EventBridge rule name", "aws_cloudwatch_event_rule", rules, project));
  }
  uses.push(...use("Karpenter interruption queue name", "aws_sqs_queue", [names.karpenterQueue], project));
  if (names.karpenterQueue)
    uses.push(...use("Karpenter EventBridge rule name", "aws_cloudwatch_event_rule", interruptionRuleNames(names.karpenterQueue), project));
  return uses;
}

/** The names that break AWS's rules, one issue per use: the longest of several stands for all. */
export function nameIssues(uses: readonly NameUse[]): ConfigIssue[] {
  return uses.flatMap((use) => {
    const name = [...use.names].sort((a, b) => b.length - a.length)[0];
    const p = NAME_RULES[use.type].problem(name);
    const what = use.names.length > 1 ? `longest ${use.what}` : use.what;
    return p ? [{ path: use.path, value: use.value, message: `makes the ${what} "${name}" invalid: ${p}` }] : [];
  });
}

/** An environment as the collision check sees it: its file and its resolved config. */
export interface NamedEnv {
  readonly source: string;
  readonly env: EnvConfig;
}

/**
 * Names two environments would both create where AWS needs them unique: IAM names in one account,
 * the others in one account and region (both must name their account). One issue per environment
 * pair and field, on the later environment, naming both files, the field and the name.
 */
export function nameCollisions(envs: readonly NamedEnv[]): { index: number; issue: ConfigIssue }[] {
  const out: { index: number; issue: ConfigIssue }[] = [];
  const usesOf = envs.map(({ env }) => platformNameUses(env, env.derived.names));
  envs.forEach((mine, i) => {
    const reported = new Set<string>();
    for (let j = 0; j < i; j++) {
      const other = envs[j].env;
      const sameAccount = mine.env.accountId !== undefined && mine.env.accountId === other.accountId;
      if (!sameAccount) continue;
      const theirs = new Map<string, NameUse>();
      for (const use of usesOf[j]) for (const name of use.names) theirs.set(`${use.type} ${name}`, use);
      for (const use of usesOf[i]) {
        const { scope } = NAME_RULES[use.type];
        if (scope === "global" || scope === "cluster") continue;
        if (scope === "region" && !sameAccountAndRegion(mine.env, other)) continue;
        const name = use.names.find((n) => theirs.has(`${use.type} ${n}`));
        const field = use.path.map((p, k) => (typeof p === "number" ? `[${p}]` : k === 0 ? p : `.${p}`)).join("");
        if (name === undefined || reported.has(`${j} ${field}`)) continue;
        reported.add(`${j} ${field}`);
        const as = theirs.get(`${use.type} ${name}`)!.what;
        const where = scope === "account" ? `account ${other.accountId}` : `account ${other.accountId} in ${other.region}`;
        const message = `makes the ${use.what} "${name}", which ${envs[j].source} also makes${as === use.what ? "" : ` (its ${as})`} in ${where}; AWS refuses the second: change ${field} in ${mine.source}`;
        out.push({ index: i, issue: { path: use.path, value: use.value, message } });
      }
    }
  });
  return out;
}
