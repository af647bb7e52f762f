/**
 * What the project's code generates, against the real Terraform and the real hashicorp/aws 5.100.0
 * provider, on the fixture environments: each kind of stack and each way of running a cluster
 * (Fargate only, node groups, EKS Auto Mode) passes init + validate, and the backend and platform
 * stacks plan offline (no AWS account, no credentials, no network). A stack is run through
 * Terraform only where it is the one that shows a behaviour (a plan validates too). The
 * environments of envs/ are checked on their own in envs-terraform.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { existingVpcInput, fixtureEnvs, testEnv } from "../helpers/synth";
import {
  assertValidates,
  dataSourcesNeedingAws,
  getToolchain,
  offlineWorkspaces,
  planOffline,
  testOutputDir,
  type Toolchain,
} from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("terraform-offline");
const envs = await fixtureEnvs();

/**
 * The workloads stacks, one per way of running a cluster. Where the kubernetes and helm providers
 * cannot be installed (no registry), their blocks are pruned and every workloads stack comes down
 * to the same remote-state read: one of them shows that.
 */
const allWorkloads: [string, string][] = [
  ["alpha-workloads", "the load balancer controller on Fargate and the 2048 sample behind it"],
  ["bravo-workloads", "node groups: the cluster autoscaler, the termination handler, a gp3 class"],
  ["charlie-workloads", "EKS Auto Mode: its IngressClass and the 2048 sample on it"],
];
const workloadStacks = tc && tc.unavailableProviders.length > 0 ? allWorkloads.slice(0, 1) : allWorkloads;

