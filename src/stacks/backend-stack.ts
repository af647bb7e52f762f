import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvConfig } from "../config";
import { StateBackend } from "../constructs/state-backend";
import { lockTableName, stateBucketName, stateKeyAlias } from "../lib/naming";
import { EnvStack } from "./env-stack";

/**
 * `<env>-backend`: the state bucket, lock table and state key of one environment. Deployed first,
 * once, with local state; every other stack of the environment keeps its state in what it creates.
 */
export class BackendStack extends EnvStack {
  readonly stateBackend: StateBackend;

  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, "backend");
    this.stateBackend = new StateBackend(this, "state", {
      bucketName: stateBucketName(env),
      lockTableName: env.backend.dynamodbLock ? lockTableName(env) : undefined,
      keyAlias: stateKeyAlias(env),
      noncurrentVersionExpirationDays: env.backend.noncurrentVersionExpirationDays,
      noncurrentVersionsToKeep: env.backend.noncurrentVersionsToKeep,
      protect: !env.ephemeral,
    });
    new TerraformOutput(this, "state_bucket", {
      value: this.stateBackend.bucket.bucket,
      description: "S3 bucket holding the state of every stack of the environment",
    });
    if (this.stateBackend.lockTable) {
      new TerraformOutput(this, "lock_table", {
        value: this.stateBackend.lockTable.name,
        description: "DynamoDB table locking that state",
      });
    }
    new TerraformOutput(this, "state_key_arn", {
      value: this.stateBackend.key.arn,
      description: "KMS key encrypting the state bucket and lock table",
    });
  }
}
