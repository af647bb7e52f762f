import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  checkKubeconfigInput,
  execConfig,
  kubeconfigInputFromOutputs,
  mergeKubeconfig,
  renderKubeconfig,
  type KubeconfigInput,
} from "../../src/lib/kubeconfig";

/** A kubeconfig as `renderKubeconfig` and `mergeKubeconfig` write it, as far as these tests read it. */
interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  "current-context": string;
}

const input: KubeconfigInput = {
  clusterName: "fixture-alpha-eks",
  endpoint: "https://ABC.eks.amazonaws.com",
  certificateAuthorityData: "Q0E=",
  region: "eu-west-1",
};

describe("renderKubeconfig", () => {
  it("renders one cluster, context and user named after the cluster, with exec auth and no token", () => {
    expect(parse(renderKubeconfig(input))).toEqual({
      apiVersion: "v1",
      kind: "Config",
      preferences: {},
      clusters: [{ name: "fixture-alpha-eks", cluster: { server: "https://ABC.eks.amazonaws.com", "certificate-authority-data": "Q0E=" } }],
      contexts: [{ name: "fixture-alpha-eks", context: { cluster: "fixture-alpha-eks", user: "fixture-alpha-eks" } }],
      "current-context": "fixture-alpha-eks",
      users: [
        {
          name: "fixture-alpha-eks",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              args: ["eks", "get-token", "--cluster-name", "fixture-alpha-eks", "--region", "eu-west-1", "--output", "json"],
              interactiveMode: "Never",
            },
          },
        },
      ],
    });
  });

  it("adds the role and the profile when configured", () => {
    const exec = execConfig({ ...input, roleArn: "arn:aws:iam::444444444444:role/admin", profile: "dev" });
    expect(exec.args).toEqual([
      "eks",
      "get-token",
      "--cluster-name",
      "fixture-alpha-eks",
      "--region",
      "eu-west-1",
      "--role-arn",
      "arn:aws:iam::444444444444:role/admin",
      "--output",
      "json",
    ]);
    expect(exec.env).toEqual([{ name: "AWS_PROFILE", value: "dev" }]);
  });

  it("offers aws-iam-authenticator, on v1beta1 (the post's v1alpha1 no longer works)", () => {
    expect(execConfig({ ...input, authenticator: "aws-iam-authenticator", roleArn: "arn:aws:iam::1:role/r" })).toMatchObject({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws-iam-authenticator",
      args: ["token", "-i", "fixture-alpha-eks", "--region", "eu-west-1", "-r", "arn:aws:iam::1:role/r"],
    });
  });
});

describe("mergeKubeconfig", () => {
  const other =
    "apiVersion: v1\nkind: Config\nclusters:\n  - name: other\n    cluster: {server: https://x}\ncontexts:\n  - name: other\n    context: {cluster: other, user: other}\nusers:\n  - name: other\n    user: {token: t}\ncurrent-context: other\n";

  it("adds the cluster, keeps the others and the current context unless asked", () => {
    const merged = parse(mergeKubeconfig(other, renderKubeconfig(input))) as Kubeconfig;
    expect(merged.contexts.map((c: { name: string }) => c.name)).toEqual(["other", "fixture-alpha-eks"]);
    expect(merged["current-context"]).toBe("other");
    expect((parse(mergeKubeconfig(other, renderKubeconfig(input), { useContext: true })) as Kubeconfig)["current-context"]).toBe(
      "fixture-alpha-eks",
    );
  });

  it("replaces an entry of the same name instead of duplicating it", () => {
    const once = mergeKubeconfig(other, renderKubeconfig({ ...input, endpoint: "https://old" }));
    const twice = parse(mergeKubeconfig(once, renderKubeconfig(input))) as Kubeconfig;
    expect(twice.clusters.filter((c: { name: string }) => c.name === "fixture-alpha-eks")).toEqual([
      { name: "fixture-alpha-eks", cluster: { server: "https://ABC.eks.amazonaws.com", "certificate-authority-data": "Q0E=" } },
    ]);
  });

  it("starts a new file from nothing, and refuses a file that is not a mapping", () => {
    expect((parse(mergeKubeconfig("", renderKubeconfig(input))) as Kubeconfig)["current-context"]).toBe("fixture-alpha-eks");
    expect(() => mergeKubeconfig("- a\n- b\n", renderKubeconfig(input))).toThrow("the existing kubeconfig is not a YAML mapping");
  });
});

describe("kubeconfigInputFromOutputs", () => {
  const values = { cluster_name: "c", cluster_endpoint: "https://e", cluster_certificate_authority_data: "Q0E=" };

  it.each([
    ["terraform output -json", Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, type: "string" }]))],
    ["cdktf --outputs-file", { "alpha-platform": values }],
  ])("reads the %s shape", (_shape, outputs) => {
    const expected = { clusterName: "c", endpoint: "https://e", certificateAuthorityData: "Q0E=", region: "eu-west-1" };
    expect(kubeconfigInputFromOutputs(outputs, "alpha-platform", { region: "eu-west-1" })).toEqual(expected);
  });
});

describe("checkKubeconfigInput", () => {
  const alpha = { env: "alpha", clusterName: "fixture-alpha-eks" };

  it.each([input.endpoint, "https://127.0.0.1:6443"])("accepts the environment's own cluster on the https:// endpoint %j", (endpoint) => {
    expect(() => checkKubeconfigInput({ ...input, endpoint }, alpha)).not.toThrow();
  });

  it.each([
    ["http://ABC.eks.amazonaws.com", "is not an https:// URL; refusing it: kubectl would send the cluster's token there unencrypted"],
    ["ABC.eks.amazonaws.com", "is not an https:// URL; refusing it: kubectl would send the cluster's token there unencrypted"],
    ["https://", "is not an https:// URL; refusing it: kubectl would send the cluster's token there unencrypted"],
    ["ftp://https://x", "is not an https:// URL; refusing it: kubectl would send the cluster's token there unencrypted"],
    ["https://user:pw@ABC.eks.amazonaws.com", "holds a user name or password; refusing it"],
  ])("refuses the endpoint %j in one line", (endpoint, why) => {
    expect(() => checkKubeconfigInput({ ...input, endpoint }, alpha)).toThrow(`the cluster endpoint ${JSON.stringify(endpoint)} ${why}`);
  });

  it("refuses the outputs of another environment's cluster", () => {
    expect(() => checkKubeconfigInput({ ...input, clusterName: "fixture-bravo-eks" }, alpha)).toThrow(
      'the outputs are of the cluster "fixture-bravo-eks", not alpha\'s cluster "fixture-alpha-eks" (the outputs of another environment?); refusing them',
    );
  });

  it("names the stack whose outputs a cdktf outputs file holds when it is not the one asked for", () => {
    const values = { cluster_name: "fixture-bravo-eks", cluster_endpoint: "https://e", cluster_certificate_authority_data: "Q0E=" };
    expect(() => kubeconfigInputFromOutputs({ "bravo-platform": values }, "alpha-platform", { region: "eu-west-1" })).toThrow(
      'the outputs are those of "bravo-platform", not of alpha-platform; refusing them',
    );
  });
});
