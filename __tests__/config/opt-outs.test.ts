/**
 * optOutSuppressions: each explicit opt-out of the environment config gives exactly its
 * suppressions (rule, Terraform address, reason naming the field, the environment's file), no
 * opt-out gives none, and every one of them suppresses a real violation of the synthesized stacks
 * (synth refuses a suppression that suppresses nothing).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { optOutSuppressions, type EnvInput } from "../../src/config";
import { existingVpcInput, fixtureEnvs, testEnv } from "../helpers/synth";

const SOURCE = "envs/test.ts";
const TABLE = { hashKey: { name: "id", type: "S" as const } };
const TORN_DOWN = "ephemeral is true in the environment config (explicit opt-out: the environment is torn down)";
const EPHEMERAL_LOCK = "ephemeral is true in the environment config (explicit opt-out)";
const MUTABLE = "ecr.imageTagMutability is MUTABLE in the environment config (explicit opt-out)";
const ANYWHERE = "eks.allowPublicAccessFromAnywhere is set in the environment config (explicit opt-out)";
const NO_FLOW_LOGS = "vpc.flowLogs.enabled is false in the environment config (explicit opt-out)";

/** `RULE address: reason`, one per suppression. */
function linesOf(input: Partial<EnvInput>): string[] {
  return optOutSuppressions(testEnv(input), SOURCE).map((s) => {
    expect(s.source).toBe(SOURCE);
    return `${s.rule} ${s.resource}: ${s.reason}`;
  });
}

const CASES: [string, Partial<EnvInput>, string[]][] = [
  ["no opt-out", {}, []],
  [
    "ephemeral: the state backend",
    { ephemeral: true },
    [
      `TF-001 aws_s3_bucket.state_bucket: ${TORN_DOWN}`,
      `TF-001 aws_kms_key.state_key: ${TORN_DOWN}`,
      `TF-001 aws_dynamodb_table.state_lock_table: ${TORN_DOWN}`,
      `DDB-003 aws_dynamodb_table.state_lock_table: ${EPHEMERAL_LOCK}`,
    ],
  ],
  [
    "ephemeral without a lock table",
    { ephemeral: true, backend: { dynamodbLock: false, useLockfile: true } },
    [`TF-001 aws_s3_bucket.state_bucket: ${TORN_DOWN}`, `TF-001 aws_kms_key.state_key: ${TORN_DOWN}`],
  ],
  [
    "ephemeral: its tables lose deletion protection",
    { ephemeral: true, backend: { dynamodbLock: false, useLockfile: true }, tables: { users: TABLE } },
    [
      `TF-001 aws_s3_bucket.state_bucket: ${TORN_DOWN}`,
      `TF-001 aws_kms_key.state_key: ${TORN_DOWN}`,
      "DDB-003 aws_dynamodb_table.tables_users: tables.users.deletionProtection is false in the environment config (explicit opt-out)",
    ],
  ],
  [
    "mutable ECR tags: every repository",
    { ecr: { repositories: ["web", "team/api.v2"], imageTagMutability: "MUTABLE" } },
    [`ECR-002 aws_ecr_repository.ecr_web: ${MUTABLE}`, `ECR-002 aws_ecr_repository.ecr_team_api_v2: ${MUTABLE}`],
  ],
  ["mutable ECR tags without repositories", { ecr: { repositories: [], imageTagMutability: "MUTABLE" } }, []],
  [
    "a public endpoint open to anywhere, no list",
    { eks: { endpointPublicAccess: true, publicAccessCidrs: [], allowPublicAccessFromAnywhere: true } },
    [`EKS-001 aws_eks_cluster.eks: ${ANYWHERE}`],
  ],
  [
    "a public endpoint open to 0.0.0.0/0",
    { eks: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"], allowPublicAccessFromAnywhere: true } },
    [`EKS-001 aws_eks_cluster.eks: ${ANYWHERE}`],
  ],
  [
    "allowPublicAccessFromAnywhere with a list of own ranges (not in effect)",
    { eks: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"], allowPublicAccessFromAnywhere: true } },
    [],
  ],
  [
    "IMDS hop limit 2 on node groups of both kinds",
    { nodeGroups: { selfManaged: { "app-x": { metadataHopLimit: 2 }, plain: {} }, managed: { sys: { metadataHopLimit: 2 } } } },
    [
      "LT-002 aws_launch_template.workers_app-x_launch_template: nodeGroups.selfManaged.app-x.metadataHopLimit is 2 in the environment config (explicit opt-out)",
      "LT-002 aws_launch_template.workers_sys_launch_template: nodeGroups.managed.sys.metadataHopLimit is 2 in the environment config (explicit opt-out)",
    ],
  ],
  [
    "a table without point-in-time recovery or deletion protection",
    { tables: { "product-group": { ...TABLE, pointInTimeRecovery: false, deletionProtection: false }, kept: TABLE } },
    [
      "DDB-001 aws_dynamodb_table.tables_product_group: tables.product-group.pointInTimeRecovery is false in the environment config (explicit opt-out)",
      "DDB-003 aws_dynamodb_table.tables_product_group: tables.product-group.deletionProtection is false in the environment config (explicit opt-out)",
    ],
  ],
  ["flow logs off", { vpc: { flowLogs: { enabled: false } } }, [`VPC-001 aws_vpc.vpc: ${NO_FLOW_LOGS}`]],
  [
    "flow logs off in an existing VPC: judged through the cluster",
    { vpc: { existing: existingVpcInput(), flowLogs: { enabled: false } } },
    [
      "VPC-001 aws_eks_cluster.eks: vpc.flowLogs.enabled is false in the environment config (explicit opt-out: the existing VPC's owner logs it)",
    ],
  ],
];

describe("optOutSuppressions", () => {
  it.each(CASES)("%s", (_name, input, expected) => {
    expect(linesOf(input)).toEqual(expected);
  });

  it("gives none for the fixture environments, which opt out of nothing", async () => {
    for (const env of await fixtureEnvs()) expect(optOutSuppressions(env, SOURCE)).toEqual([]);
  });

  it("gives none on HCP Terraform for the state backend, which is not in the stacks", () => {
    const env = testEnv({ ephemeral: true, backend: { kind: "hcp", organization: "fixture-org" } });
    expect(optOutSuppressions(env, SOURCE)).toEqual([]);
  });

  it.each(CASES.filter(([, , expected]) => expected.length > 0))(
    "%s: each suppression suppresses a violation of the synthesized stacks",
    (_name, input, expected) => {
      const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "opt-outs-")), "cdktf.out");
      const { app } = buildApp([testEnv(input)], outdir);
      // Synth fails on a suppression that suppresses nothing: passing means every one was used.
      app.synth();
      const used = app.policyReports.flatMap((r) => r.suppressed.map((s) => `${s.rule.id} ${s.resource.address}: ${s.suppression.reason}`));
      expect(used.sort()).toEqual([...expected].sort());
    },
  );
});
