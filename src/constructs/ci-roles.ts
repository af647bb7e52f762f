import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { policyDocument, type Statement } from "../lib/iam";

/** GitHub's OIDC issuer, and the audience the AWS credentials action asks for. */
const GITHUB_ISSUER = "token.actions.githubusercontent.com";
const AUDIENCE = "sts.amazonaws.com";

/** Props of {@link CiRoles}. */
export interface CiRolesProps {
  /** `owner/name` of the repository whose workflows get the roles. */
  readonly repository: string;
  /** The GitHub environment the deploy job runs in (its protection rules gate the deploy). */
  readonly githubEnvironment: string;
  /** Trust only `deploy.yml` on `main` (the subject carries `job_workflow_ref`). */
  readonly workflowInSubject: boolean;
  /** Create the account's GitHub OIDC provider here, or use the existing one at this ARN. */
  readonly oidcProvider: { readonly create: true } | { readonly arn: string };
  readonly planRoleName: string;
  /** The deploy role's name; no deploy role when undefined. */
  readonly deployRoleName?: string;
  /** The plan policy, as documents within IAM's managed-policy size. */
  readonly planPolicies: readonly (readonly Statement[])[];
  /** The deploy role's policy, as documents within IAM's managed-policy size. */
  readonly deployPolicies: readonly (readonly Statement[])[];
}

/** The trust policy of a role that GitHub Actions jobs whose OIDC subject is `subject` may assume. */
export function githubTrustPolicy(oidcProviderArn: string, subject: string): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [`${GITHUB_ISSUER}:aud`]: AUDIENCE, [`${GITHUB_ISSUER}:sub`]: subject } },
    },
  ]);
}

/** The OIDC subjects the plan role (pull requests) and the deploy role (the GitHub environment's jobs) trust. */
export function githubSubjects(
  repository: string,
  githubEnvironment: string,
  workflowInSubject: boolean,
): { plan: string; deploy: string } {
  const repo = `repo:${repository}`;
  return {
    plan: `${repo}:pull_request`,
    deploy: workflowInSubject
      ? `${repo}:environment:${githubEnvironment}:job_workflow_ref:${repository}/.github/workflows/deploy.yml@refs/heads/main`
      : `${repo}:environment:${githubEnvironment}`,
  };
}

/**
 * The roles of an environment's GitHub workflows, trusted through GitHub's OIDC provider (no stored
 * keys): the plan role for the repository's pull requests, the deploy role for jobs in its GitHub
 * environment (and, with `workflowInSubject`, only `deploy.yml` on `main`). Each holds its policy as
 * managed policies named after it (`<role>-1`, `-2`...).
 *
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
export class CiRoles extends Construct {
  readonly planRole: IamRole;
  readonly deployRole?: IamRole;
  readonly oidcProviderArn: string;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    this.oidcProviderArn =
      "arn" in props.oidcProvider
        ? props.oidcProvider.arn
        : new IamOpenidConnectProvider(this, "github", { url: `https://${GITHUB_ISSUER}`, clientIdList: [AUDIENCE] }).arn;
    const trust = (subject: string) =>
      policyDocument([
        {
          Effect: "Allow",
          Principal: { Federated: this.oidcProviderArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${GITHUB_ISSUER}:aud`]: AUDIENCE, [`${GITHUB_ISSUER}:sub`]: subject } },
        },
      ]);
    const repo = `repo:${props.repository}`;
    const deploySubject = props.workflowInSubject
      ? `${repo}:environment:${props.githubEnvironment}:job_workflow_ref:${props.repository}/.github/workflows/deploy.yml@refs/heads/main`
      : `${repo}:environment:${props.githubEnvironment}`;
    this.planRole = this.role(
      "plan",
      props.planRoleName,
      `Plans ${props.repository}'s pull requests (read-only)`,
      trust(`${repo}:pull_request`),
      props.planPolicies,
    );
    if (props.deployRoleName) {
      this.deployRole = this.role(
        "deploy",
        props.deployRoleName,
        `Deploys from ${props.repository} (GitHub environment ${props.githubEnvironment})`,
        trust(deploySubject),
        props.deployPolicies,
      );
    }
  }

  private role(id: string, name: string, description: string, trust: string, policies: readonly (readonly Statement[])[]): IamRole {
    const role = new IamRole(this, `${id}_role`, { name, description, assumeRolePolicy: trust, maxSessionDuration: 3600 });
    policies.forEach((statements, i) => {
      const policy = new IamPolicy(this, `${id}_policy_${i + 1}`, {
        name: `${name}-${i + 1}`,
        description: `${description}: part ${i + 1} of ${policies.length}`,
        policy: policyDocument(statements),
      });
      new IamRolePolicyAttachment(this, `${id}_policy_${i + 1}_attachment`, { role: role.name, policyArn: policy.arn });
    });
    return role;
  }
}
