import { describe, expect, it } from "vitest";
import { sampleEnvs, synthEnv } from "../helpers/synth";

const envs = await sampleEnvs();
const prod = synthEnv(envs.find((e) => e.name === "prod")!).json.platform;
const dev = synthEnv(envs.find((e) => e.name === "dev")!).json.platform;

describe("PlatformStack", () => {
  it("outputs everything the blog READMEs made users dig for", () => {
    // cross-stack-output-* are what the workloads stack reads; the rest is for people.
    expect(
      Object.keys(prod.output ?? {})
        .filter((k) => !k.startsWith("cross-stack-output-"))
        .sort(),
    ).toEqual([
      "app_table_arns",
      "cluster_certificate_authority_data",
      "cluster_endpoint",
      "cluster_name",
      "cluster_oidc_issuer_url",
      "cluster_primary_security_group_id",
      "cluster_security_group_id",
      "ecr_repository_urls",
      "irsa_role_arns",
      "kubeconfig",
      "kubeconfig_path",
      "node_role_arn",
      "node_security_group_id",
      "oidc_provider_arn",
      "private_subnet_ids",
      "public_subnet_ids",
      "update_kubeconfig_command",
      "vpc_id",
    ]);
    expect(prod.output?.update_kubeconfig_command.value).toBe(
      "aws eks update-kubeconfig --name acme-prod-eks --region eu-west-1 --role-arn arn:aws:iam::222222222222:role/acme-prod-deployer --alias acme-prod-eks",
    );
    expect(prod.output?.cluster_endpoint.value).toBe("${aws_eks_cluster.eks.endpoint}");
    expect(prod.output?.oidc_provider_arn.value).toBe("${aws_iam_openid_connect_provider.eks_oidc_provider.arn}");
    // Fargate-only: no node security group.
    expect(dev.output).not.toHaveProperty("node_security_group_id");
  });

  it("configures the external (thumbprint program) and local (kubeconfig file) providers next to AWS", () => {
    expect(Object.keys(prod.provider ?? {}).sort()).toEqual(["aws", "external", "local"]);
    expect(prod.terraform.required_providers).toMatchObject({
      aws: { version: "5.100.0" },
      external: { version: "2.3.5" },
      local: { version: "2.6.1" },
    });
  });

  it("writes the kubeconfig into the project with mode 0600, never to ~/.kube/config", () => {
    expect(prod.resource?.local_file.kubeconfig_file).toMatchObject({
      filename: "../../../kubeconfigs/prod.yaml",
      file_permission: "0600",
      directory_permission: "0700",
    });
    const content = prod.resource?.local_file.kubeconfig_file.content as string;
    expect(content).toContain("server: ${aws_eks_cluster.eks.endpoint}");
    expect(content).toContain("apiVersion: client.authentication.k8s.io/v1beta1");
    expect(prod.output?.kubeconfig.value).toBe(content);
    expect(JSON.stringify(prod)).not.toContain(".kube/config");
  });

  it("ships the thumbprint program with the stack, at a path relative to it", () => {
    const program = (prod.data?.external?.eks_oidc_thumbprint as { program: string[] }).program;
    expect(program[1].startsWith("${path.module}/assets/")).toBe(true);
    expect(JSON.stringify(prod)).not.toContain(process.cwd());
  });
});
