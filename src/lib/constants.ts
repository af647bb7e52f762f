/**
 * Literal values the AWS and Kubernetes APIs fix, named once.
 */

/** The partition key the S3 backend's DynamoDB locking requires (type S). */
export const LOCK_TABLE_HASH_KEY = "LockID";

/** Value of the `ManagedBy` default tag. */
export const MANAGED_BY = "cdktf";

/** The minimum Terraform version the synthesized stacks declare (S3 `use_lockfile` needs 1.10). */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10";
