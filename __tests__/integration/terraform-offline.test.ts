/**
 * Every synthesized stack of the sample environments against the real Terraform and the real
 * hashicorp/aws 5.100.0 provider: init + validate for all, and an offline plan (no AWS account, no
 * credentials, no network) for the backend and platform stacks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { sampleEnvs } from "../helpers/synth";
import { getToolchain, initOffline, planChanges, testOutputDir, tfOk, type Toolchain } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("terraform-offline");
const envs = await sampleEnvs();

describe.runIf(tc)("real Terraform, offline", () => {
  const toolchain = tc as Toolchain;
  const outdir = path.join(out, "cdktf.out");

  beforeAll(() => {
    buildApp(envs, outdir).app.synth();
  });

  it("uses the pinned provider and a supported Terraform", () => {
    expect(toolchain.terraformVersion).toMatch(/^1\.(1[0-9]|[2-9][0-9])\./);
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dev-platform", "cdk.tf.json"), "utf8"));
    expect(json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "5.100.0" });
  });

  const stackIds = envs.flatMap((e) => ["backend", "platform", "workloads"].map((k) => `${e.name}-${k}`));
  it.each(stackIds)("%s: terraform init + validate pass against hashicorp/aws 5.100.0", async (stack) => {
    const ws = await initOffline(toolchain, path.join(outdir, "stacks", stack), path.join(out, "work", stack));
    const lock = fs.readFileSync(path.join(ws.dir, ".terraform.lock.hcl"), "utf8");
    expect(lock).toMatch(/provider "registry\.terraform\.io\/hashicorp\/aws" \{\n\s+version\s+= "5\.100\.0"/);
    const validate = await tfOk(toolchain, ws.dir, ["validate", "-json", "-no-color"]);
    const result = JSON.parse(validate.stdout) as {
      valid: boolean;
      error_count: number;
      diagnostics: { severity: string; summary: string }[];
    };
    expect(result.valid, JSON.stringify(result.diagnostics)).toBe(true);
    expect(result.error_count).toBe(0);
  });

  it.each(envs.map((e) => e.name))("%s-backend: an offline plan creates exactly the state backend", async (env) => {
    const stack = `${env}-backend`;
    const ws = await initOffline(toolchain, path.join(outdir, "stacks", stack), path.join(out, "plan", stack));
    await tfOk(toolchain, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.out"]);
    const changes = await planChanges(toolchain, ws.dir);
    expect(changes.every((c) => c.actions.join() === "create")).toBe(true);
    expect(changes.map((c) => c.address).sort()).toEqual([
      "aws_dynamodb_table.state_lock_table",
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

  /** What each sample platform creates, by resource type: a change here is a change to review. */
  const expectedPlatform: Record<string, Record<string, number>> = {
    dev: {
      aws_cloudwatch_log_group: 2,
      aws_default_security_group: 1,
      aws_dynamodb_table: 4,
      aws_ecr_lifecycle_policy: 3,
      aws_ecr_repository: 3,
      aws_eip: 1,
      aws_eks_access_entry: 2, // platform admin, ci-plan viewer
      aws_eks_access_policy_association: 2,
      aws_eks_addon: 4, // vpc-cni, kube-proxy, coredns, metrics-server
      aws_eks_cluster: 1,
      aws_eks_fargate_profile: 4, // apps, coredns, metrics-server, the load balancer controller
      aws_flow_log: 1,
      aws_iam_openid_connect_provider: 1,
      aws_iam_role: 6, // cluster, nodes, Fargate, flow logs; IRSA: app, load balancer controller
      aws_iam_role_policy: 3,
      aws_iam_role_policy_attachment: 5,
      aws_internet_gateway: 1,
      aws_kms_alias: 3,
      aws_kms_key: 3,
      aws_nat_gateway: 1,
      aws_route_table: 3,
      aws_route_table_association: 4,
      aws_security_group: 1,
      aws_subnet: 4,
      aws_vpc: 1,
      aws_vpc_security_group_egress_rule: 1,
    },
    prod: {
      aws_autoscaling_group: 1,
      aws_cloudwatch_event_rule: 5, // what the Node Termination Handler's queue receives
      aws_cloudwatch_event_target: 5,
      aws_cloudwatch_log_group: 2,
      aws_default_security_group: 1,
      aws_dynamodb_table: 4,
      aws_ecr_lifecycle_policy: 3,
      aws_ecr_repository: 3,
      aws_eip: 3,
      aws_eks_access_entry: 5, // three admins, ci-plan viewer, the self-managed nodes (EC2_LINUX)
      aws_eks_access_policy_association: 4,
      aws_eks_addon: 6, // also the Pod Identity agent and the EBS CSI driver
      aws_eks_cluster: 1,
      aws_eks_fargate_profile: 1,
      aws_eks_node_group: 1,
      aws_flow_log: 1,
      aws_iam_instance_profile: 1,
      aws_iam_openid_connect_provider: 1,
      aws_iam_role: 9, // IRSA: app, EBS CSI, autoscaler, termination handler, load balancer controller
      aws_iam_role_policy: 5,
      aws_iam_role_policy_attachment: 6,
      aws_internet_gateway: 1,
      aws_kms_alias: 4,
      aws_kms_key: 4,
      aws_launch_template: 2,
      aws_nat_gateway: 3,
      aws_route_table: 4,
      aws_route_table_association: 6,
      aws_security_group: 2,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
      aws_subnet: 6,
      aws_vpc: 1,
      aws_vpc_security_group_egress_rule: 2,
      aws_vpc_security_group_ingress_rule: 7, // also 443 from eks.apiAccess
    },
  };

  it.each(envs.map((e) => e.name))(
    "%s-platform: an offline plan creates the whole platform, with no data source needing AWS",
    async (env) => {
      const stack = `${env}-platform`;
      const ws = await initOffline(toolchain, path.join(outdir, "stacks", stack), path.join(out, "plan", stack));
      const started = Date.now();
      await tfOk(toolchain, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.out"]);
      console.info(`[offline] ${stack}: plan took ${Date.now() - started} ms`);
      const changes = await planChanges(toolchain, ws.dir);
      const managed = changes.filter((c) => !c.address.startsWith("data."));
      expect(managed.every((c) => c.actions.join() === "create")).toBe(true);
      const byType: Record<string, number> = {};
      for (const c of managed) byType[c.type] = (byType[c.type] ?? 0) + 1;
      expect(byType).toEqual(expectedPlatform[env]);
      // Only data sources computed locally may remain: nothing that calls AWS at plan time.
      const json = JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8"));
      expect(Object.keys(json.data ?? {})).toEqual(["aws_partition"]);
    },
  );
});
