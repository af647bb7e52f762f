import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { dynamodbTableNameProblem, kmsAliasProblem, s3BucketNameProblem } from "../lib/aws-limits";
import { LOCK_TABLE_HASH_KEY } from "../lib/constants";
import { invalidName, requireValidProps } from "../lib/validation";
import { suppressRule } from "../policy/suppressions";

/** Props of {@link StateBackend}. */
export interface StateBackendProps {
  /** Name of the state bucket. */
  readonly bucketName: string;
  /** Name of the DynamoDB lock table; no table when undefined (S3-native lock files only). */
  readonly lockTableName?: string;
  /** Alias of the KMS key that encrypts the bucket and the table, `alias/...`. */
  readonly keyAlias: string;
  /** Days a noncurrent (replaced) state version is kept. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Noncurrent versions always kept whatever their age. @default 10 */
  readonly noncurrentVersionsToKeep?: number;
  /**
   * Protect the backend from `terraform destroy`: `prevent_destroy` on the key, bucket and table,
   * deletion protection on the table, no force-destroy of a non-empty bucket. False only for
   * ephemeral environments, which are torn down (explicit opt-out). @default true
   */
  readonly protect?: boolean;
}

/** Defaults, named so their source is clear. */
const DEFAULT_NONCURRENT_DAYS = 90; // enough to roll back a quarter's worth of applies
const DEFAULT_NONCURRENT_KEEP = 10;
const ABORT_MULTIPART_DAYS = 7; // CKV_AWS_300
const KMS_DELETION_WINDOW_DAYS = 30; // the maximum AWS allows: time to notice a mistaken deletion

/**
 * Defines the Terraform state backend of one environment: a versioned, KMS-encrypted, private,
 * TLS-only S3 bucket with noncurrent-version expiry, and a DynamoDB lock table with point-in-time
 * recovery and deletion protection. Every resource has `prevent_destroy` (unless `protect` is false).
 *
 * Encryption is SSE-KMS with a customer-managed key (rotation on) rather than SSE-S3: reading state
 * then needs `kms:Decrypt` on this key as well as `s3:GetObject`, a second, auditable gate on a file
 * that can hold secrets. The backends of the other stacks name the key's alias in `kms_key_id`.
 *
 * @see https://developer.hashicorp.com/terraform/language/backend/s3
 */
export class StateBackend extends Construct {
  /** The state bucket. */
  readonly bucket: S3Bucket;
  /** The lock table, when DynamoDB locking is on. */
  readonly lockTable?: DynamodbTable;
  /** The KMS key of the bucket and table. */
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    requireValidProps("StateBackend", [
      ["bucketName", props.bucketName, invalidName(s3BucketNameProblem(props.bucketName))],
      [
        "lockTableName",
        props.lockTableName,
        props.lockTableName !== undefined && invalidName(dynamodbTableNameProblem(props.lockTableName)),
      ],
      ["keyAlias", props.keyAlias, invalidName(kmsAliasProblem(props.keyAlias))],
    ]);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_DAYS;
    const keep = props.noncurrentVersionsToKeep ?? DEFAULT_NONCURRENT_KEEP;
    const protected_ = props.protect ?? true;
    const protect = { preventDestroy: protected_ };

    this.key = new KmsKey(this, "key", {
      description: `Encrypts the Terraform state in ${props.bucketName}`,
      enableKeyRotation: true,
      deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
      lifecycle: protect,
    });
    new KmsAlias(this, "key_alias", { name: props.keyAlias, targetKeyId: this.key.keyId });

    // Unprotected, the bucket is emptied on destroy: it holds every version of every stack's state.
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: !protected_, lifecycle: protect });
    const bucket = this.bucket.id;
    new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, "public_access_block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketPolicy(this, "tls_only", {
      bucket,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyOutdatedTls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
          },
        ],
      }),
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays, newerNoncurrentVersions: keep }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_MULTIPART_DAYS }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
    });

    if (props.lockTableName !== undefined) {
      this.lockTable = new DynamodbTable(this, "lock_table", {
        name: props.lockTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: LOCK_TABLE_HASH_KEY,
        attribute: [{ name: LOCK_TABLE_HASH_KEY, type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        deletionProtectionEnabled: protected_,
        lifecycle: protect,
      });
    }
    if (!protected_) {
      suppressRule(this, "TF-001", "ephemeral is true in the environment config (explicit opt-out: the environment is torn down)");
      if (this.lockTable) suppressRule(this.lockTable, "DDB-003", "ephemeral is true in the environment config (explicit opt-out)");
    }
  }
}
