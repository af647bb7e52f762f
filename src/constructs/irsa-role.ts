import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { idOf, movedFromSuffix } from "../lib/addressing";
import { irsaTrustPolicy, policyDocument, type Statement } from "../lib/iam";
import { requireValidProps } from "../lib/validation";

/** The cluster's IAM OIDC provider, as IRSA trust policies name it. */
export interface OidcProvider {
  /** ARN of the IAM OIDC provider. */
  readonly oidcProviderArn: string;
  /** The issuer without `https://` (the prefix of the `sub` and `aud` condition keys). */
  readonly oidcIssuerHost: string;
}

/** Props of {@link IrsaRole}. */
export interface IrsaRoleProps {
  readonly cluster: OidcProvider;
  readonly roleName: string;
  readonly description: string;
  /** The one service account that may assume the role. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** An inline policy. @default - none */
  readonly statements?: readonly Statement[];
  /** AWS managed policy ARNs to attach. @default [] */
  readonly managedPolicyArns?: readonly string[];
}

/**
 * An IAM role for one Kubernetes service account (IRSA): trusted only by that service account of
 * this cluster's OIDC provider with the STS audience, with an inline policy and/or managed policies.
 * IRSA rather than EKS Pod Identity: it works on Fargate too, and on every cluster version here.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
 */
export class IrsaRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    // The callers compute what the role grants (no config field does), so only this construct sees it empty.
    requireValidProps("IrsaRole", [
      [
        "statements",
        props.statements,
        (props.statements ?? []).length === 0 &&
          (props.managedPolicyArns ?? []).length === 0 &&
          "or managedPolicyArns must grant something",
      ],
    ]);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: `${props.description} (IRSA, ${props.namespace}/${props.serviceAccount})`,
      assumeRolePolicy: irsaTrustPolicy(props.cluster.oidcProviderArn, props.cluster.oidcIssuerHost, props.namespace, props.serviceAccount),
    });
    this.roleArn = this.role.arn;
    if ((props.statements ?? []).length > 0) {
      new IamRolePolicy(this, "policy", { name: props.roleName, role: this.role.id, policy: policyDocument(props.statements!) });
    }
    // Keyed by the policy's name, with a moved block from the list position earlier versions used.
    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      const name = idOf(policyArn.split("/").pop()!);
      const attachment = new IamRolePolicyAttachment(this, `managed_policy_${name}`, { role: this.role.name, policyArn });
      movedFromSuffix(attachment, `_${i}`, `_${name}`);
    });
  }
}
