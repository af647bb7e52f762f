import { describe, expect, it } from "vitest";
import { STACK_KINDS } from "../../src/lib/naming";
import { fixtureEnvs, synthEnv, testEnv } from "../helpers/synth";

describe("EnvStack: provider and backend of every stack", () => {
  it("configures the AWS provider with region, account guard, role and default tags", () => {
    const env = testEnv({
      accountId: "123456789012",
      assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deployer" },
      tags: { CostCenter: "42" },
    });
    for (const json of Object.values(synthEnv(env).json)) {
      expect(json.provider?.aws).toEqual([
        {
          region: "eu-west-1",
          allowed_account_ids: ["123456789012"],
          assume_role: [{ role_arn: "arn:aws:iam::123456789012:role/deployer", session_name: "fixture-test-cdktf" }],
          default_tags: [{ tags: { CostCenter: "42", Environment: "test", ManagedBy: "cdktf", Project: "fixture" } }],
        },
      ]);
      expect(json.terraform.required_version).toBe(">= 1.10");
      expect(json.terraform.required_providers).toMatchObject({ aws: { source: "hashicorp/aws", version: "5.100.0" } });
    }
  });

  it("omits the account guard and role when the environment has none", () => {
    const provider = synthEnv(testEnv()).json.platform.provider?.aws[0];
    expect(provider).not.toHaveProperty("allowed_account_ids");
    expect(provider).not.toHaveProperty("assume_role");
  });

  it("gives every S3-backed stack an encrypted, DynamoDB-locked S3 backend with its own key", () => {
    const env = testEnv({ accountId: "123456789012" });
    expect(synthEnv(env).json.platform.terraform.backend).toEqual({
      s3: {
        bucket: "fixture-test-tfstate",
        key: "test/test-platform.tfstate",
        region: "eu-west-1",
        encrypt: true,
        kms_key_id: "alias/fixture-test-tfstate",
        dynamodb_table: "fixture-test-tflock",
        allowed_account_ids: ["123456789012"],
      },
    });
  });

  it("supports S3-native locking alone or next to DynamoDB", () => {
    const both = synthEnv(testEnv({ backend: { useLockfile: true } })).json.platform.terraform.backend?.s3;
    expect(both).toMatchObject({ use_lockfile: true, dynamodb_table: "fixture-test-tflock" });
    const fileOnly = synthEnv(testEnv({ backend: { useLockfile: true, dynamodbLock: false } })).json.platform.terraform.backend?.s3;
    expect(fileOnly).toMatchObject({ use_lockfile: true });
    expect(fileOnly).not.toHaveProperty("dynamodb_table");
  });

  it("passes the environment's role to the backend too", () => {
    const env = testEnv({ assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deployer", externalId: "ext-1" } });
    expect(synthEnv(env).json.platform.terraform.backend?.s3.assume_role).toEqual({
      role_arn: "arn:aws:iam::123456789012:role/deployer",
      external_id: "ext-1",
      session_name: "fixture-test-cdktf",
    });
  });

  it("keeps the backend stack's own state in the bucket it creates, under its own key", () => {
    const backend = synthEnv(testEnv()).json.backend.terraform.backend;
    expect(Object.keys(backend ?? {})).toEqual(["s3"]);
    expect(backend?.s3).toMatchObject({ bucket: "fixture-test-tfstate", key: "test/test-backend.tfstate", encrypt: true });
  });

  it("gives no two stacks of the fixture environments the same bucket and key", async () => {
    const seen = new Map<string, string>();
    for (const env of await fixtureEnvs()) {
      const json = synthEnv(env).json;
      for (const kind of STACK_KINDS.filter((k) => k in json)) {
        const s3 = json[kind].terraform.backend?.s3 as { bucket: string; key: string };
        const where = `${s3.bucket}/${s3.key}`;
        expect(seen.get(where), `${env.name}-${kind} shares ${where}`).toBeUndefined();
        seen.set(where, `${env.name}-${kind}`);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});

describe("EnvStack on HCP Terraform", () => {
  const hcp = (name: string, backend: object = {}) => testEnv({ name, backend: { kind: "hcp", organization: "fixture-org", ...backend } });

  it("gives each stack its own workspace, <project>-<env>-<stack>, and no backend stack", () => {
    const { stacks, json } = synthEnv(hcp("hq", { project: "EKS", hostname: "tfe.example.com" }));
    expect(stacks.backend).toBeUndefined();
    expect(json.platform.terraform.cloud).toEqual({
      organization: "fixture-org",
      hostname: "tfe.example.com",
      workspaces: { name: "fixture-hq-platform", project: "EKS" },
    });
    expect(json.platform.terraform).not.toHaveProperty("backend");
    expect((json.workloads.terraform.cloud as { workspaces: object }).workspaces).toEqual({ name: "fixture-hq-workloads", project: "EKS" });
    // Cross-stack outputs still flow: the workloads stack reads the platform's workspace.
    const remote = json.workloads.data?.terraform_remote_state ?? {};
    expect(Object.values(remote)).toEqual([
      {
        backend: "remote",
        config: { organization: "fixture-org", hostname: "tfe.example.com", workspaces: { name: "fixture-hq-platform" } },
      },
    ]);
  });

  it("names workspaces uniquely across environments and stacks", () => {
    const names = ["aa", "ab", "hq", "prod2"].flatMap((n) => {
      const { json } = synthEnv(hcp(n));
      return Object.values(json).map((j) => (j.terraform.cloud as { workspaces: { name: string } }).workspaces.name);
    });
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(names.length);
  });
});
