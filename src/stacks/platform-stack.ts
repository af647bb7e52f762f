import { ExternalProvider } from "@cdktf/provider-external/lib/provider";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvConfig } from "../config";
import { EnvDef, type PlatformIdentities } from "../constructs/env-def";
import { defaultTags, EnvStack } from "./env-stack";

/**
 * `<env>-platform`: the environment's network, registry, tables, cluster and workers (the blog posts'
 * `env-def`), and the outputs their READMEs made users dig for. State in the environment's S3 backend.
 */
export class PlatformStack extends EnvStack {
  readonly envDef: EnvDef;

  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, "platform");
    new ExternalProvider(this, "external", {});
    new LocalProvider(this, "local", {});
    this.envDef = new EnvDef(this, "envdef", { env, instanceTags: defaultTags(env) });
    const { eks, vpc, workers, ecr, tables, kubeconfig } = this.envDef;

    const out = (id: string, value: unknown, description: string, sensitive = false) =>
      new TerraformOutput(this, id, { value, description, sensitive });
    out("cluster_name", eks.clusterNameRef, "Name of the EKS cluster");
    out("cluster_endpoint", eks.clusterEndpoint, "Endpoint of the Kubernetes API server");
    out("cluster_certificate_authority_data", eks.clusterCertificateAuthorityData, "Base64-encoded CA certificate of the API server");
    out("cluster_oidc_issuer_url", eks.oidcIssuerUrl, "OpenID Connect issuer URL of the cluster (IRSA)");
    out("oidc_provider_arn", eks.oidcProviderArn, "ARN of the IAM OIDC provider for IRSA roles");
    out("cluster_security_group_id", eks.clusterSecurityGroupId, "Security group attached to the control plane by this project");
    out("cluster_primary_security_group_id", eks.clusterPrimarySecurityGroupId, "Security group EKS created for the cluster");
    if (workers.nodeSecurityGroupId) out("node_security_group_id", workers.nodeSecurityGroupId, "Security group of the self-managed nodes");
    if (workers.roleArn) out("node_role_arn", workers.roleArn, "IAM role of the EC2 worker nodes (node groups only)");
    const identities = this.envDef.identities as Record<string, PlatformIdentities[keyof PlatformIdentities]>;
    const roles = Object.entries(identities).filter(([, r]) => r !== undefined);
    if (roles.length > 0) {
      out(
        "irsa_role_arns",
        Object.fromEntries(roles.map(([k, r]) => [k, r!.roleArn])),
        "IRSA roles by what assumes them (each trusted by one service account of this cluster)",
      );
    }
    out("vpc_id", vpc.vpcId, "VPC of the environment");
    out("private_subnet_ids", vpc.privateSubnetIds, "Private subnets (nodes, pods, Fargate), in zone order");
    out("public_subnet_ids", vpc.publicSubnetIds, "Public subnets (load balancers, NAT), in zone order");
    if (Object.keys(ecr.repositoryUrls).length > 0) out("ecr_repository_urls", ecr.repositoryUrls, "ECR repository URL by image name");
    if (tables.accessArns.length > 0) out("app_table_arns", tables.accessArns, "ARNs of the application tables and their indexes");
    out("kubeconfig", kubeconfig.content, "kubeconfig of the cluster (exec authentication with aws eks get-token; no token inside)");
    if (kubeconfig.file)
      out("kubeconfig_path", env.derived.names.kubeconfigPath, "Where the kubeconfig was written, relative to the project root");
    const role = env.assumeRole ? ` --role-arn ${env.assumeRole.roleArn}` : "";
    out(
      "update_kubeconfig_command",
      `aws eks update-kubeconfig --name ${this.envDef.clusterName} --region ${env.region}${role} --alias ${this.envDef.clusterName}`,
      "Adds the cluster to your kubeconfig with the AWS CLI",
    );
  }
}
