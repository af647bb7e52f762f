/**
 * Every synthesized stack of the sample environments against the real Terraform and the real
 * hashicorp/aws 5.100.0 provider: init + validate for all, and an offline plan (no AWS account, no
 * credentials, no network) for the backend and platform stacks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp, PROJECT_ROOT } from "../../src/app";
import { prepareOfflineWorkspace } from "../../src/tools/terraform/terraform";
import { sampleEnvs, testEnv } from "../helpers/synth";
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
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dev-platform", "cdk.tf.json"), "utf8")) as {
      terraform: { required_providers: Record<string, unknown> };
    };
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
  it.each(envs.map((e) => e.name))(
    "%s-platform: an offline plan creates exactly the address contract, with no data source needing AWS",
    async (env) => {
      const stack = `${env}-platform`;
      const ws = await initOffline(toolchain, path.join(outdir, "stacks", stack), path.join(out, "plan", stack));
      const started = Date.now();
      await tfOk(toolchain, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.out"]);
      console.info(`[offline] ${stack}: plan took ${Date.now() - started} ms`);
      const changes = await planChanges(toolchain, ws.dir);
      const managed = changes.filter((c) => !c.address.startsWith("data."));
      expect(managed.every((c) => c.actions.join() === "create")).toBe(true);
      // Exactly the reviewed address contract: every resource of the stack, none pruned by accident.
      const contract = (
        JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "__tests__", "contract", "addresses.json"), "utf8")) as Record<string, string[]>
      )[stack];
      const expected = contract.filter((a) => !a.startsWith("data.") && !ws.pruned.removed.includes(a));
      expect(managed.map((c) => c.address).sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(50);
      // Only data sources computed locally may remain: nothing that calls AWS at plan time.
      const json = JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8")) as { data?: Record<string, unknown> };
      expect(Object.keys(json.data ?? {})).toEqual(["aws_partition"]);
    },
  );

  // HCP Terraform cannot be reached from here: its stacks are initialised without their backend
  // (-backend=false) and validated against the real provider; the workspaces themselves are not.
  describe("an environment on HCP Terraform", () => {
    const hcpOut = path.join(out, "hcp", "cdktf.out");
    const env = testEnv({ name: "hq", backend: { kind: "hcp", organization: "acme-platform", project: "EKS" } });

    beforeAll(() => {
      buildApp([env], hcpOut).app.synth();
    });

    it.each(["hq-platform", "hq-workloads"])("%s: terraform init -backend=false + validate pass, with its cloud block", async (stack) => {
      const ws = prepareOfflineWorkspace(
        path.join(hcpOut, "stacks", stack),
        path.join(out, "hcp", "work", stack),
        toolchain.unavailableProviders,
      );
      fs.rmSync(path.join(ws.dir, "backend_override.tf.json"));
      const json = JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8")) as { terraform: { cloud?: object } };
      expect(json.terraform.cloud).toMatchObject({ organization: "acme-platform", workspaces: { name: `acme-${stack}` } });
      await tfOk(toolchain, ws.dir, ["init", "-backend=false", "-input=false", "-no-color"]);
      const validate = JSON.parse((await tfOk(toolchain, ws.dir, ["validate", "-json", "-no-color"])).stdout) as {
        valid: boolean;
        diagnostics: object[];
      };
      expect(validate.valid, JSON.stringify(validate.diagnostics)).toBe(true);
    });

    it("has no backend stack", () => {
      expect(fs.readdirSync(path.join(hcpOut, "stacks")).sort()).toEqual(["hq-platform", "hq-workloads"]);
    });
  });
});
