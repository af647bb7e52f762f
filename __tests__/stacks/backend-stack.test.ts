import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { addresses, synthEnv, testEnv } from "../helpers/synth";

describe("BackendStack", () => {
  it("holds exactly the state bucket, its protections, the lock table and the key", () => {
    expect(addresses(synthEnv(testEnv()).json.backend)).toEqual([
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

  it("uses the derived names and the configured retention", () => {
    const json = synthEnv(testEnv({ project: "shop", name: "qa", backend: { noncurrentVersionExpirationDays: 14 } })).json.backend;
    expect(json.resource?.aws_s3_bucket.state_bucket.bucket).toBe("shop-qa-tfstate");
    expect(json.resource?.aws_dynamodb_table.state_lock_table.name).toBe("shop-qa-tflock");
    expect(json.resource?.aws_kms_alias.state_key_alias.name).toBe("alias/shop-qa-tfstate");
    const rule = (json.resource?.aws_s3_bucket_lifecycle_configuration.state_lifecycle.rule as Record<string, unknown>[])[0];
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 14, newer_noncurrent_versions: 10 }]);
  });

  it("outputs the names the other stacks' backends need", () => {
    expect(synthEnv(testEnv()).json.backend.output).toMatchObject({
      state_bucket: { value: "${aws_s3_bucket.state_bucket.bucket}" },
      lock_table: { value: "${aws_dynamodb_table.state_lock_table.name}" },
      state_key_arn: { value: "${aws_kms_key.state_key.arn}" },
    });
  });
});

describe("BackendStack of an ephemeral environment", () => {
  it("passes the policy pack with its explicit opt-outs listed, and can be destroyed", () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ephemeral-")), "cdktf.out");
    const env = testEnv({ ephemeral: true, tables: { users: { hashKey: { name: "email", type: "S" } } } });
    const { app } = buildApp([env], outdir);
    app.synth();
    const suppressed = app.policyReports.flatMap((r) => r.suppressed.map((s) => `${s.rule.id} ${s.resource.address}`)).sort();
    expect(suppressed).toEqual([
      "DDB-003 aws_dynamodb_table.state_lock_table",
      "DDB-003 aws_dynamodb_table.tables_users",
      "TF-001 aws_dynamodb_table.state_lock_table",
      "TF-001 aws_kms_key.state_key",
      "TF-001 aws_s3_bucket.state_bucket",
    ]);
    const platform = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "test-platform", "cdk.tf.json"), "utf8")) as {
      resource: { aws_dynamodb_table: Record<string, Record<string, unknown>> };
    };
    expect(platform.resource.aws_dynamodb_table.tables_users.deletion_protection_enabled).toBe(false);
  });
});
