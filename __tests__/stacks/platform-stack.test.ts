import { describe, expect, it } from "vitest";
import { sampleEnvs, synthEnv } from "../helpers/synth";

const envs = await sampleEnvs();
const prod = synthEnv(envs.find((e) => e.name === "prod")!).json.platform;
const dev = synthEnv(envs.find((e) => e.name === "dev")!).json.platform;

describe("PlatformStack", () => {
  it("outputs everything the blog READMEs made users dig for", () => {
    expect(Object.keys(prod.output ?? {}).sort()).toEqual([
      "app_table_arns",
      "aws_auth_map_roles",
      "cluster_certificate_authority_data",
      "cluster_endpoint",
      "cluster_name",
      "cluster_oidc_issuer_url",
      "cluster_primary_security_group_id",
      "cluster_security_group_id",
      "ecr_repository_urls",
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
    // Fargate-only: no node security group, no aws-auth entry to hand out.
    expect(dev.output).not.toHaveProperty("node_security_group_id");
    expect(dev.output).not.toHaveProperty("aws_auth_map_roles");
  });

  it("configures the external provider for the thumbprint program next to AWS", () => {
    expect(Object.keys(prod.provider ?? {}).sort()).toEqual(["aws", "external"]);
    expect(prod.terraform.required_providers).toMatchObject({ aws: { version: "5.100.0" }, external: { version: "2.3.5" } });
  });

  it("ships the thumbprint program with the stack, at a path relative to it", () => {
    const program = (prod.data?.external?.eks_oidc_thumbprint as { program: string[] }).program;
    expect(program[1].startsWith("${path.module}/assets/")).toBe(true);
    expect(JSON.stringify(prod)).not.toContain(process.cwd());
  });
});
