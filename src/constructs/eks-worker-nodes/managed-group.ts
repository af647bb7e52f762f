import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { transparentScope } from "../../lib/addressing";
import { eksNodeImage, isBottlerocket } from "../../lib/eks-node-images";
import { managedGroupTemplateName } from "../../lib/naming";
import type { IEksCluster } from "../eks";
import { launchTemplateSettings, placementsOf, type NodeGroupOptions, type NodeSubnets } from "./node-group";

/** The EKS AMI of a managed node group. */
export type ManagedNodeGroupAmiType = "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD" | "BOTTLEROCKET_x86_64" | "BOTTLEROCKET_ARM_64";

/** Options of one EKS managed node group. */
export interface ManagedNodeGroupOptions extends NodeGroupOptions {
  /** Instance types; several for SPOT. */
  readonly instanceTypes: readonly string[];
  /** The EKS AMI type of the nodes. */
  readonly amiType: ManagedNodeGroupAmiType;
  /** On-demand or spot capacity. */
  readonly capacityType: "ON_DEMAND" | "SPOT";
  /** Root volume size in GiB (encrypted gp3, set in the launch template). */
  readonly diskSizeGib: number;
  /** Nodes replaced at once during updates. @default 1 (unless maxUnavailablePercentage is set) */
  readonly maxUnavailable?: number;
  /** Percentage of nodes replaced at once during updates. @default - not used */
  readonly maxUnavailablePercentage?: number;
}

/** Props of {@link ManagedNodeGroup}. */
export interface ManagedNodeGroupProps extends ManagedNodeGroupOptions, NodeSubnets {
  readonly cluster: IEksCluster;
  /** The node group's name in the cluster (with `perZone`, each zone's is `<name>-<zone letter>`). */
  readonly nodeGroupName: string;
  /** The node role. */
  readonly nodeRoleArn: string;
  /** EC2 key pair of the nodes (explicit opt-in). @default - no SSH key */
  readonly keyName?: string;
  /** Tags for instances, volumes and network interfaces. @default {} */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** What the node group waits for. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One EKS managed node group on a hardened launch template (IMDSv2, encrypted gp3, tags). EKS runs
 * the AMI of the AMI type and, on AL2023, of the pinned release (`release_version`): a new release
 * rolls the nodes, `maxUnavailable` at a time, each drained by EKS first. The nodes keep the EKS
 * cluster security group. With `perZone`, one node group per zone shares the template.
 * Transparent: its resources are named `<group>_launch_template` and `<group>_node_group`
 * (`<group>-<zone letter>_node_group`) in its parent.
 */
export class ManagedNodeGroup extends Construct {
  readonly launchTemplate: LaunchTemplate;
  /** The node groups by name: the group's, or one per zone. */
  readonly nodeGroups: Record<string, EksNodeGroup> = {};

  constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);
    transparentScope(this);
    const cluster = props.cluster;
    const group = props.nodeGroupName;
    // No image, instance type or network interfaces here: EKS picks the AMI from ami_type, the types
    // come from the node group, and managed nodes keep the EKS cluster security group.
    this.launchTemplate = new LaunchTemplate(this, `${group}_launch_template`, {
      name: managedGroupTemplateName(cluster.clusterName, group),
      description: `Managed node group "${group}" of ${cluster.clusterName}`,
      keyName: props.keyName,
      ...launchTemplateSettings(props.metadataHopLimit, props.diskSizeGib, props.instanceTags ?? {}, `${cluster.clusterName}-${group}`),
    });
    const template = this.launchTemplate;
    const version = props.kubernetesVersion ?? cluster.kubernetesVersion;
    // AL2023 nodes run the pinned release; Bottlerocket ones the newest at creation (not catalogued).
    const releaseVersion = isBottlerocket(props.amiType) ? undefined : eksNodeImage(version, props.imageRelease).releaseVersion;
    // Per-zone groups roll one zone after the other: each waits for the previous zone's update.
    let previous: EksNodeGroup | undefined;
    for (const placement of placementsOf(group, props, props)) {
      previous = this.nodeGroups[placement.name] = new EksNodeGroup(this, `${placement.name}_node_group`, {
        clusterName: cluster.clusterNameRef,
        nodeGroupName: placement.name,
        nodeRoleArn: props.nodeRoleArn,
        subnetIds: placement.subnetIds,
        version,
        releaseVersion,
        amiType: props.amiType,
        capacityType: props.capacityType,
        instanceTypes: [...props.instanceTypes],
        scalingConfig: { minSize: props.minSize, desiredSize: props.desiredSize, maxSize: props.maxSize },
        updateConfig:
          props.maxUnavailablePercentage !== undefined
            ? { maxUnavailablePercentage: props.maxUnavailablePercentage }
            : { maxUnavailable: props.maxUnavailable ?? 1 },
        labels: Object.keys(props.labels).length > 0 ? props.labels : undefined,
        taint: props.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
        launchTemplate: { id: template.id, version: `${template.latestVersion}` },
        dependsOn: [...(props.dependsOn ?? []), ...(previous ? [previous] : [])],
        // The cluster autoscaler owns the current size once the group exists.
        lifecycle: { ignoreChanges: ["scaling_config[0].desired_size"] },
        timeouts: { create: "30m", update: "60m", delete: "30m" },
      });
    }
  }
}
