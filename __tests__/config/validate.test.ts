import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { assertValidEnvs, EnvConfigError, validateEnvs, type EnvInput } from "../../src/config";
import { roleNames } from "../../src/lib/naming";
import { configBase as base, errorsOf, errorsOfAll } from "../helpers/config";
import { existingVpcInput, FIXTURE_ENVS_DIR, fixtureEnvs, withClusterAccess } from "../helpers/synth";

describe("config validation", () => {
  it("accepts every fixture environment and applies defaults", async () => {
    // GIVEN the fixture environments' folder  WHEN it is validated
    const envs = await fixtureEnvs();
    // THEN every environment is valid, with the backend and ci defaults filled in
    const files = fs.readdirSync(FIXTURE_ENVS_DIR).filter((f) => f.endsWith(".ts") && !f.startsWith("_"));
    expect(envs.map((e) => `${e.name}.ts`).sort()).toEqual(files.sort());
    for (const env of envs) expect(env.backend.dynamodbLock).toBe(true);
    const alpha = envs.find((e) => e.name === "alpha")!;
    expect(alpha.ci).toEqual({
      github: { repository: "fixture/platform", oidcProvider: "create", deploy: false, workflowInSubject: false },
      planRunsOn: ["ubuntu-24.04"],
      runsOn: ["ubuntu-24.04"],
    });
  });

  it("accepts a minimal environment", () => {
    expect(errorsOf(base)).toEqual([]);
  });

  it("checks every derived IAM role name, the VPC CNI's included, against IAM's 64 characters", () => {
    // The longest project that validates: every role of the environment then fits.
    const project = "a".repeat(64 - "-test-eks-cluster-autoscaler".length);
    expect(errorsOf({ ...base, project })).toEqual([]);
    const roles = roleNames({ project, name: "test" });
    expect(roles.vpcCni).toBe(`${project}-test-eks-vpc-cni`);
    for (const role of Object.values(roles)) expect(role.length).toBeLessThanOrEqual(64);
    expect(errorsOf({ ...base, project: `${project}a` }).join("\n")).toContain("longest IAM role name");
  });

  it("checks the derived state key alias and app table names against KMS's and DynamoDB's limits", () => {
    const project = "a".repeat(250);
    const errors = errorsOf({ ...base, project, tables: { t: { hashKey: { name: "id", type: "S" } } } });
    // The message shortens the long project it quotes after "got".
    expect(errors).toContainEqual(
      expect.stringContaining(
        `env "test": project makes the state key alias "alias/${project}-test-tfstate" invalid: KMS aliases are alias/ plus 1-250 of letters, digits, '/', '_' and '-' (got "aaa`,
      ),
    );
    expect(errors).toContain(
      `env "test": tables.t makes the table name "${project}-test-t" invalid: DynamoDB table names are 3-255 characters, this one has 257 (got "t")`,
    );
  });

  it("checks the derived cluster name against EKS's 100 characters and the queue names against SQS's 80", () => {
    const project = "a".repeat(92);
    const errors = errorsOf({ ...base, project, nodeGroups: { selfManaged: { app: {} } } }).join("\n");
    expect(errors).toContain(
      `project makes the cluster name "${project}-test-eks" invalid: EKS cluster names are 1-100 characters, this one has 101`,
    );
    expect(errors).toContain(
      `project makes the Node Termination Handler queue name "${project}-test-eks-node-termination" invalid: SQS queue names are 1-80 characters, this one has 118`,
    );
    expect(errorsOf({ ...base, project, karpenter: {} }).join("\n")).toContain(
      `project makes the Karpenter interruption queue name "${project}-test-eks-karpenter" invalid: SQS queue names are 1-80 characters, this one has 111`,
    );
  });

  it("checks the Node Termination Handler's EventBridge rule names against EventBridge's 64 characters", () => {
    // 33 characters pass; 34 make the longest rule 65 long, and every IAM role name still fits.
    const groups = { selfManaged: { app: {} } };
    expect(errorsOf({ ...base, project: "a".repeat(33), nodeGroups: groups })).toEqual([]);
    const project = "a".repeat(34);
    expect(errorsOf({ ...base, project, nodeGroups: groups })).toEqual([
      `env "test": project makes the longest Node Termination Handler EventBridge rule name "${project}-test-eks-nth-spot-interruption" invalid: EventBridge rule names are 1-64 characters, this one has 65 (got "${project}")`,
    ]);
    // Without self-managed groups there is no handler, and no rule.
    expect(errorsOf({ ...base, project })).toEqual([]);
  });

  it("protects tables by default, and leaves them unprotected in an ephemeral environment unless told", () => {
    const table = { hashKey: { name: "id", type: "S" as const } };
    const [kept, ephemeral] = assertValidEnvs([
      { source: "a", raw: withClusterAccess({ ...base, name: "kept", tables: { t: table } }) },
      {
        source: "b",
        raw: withClusterAccess({
          ...base,
          name: "gone",
          ephemeral: true,
          tables: { t: table, u: { ...table, deletionProtection: false } },
        }),
      },
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
          'tier, ephemeral, logKmsEncryption, vpc, ecr, eks, nodeGroups, fargate, tables, kubeconfig, karpenter, workloads, policy, iam, ci (got "eu-west-1")',
      ],
    ],
    [
      "unknown nested key",
      { ...base, backend: { dynamodbLok: true } },
      [
        'env "test": backend.dynamodbLok is not a known setting (did you mean "dynamodbLock"?); allowed: kind, organization, hostname, project, bucketName, lockTableName, dynamodbLock, stateReaders, stateWriters, useLockfile, noncurrentVersionExpirationDays, noncurrentVersionsToKeep, backendStackState (got true)',
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
      { ...base, project: "Fixture" },
      [
        'env "test": project makes the state bucket name "Fixture-test-tfstate" invalid: S3 bucket names allow only lowercase letters, digits and hyphens (got "Fixture")',
      ],
    ],
    [
      "bucket name override with a reserved suffix",
      { ...base, backend: { bucketName: "fixture-state-s3alias" } },
      [
        'env "test": backend.bucketName makes the state bucket name "fixture-state-s3alias" invalid: S3 bucket names must not end with "-s3alias" (got "fixture-state-s3alias")',
      ],
    ],
    [
      "lock table override with a bad character",
      { ...base, backend: { lockTableName: "fixture lock" } },
      [
        `env "test": backend.lockTableName makes the lock table name "fixture lock" invalid: DynamoDB table names allow only letters, digits, '_', '.' and '-' (got "fixture lock")`,
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
    [
      "missing name",
      { ...base, name: undefined },
      ['env "envs/test.ts": name is required: the environment\'s name (dev, qa, prod), part of every stack id and AWS name (got nothing)'],
    ],
    [
      "missing project",
      { ...base, project: undefined },
      [
        'env "test": project is required: the prefix of every AWS name of the environment (<project>-<env>-...), e.g. your team or product (got nothing)',
      ],
    ],
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
      { ...base, project: "fixture-" },
      ['env "test": project must be letters, digits and inner hyphens (got "fixture-")'],
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
      "deletion-protected table in an ephemeral environment",
      { ...base, ephemeral: true, tables: { users: { hashKey: { name: "email", type: "S" }, deletionProtection: true } } },
      [
        'env "test": tables.users.deletionProtection must not be true in an ephemeral environment (cdktf destroy could not delete the table); remove it or set ephemeral: false (got true)',
      ],
    ],
    [
      "the retired backend state setting",
      { ...base, backend: { backendStackState: "local" } },
      [
        'env "test": backend.backendStackState is no longer a setting: the backend stack\'s state always lives in its own bucket (npm run bootstrap -- <env> moves it there, npm run teardown -- <env> takes it out); remove the line (got "local")',
      ],
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
    ["config that is not an object", "qa", ['env "envs/test.ts": (config) must be an object (got "qa")']],
  ];

  it.each(cases)("rejects %s with its exact message", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("has at least 15 distinct bad-input cases", () => {
    expect(new Set(cases.map(([, , msgs]) => msgs[0])).size).toBeGreaterThanOrEqual(15);
  });

  it("reports every problem of every environment at once", () => {
    // GIVEN two environments with problems in different sections
    const sources = [
      { source: "envs/a.ts", raw: withClusterAccess({ ...base, name: "aa", region: "us-wst-2", tags: { Project: "x" } }) },
      { source: "envs/b.ts", raw: withClusterAccess({ ...base, name: "bb", accountId: "1", backend: { dynamodbLock: false } }) },
    ];
    // THEN each problem has its own line, and nothing is returned as valid
    const result = validateEnvs(sources);
    expect(result.envs).toEqual([]);
    expect(result.errors).toEqual([
      'env "aa": region is not an AWS region (did you mean "us-west-2"?); us- regions: us-east-1, us-east-2, us-west-1, us-west-2, us-gov-east-1, us-gov-west-1 (got "us-wst-2")',
      'env "aa": tags.Project is set by the project on every resource; remove it (got "x")',
      'env "bb": accountId must be exactly 12 digits (got "1")',
      'env "bb": backend.dynamodbLock and backend.useLockfile are both false, which leaves the state unlocked: enable at least one (got false)',
    ]);
  });

  it("rejects duplicate environment names once, naming the first file", () => {
    const errors = errorsOfAll([
      { source: "envs/qa.ts", raw: { ...base, name: "qa" } },
      { source: "envs/qa-copy.ts", raw: { ...base, name: "qa" } },
    ]);
    expect(errors).toEqual([
      'env "qa": name is already used by envs/qa.ts; give the environment of envs/qa-copy.ts a name of its own (got "qa")',
    ]);
  });

  it("rejects two environments sharing a state bucket", () => {
    const input = (name: string): EnvInput => ({ ...base, name, backend: { bucketName: "shared-tfstate" } });
    const errors = errorsOfAll([
      { source: "envs/qa.ts", raw: input("qa") },
      { source: "envs/uat.ts", raw: input("uat") },
    ]);
    expect(errors).toEqual([
      'env "uat": backend.bucketName gives the state bucket "shared-tfstate", which envs/qa.ts also uses; each environment needs its own: change it in envs/uat.ts (got "shared-tfstate")',
    ]);
  });

  /** An environment `name` in envs/<name>.ts with the given VPC section. */
  const inVpc = (name: string, vpc: EnvInput["vpc"]) => ({ source: `envs/${name}.ts`, raw: { ...base, name, vpc } });

  it("refuses a subnet two environments use when either adds its discovery tags, on the later; allows it when both find them present", () => {
    const { privateSubnets, publicSubnets } = existingVpcInput();
    const ids = [
      ...privateSubnets.map((s, i) => [`privateSubnets[${i}]`, s.id]),
      ...publicSubnets.map((s, i) => [`publicSubnets[${i}]`, s.id]),
    ];
    const message = (who: string) =>
      ids.map(
        ([at, id]) =>
          `env "qa": vpc.existing.${at}.id is also used by envs/core.ts, and ${who} adds its EKS discovery tags (discoveryTags "add"): destroying it would remove the role tag from under the other's load balancers; tag shared subnets once outside both and set vpc.existing.discoveryTags: "present" in each (got "${id}")`,
      );
    const add = existingVpcInput();
    const present = existingVpcInput({ discoveryTags: "present" });
    const pair = (dev: typeof add, qa: typeof add) => errorsOfAll([inVpc("core", { existing: dev }), inVpc("qa", { existing: qa })]);
    expect(pair(add, add)).toEqual(message("that environment"));
    expect(pair(add, present)).toEqual(message("that environment"));
    expect(pair(present, add)).toEqual(message("this one"));
    expect(pair(present, present)).toEqual([]);
  });

  it("refuses a third environment logging one existing VPC: AWS allows two flow logs per VPC", () => {
    const shared = existingVpcInput({ discoveryTags: "present" });
    const logging = (name: string, enabled = true) => inVpc(name, { existing: shared, flowLogs: { enabled } });
    expect(errorsOfAll([logging("core"), logging("qa"), logging("uat", false), logging("int")])).toEqual([
      `env "int": vpc.flowLogs.enabled would add a third flow log to ${shared.vpcId}, which envs/core.ts and envs/qa.ts log already, and AWS allows 2 per VPC: set vpc.flowLogs.enabled: false here (one environment's flow log covers the whole VPC) (got true)`,
    ]);
    expect(errorsOfAll([logging("core"), logging("qa"), logging("uat", false)])).toEqual([]);
  });

  it("throws EnvConfigError with every line from assertValidEnvs", () => {
    const run = () => assertValidEnvs([{ source: "envs/x.ts", raw: withClusterAccess({ ...base, region: "x", accountId: "y" }) }]);
    expect(run).toThrow(EnvConfigError);
    expect(run).toThrow(/invalid environment configuration \(2 problems\):\nenv "test": region .*\nenv "test": accountId/);
  });
});

describe("EKS support windows", () => {
  const env = (eks: Record<string, unknown>) => [{ source: "envs/test.ts", raw: withClusterAccess({ ...base, eks }) }];

  it.each([
    [
      "a version past standard support, naming the date, the next version and the way to stay",
      { kubernetesVersion: "1.34" },
      "2026-12-06",
      'env "test": eks.kubernetesVersion left standard support on 2026-12-02; upgrade to 1.35 (npm run upgrade), or set eks.supportType "EXTENDED" to stay on it until 2027-12-02 (extended support costs extra per cluster hour) (got "1.34")',
    ],
    [
      "any version past extended support",
      { kubernetesVersion: "1.35", supportType: "EXTENDED" },
      "2028-03-28",
      'env "test": eks.kubernetesVersion reached the end of extended support on 2028-03-27; EKS upgrades such clusters itself: upgrade to the next version once this project supports it (got "1.35")',
    ],
  ])("refuses %s", (_label, eks, today, error) => {
    expect(validateEnvs(env(eks), { today }).errors).toEqual([error]);
  });

  it.each([
    [
      "a version on extended support, with a warning naming the cost",
      { kubernetesVersion: "1.34", supportType: "EXTENDED" },
      'env "test": eks.kubernetesVersion is in extended support (paid per cluster hour) until 2027-12-02; upgrade to 1.35 (npm run upgrade) (got "1.34")',
    ],
    [
      "the newest version on 2026-12-06, warning from 120 days before the end of standard support",
      { kubernetesVersion: "1.35" },
      'env "test": eks.kubernetesVersion leaves standard support on 2027-03-27 (in 111 days); upgrade to the next version once this project supports it, or set eks.supportType "EXTENDED" (extended support costs extra per cluster hour) (got "1.35")',
    ],
  ])("accepts %s", (_label, eks, warning) => {
    const result = validateEnvs(env(eks), { today: "2026-12-06" });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([warning]);
  });

  it("says what is wrong with a malformed EKS_TODAY, as one error line", () => {
    const before = process.env.EKS_TODAY;
    process.env.EKS_TODAY = "tomorrow";
    try {
      expect(validateEnvs(env({})).errors).toEqual(['EKS_TODAY must be a date like 2026-12-06 (got "tomorrow")']);
    } finally {
      process.env.EKS_TODAY = before;
    }
  });
});

describe("adjustable quotas: warnings, never errors", () => {
  const at = (name: string, fields: Record<string, unknown>) => ({
    source: `envs/${name}.ts`,
    raw: withClusterAccess({ ...base, name, accountId: "111111111111", ...fields }),
  });
  const zones3 = { region: "eu-west-1", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] };

  it.each([
    [
      "two production VPCs of 3 NAT gateways each",
      [at("live", { ...zones3, tier: "production" }), at("live2", { ...zones3, tier: "production", vpc: { cidr: "10.1.0.0/16" } })],
      [
        'env "live2": vpc.natGateways makes the NAT gateways of 111111111111 in eu-west-1 need 6 Elastic IPs (envs/live.ts 3, envs/live2.ts 3), over the default quota of 5 per region: request more (Service Quotas, EC2 "EC2-VPC Elastic IPs") before deploying, or use natGateways "single" outside production (got nothing)',
      ],
    ],
    [
      "five single NAT gateways (at the quota)",
      ["a", "b", "c", "d", "e"].map((n, i) => at(`qa${n}`, { vpc: { cidr: `10.${i}.0.0/16` } })),
      [],
    ],
    [
      "the same in two regions",
      [
        at("live", { ...zones3, tier: "production" }),
        at("liveus", { region: "us-east-1", availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"], tier: "production" }),
      ],
      [],
    ],
    [
      "an existing VPC (its NAT is not ours)",
      [
        at("live", { ...zones3, tier: "production" }),
        at("byo", { vpc: { existing: existingVpcInput() } }),
        at("live3", { ...zones3, vpc: { natGateways: "perAz", cidr: "10.3.0.0/16" } }),
      ],
      [
        'env "live3": vpc.natGateways makes the NAT gateways of 111111111111 in eu-west-1 need 6 Elastic IPs (envs/live.ts 3, envs/live3.ts 3), over the default quota of 5 per region: request more (Service Quotas, EC2 "EC2-VPC Elastic IPs") before deploying, or use natGateways "single" outside production (got "perAz")',
      ],
    ],
  ])("%s", (_label, sources, expected) => {
    const result = validateEnvs(sources);
    expect(result.errors).toEqual([]);
    expect(result.warnings.filter((w) => w.includes("Elastic IPs"))).toEqual(expected);
  });
});
