import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  mirrorHasAws,
  cliConfigMirrors,
  offlineProviderOverride,
  pruneProviders,
  useCallerCredentials,
  writeCliConfig,
} from "../../../scripts/terraform/terraform";
import { fixtureEnv } from "../../helpers/synth";

describe("provider mirror discovery", () => {
  it("reads the mirrors of Terraform's CLI configuration, from TF_CLI_CONFIG_FILE or ~/.terraformrc", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfrc-"));
    const file = path.join(dir, "cli.tfrc");
    fs.writeFileSync(
      file,
      'plugin_cache_dir = "/c"\nprovider_installation {\n  filesystem_mirror {\n    path    = "/opt/one"\n    include = ["hashicorp/*"]\n  }\n  filesystem_mirror {\n    path = "/opt/two"\n  }\n  direct {}\n}\n',
    );
    expect(cliConfigMirrors({ TF_CLI_CONFIG_FILE: file })).toEqual(["/opt/one", "/opt/two"]);
    // A file that is not there (as TF_CLI_CONFIG_FILE may name) is no configuration, not an error.
    expect(cliConfigMirrors({ TF_CLI_CONFIG_FILE: path.join(dir, "missing") })).toEqual([]);
    // The configuration this project writes for Terraform names its mirror the same way.
    expect(cliConfigMirrors({ TF_CLI_CONFIG_FILE: writeCliConfig(dir, "/m", true) })).toEqual(["/m"]);
  });

  it("recognises a mirror only when it holds hashicorp/aws 5.100.0", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "mirror-"));
    expect(mirrorHasAws(root)).toBe(false);
    fs.mkdirSync(path.join(root, "registry.terraform.io", "hashicorp", "aws", "5.99.0"), { recursive: true });
    expect(mirrorHasAws(root)).toBe(false);
    fs.mkdirSync(path.join(root, "registry.terraform.io", "hashicorp", "aws", "5.100.0"), { recursive: true });
    expect(mirrorHasAws(root)).toBe(true);
  });

  it("writes a CLI config that takes aws from the mirror and the rest from the registry", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfrc-"));
    expect(fs.readFileSync(writeCliConfig(dir, "/m", true), "utf8")).toBe(
      'provider_installation {\n  filesystem_mirror {\n    path    = "/m"\n    include = ["hashicorp/aws"]\n  }\n  direct {\n    exclude = ["hashicorp/aws"]\n  }\n}\n',
    );
    expect(fs.readFileSync(writeCliConfig(dir, "/m", false), "utf8")).not.toContain("direct");
  });
});

describe("offline overrides", () => {
  it("skips AWS calls and drops the account guard, and the role only when there is one", () => {
    expect(offlineProviderOverride({ provider: { aws: [{ region: "eu-west-1" }] } })).toEqual({
      provider: {
        aws: {
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          max_retries: 1,
          allowed_account_ids: null,
        },
      },
    });
    const withRole = offlineProviderOverride({ provider: { aws: [{ assume_role: [{ role_arn: "arn:x" }] }] } });
    expect((withRole?.provider as { aws: Record<string, unknown> }).aws.assume_role).toEqual([{ role_arn: "" }]);
    expect(offlineProviderOverride({})).toBeUndefined();
  });
});

describe("pruneProviders", () => {
  const stack = () => ({
    terraform: { required_providers: { aws: {}, external: {}, local: {} } },
    provider: { aws: [{}], external: [{}], local: [{}] },
    data: { external: { thumbprint: { program: ["node", "x.js"] } }, aws_partition: { current: {} } },
    resource: {
      local_sensitive_file: { kubeconfig: { content: "x" } },
      aws_iam_openid_connect_provider: {
        oidc: {
          url: "${aws_eks_cluster.c.identity[0].oidc[0].issuer}",
          thumbprint_list: ["${data.external.thumbprint.result.thumbprint}"],
        },
      },
      aws_eks_cluster: { c: { name: "c", depends_on: ["local_sensitive_file.kubeconfig", "aws_iam_role.r"] } },
    },
    output: { kubeconfig_path: { value: "${local_sensitive_file.kubeconfig.filename}" }, name: { value: "${aws_eks_cluster.c.name}" } },
  });

  it("removes the providers' blocks and every reference to them, and says what it removed", () => {
    const json = stack();
    const report = pruneProviders(json, ["external", "local"]);
    expect(json).toEqual({
      terraform: { required_providers: { aws: {} } },
      provider: { aws: [{}] },
      data: { aws_partition: { current: {} } },
      resource: {
        aws_iam_openid_connect_provider: { oidc: { url: "${aws_eks_cluster.c.identity[0].oidc[0].issuer}" } },
        aws_eks_cluster: { c: { name: "c", depends_on: ["aws_iam_role.r"] } },
      },
      output: { name: { value: "${aws_eks_cluster.c.name}" } },
    });
    expect(report.removed).toEqual([
      "local_sensitive_file.kubeconfig",
      "data.external.thumbprint",
      "provider.external",
      "provider.local",
      "output.kubeconfig_path (reads a pruned block)",
      "aws_iam_openid_connect_provider.oidc.thumbprint_list (reads a pruned block)",
      "aws_eks_cluster.c.depends_on entries on pruned blocks",
    ]);
  });

  it("changes nothing when no provider is to be pruned", () => {
    const json = stack();
    expect(pruneProviders(json, []).removed).toEqual([]);
    expect(json).toEqual(stack());
  });
});

describe("useCallerCredentials", () => {
  it("drops every role the stacks of an environment with a role to assume assume, and nothing else", async () => {
    const { buildApp } = await import("../../../src/app");
    const bravo = await fixtureEnv("bravo");
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "caller-")), "cdktf.out");
    buildApp([bravo], outdir).app.synth();
    // A synthesized stack, as far as this test reads its providers.
    type StackFile = {
      provider: { kubernetes: { exec: { args: string[] }[] }[]; aws: { allowed_account_ids: string[] }[] };
    };
    const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackFile;

    const workloads = read("bravo-workloads");
    const before = JSON.stringify(workloads);
    expect(useCallerCredentials(workloads)).toEqual([
      "provider aws",
      "provider kubernetes (exec --role-arn)",
      "provider helm (exec --role-arn)",
      "backend s3",
      "data.terraform_remote_state.cross-stack-reference-input-bravo-platform",
    ]);
    const after = JSON.stringify(workloads);
    expect(after).not.toContain("assume_role");
    expect(after).not.toContain("--role-arn");
    expect(workloads.provider.kubernetes[0].exec[0].args).toEqual([
      "eks",
      "get-token",
      "--cluster-name",
      "fixture-bravo-eks",
      "--region",
      "us-east-2",
      "--output",
      "json",
    ]);
    // Only the roles went: the account guard and everything else stay.
    expect(workloads.provider.aws[0].allowed_account_ids).toEqual(["555555555555"]);
    expect(before.length - after.length).toBeLessThan(1_000);

    const noRole = { provider: { aws: [{ region: "eu-west-1" }] }, terraform: { backend: { s3: { bucket: "b" } } } };
    expect(useCallerCredentials(noRole)).toEqual([]);
    // An override file holds one object per block, not a list.
    const override = {
      provider: { aws: { assume_role: [{ role_arn: "r" }] } },
      terraform: { backend: { s3: { assume_role: { role_arn: "r" } } } },
    };
    expect(useCallerCredentials(override)).toEqual(["provider aws", "backend s3"]);
    expect(JSON.stringify(override)).not.toContain("assume_role");
  });
});
