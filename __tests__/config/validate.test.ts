import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { assertValidEnvs, EnvConfigError, validateEnvs, type EnvInput } from "../../src/config";
import { baseInput, sampleEnvs } from "../helpers/synth";

/** Validates one environment input and returns its error lines. */
function errorsOf(input: unknown, source = "envs/test.ts"): string[] {
  return validateEnvs([{ source, raw: input }]).errors;
}

const base = baseInput();

describe("config validation", () => {
  it("accepts every sample environment and applies defaults", async () => {
    // GIVEN the envs/ folder  WHEN it is validated
    const envs = await sampleEnvs();
    // THEN every environment is valid, with the backend and ci defaults filled in
    const files = fs.readdirSync(path.join(PROJECT_ROOT, "envs")).filter((f) => f.endsWith(".ts") && !f.startsWith("_"));
    expect(envs.map((e) => `${e.name}.ts`).sort()).toEqual(files.sort());
    for (const env of envs) expect(env.backend.dynamodbLock).toBe(true);
    const dev = envs.find((e) => e.name === "dev")!;
    expect(dev.backend.backendStackState).toBe("local");
    expect(dev.ci).toEqual({
      planRoleArn: "arn:aws:iam::111111111111:role/acme-dev-ci-plan",
      planStacks: ["platform"],
      runsOn: ["ubuntu-24.04"],
    });
  });

  it("accepts a minimal environment", () => {
    expect(errorsOf(base)).toEqual([]);
  });

  it("protects tables by default, and leaves them unprotected in an ephemeral environment unless told", () => {
    const table = { hashKey: { name: "id", type: "S" as const } };
    const [kept, ephemeral] = assertValidEnvs([
      { source: "a", raw: { ...base, name: "kept", tables: { t: table } } },
      { source: "b", raw: { ...base, name: "gone", ephemeral: true, tables: { t: table, u: { ...table, deletionProtection: false } } } },
    ]);
    expect(kept.tables.t.deletionProtection).toBe(true);
    expect(ephemeral.tables.t.deletionProtection).toBe(false);
    expect(ephemeral.tables.u.deletionProtection).toBe(false);
  });

  // One invalid input -> one exact message.
  const cases: [string, unknown, string[]][] = [
    [
      "wrong region format",
      { ...base, region: "EU-WEST-1" },
      [
        'env "test": region is not an AWS region (did you mean "eu-west-1"?); eu- regions: eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-2, eu-west-3 (got "EU-WEST-1")',
      ],
    ],
    [
      "made-up region",
      { ...base, region: "eu-middle-1" },
      [
        'env "test": region is not an AWS region; eu- regions: eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-2, eu-west-3 (got "eu-middle-1")',
      ],
    ],
    ["non-12-digit account id", { ...base, accountId: "12345" }, ['env "test": accountId must be exactly 12 digits (got "12345")']],
    ["account id as a number", { ...base, accountId: 111111111111 }, ['env "test": accountId must be a string (got 111111111111)']],
    [
      "unknown top-level key (typo)",
      { ...base, regoin: "eu-west-1" },
      [
        'env "test": regoin is not a known setting (did you mean "region"?); allowed: name, project, region, accountId, assumeRole, availabilityZones, tags, backend, ' +
          'tier, ephemeral, logKmsEncryption, vpc, ecr, eks, nodeGroups, fargate, tables, kubeconfig, workloads, policy, ci (got "eu-west-1")',
      ],
    ],
    [
      "unknown nested key",
      { ...base, backend: { dynamodbLok: true } },
      [
        'env "test": backend.dynamodbLok is not a known setting (did you mean "dynamodbLock"?); allowed: kind, organization, hostname, project, bucketName, lockTableName, dynamodbLock, useLockfile, noncurrentVersionExpirationDays, noncurrentVersionsToKeep, backendStackState (got true)',
      ],
    ],
    [
      "derived bucket name too long",
      { ...base, project: "a".repeat(51) },
      [
        `env "test": project makes the state bucket name "${"a".repeat(51)}-test-tfstate" invalid: S3 bucket names are 3-63 characters, this one has 64 (got "${"a".repeat(51)}")`,
        `env "test": project makes the longest IAM role name "${"a".repeat(51)}-test-eks-cluster-autoscaler" invalid: IAM role names are 1-64 characters, this one has 79 (got "${"a".repeat(51)}")`,
      ],
    ],
    [
      "derived bucket name uppercase",
      { ...base, project: "Acme" },
      [
        'env "test": project makes the state bucket name "Acme-test-tfstate" invalid: S3 bucket names allow only lowercase letters, digits and hyphens (got "Acme")',
      ],
    ],
    [
      "bucket name override with a reserved suffix",
      { ...base, backend: { bucketName: "acme-state-s3alias" } },
      [
        'env "test": backend.bucketName makes the state bucket name "acme-state-s3alias" invalid: S3 bucket names must not end with "-s3alias" (got "acme-state-s3alias")',
      ],
    ],
    [
      "lock table override with a bad character",
      { ...base, backend: { lockTableName: "acme lock" } },
      [
        `env "test": backend.lockTableName makes the lock table name "acme lock" invalid: DynamoDB table names allow only letters, digits, '_', '.' and '-' (got "acme lock")`,
      ],
    ],
    [
      "empty AZ list",
      { ...base, availabilityZones: [] },
      ['env "test": availabilityZones must list at least two zones: EKS needs subnets in two availability zones (got [])'],
    ],
    [
      "one AZ",
      { ...base, availabilityZones: ["eu-west-1a"] },
      ['env "test": availabilityZones must list at least two zones: EKS needs subnets in two availability zones (got ["eu-west-1a"])'],
    ],
    [
      "AZ of another region",
      { ...base, availabilityZones: ["us-east-1a", "eu-west-1b"] },
      ['env "test": availabilityZones[0] is not a zone of eu-west-1; its zones: eu-west-1a, eu-west-1b, eu-west-1c (got "us-east-1a")'],
    ],
    [
      "AZ listed twice",
      { ...base, availabilityZones: ["eu-west-1a", "eu-west-1a"] },
      ['env "test": availabilityZones[1] is listed twice (got "eu-west-1a")'],
    ],
    ["missing name", { ...base, name: undefined }, ['env "envs/test.ts": name is required (got nothing)']],
    [
      "uppercase env name",
      { ...base, name: "Dev" },
      ['env "Dev": name must be 2-16 lowercase letters and digits, starting with a letter (got "Dev")'],
    ],
    [
      "env name with a hyphen",
      { ...base, name: "dev-1" },
      ['env "dev-1": name must be 2-16 lowercase letters and digits, starting with a letter (got "dev-1")'],
    ],
    [
      "project with a trailing hyphen",
      { ...base, project: "acme-" },
      ['env "test": project must be letters, digits and inner hyphens (got "acme-")'],
    ],
    [
      "tag that overrides a project tag",
      { ...base, tags: { Project: "other" } },
      ['env "test": tags.Project is set by the project on every resource; remove it (got "other")'],
    ],
    [
      "tag key in the aws: namespace",
      { ...base, tags: { "aws:cost": "x" } },
      [
        'env "test": tags["aws:cost"] has an invalid key: tag keys are 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws: (got "x")',
      ],
    ],
    ["tag value not a string", { ...base, tags: { Team: 5 } }, ['env "test": tags.Team must be a string (got 5)']],
    [
      "no state locking at all",
      { ...base, backend: { dynamodbLock: false } },
      [
        'env "test": backend.dynamodbLock and backend.useLockfile are both false, which leaves the state unlocked: enable at least one (got false)',
      ],
    ],
    [
      "ephemeral environment whose backend state is in its own bucket",
      { ...base, ephemeral: true, backend: { backendStackState: "s3" } },
      [
        'env "test": backend.backendStackState must be "local" in an ephemeral environment: its backend stack is destroyed last and cannot keep its state in the bucket it deletes (got "s3")',
      ],
    ],
    [
      "deletion-protected table in an ephemeral environment",
      { ...base, ephemeral: true, tables: { users: { hashKey: { name: "email", type: "S" }, deletionProtection: true } } },
      [
        'env "test": tables.users.deletionProtection must not be true in an ephemeral environment (cdktf destroy could not delete the table); remove it or set ephemeral: false (got true)',
      ],
    ],
    [
      "unknown backend state mode",
      { ...base, backend: { backendStackState: "remote" } },
      ['env "test": backend.backendStackState must be "local" or "s3" (got "remote")'],
    ],
    [
      "fractional retention",
      { ...base, backend: { noncurrentVersionExpirationDays: 0.5 } },
      ['env "test": backend.noncurrentVersionExpirationDays must be a whole number of days (got 0.5)'],
    ],
    [
      "role ARN of a user",
      { ...base, assumeRole: { roleArn: "arn:aws:iam::123456789012:user/deployer" } },
      [
        'env "test": assumeRole.roleArn must be an IAM role ARN like arn:aws:iam::123456789012:role/deployer (got "arn:aws:iam::123456789012:user/deployer")',
      ],
    ],
    ["config that is not an object", "dev", ['env "envs/test.ts": (config) must be an object (got "dev")']],
  ];

  it.each(cases)("rejects %s with its exact message", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("has at least 15 distinct bad-input cases", () => {
    expect(new Set(cases.map(([, , msgs]) => msgs[0])).size).toBeGreaterThanOrEqual(15);
  });

  it("reports every problem of every environment at once", () => {
    // GIVEN two environments with problems in different sections
    const result = validateEnvs([
      { source: "envs/a.ts", raw: { ...base, name: "aa", region: "us-wst-2", tags: { Project: "x" } } },
      { source: "envs/b.ts", raw: { ...base, name: "bb", accountId: "1", backend: { dynamodbLock: false } } },
    ]);
    // THEN each problem has its own line, and nothing is returned as valid
    expect(result.envs).toEqual([]);
    expect(result.errors).toEqual([
      'env "aa": region is not an AWS region (did you mean "us-west-2"?); us- regions: us-east-1, us-east-2, us-west-1, us-west-2, us-gov-east-1, us-gov-west-1 (got "us-wst-2")',
      'env "aa": tags.Project is set by the project on every resource; remove it (got "x")',
      'env "bb": accountId must be exactly 12 digits (got "1")',
      'env "bb": backend.dynamodbLock and backend.useLockfile are both false, which leaves the state unlocked: enable at least one (got false)',
    ]);
  });

  it("rejects duplicate environment names once, naming the first file", () => {
    const result = validateEnvs([
      { source: "envs/dev.ts", raw: { ...base, name: "dev" } },
      { source: "envs/dev-copy.ts", raw: { ...base, name: "dev" } },
    ]);
    expect(result.errors).toEqual(['env "dev": name is already used by envs/dev.ts; each environment needs its own (got "dev")']);
  });

  it("rejects two environments sharing a state bucket", () => {
    const input = (name: string): EnvInput => ({ ...base, name, backend: { bucketName: "shared-tfstate" } });
    const result = validateEnvs([
      { source: "envs/qa.ts", raw: input("qa") },
      { source: "envs/uat.ts", raw: input("uat") },
    ]);
    expect(result.errors).toEqual([
      'env "uat": backend.bucketName gives the state bucket "shared-tfstate", which envs/qa.ts also uses; each environment needs its own (got "shared-tfstate")',
    ]);
  });

  it("throws EnvConfigError with every line from assertValidEnvs", () => {
    const run = () => assertValidEnvs([{ source: "envs/x.ts", raw: { ...base, region: "x", accountId: "y" } }]);
    expect(run).toThrow(EnvConfigError);
    expect(run).toThrow(/invalid environment configuration \(2 problems\):\nenv "test": region .*\nenv "test": accountId/);
  });
});
