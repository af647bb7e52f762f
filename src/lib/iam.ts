/**
 * IAM policy documents as plain JSON strings. References to other resources (tokens) stay inside the
 * string values, so the synthesized JSON shows one readable policy that the policy rules can parse.
 */

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: string | Record<string, string | string[]>;
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** A policy document, serialized. */
export function policyDocument(statements: readonly Statement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy letting an AWS service assume the role, optionally with conditions. */
export function serviceTrustPolicy(service: string, options: { actions?: string[]; condition?: Statement["Condition"] } = {}): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: options.actions ?? ["sts:AssumeRole"],
      ...(options.condition ? { Condition: options.condition } : {}),
    },
  ]);
}

/** The ARN of an AWS managed policy in the given partition (a token from `aws_partition`). */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** The audience of IRSA web identity tokens. */
const IRSA_AUDIENCE = "sts.amazonaws.com";

/**
 * An IRSA trust policy: only the given service account of this cluster's OIDC provider, with the
 * STS audience (`sub` and `aud` both pinned; no wildcards).
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerHost: string, namespace: string, serviceAccount: string): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${issuerHost}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
          [`${issuerHost}:aud`]: IRSA_AUDIENCE,
        },
      },
    },
  ]);
}