describe.runIf(tc)("real Terraform, offline", () => {
  const toolchain = tc as Toolchain;
  const outdir = path.join(out, "cdktf.out");
  const workspace = offlineWorkspaces(toolchain, outdir, path.join(out, "work"));

  beforeAll(() => {
    buildApp(envs, outdir).app.synth();
  });

  it("uses the pinned provider and a supported Terraform", () => {
    expect(toolchain.terraformVersion).toMatch(/^1\.(1[0-9]|[2-9][0-9])\./);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "alpha-platform", "cdk.tf.json"), "utf8")) as {
      terraform: { required_providers: Record<string, unknown> };
    };
    expect(json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
  });

  it.each([
    ["alpha-platform", "Fargate only: CoreDNS and the load balancer controller on Fargate, a public endpoint"],
    ["charlie-platform", "EKS Auto Mode"],
    ...workloadStacks,
  ])("%s (%s): terraform init + validate pass against hashicorp/aws 5.100.0", async (stack) => {
    await assertValidates(toolchain, await workspace(stack));
  });

  it("a backend stack (DynamoDB and S3 lock files): an offline plan creates exactly the state backend", async () => {
    const changes = await planOffline(toolchain, await workspace("bravo-backend"));
    expect(changes.every((c) => c.actions.join() === "create")).toBe(true);
    expect(changes.map((c) => c.address).sort()).toEqual([
      // The lock table's resource policy and the CI roles: bravo's CI deploys (ci.github).
      "aws_dynamodb_resource_policy.state_lock_table_policy",
      "aws_dynamodb_table.state_lock_table",
      "aws_iam_openid_connect_provider.ci_github",
      "aws_iam_policy.ci_deploy_policy_1",
      "aws_iam_policy.ci_plan_policy_1",
      "aws_iam_role.ci_deploy_role",
      "aws_iam_role.ci_plan_role",
      "aws_iam_role_policy_attachment.ci_deploy_policy_1_attachment",
      "aws_iam_role_policy_attachment.ci_plan_policy_1_attachment",
      "aws_kms_alias.state_key_alias",
      "aws_kms_key.state_key",
      "aws_s3_bucket.state_bucket",
      "aws_s3_bucket_lifecycle_configuration.state_lifecycle",
      "aws_s3_bucket_ownership_controls.state_ownership",
      "aws_s3_bucket_policy.state_tls_only",
      "aws_s3_bucket_public_access_block.state_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration.state_encryption",
      "aws_s3_bucket_versioning.state_versioning",
    ]);
  });

  it("a platform with node groups of both kinds, a private endpoint and a role to assume: an offline plan (which validates it) creates every resource it synthesizes, with no data source needing AWS", async () => {
    const ws = await workspace("bravo-platform");
    const changes = await planOffline(toolchain, ws);
    const managed = changes.filter((c) => !c.address.startsWith("data."));
    expect(managed.every((c) => c.actions.join() === "create")).toBe(true);
    // Every resource of the stack, none pruned by accident.
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "bravo-platform", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, unknown>>;
    };
    const synthesized = Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
    const expected = synthesized.filter((a) => !ws.pruned.removed.includes(a));
    expect(managed.map((c) => c.address).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(50);
    expect(managed.map((c) => c.type)).toEqual(
      expect.arrayContaining(["aws_autoscaling_group", "aws_eks_node_group", "aws_launch_template"]),
    );
    // Only data sources computed locally may remain: nothing that calls AWS at plan time.
    expect(dataSourcesNeedingAws(ws)).toEqual([]);
  });

  // An existing VPC is declared, not looked up: the plan needs no AWS to know its ids.
  describe("an environment in an existing VPC", () => {
    const byoOut = path.join(out, "byo", "cdktf.out");
    const existing = existingVpcInput();
    const env = testEnv({ name: "byo", vpc: { existing }, nodeGroups: { managed: { sys: {} } } });
    const byoWorkspace = offlineWorkspaces(toolchain, byoOut, path.join(out, "byo", "work"));

    beforeAll(() => {
      buildApp([env], byoOut).app.synth();
    });

    it("byo-platform: an offline plan creates the cluster in the given subnets and their discovery tags, and no network of its own", async () => {
      const ws = await byoWorkspace("byo-platform");
      const changes = await planOffline(toolchain, ws);
      expect(changes.every((c) => c.actions.join() === "create")).toBe(true);
      const types = new Set(changes.map((c) => c.type));
      for (const type of [
        "aws_vpc",
        "aws_subnet",
        "aws_internet_gateway",
        "aws_nat_gateway",
        "aws_route_table",
        "aws_default_security_group",
      ]) {
        expect(types.has(type), type).toBe(false);
      }
      expect(changes.filter((c) => c.type === "aws_ec2_tag")).toHaveLength(
        2 * (existing.privateSubnets.length + existing.publicSubnets.length),
      );
      expect(changes.map((c) => c.address)).toEqual(expect.arrayContaining(["aws_eks_cluster.eks", "aws_flow_log.vpc_flow_log"]));
      expect(dataSourcesNeedingAws(ws)).toEqual([]);
    });
  });

  // HCP Terraform cannot be reached from here: its stacks are initialised without their backend
  // (-backend=false) and validated against the real provider; the workspaces themselves are not.
  describe("an environment on HCP Terraform", () => {
    const hcpOut = path.join(out, "hcp", "cdktf.out");
    const env = testEnv({ name: "hq", backend: { kind: "hcp", organization: "fixture-org", project: "EKS" } });
    const hcpWorkspace = offlineWorkspaces(toolchain, hcpOut, path.join(out, "hcp", "work"), () => true);

    beforeAll(() => {
      buildApp([env], hcpOut).app.synth();
    });

    it("hq-platform: terraform init -backend=false + validate pass, with its cloud block", async () => {
      const ws = await hcpWorkspace("hq-platform");
      const json = JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8")) as { terraform: { cloud?: object } };
      expect(json.terraform.cloud).toMatchObject({ organization: "fixture-org", workspaces: { name: "fixture-hq-platform" } });
      await assertValidates(toolchain, ws);
    });

    it("has no backend stack, and a workspace of its own for each stack", () => {
      expect(fs.readdirSync(path.join(hcpOut, "stacks")).sort()).toEqual(["hq-platform", "hq-workloads"]);
      const workloads = JSON.parse(fs.readFileSync(path.join(hcpOut, "stacks", "hq-workloads", "cdk.tf.json"), "utf8")) as {
        terraform: { cloud?: object; backend?: object };
      };
      expect(workloads.terraform.cloud).toMatchObject({ organization: "fixture-org", workspaces: { name: "fixture-hq-workloads" } });
      expect(workloads.terraform).not.toHaveProperty("backend");
    });
  });
});
