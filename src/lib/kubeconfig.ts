/**
 * Kubeconfig rendering, as a pure function over the cluster's attributes: one cluster, context and
 * user, all named after the cluster, authenticating with an `exec` block (no token is ever stored).
 *
 * The Fargate post's template used aws-iam-authenticator with `client.authentication.k8s.io/v1alpha1`,
 * which current kubectl rejects ("invalid apiVersion"); both token helpers here use v1beta1.
 */
import { parse, stringify } from "yaml";

/** The exec plugin API kubectl accepts for both helpers. */
const EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1";

export interface KubeconfigInput {
  /** The cluster name: also the name of the kubeconfig's cluster, context and user. */
  readonly clusterName: string;
  /** `https://...` endpoint of the API server. */
  readonly endpoint: string;
  /** Base64 CA data of the API server. */
  readonly certificateAuthorityData: string;
  readonly region: string;
  /** @default "aws-cli" */
  readonly authenticator?: "aws-cli" | "aws-iam-authenticator";
  /** Role the helper assumes for the token. @default - the caller's identity */
  readonly roleArn?: string;
  /** AWS CLI profile, passed as AWS_PROFILE. @default - the caller's environment */
  readonly profile?: string;
}

interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env?: { name: string; value: string }[];
  interactiveMode: "Never";
}

/** The `exec` block of the kubeconfig user. */
export function execConfig(input: KubeconfigInput): ExecConfig {
  const args =
    (input.authenticator ?? "aws-cli") === "aws-cli"
      ? [
          "eks",
          "get-token",
          "--cluster-name",
          input.clusterName,
          "--region",
          input.region,
          ...(input.roleArn ? ["--role-arn", input.roleArn] : []),
          "--output",
          "json",
        ]
      : ["token", "-i", input.clusterName, "--region", input.region, ...(input.roleArn ? ["-r", input.roleArn] : [])];
  return {
    apiVersion: EXEC_API_VERSION,
    command: (input.authenticator ?? "aws-cli") === "aws-cli" ? "aws" : "aws-iam-authenticator",
    args,
    ...(input.profile ? { env: [{ name: "AWS_PROFILE", value: input.profile }] } : {}),
    interactiveMode: "Never",
  };
}

/** The kubeconfig as an object (what `renderKubeconfig` serializes). */
function kubeconfigDocument(input: KubeconfigInput): Record<string, unknown> {
  const name = input.clusterName;
  return {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [{ name, cluster: { server: input.endpoint, "certificate-authority-data": input.certificateAuthorityData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [{ name, user: { exec: execConfig(input) } }],
  };
}

/** The kubeconfig as YAML. Single quotes where quoting is needed, no line folding. */
export function renderKubeconfig(input: KubeconfigInput): string {
  return stringify(kubeconfigDocument(input), { singleQuote: true, lineWidth: 0 });
}

interface Named {
  name: string;
}

/**
 * Merges a rendered kubeconfig into an existing one: entries of the same name are replaced, others
 * kept. The current context changes only when `useContext` is set or the file had none.
 */
export function mergeKubeconfig(existing: string, added: string, options: { useContext?: boolean } = {}): string {
  const base = (existing.trim() === "" ? {} : parse(existing)) as Record<string, unknown> | null;
  if (base !== null && (typeof base !== "object" || Array.isArray(base))) throw new Error("the existing kubeconfig is not a YAML mapping");
  const target: Record<string, unknown> = { apiVersion: "v1", kind: "Config", preferences: {}, ...(base ?? {}) };
  const incoming = parse(added) as Record<string, unknown>;
  for (const key of ["clusters", "contexts", "users"] as const) {
    const current = (Array.isArray(target[key]) ? target[key] : []) as Named[];
    const replacing = (incoming[key] ?? []) as Named[];
    const names = new Set(replacing.map((e) => e.name));
    target[key] = [...current.filter((e) => !names.has(e.name)), ...replacing];
  }
  if (options.useContext || !target["current-context"]) target["current-context"] = incoming["current-context"];
  return stringify(target, { singleQuote: true, lineWidth: 0 });
}

/**
 * The kubeconfig input from the platform stack's outputs, in either shape: `terraform output -json`
 * (`{"cluster_name": {"value": ...}}`) or `cdktf output --outputs-file` (`{"<stack>": {"cluster_name": ...}}`).
 */
export function kubeconfigInputFromOutputs(
  outputs: unknown,
  stack: string,
  options: Omit<KubeconfigInput, "clusterName" | "endpoint" | "certificateAuthorityData">,
): KubeconfigInput {
  if (typeof outputs !== "object" || outputs === null) throw new Error("the outputs are not a JSON object");
  let values = outputs as Record<string, unknown>;
  if (stack in values && typeof values[stack] === "object") values = values[stack] as Record<string, unknown>;
  else if (!("cluster_name" in values)) {
    // `cdktf output --outputs-file` of another stack: say so, rather than "deploy it first".
    const other = Object.keys(values).find((k) => typeof values[k] === "object" && values[k] !== null && "cluster_name" in values[k]);
    if (other) throw new Error(`the outputs are those of ${JSON.stringify(other)}, not of ${stack}; refusing them`);
  }
  const read = (key: string): string => {
    const raw = values[key];
    const value = typeof raw === "object" && raw !== null && "value" in raw ? raw.value : raw;
    if (typeof value !== "string" || value === "") {
      throw new Error(`the outputs of ${stack} have no "${key}"; deploy ${stack} first (npm run deploy -- ${stack})`);
    }
    return value;
  };
  return {
    clusterName: read("cluster_name"),
    endpoint: read("cluster_endpoint"),
    certificateAuthorityData: read("cluster_certificate_authority_data"),
    ...options,
  };
}

/**
 * Refuses what would send the environment's EKS token where it should not go: an API endpoint that
 * is not `https://` (kubectl would send the token, which can be replayed against the cluster for
 * minutes, unencrypted), and outputs whose cluster is not the environment's own (an outputs file of
 * another environment: kubectl would take a token as this environment's role and send it to that
 * other endpoint).
 * Throws an Error with a one-line message.
 */
export function checkKubeconfigInput(input: KubeconfigInput, expected: { readonly env: string; readonly clusterName: string }): void {
  if (input.clusterName !== expected.clusterName) {
    throw new Error(
      `the outputs are of the cluster ${JSON.stringify(input.clusterName)}, not ${expected.env}'s cluster ${JSON.stringify(expected.clusterName)} (the outputs of another environment?); refusing them`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(input.endpoint);
  } catch {
    url = undefined;
  }
  const endpoint = JSON.stringify(input.endpoint);
  if (!/^https:\/\//i.test(input.endpoint) || url?.protocol !== "https:" || url.hostname === "") {
    throw new Error(
      `the cluster endpoint ${endpoint} is not an https:// URL; refusing it: kubectl would send the cluster's token there unencrypted`,
    );
  }
  if (url.username !== "" || url.password !== "")
    throw new Error(`the cluster endpoint ${endpoint} holds a user name or password; refusing it`);
}
