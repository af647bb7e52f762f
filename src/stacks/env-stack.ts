import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { CloudBackend, NamedCloudWorkspace, S3Backend } from "cdktf";
import type { Construct } from "constructs";
import type { EnvConfig } from "../config";
import { MANAGED_BY, REQUIRED_TERRAFORM_VERSION } from "../lib/constants";
import type { PolicyOptions } from "../policy/pack";
import { stackId, stateKey, workspaceName, type StackKind } from "../lib/naming";
import { ReadableStack } from "./readable-stack";

/** The tags every resource of an environment carries, through the provider's `default_tags`. */
export function defaultTags(env: EnvConfig): Record<string, string> {
  return { Project: env.project, Environment: env.name, ManagedBy: MANAGED_BY, ...env.tags };
}

/** The AWS provider of every stack of an environment: region, account guard, role, default tags. */
function awsProviderConfig(env: EnvConfig): AwsProviderConfig {
  return {
    region: env.region,
    allowedAccountIds: env.accountId ? [env.accountId] : undefined,
    assumeRole: env.assumeRole
      ? [
          {
            roleArn: env.assumeRole.roleArn,
            externalId: env.assumeRole.externalId,
            sessionName: env.assumeRole.sessionName ?? `${env.project}-${env.name}-cdktf`,
          },
        ]
      : undefined,
    defaultTags: [{ tags: defaultTags(env) }],
  };
}

/**
 * A stack of one environment: `<env>-<kind>`, with the environment's AWS provider and state backend.
 *
 * Every stack stores its state in the environment's bucket under its own key, encrypted with the
 * environment's state key and locked by DynamoDB and/or S3 lock files; or, with `backend.kind`
 * "hcp", in its own HCP Terraform workspace. The `<env>-backend` stack, which creates that bucket,
 * declares it too: `npm run bootstrap` applies it once with a local state file, then moves that
 * state into the bucket, so the backend never has to change between the two.
 */
export class EnvStack extends ReadableStack {
  /** The validated environment this stack belongs to. */
  readonly env: EnvConfig;
  /** Which of the environment's stacks this is. */
  readonly kind: StackKind;
  /**
   * The environment's policy suppressions and declared network: with them `EksApp` checks the
   * stack before writing anything (`addEnvStacks` sets them).
   * @default - none: `EksApp` does not check the stack
   */
  policy?: PolicyOptions;

  constructor(scope: Construct, env: EnvConfig, kind: StackKind) {
    super(scope, stackId(env.name, kind));
    this.env = env;
    this.kind = kind;
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    // Fully qualified provider sources: what Terraform records in its lock file, and what OpenTofu needs.
    this.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
    new AwsProvider(this, "aws", awsProviderConfig(env));

    if (env.backend.kind === "hcp") {
      // One workspace per stack; cross-stack outputs flow through the workspaces' remote state.
      new CloudBackend(this, {
        organization: env.backend.organization!,
        hostname: env.backend.hostname,
        workspaces: new NamedCloudWorkspace(workspaceName(env, kind), env.backend.project),
      });
      return;
    }
    const { stateBucket, stateKeyAlias, lockTable } = env.derived.names;
    const backend = new S3Backend(this, {
      bucket: stateBucket,
      key: stateKey(env.name, kind),
      region: env.region,
      encrypt: true,
      kmsKeyId: stateKeyAlias,
      dynamodbTable: lockTable,
      allowedAccountIds: env.accountId ? [env.accountId] : undefined,
      assumeRole: env.assumeRole
        ? {
            roleArn: env.assumeRole.roleArn,
            externalId: env.assumeRole.externalId,
            sessionName: env.assumeRole.sessionName ?? `${env.project}-${env.name}-cdktf`,
          }
        : undefined,
    });
    // cdktf 0.21's S3BackendConfig predates use_lockfile; the override lands in terraform.backend.s3.
    if (env.backend.useLockfile) backend.addOverride("use_lockfile", true);
  }
}
