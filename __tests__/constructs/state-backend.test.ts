import { describe, expect, it } from "vitest";
import { StateBackend, type StateBackendProps } from "../../src/constructs/state-backend";
import { onlyResource, resourcesOf, synthConstruct, type StackJson } from "../helpers/synth";

const props: StateBackendProps = {
  bucketName: "fixture-alpha-tfstate",
  lockTableName: "fixture-alpha-tflock",
  keyAlias: "alias/fixture-alpha-tfstate",
  noncurrentVersionExpirationDays: 90,
  noncurrentVersionsToKeep: 10,
  protect: true,
};

function synth(p: StateBackendProps = props): StackJson {
  return synthConstruct((scope) => new StateBackend(scope, "state", p));
}

describe("StateBackend", () => {
  it("defines a versioned, KMS-encrypted, private, TLS-only bucket", () => {
    const json = synth();
    const bucket = onlyResource(json, "aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket: "fixture-alpha-tfstate", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(json, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.state_key.arn}" },
        bucket_key_enabled: true,
      },
    ]);
    expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  it("unprotected (ephemeral environments), can be destroyed: no prevent_destroy, bucket emptied, table unprotected", () => {
    const json = synth({ ...props, protect: false });
    expect(onlyResource(json, "aws_s3_bucket")).toMatchObject({ force_destroy: true, lifecycle: { prevent_destroy: false } });
    expect(onlyResource(json, "aws_dynamodb_table")).toMatchObject({
      deletion_protection_enabled: false,
      lifecycle: { prevent_destroy: false },
    });
    expect(onlyResource(json, "aws_kms_key")).toMatchObject({ lifecycle: { prevent_destroy: false } });
  });

  it("denies every request that does not use TLS 1.2+", () => {
    const policy = JSON.parse(onlyResource(synth(), "aws_s3_bucket_policy").policy as string) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["${aws_s3_bucket.state_bucket.arn}", "${aws_s3_bucket.state_bucket.arn}/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
      expect.objectContaining({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } }),
    ]);
  });

  it("expires old noncurrent state versions but keeps the newest ones", () => {
    const rule = (
      onlyResource(
        synth({ ...props, noncurrentVersionExpirationDays: 30, noncurrentVersionsToKeep: 5 }),
        "aws_s3_bucket_lifecycle_configuration",
      ).rule as Record<string, unknown>[]
    )[0];
    expect(rule).toMatchObject({
      status: "Enabled",
      noncurrent_version_expiration: [{ noncurrent_days: 30, newer_noncurrent_versions: 5 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      expiration: [{ expired_object_delete_marker: true }],
    });
  });

  it("defines a protected, recoverable, encrypted lock table keyed by LockID", () => {
    const table = onlyResource(synth(), "aws_dynamodb_table");
    expect(table).toEqual(
      expect.objectContaining({
        name: "fixture-alpha-tflock",
        hash_key: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        billing_mode: "PAY_PER_REQUEST",
        point_in_time_recovery: { enabled: true },
        server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.state_key.arn}" },
        deletion_protection_enabled: true,
        lifecycle: { prevent_destroy: true },
      }),
    );
  });

  it("protects and rotates the state key", () => {
    const json = synth();
    expect(onlyResource(json, "aws_kms_key")).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(json, "aws_kms_alias")).toMatchObject({
      name: "alias/fixture-alpha-tfstate",
      target_key_id: "${aws_kms_key.state_key.key_id}",
    });
  });

  it("creates no lock table when only S3 lock files are used", () => {
    expect(resourcesOf(synth({ ...props, lockTableName: undefined }), "aws_dynamodb_table")).toEqual({});
  });
});
