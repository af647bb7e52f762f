import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { applyErrors, importBlocks } from "../../../scripts/deploy/adopt";
import type { TerraformJson } from "../../../src/lib/synthesized";
import { FIXTURE_ENVS_DIR, fixtureEnv, synthEnv } from "../../helpers/synth";

// Terraform 1.11's -no-color stderr for creates whose names were taken (recorded against moto
// 5.2.1), and one whose bucket name belongs to another account.
const stderr = fs.readFileSync(path.join(FIXTURE_ENVS_DIR, "..", "terraform-name-taken.stderr"), "utf8");

describe("applyErrors", () => {
  it("finds each create whose name is taken in this account, and keeps every other error apart", () => {
    const { taken, others } = applyErrors(stderr);
    expect(taken).toEqual([
      "aws_dynamodb_table.t",
      "aws_iam_role.r",
      "aws_iam_policy.p",
      "aws_kms_alias.a",
      "aws_cloudwatch_log_group.l",
      "aws_ecr_repository.e",
      "aws_launch_template.workers_system_launch_template",
    ]);
    // BucketAlreadyExists: the name is another account's, never one to import.
    expect(others).toEqual(["Error: creating S3 Bucket (orphan-bucket): BucketAlreadyExists"]);
  });

  it("reads nothing from a run without errors, and an error without an address as another error", () => {
    expect(applyErrors("Warning: Deprecated attribute\n\n  with aws_s3_bucket.b,\n")).toEqual({ taken: [], others: [] });
    expect(applyErrors("\nError: Invalid provider configuration: EntityAlreadyExists\n").others).toHaveLength(1);
  });
});

describe("importBlocks", () => {
  it("imports by name, by cluster and name, or through a lookup by name, copying the stack's references", async () => {
    const { json } = synthEnv(await fixtureEnv("bravo"));
    const platform = json.platform as TerraformJson;
    const pick = (type: string) => `${type}.${Object.keys(platform.resource![type])[0]}`;
    const addresses = ["aws_iam_role", "aws_eks_node_group", "aws_launch_template", "aws_iam_openid_connect_provider"].map(pick);
    const file = importBlocks(addresses, platform)!;
    const cluster = platform.resource!.aws_eks_cluster;
    const clusterRef = `\${aws_eks_cluster.${Object.keys(cluster)[0]}.name}`;
    const group = platform.resource!.aws_eks_node_group[addresses[1].split(".")[1]];
    expect(file.import).toEqual([
      { to: addresses[0], id: platform.resource!.aws_iam_role[addresses[0].split(".")[1]].name },
      { to: addresses[1], id: `${clusterRef}:${group.node_group_name as string}` },
      { to: addresses[2], id: "${data.aws_launch_template.adopt_2.id}" },
      { to: addresses[3], id: "${data.aws_iam_openid_connect_provider.adopt_3.arn}" },
    ]);
    expect(group.cluster_name).toBe(clusterRef);
    const lt = platform.resource!.aws_launch_template[addresses[2].split(".")[1]];
    expect(file.data).toEqual({
      aws_launch_template: { adopt_2: { name: lt.name } },
      aws_iam_openid_connect_provider: {
        adopt_3: { url: platform.resource!.aws_iam_openid_connect_provider[addresses[3].split(".")[1]].url },
      },
    });
  });

  it("covers every named type of the backend stack", async () => {
    const { json } = synthEnv(await fixtureEnv("bravo"));
    const backend = json.backend as TerraformJson;
    const named = [
      "aws_s3_bucket",
      "aws_dynamodb_table",
      "aws_kms_alias",
      "aws_iam_role",
      "aws_iam_policy",
      "aws_iam_openid_connect_provider",
    ];
    const addresses = named.flatMap((type) => Object.keys(backend.resource![type]).map((name) => `${type}.${name}`));
    expect(importBlocks(addresses, backend)?.import).toHaveLength(addresses.length);
    expect(importBlocks(["aws_s3_bucket.state_bucket"], backend)).toEqual({
      import: [{ to: "aws_s3_bucket.state_bucket", id: backend.resource!.aws_s3_bucket.state_bucket.bucket }],
    });
  });

  it("gives nothing when one resource cannot be found by name, or is not in the stack", () => {
    const stack: TerraformJson = { resource: { aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } }, aws_iam_role: { r: { name: "x" } } } };
    expect(importBlocks(["aws_iam_role.r", "aws_vpc.vpc"], stack)).toBeUndefined();
    expect(importBlocks(["aws_iam_role.gone"], stack)).toBeUndefined();
    expect(importBlocks(["aws_iam_role.r"], stack)).toEqual({ import: [{ to: "aws_iam_role.r", id: "x" }] });
  });
});
