import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { IngressClassV1 } from "@cdktf/provider-kubernetes/lib/ingress-class-v1";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { Fn, TerraformOutput, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { EnvConfig } from "../config";
import { ClusterAutoscaler } from "../constructs/cluster-autoscaler";
import { Game2048 } from "../constructs/game-2048";
import { Karpenter } from "../constructs/karpenter";
import { LoadBalancerController } from "../constructs/load-balancer-controller";
import { NodeTerminationHandler } from "../constructs/node-termination-handler";
import { execConfig } from "../lib/kubeconfig";
import { drainTag } from "../lib/naming";
import { defaultTags, EnvStack } from "./env-stack";
import type { PlatformStack } from "./platform-stack";

/** Namespaces that exist in every cluster (the app's service account is created there, not the namespace). */
const BUILT_IN_NAMESPACES = ["default", "kube-system", "kube-public"];

/**
 * `<env>-workloads`: what runs inside the cluster, installed by the kubernetes and helm providers.
 * Its own stack, so both are configured from a cluster that already exists (HashiCorp's warning,
 * and the seeds' flaky second apply), from the platform's outputs: endpoint, CA and an exec token
 * taken as a role with an admin access entry (`workloads.roleArn`, else `assumeRole.roleArn`),
 * never a local kubeconfig or whoever runs Terraform.
 *
 * With EKS Auto Mode it installs Auto Mode's IngressClass and storage class instead of controllers.
 * Otherwise it installs the AWS Load Balancer Controller, the cluster autoscaler (with node groups,
 * unless Karpenter scales the cluster), Karpenter (with `karpenter`), the Node Termination Handler
 * (with self-managed groups), an encrypted gp3 default storage class
 * (with EC2 nodes), the app's service account with its IRSA role (with tables) and the hardened
 * 2048 sample (`workloads.sample2048Image`, pinned by digest), whose ALB address is an output.
 * aws-auth is never touched: access entries grant access.
 */
export class WorkloadsStack extends EnvStack {
  readonly loadBalancerController?: LoadBalancerController;
  readonly clusterAutoscaler?: ClusterAutoscaler;
  readonly nodeTerminationHandler?: NodeTerminationHandler;
  readonly karpenter?: Karpenter;
  readonly appServiceAccount?: ServiceAccountV1;
  readonly game2048?: Game2048;

  constructor(scope: Construct, env: EnvConfig, platform: PlatformStack) {
    super(scope, env, "workloads");
    const { eks, vpc, identities, terminationQueue, karpenter } = platform.envDef;
    const { kind, hasNodeGroups: hasNodes } = env.derived.capacity;
    const autoMode = kind === "autoMode";
    const name = env.derived.names.cluster;
    const exec = execConfig({
      clusterName: name,
      endpoint: "",
      certificateAuthorityData: "",
      region: env.region,
      roleArn: env.derived.workloadsPrincipal,
    });
    const cluster = { host: eks.clusterEndpoint, clusterCaCertificate: Fn.base64decode(eks.clusterCertificateAuthorityData) };
    const token = { apiVersion: exec.apiVersion, command: exec.command, args: exec.args };
    new KubernetesProvider(this, "kubernetes", { ...cluster, exec: [token] });
    new HelmProvider(this, "helm", { kubernetes: { ...cluster, exec: token } });

    if (identities.loadBalancerController) {
      this.loadBalancerController = new LoadBalancerController(this, "lb_controller", {
        clusterName: name,
        region: env.region,
        vpcId: vpc.vpcId,
        roleArn: identities.loadBalancerController.roleArn,
      });
    }
    // Controllers with a webhook (the load balancer controller's) must be up before other releases.
    const after: ITerraformDependable[] = this.loadBalancerController ? [this.loadBalancerController.release] : [];
    if (autoMode) after.push(this.autoModeIngressClass());
    if (identities.clusterAutoscaler) {
      this.clusterAutoscaler = new ClusterAutoscaler(this, "cluster_autoscaler", {
        clusterName: name,
        region: env.region,
        kubernetesVersion: env.eks.kubernetesVersion,
        roleArn: identities.clusterAutoscaler.roleArn,
        dependsOn: after,
      });
    }
    if (identities.nodeTerminationHandler && terminationQueue) {
      this.nodeTerminationHandler = new NodeTerminationHandler(this, "node_termination_handler", {
        region: env.region,
        queueUrl: terminationQueue.queueUrl,
        roleArn: identities.nodeTerminationHandler.roleArn,
        managedTag: drainTag(name),
        dependsOn: after,
      });
    }
    if (env.karpenter && karpenter && identities.karpenter) {
      this.karpenter = new Karpenter(this, "karpenter", {
        clusterName: name,
        clusterEndpoint: eks.clusterEndpoint,
        region: env.region,
        roleArn: identities.karpenter.roleArn,
        interruptionQueueName: karpenter.interruptionQueueName,
        controllerOn: env.karpenter.controllerOn,
        nodeRoleName: karpenter.nodeRoleName,
        amiAlias: env.karpenter.amiAlias,
        subnetIds: vpc.privateSubnetIds,
        securityGroupIds: [eks.clusterPrimarySecurityGroupId],
        rootVolumeGib: env.karpenter.rootVolumeGib,
        nodePool: env.karpenter.nodePool,
        tags: defaultTags(env),
        dependsOn: after,
      });
    }
    if (hasNodes || autoMode) {
      new StorageClassV1(this, "gp3_storage_class", {
        metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        // Auto Mode's own block storage driver, else the EBS CSI driver add-on.
        storageProvisioner: autoMode ? "ebs.csi.eks.amazonaws.com" : "ebs.csi.aws.com",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
        parameters: { type: "gp3", encrypted: "true" },
      });
    }
    if (identities.app) {
      const app = env.workloads.app;
      const namespace = BUILT_IN_NAMESPACES.includes(app.namespace)
        ? app.namespace
        : new NamespaceV1(this, "app_namespace", { metadata: { name: app.namespace } }).metadata.name;
      this.appServiceAccount = new ServiceAccountV1(this, "app_service_account", {
        metadata: {
          name: app.serviceAccount,
          namespace,
          labels: { "app.kubernetes.io/managed-by": "cdktf" },
          annotations: { "eks.amazonaws.com/role-arn": identities.app.roleArn, "eks.amazonaws.com/sts-regional-endpoints": "true" },
        },
      });
      new TerraformOutput(this, "app_service_account_name", {
        value: `${app.namespace}/${app.serviceAccount}`,
        description: "Service account of the app's pods (serviceAccountName): its IRSA role may use exactly the app's tables",
      });
    }
    if (env.workloads.sample2048) {
      // The config validation requires the image, pinned by digest, with the sample.
      this.game2048 = new Game2048(this, "game_2048", { image: env.workloads.sample2048Image!, dependsOn: after });
      new TerraformOutput(this, "sample_2048_url", {
        value: `http://${this.game2048.loadBalancerHostname}`,
        description: "Where the 2048 sample answers: its internet-facing ALB",
      });
    }
  }

  /**
   * Auto Mode's load balancing: the `alb` IngressClass (the name the 2048 sample and the Load
   * Balancer Controller's charts use) served by `eks.amazonaws.com/alb`, internet-facing through its
   * IngressClassParams.
   */
  private autoModeIngressClass(): IngressClassV1 {
    const params = new Manifest(this, "auto_mode_ingress_class_params", {
      manifest: {
        apiVersion: "eks.amazonaws.com/v1",
        kind: "IngressClassParams",
        metadata: { name: "alb" },
        spec: { scheme: "internet-facing" },
      },
    });
    return new IngressClassV1(this, "auto_mode_ingress_class", {
      metadata: { name: "alb", labels: { "app.kubernetes.io/managed-by": "cdktf" } },
      spec: {
        controller: "eks.amazonaws.com/alb",
        parameters: [{ apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: "alb" }],
      },
      dependsOn: [params],
    });
  }
}
