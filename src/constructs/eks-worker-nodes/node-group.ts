/**
 * What both kinds of node group share: their options (size, Kubernetes version, labels, taints,
 * instance metadata) and the hardened launch template settings.
 */
import type { LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { perZoneGroupName } from "../../lib/naming";

/** How a taint keeps pods off a node. */
export type NodeTaintEffect = "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";

/** A Kubernetes taint every node of a group registers with. */
export interface NodeTaint {
  /** Taint key (a Kubernetes label key). */
  readonly key: string;
  /** Taint value. @default - none */
  readonly value?: string;
  readonly effect: NodeTaintEffect;
}

/** Options of either kind of node group. */
export interface NodeGroupOptions {
  /**
   * Kubernetes minor version of the group's nodes, to upgrade them one step after the control
   * plane. @default - the cluster's
   */
  readonly kubernetesVersion?: string;
  /** Smallest number of nodes. */
  readonly minSize: number;
  /** Nodes at creation; later left to the cluster autoscaler (Terraform ignores drift). */
  readonly desiredSize: number;
  /** Largest number of nodes. */
  readonly maxSize: number;
  /** Node labels (none: an empty record). */
  readonly labels: Readonly<Record<string, string>>;
  /** Node taints (none: an empty list). */
  readonly taints: readonly NodeTaint[];
  /**
   * IMDSv2 response hop limit. 1 keeps pods from reaching the node's instance role; 2 only if pods
   * must use IMDS.
   */
  readonly metadataHopLimit: 1 | 2;
  /**
   * The AL2023 EKS AMI release of the group's nodes, as EKS writes a managed node group's
   * `release_version` (e.g. "1.35.4-20260512"); changing it rolls the nodes.
   * @default - the release of `EKS_NODE_IMAGE_RELEASES` for the nodes' Kubernetes version
   */
  readonly imageRelease?: string;
  /**
   * One group per availability zone (of the same settings, the sizes per zone), so the cluster
   * autoscaler can add a node in the zone a pending pod's volume lives in.
   */
  readonly perZone: boolean;
}

/** Where a group's nodes run: subnet ids and the zone of each, in the same order. */
export interface NodeSubnets {
  readonly subnetIds: readonly string[];
  /** The zone of each subnet, in the same order (`perZone` groups split the subnets by it). */
  readonly subnetZones: readonly string[];
}

/**
 * The placements of group `group`: one, named `group`, over every subnet; or with `perZone` one per
 * zone over that zone's subnets, named `<group>-<zone letter>` (`perZoneGroupName`).
 */
export function placementsOf(
  group: string,
  o: Pick<NodeGroupOptions, "perZone">,
  where: NodeSubnets,
): { readonly name: string; readonly subnetIds: string[] }[] {
  if (!o.perZone) return [{ name: group, subnetIds: [...where.subnetIds] }];
  return [...new Set(where.subnetZones)].map((zone) => ({
    name: perZoneGroupName(group, zone),
    subnetIds: where.subnetIds.filter((_, i) => where.subnetZones[i] === zone),
  }));
}

const ROOT_DEVICE = "/dev/xvda";

/** Launch template settings both kinds share: IMDSv2, encrypted gp3 root, detailed monitoring, tags. */
export function launchTemplateSettings(
  hopLimit: number,
  volumeGib: number,
  instanceTags: Readonly<Record<string, string>>,
  name: string,
): Pick<LaunchTemplateConfig, "metadataOptions" | "blockDeviceMappings" | "tagSpecifications" | "updateDefaultVersion" | "monitoring"> {
  const tags = { ...instanceTags, Name: name };
  return {
    metadataOptions: {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: hopLimit,
      instanceMetadataTags: "disabled",
    },
    blockDeviceMappings: [
      { deviceName: ROOT_DEVICE, ebs: { volumeSize: volumeGib, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ],
    tagSpecifications: [
      { resourceType: "instance", tags },
      { resourceType: "volume", tags },
      { resourceType: "network-interface", tags },
    ],
    monitoring: { enabled: true },
    updateDefaultVersion: true,
  };
}
