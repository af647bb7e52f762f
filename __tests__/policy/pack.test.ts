/**
 * checkPolicy on real stacks, as EksApp runs it before writing anything: the fixture environments
 * pass, a violation fails synth with the rule id, address, problem and fix and writes nothing, and
 * suppressions need reasons and are listed.
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { addEnvStacks, EksApp, PolicyViolationError, synthApp } from "../../src/app";
import { validateEnvs } from "../../src/config";
import { parsePolicyDocument } from "../../src/policy/context";
import { checkPolicy } from "../../src/policy/pack";
import { baseInput, existingVpcInput, fixtureEnvs, testEnv } from "../helpers/synth";

function tempOutdir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-")), "cdktf.out");
}

/** The violations a synth fails with; none when it does not fail. */
function violationsOf(synth: () => void): readonly string[] {
  try {
    synth();
  } catch (err) {
    return (err as PolicyViolationError).violations;
  }
  return [];
}

describe("policy pack on every synth", () => {
  it("passes every fixture environment with zero errors", async () => {
    const app = new EksApp({ outdir: tempOutdir() });
    const envs = await fixtureEnvs();
    for (const env of envs) addEnvStacks(app, env);
    app.synth();
    expect(app.policyReports.flatMap((r) => r.errors)).toEqual([]);
    const stacks = envs.flatMap((e) => ["backend", "platform", "workloads"].map((k) => `${e.name}-${k}`));
    expect(app.policyReports.map((r) => r.stack).sort()).toEqual(stacks.sort());
    expect(app.policyReports.reduce((n, r) => n + r.checked, 0)).toBeGreaterThan(150);
    // Only documented suppressions: none in the fixtures.
    expect(app.policyReports.flatMap((r) => r.suppressed)).toEqual([]);
    expect(app.policySummary()[0]).toMatch(
      new RegExp(`^policy: \\d+ checks on ${stacks.length} stacks: 0 errors, \\d+ warnings, 0 suppressed$`),
    );
  });

  it("fails synth on a violation with rule id, address, problem and fix, and writes no stack at all", () => {
    const outdir = tempOutdir();
    const app = new EksApp({ outdir });
    const { platform } = addEnvStacks(app, testEnv());
    new S3Bucket(platform, "loose", { bucket: "fixture-test-loose" });
    expect(() => app.synth()).toThrow(PolicyViolationError);
    const lines = violationsOf(() => app.synth());
    expect(lines).toContain(
      "[S3-003] test-platform aws_s3_bucket.loose has no aws_s3_bucket_public_access_block. Fix: add aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets = true (mirrors CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56, CKV2_AWS_6, AWS-0086, AWS-0087, AWS-0091, AWS-0093, AWS-0094)",
    );
    expect(lines.filter((l) => l.includes("aws_s3_bucket.loose")).map((l) => l.slice(1, 7))).toEqual([
      "S3-001",
      "S3-002",
      "S3-003",
      "S3-004",
      "S3-005",
    ]);
    // The App's constructor makes the folder and its empty stacks/; synth added nothing to them.
    expect(fs.readdirSync(outdir)).toEqual(["stacks"]);
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual([]);
  });

  it("leaves no output folder at all when synth into a folder that does not exist fails the policy check", () => {
    const outdir = tempOutdir();
    const env = testEnv({
      policy: { suppressions: [{ rule: "EKS-001", resource: "aws_eks_cluster.eks", reason: "was public during the migration" }] },
    });
    expect(() => synthApp([env], outdir)).toThrow(PolicyViolationError);
    // No folder, no manifest, and no staging folder left beside it.
    expect(fs.readdirSync(path.dirname(outdir))).toEqual([]);
  });

  it("checks one stack as a plain function: the report, and an annotation on each violating construct", () => {
    const app = new EksApp({ outdir: tempOutdir() });
    const { platform } = addEnvStacks(app, testEnv());
    const loose = new S3Bucket(platform, "loose", { bucket: "fixture-test-loose" });
    const report = checkPolicy(platform, platform.policy);
    expect(report.stack).toBe("test-platform");
    expect(report.errors.map((v) => `${v.rule.id} ${v.resource.address}`)).toEqual(
      ["S3-001", "S3-002", "S3-003", "S3-004", "S3-005"].map((id) => `${id} aws_s3_bucket.loose`),
    );
    expect(report.checked).toBeGreaterThan(50);
    const annotations = loose.node.metadata.filter((m) => m.type === "@cdktf/error").map((m) => String(m.data).slice(0, 8));
    expect(annotations).toEqual(["[S3-001]", "[S3-002]", "[S3-003]", "[S3-004]", "[S3-005]"]);
  });

  it("lists suppressions with their reasons and source, written in the environment config or implied by its opt-outs", () => {
    const fixture = ["S3-001", "S3-002", "S3-003", "S3-005"].map((rule) => ({
      rule,
      resource: "aws_s3_bucket.loose",
      reason: "fixture bucket of this test only",
    }));
    const env = testEnv({
      ecr: { repositories: ["web"], imageTagMutability: "MUTABLE" },
      policy: {
        suppressions: [{ rule: "S3-004", resource: "aws_s3_bucket.loose", reason: "public assets bucket behind CloudFront" }, ...fixture],
      },
    });
    const app = new EksApp({ outdir: tempOutdir() });
    const { platform } = addEnvStacks(app, env);
    new S3Bucket(platform, "loose", { bucket: "fixture-test-loose" });
    app.synth();
    const summary = app.policySummary();
    expect(summary).toContain(
      "  suppressed [S3-004] test-platform aws_s3_bucket.loose: public assets bucket behind CloudFront (envs/test.ts)",
    );
    expect(summary).toContain(
      "  suppressed [ECR-002] test-platform aws_ecr_repository.ecr_web: ecr.imageTagMutability is MUTABLE in the environment config (explicit opt-out) (envs/test.ts)",
    );
    expect(summary[0]).toMatch(/, 6 suppressed$/);
  });

  it("rejects a suppression without a reason", () => {
    const result = validateEnvs([
      {
        source: "envs/test.ts",
        raw: baseInput({ policy: { suppressions: [{ rule: "S3-004", resource: "aws_s3_bucket.b", reason: "because" }] } }),
      },
    ]);
    expect(result.errors).toEqual([
      'env "test": policy.suppressions[0].reason must explain the exception in at least 10 characters (got "because")',
    ]);
    const missing = validateEnvs([
      { source: "envs/test.ts", raw: baseInput({ policy: { suppressions: [{ rule: "S3-004", resource: "aws_s3_bucket.b" }] } } as never) },
    ]);
    expect(missing.errors).toEqual([
      'env "test": policy.suppressions[0].reason is required: why the exception is acceptable, listed in every synth output (got nothing)',
    ]);
    const unknown = validateEnvs([
      {
        source: "envs/test.ts",
        raw: baseInput({ policy: { suppressions: [{ rule: "S3-999", resource: "aws_s3_bucket.b", reason: "a good long reason" }] } }),
      },
    ]);
    expect(unknown.errors[0]).toMatch(
      /^env "test": policy\.suppressions\[0\]\.rule is not a rule of the policy pack; use one of ASG-001, ASG-002, .* \(got "S3-999"\)$/,
    );
  });

  it("refuses a suppression that suppresses nothing, so exceptions do not outlive their cause", () => {
    const env = testEnv({
      policy: { suppressions: [{ rule: "EKS-001", resource: "aws_eks_cluster.eks", reason: "was public during the migration" }] },
    });
    const app = new EksApp({ outdir: tempOutdir() });
    addEnvStacks(app, env);
    expect(() => app.synth()).toThrow(
      "[EKS-001] suppression on aws_eks_cluster.eks (envs/test.ts) is not needed: nothing violates EKS-001 there; remove it",
    );
  });

  it("refuses an opt-out's suppression that suppresses nothing, so the config's addresses and the construct ids stay in step", () => {
    const env = testEnv({ ecr: { repositories: ["web"], imageTagMutability: "MUTABLE" } });
    const app = new EksApp({ outdir: tempOutdir() });
    const { platform } = addEnvStacks(app, env);
    // A construct that no longer does what the opt-out asks (as if its id or behaviour changed).
    platform.envDef.ecr.repositories.web.imageTagMutability = "IMMUTABLE";
    expect(violationsOf(() => app.synth())).toEqual([
      "[ECR-002] suppression on aws_ecr_repository.ecr_web (envs/test.ts) is not needed: nothing violates ECR-002 there; remove it",
    ]);
  });

  it("turns the environment's explicit opt-outs into listed suppressions instead of failures", () => {
    const env = testEnv({
      eks: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], allowPublicAccessFromAnywhere: true },
      vpc: { flowLogs: { enabled: false } },
      nodeGroups: { managed: { sys: { metadataHopLimit: 2 } } },
      tables: { t: { hashKey: { name: "id", type: "S" }, pointInTimeRecovery: false, deletionProtection: false } },
    });
    const app = new EksApp({ outdir: tempOutdir() });
    addEnvStacks(app, env);
    app.synth();
    const suppressed = app.policyReports.flatMap((r) => r.suppressed.map((s) => `${s.rule.id} ${s.resource.address}`)).sort();
    expect(suppressed).toEqual([
      "DDB-001 aws_dynamodb_table.tables_t",
      "DDB-003 aws_dynamodb_table.tables_t",
      "EKS-001 aws_eks_cluster.eks",
      "LT-002 aws_launch_template.workers_sys_launch_template",
      "VPC-001 aws_vpc.vpc",
    ]);
  });
});

