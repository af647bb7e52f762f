import type { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { KARPENTER_CHART, KARPENTER_CRD_CHART } from "../../lib/helm-charts";
import { KARPENTER_NODE_GROUP, KARPENTER_SERVICE_ACCOUNT } from "../../lib/naming";
import { requireValidProps } from "../../lib/validation";
import { HelmAddon } from "../helm-addon";
import { ec2NodeClass, nodePool, type KubernetesObject, type NodePoolOptions } from "./node-pool";

/** The name of the EC2NodeClass and NodePool the project installs. */
export const KARPENTER_DEFAULT_POOL = "default";

/**
 * The controller's resources: the requests and limits Karpenter's getting-started guide sets (one
 * vCPU and 1 GiB each), so that it is never starved on its node group and Fargate sizes its pods.
 */
const CONTROLLER_RESOURCES = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } };

/** Props of {@link Karpenter}. */
export interface KarpenterProps {
  readonly clusterName: string;
  /** The API server's endpoint (Karpenter then needs no lookup at start). */
  readonly clusterEndpoint: string;
  readonly region: string;
  /** The controller's IRSA role. */
  readonly roleArn: string;
  /** The name of its interruption queue. */
  readonly interruptionQueueName: string;
  /** Where the controller runs: its managed node group, or Fargate (its profile selects its pods). */
  readonly controllerOn: "nodeGroup" | "fargate";
  /** Name of the node role of the nodes it launches. */
  readonly nodeRoleName: string;
  /** The EKS AMI release of those nodes, `al2023@v<YYYYMMDD>`. */
  readonly amiAlias: string;
  /** Their subnets (the cluster's private subnets). */
  readonly subnetIds: readonly string[];
  /** Their security groups (the cluster's primary security group, as managed nodes have). */
  readonly securityGroupIds: readonly string[];
  /** Their root volume, in GiB. */
  readonly rootVolumeGib: number;
  /** The default NodePool's settings. */
  readonly nodePool: NodePoolOptions;
  /** Tags for what Karpenter creates in AWS (the provider's default tags do not reach it). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** What the releases wait for (controllers with webhooks). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Defines Karpenter in the cluster, in an explicit order: its CRDs (the `karpenter-crd` chart, so
 * Helm upgrades them with the release), then the controller (the `karpenter` chart, same version,
 * `skip_crds`) with its IRSA role and interruption queue, on its node group or Fargate profile and
 * never on a node it launched, then the default EC2NodeClass and the default NodePool. Those two
 * are releases of the project's one-object chart (the `manifests` of its {@link HelmAddon}), each
 * depending on the CRD release and the controller: a `kubernetes_manifest` could not be planned
 * before its CRD exists. Destroyed in reverse, so the controller is still running to drain and terminate the
 * nodes, and delete its instance profile, when the NodePool and EC2NodeClass go.
 *
 * @see https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/
 */
export class Karpenter extends HelmAddon {
  readonly nodeClassRelease: Release;
  readonly nodePoolRelease: Release;
  /** The EC2NodeClass and NodePool as installed. */
  readonly nodeClass: KubernetesObject;
  readonly nodePool: KubernetesObject;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    // The config sees the subnets (at least two zones), not the security groups the stack passes.
    requireValidProps("Karpenter", [
      ["securityGroupIds", props.securityGroupIds, props.securityGroupIds.length === 0 && "must list the security groups of the nodes"],
    ]);
    const nodeClass = ec2NodeClass(KARPENTER_DEFAULT_POOL, {
      roleName: props.nodeRoleName,
      amiAlias: props.amiAlias,
      subnetIds: props.subnetIds,
      securityGroupIds: props.securityGroupIds,
      rootVolumeGib: props.rootVolumeGib,
      tags: props.tags,
    });
    const pool = nodePool(KARPENTER_DEFAULT_POOL, KARPENTER_DEFAULT_POOL, props.nodePool);
    super(scope, id, {
      name: "karpenter",
      chart: KARPENTER_CHART,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT,
      roleArn: props.roleArn,
      values: (serviceAccount) => ({
        settings: {
          clusterName: props.clusterName,
          clusterEndpoint: props.clusterEndpoint,
          interruptionQueue: props.interruptionQueueName,
        },
        serviceAccount,
        controller: { env: [{ name: "AWS_REGION", value: props.region }], resources: CONTROLLER_RESOURCES },
      }),
      // On its node group only (its chart already keeps it off the nodes it launches).
      runsOn: props.controllerOn === "nodeGroup" ? { nodeGroup: KARPENTER_NODE_GROUP } : "fargate",
      crds: { name: "karpenter-crd", chart: KARPENTER_CRD_CHART },
      manifests: [
        { id: "node_class", name: `karpenter-node-class-${KARPENTER_DEFAULT_POOL}`, object: nodeClass },
        { id: "node_pool", name: `karpenter-node-pool-${KARPENTER_DEFAULT_POOL}`, object: pool },
      ],
      dependsOn: props.dependsOn,
    });
    [this.nodeClassRelease, this.nodePoolRelease] = this.manifestReleases;
    this.nodeClass = nodeClass;
    this.nodePool = pool;
  }
}
