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
import { DynamodbResourcePolicy } from "@cdktf/provider-aws/lib/dynamodb-resource-policy";
import { Construct } from "constructs";
import { stackPartition } from "../lib/partition";
import { LOCK_TABLE_HASH_KEY } from "../lib/constants";

/** Props of {@link StateBackend}. */
export interface StateBackendProps {
  /** Name of the state bucket. */
  readonly bucketName: string;
  /** Name of the DynamoDB lock table. @default - no table (S3-native lock files only) */
  readonly lockTableName?: string;
  /** Alias of the KMS key that encrypts the bucket and the table, `alias/...`. */
  readonly keyAlias: string;
  /** Days a noncurrent (replaced) state version is kept. */
  readonly noncurrentVersionExpirationDays: number;
  /** Noncurrent versions always kept whatever their age. */
  readonly noncurrentVersionsToKeep: number;
  /**
   * Protect the backend from `terraform destroy`: `prevent_destroy` on the key, bucket and table,
   * deletion protection on the table, no force-destroy of a non-empty bucket. False only for
   * ephemeral environments, which are torn down (explicit opt-out).
   */
  readonly protect: boolean;
  /**
   * Who may read and who may write the state (IAM role or user ARNs of `account`): the key, the
   * bucket and the lock table deny everyone else, the account's administrators included (they keep
   * managing the key, and can replace the bucket policy: the way back in). Writers read too.
   * @default - not restricted: whoever the account's IAM allows
   */
  readonly access?: { readonly account: string; readonly readers: readonly string[]; readonly writers: readonly string[] };
}

/** Fixed settings, named so their source is clear. */
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
    const protect = { preventDestroy: props.protect };

    const access = props.access;
    const partition = access ? stackPartition(this) : undefined;
    const readers = access ? [...new Set([...access.readers, ...access.writers])] : [];
    this.key = new KmsKey(this, "key", {
      description: `Encrypts the Terraform state in ${props.bucketName}`,
      enableKeyRotation: true,
      deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
      lifecycle: protect,
      ...(access ? { policy: stateKeyPolicy(partition!, access.account, readers, access.writers) } : {}),
    });
    const alias = new KmsAlias(this, "key_alias", { name: props.keyAlias, targetKeyId: this.key.keyId });

    // Unprotected, the bucket is emptied on destroy: it holds every version of every stack's state.
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: !props.protect, lifecycle: protect });
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
          ...(access ? stateBucketStatements(this.bucket.arn, [this.key.arn, alias.arn, props.keyAlias], readers, access.writers) : []),
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
          noncurrentVersionExpiration: [
            { noncurrentDays: props.noncurrentVersionExpirationDays, newerNoncurrentVersions: props.noncurrentVersionsToKeep },
          ],
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
        deletionProtectionEnabled: props.protect,
        lifecycle: protect,
      });
      if (access) {
        new DynamodbResourcePolicy(this, "lock_table_policy", {
          resourceArn: this.lockTable.arn,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "OnlyStateReadersReadTheLock",
                Effect: "Deny",
                Principal: "*",
                Action: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"],
                Resource: this.lockTable.arn,
                Condition: { ArnNotLike: { "aws:PrincipalArn": readers } },
              },
              {
                Sid: "OnlyStateWritersLock",
                Effect: "Deny",
                Principal: "*",
                Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
                Resource: this.lockTable.arn,
                Condition: { ArnNotLike: { "aws:PrincipalArn": [...access.writers] } },
              },
            ],
          }),
        });
      }
    }
  }
}

/**
 * The state key's policy: the account administers the key (never uses it), readers decrypt,
 * writers encrypt too; S3 and DynamoDB use it on their behalf.
 */
function stateKeyPolicy(partition: string, account: string, readers: readonly string[], writers: readonly string[]): string {
  const root = `arn:${partition}:iam::${account}:root`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: root },
        Action: [
          "kms:Create*",
          "kms:Describe*",
          "kms:Enable*",
          "kms:List*",
          "kms:Put*",
          "kms:Update*",
          "kms:Revoke*",
          "kms:Disable*",
          "kms:Get*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion",
        ],
        Resource: "*",
      },
      { Sid: "StateReaders", Effect: "Allow", Principal: { AWS: [...readers] }, Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: "*" },
      {
        Sid: "StateWriters",
        Effect: "Allow",
        Principal: { AWS: [...writers] },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
        Resource: "*",
      },
    ],
  });
}

/**
 * What the bucket policy adds when the state's readers and writers are named: everyone else is
 * denied the state objects, and objects are written only with the state key (a request without an
 * encryption header gets the bucket's default, this key; Terraform sends the key's alias).
 */
function stateBucketStatements(bucketArn: string, keyIds: readonly string[], readers: readonly string[], writers: readonly string[]) {
  return [
    {
      Sid: "OnlyStateReadersRead",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: `${bucketArn}/*`,
      Condition: { ArnNotLike: { "aws:PrincipalArn": [...readers] } },
    },
    {
      Sid: "OnlyStateWritersWrite",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
      Resource: `${bucketArn}/*`,
      Condition: { ArnNotLike: { "aws:PrincipalArn": [...writers] } },
    },
    {
      Sid: "OnlyKmsEncryption",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
    {
      Sid: "OnlyTheStateKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [...keyIds] } },
    },
  ];
}
