import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import type { EnvConfig } from "../config";
import { AwsAuth } from "../constructs/aws-auth";
import { Game2048 } from "../constructs/game-2048";
import { LoadBalancerController } from "../constructs/load-balancer-controller";
import { execConfig } from "../lib/kubeconfig";
import { clusterName, roleNames } from "../lib/naming";
import { EnvStack } from "./env-stack";
import type { PlatformStack } from "./platform-stack";

/**
 * `<env>-workloads`: what runs inside the cluster. Its own stack, so the Kubernetes provider is
 * configured from a cluster that already exists (HashiCorp's warning, and the seeds' flaky second
 * apply), from the platform's outputs: endpoint, CA and an exec token, never a local kubeconfig.
 */
export class WorkloadsStack extends EnvStack {
  readonly awsAuth?: AwsAuth;
  readonly loadBalancerController?: LoadBalancerController;
  readonly game2048?: Game2048;

  constructor(scope: Construct, env: EnvConfig, platform: PlatformStack) {
    super(scope, env, "workloads");
    const { eks, workers, fargate, vpc } = platform.envDef;
    const name = clusterName(env);
    const exec = execConfig({
      clusterName: name,
      endpoint: "",
      certificateAuthorityData: "",
      region: env.region,
      roleArn: env.assumeRole?.roleArn,
    });
    new KubernetesProvider(this, "kubernetes", {
      host: eks.clusterEndpoint,
      clusterCaCertificate: Fn.base64decode(eks.clusterCertificateAuthorityData),
      exec: [{ apiVersion: exec.apiVersion, command: exec.command, args: exec.args }],
    });

    const mode = env.eks.authenticationMode;
    const selfManaged = Object.keys(env.nodeGroups.selfManaged).length > 0;
    if (mode !== "API" && selfManaged) {
      const fargateProfiles = Object.keys(fargate.profiles).length > 0;
      this.awsAuth = new AwsAuth(this, "aws_auth", {
        nodeRoleArns: [workers.roleArn],
        fargateRoleArns: fargate.role ? [fargate.role.arn] : [],
        // In CONFIG_MAP mode EKS writes aws-auth itself for managed node groups and Fargate profiles.
        existing: mode === "CONFIG_MAP" && (Object.keys(env.nodeGroups.managed).length > 0 || fargateProfiles),
      });
    }
    if (env.workloads.loadBalancerController) {
      this.loadBalancerController = new LoadBalancerController(this, "lb_controller", {
        clusterName: name,
        oidcProviderArn: eks.oidcProviderArn,
        oidcIssuerHost: eks.oidcIssuerHost,
        vpcId: vpc.vpcId,
        roleName: roleNames(env).loadBalancerController,
        partition: new DataAwsPartition(this, "partition").partition,
        region: env.region,
      });
    }
    if (env.workloads.sample2048) {
      this.game2048 = new Game2048(this, "game_2048", {
        dependsOn: this.loadBalancerController ? [this.loadBalancerController.serviceAccount] : [],
      });
    }
  }
}
