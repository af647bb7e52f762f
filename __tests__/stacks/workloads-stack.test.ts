import { describe, expect, it } from "vitest";
import { addresses, sampleEnvs, synthEnv, testEnv } from "../helpers/synth";

const envs = await sampleEnvs();
const dev = synthEnv(envs.find((e) => e.name === "dev")!).json;
const prod = synthEnv(envs.find((e) => e.name === "prod")!).json;

describe("WorkloadsStack", () => {
  it("configures the Kubernetes provider from the platform's outputs and an exec token, never a kubeconfig file", () => {
    const provider = dev.workloads.provider?.kubernetes[0] as Record<string, unknown>;
    expect(provider.host).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-dev-platform\.outputs\.cross-stack-output-aws_eks_cluster_eks_endpoint\}$/,
    );
    expect(provider.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\./);
    expect(provider.exec).toEqual([
      {
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "acme-dev-eks", "--region", "eu-west-1", "--output", "json"],
      },
    ]);
    expect(provider).not.toHaveProperty("config_path");
    // The platform exports what the workloads read, through the same S3 backend.
    expect(Object.keys(dev.platform.output ?? {})).toContain("cross-stack-output-aws_eks_cluster_eks_endpoint");
    expect(dev.workloads.data?.terraform_remote_state["cross-stack-reference-input-dev-platform"]).toMatchObject({
      backend: "s3",
      config: { bucket: "acme-dev-tfstate", key: "dev/dev-platform.tfstate" },
    });
  });

  it("holds the 2048 sample and the load balancer controller where the environment opts in", () => {
    expect(addresses(dev.workloads)).toEqual([
      "aws_iam_policy.lb_controller_policy",
      "aws_iam_role.lb_controller_role",
      "aws_iam_role_policy_attachment.lb_controller_policy_attachment",
      "data.aws_partition.partition",
      "data.terraform_remote_state.cross-stack-reference-input-dev-platform",
      "kubernetes_deployment_v1.game_2048_deployment",
      "kubernetes_ingress_v1.game_2048_ingress",
      "kubernetes_namespace_v1.game_2048_namespace",
      "kubernetes_service_account_v1.lb_controller_service_account",
      "kubernetes_service_v1.game_2048_service",
    ]);
    // Fargate-only: the controller gets its own Fargate profile in the platform.
    expect(dev.platform.resource?.aws_eks_fargate_profile["fargate_profile_aws-lb-controller"]).toMatchObject({
      selector: [{ namespace: "kube-system", labels: { "app.kubernetes.io/name": "aws-load-balancer-controller" } }],
    });
  });

  it("manages aws-auth for self-managed nodes when the mode includes CONFIG_MAP, and not with API", () => {
    expect(Object.keys(prod.workloads.resource ?? {})).toEqual(["kubernetes_config_map_v1"]);
    const apiOnly = synthEnv(
      testEnv({ accountId: "123456789012", eks: { authenticationMode: "API" }, nodeGroups: { selfManaged: { app: {} } } }),
    ).json;
    expect(apiOnly.workloads.resource ?? {}).toEqual({});
    const configMap = synthEnv(
      testEnv({ eks: { authenticationMode: "CONFIG_MAP" }, nodeGroups: { selfManaged: { app: {} }, managed: { sys: {} } } }),
    ).json;
    expect(Object.keys(configMap.workloads.resource ?? {})).toEqual(["kubernetes_config_map_v1_data"]);
  });

  it("assumes the environment's role for the token when it has one", () => {
    const exec = (prod.workloads.provider?.kubernetes[0] as { exec: { args: string[] }[] }).exec[0];
    expect(exec.args).toEqual(expect.arrayContaining(["--role-arn", "arn:aws:iam::222222222222:role/acme-prod-deployer"]));
  });
});