describe("the policy pack on an environment in an existing VPC", () => {
  it("passes with nodes and Fargate in the declared private subnets and the VPC's flow log; turning the logs off is a listed suppression", () => {
    const input = {
      vpc: { existing: existingVpcInput() },
      nodeGroups: { selfManaged: { app: {} }, managed: { sys: {} } },
      fargate: { profiles: { apps: { selectors: [{ namespace: "default" }] } } },
    };
    const app = new EksApp({ outdir: tempOutdir() });
    addEnvStacks(app, testEnv(input));
    app.synth();
    const checked = app.policyReports.flatMap((r) => [...r.errors, ...r.warnings, ...r.suppressed]);
    expect(checked).toEqual([]);
    expect(app.policyReports.reduce((n, r) => n + r.checked, 0)).toBeGreaterThan(50);

    const off = new EksApp({ outdir: tempOutdir() });
    addEnvStacks(off, testEnv({ ...input, vpc: { existing: existingVpcInput(), flowLogs: { enabled: false } } }));
    off.synth();
    expect(
      off.policyReports.flatMap((r) => r.suppressed.map((s) => `${s.rule.id} ${s.resource.address}: ${s.suppression.reason}`)),
    ).toEqual([
      "VPC-001 aws_eks_cluster.eks: vpc.flowLogs.enabled is false in the environment config (explicit opt-out: the existing VPC's owner logs it)",
    ]);
  });
});

describe("parsePolicyDocument", () => {
  it("reads policies whose keys and values hold Terraform expressions, quoted raw or JSON-escaped", () => {
    const raw =
      '{"Statement":[{"Condition":{"StringEquals":{"${replace(data.x.outputs.issuer, "https://", "")}:sub":"system:serviceaccount:a:b"}}}]}';
    const escaped = JSON.stringify({ Statement: [{ Condition: { StringEquals: { '${replace(x, "https://", "")}:sub': "v" } } }] });
    expect(parsePolicyDocument(raw)).toEqual({
      Statement: [{ Condition: { StringEquals: { "TF_EXPR:sub": "system:serviceaccount:a:b" } } }],
    });
    expect(parsePolicyDocument(escaped)).toEqual({ Statement: [{ Condition: { StringEquals: { "TF_EXPR:sub": "v" } } }] });
    expect(parsePolicyDocument("not json")).toBeUndefined();
  });
});
