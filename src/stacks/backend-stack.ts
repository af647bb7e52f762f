import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvConfig } from "../config";
import { CiRoles } from "../constructs/ci-roles";
import { StateBackend } from "../constructs/state-backend";
import { partitionOf } from "../lib/aws-catalog";
import type { Statement } from "../lib/iam";
import { githubOidcProviderArn } from "../lib/naming";
import { EnvStack } from "./env-stack";

/**
 * `<env>-backend`: the state bucket, lock table and state key of one environment, and the roles of
 * its GitHub workflows (`ci.github`). `npm run bootstrap` applies it first; every other stack of the
 * environment keeps its state in what it creates.
 */
export class BackendStack extends EnvStack {
  readonly stateBackend: StateBackend;
  /** The workflows' roles, once `addCiRoles` has run (`ci.github`). */
  ciRoles?: CiRoles;

  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, "backend");
    const { names, stateReaders, stateWriters } = env.derived;
    this.stateBackend = new StateBackend(this, "state", {
      bucketName: names.stateBucket,
      lockTableName: names.lockTable,
      keyAlias: names.stateKeyAlias,
      noncurrentVersionExpirationDays: env.backend.noncurrentVersionExpirationDays,
      noncurrentVersionsToKeep: env.backend.noncurrentVersionsToKeep,
      protect: !env.ephemeral,
      // Only whom the config names may read or write the state (the account is needed to name its root).
      access: env.accountId ? { account: env.accountId, readers: stateReaders, writers: stateWriters } : undefined,
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

  /** The roles of the environment's GitHub workflows, with their policies (`ci.github`). */
  addCiRoles(policies: { readonly plan: readonly (readonly Statement[])[]; readonly deploy: readonly (readonly Statement[])[] }): CiRoles {
    const github = this.env.ci.github!;
    const names = this.env.derived.names.roles;
    this.ciRoles = new CiRoles(this, "ci", {
      repository: github.repository,
      githubEnvironment: this.env.ci.githubEnvironment ?? this.env.name,
      workflowInSubject: github.workflowInSubject,
      oidcProvider:
        github.oidcProvider === "create"
          ? { create: true }
          : { arn: githubOidcProviderArn(partitionOf(this.env.region) ?? "aws", this.env.accountId!) },
      planRoleName: names.ciPlan,
      deployRoleName: github.deploy ? names.ciDeploy : undefined,
      planPolicies: policies.plan,
      deployPolicies: policies.deploy,
    });
    new TerraformOutput(this, "ci_plan_role_arn", {
      value: this.ciRoles.planRole.arn,
      description: "Role the pull-request workflow plans with",
    });
    if (this.ciRoles.deployRole)
      new TerraformOutput(this, "ci_deploy_role_arn", {
        value: this.ciRoles.deployRole.arn,
        description: "Role the deploy workflow deploys with",
      });
    return this.ciRoles;
  }
}
