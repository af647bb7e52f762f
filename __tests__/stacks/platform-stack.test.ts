import { describe, expect, it } from "vitest";
import { fixtureEnv, resourcesOf, synthEnv } from "../helpers/synth";

/** Node groups and a role to assume. */
const bravo = synthEnv(await fixtureEnv("bravo")).json.platform;
/** Fargate only. */
const alpha = synthEnv(await fixtureEnv("alpha")).json.platform;
/** EKS Auto Mode. */
const charlie = synthEnv(await fixtureEnv("charlie")).json.platform;

describe("PlatformStack", () => {
  it("outputs everything the blog READMEs made users dig for", () => {
    // cross-stack-output-* are what the workloads stack reads; the rest is for people.
    expect(
      Object.keys(bravo.output ?? {})
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
    expect(bravo.output?.update_kubeconfig_command.value).toBe(
      "aws eks update-kubeconfig --name fixture-bravo-eks --region us-east-2 --role-arn arn:aws:iam::555555555555:role/fixture-bravo-deployer --alias fixture-bravo-eks",
    );
    expect(bravo.output?.cluster_endpoint.value).toBe("${aws_eks_cluster.eks.endpoint}");
    expect(bravo.output?.oidc_provider_arn.value).toBe("${aws_iam_openid_connect_provider.eks_oidc_provider.arn}");
    // Fargate-only: no node security group.
    expect(alpha.output).not.toHaveProperty("node_security_group_id");
    expect(bravo.output?.node_role_arn.value).toBe("${aws_iam_role.workers_node_role.arn}");
  });

  it("creates the worker node role, and its output, only where EC2 node groups use it", () => {
    // Fargate only and Auto Mode: no node group, so no role trusted by EC2 with worker policies.
    for (const json of [alpha, charlie]) {
      expect(resourcesOf(json, "aws_iam_role")).not.toHaveProperty("workers_node_role");
      expect(Object.keys(resourcesOf(json, "aws_iam_role_policy_attachment")).filter((k) => k.startsWith("workers_"))).toEqual([]);
      expect(Object.keys(resourcesOf(json, "aws_eks_access_entry")).filter((k) => k.startsWith("workers_"))).toEqual([]);
      expect(json.output).not.toHaveProperty("node_role_arn");
    }
    // Auto Mode keeps the role EKS's own nodes run with.
    expect(resourcesOf(charlie, "aws_iam_role").eks_auto_node_role.name).toBe("fixture-charlie-eks-auto-node");
    expect(resourcesOf(bravo, "aws_iam_role").workers_node_role.name).toBe("fixture-bravo-eks-node");
  });

  it("configures the external (thumbprint program) and local (kubeconfig file) providers next to AWS", () => {
    expect(Object.keys(bravo.provider ?? {}).sort()).toEqual(["aws", "external", "local"]);
    expect(bravo.terraform.required_providers).toMatchObject({
      aws: { version: "5.100.0" },
      external: { version: "2.3.5" },
      local: { version: "2.6.1" },
    });
  });

  it("writes the kubeconfig into the project with mode 0600, never to ~/.kube/config", () => {
    expect(bravo.resource?.local_file.kubeconfig_file).toMatchObject({
      filename: "../../../kubeconfigs/bravo.yaml",
      file_permission: "0600",
      directory_permission: "0700",
    });
    const content = bravo.resource?.local_file.kubeconfig_file.content as string;
    expect(content).toContain("server: ${aws_eks_cluster.eks.endpoint}");
    expect(content).toContain("apiVersion: client.authentication.k8s.io/v1beta1");
    expect(bravo.output?.kubeconfig.value).toBe(content);
    expect(JSON.stringify(bravo)).not.toContain(".kube/config");
  });

  it("writes no kubeconfig file without kubeconfig.path: plans on fresh CI runners stay empty, the output stays", () => {
    for (const json of [alpha, charlie]) {
      expect(json.resource?.local_file).toBeUndefined();
      expect(json.output?.kubeconfig.value).toContain("apiVersion: client.authentication.k8s.io/v1beta1");
      expect(json.output?.kubeconfig_path).toBeUndefined();
    }
  });

  it("ships the thumbprint program with the stack, at a path relative to it", () => {
    const program = (bravo.data?.external?.eks_oidc_thumbprint as { program: string[] }).program;
    expect(program[1].startsWith("${path.module}/assets/")).toBe(true);
    expect(JSON.stringify(bravo)).not.toContain(process.cwd());
  });
});
