import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { transparentScope } from "../../lib/addressing";
import { al2023ImageParameter, eksNodeImage } from "../../lib/eks-node-images";
import { selfManagedGroupName } from "../../lib/naming";
import { clusterAutoscalerTags, eksDiscoveryTags } from "../../lib/tags";
import type { IEksCluster } from "../eks";
import { launchTemplateSettings, placementsOf, type NodeGroupOptions, type NodeSubnets } from "./node-group";
import { NodeSecurityGroup } from "./node-security-group";
import { nodeadmUserData } from "./user-data";

/** The lifecycle hook that holds a terminating self-managed node until it is drained. */
export const DRAIN_HOOK = "drain-before-termination";

/** Options of one self-managed node group. */
export interface SelfManagedNodeGroupOptions extends NodeGroupOptions {
  /** EC2 instance type. */
  readonly instanceType: string;
  /** CPU architecture of the AL2023 EKS AMI; must match the instance type. */
  readonly architecture: "x86_64" | "arm64";
  /** Root volume size in GiB (encrypted gp3). */
  readonly rootVolumeGib: number;
}

/** Props of {@link SelfManagedNodeGroup}. */
export interface SelfManagedNodeGroupProps extends SelfManagedNodeGroupOptions, NodeSubnets {
  readonly cluster: IEksCluster;
  /**
   * The group's name in the cluster: `<cluster>-<group>` names its template and autoscaling group
   * (with `perZone`, each zone's autoscaling group is `<cluster>-<group>-<zone letter>`).
   */
  readonly groupName: string;
  /** The nodes' security group. */
  readonly securityGroupId: string;
  /** The instance profile of the node role. */
  readonly instanceProfileArn: string;
  /** EC2 key pair of the nodes (explicit opt-in). @default - no SSH key */
  readonly keyName?: string;
  /** Tag (`<key>=true`) and lifecycle hook for the Node Termination Handler. @default - no hook */
  readonly drainTag?: string;
  /** Tags for instances, volumes and network interfaces. @default {} */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** What the autoscaling group waits for. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One self-managed node group: a launch template (the AL2023 EKS AMI of one release, nodeadm user
 * data, IMDSv2, encrypted gp3, no public IP) and an autoscaling group in the private subnets (with
 * `perZone`, one per zone, sharing the template) with instance refresh and, with `drainTag`, a
 * termination lifecycle hook. Transparent: its resources are named `<group>_launch_template` and
 * `<group>_autoscaling_group` (`<group>-<zone letter>_autoscaling_group`) in its parent.
 */
export class SelfManagedNodeGroup extends Construct {
  readonly launchTemplate: LaunchTemplate;
  /** The autoscaling groups by name: the group's, or one per zone. */
  readonly autoscalingGroups: Record<string, AutoscalingGroup> = {};

  constructor(scope: Construct, id: string, props: SelfManagedNodeGroupProps) {
    super(scope, id);
    transparentScope(this);
    const cluster = props.cluster;
    const group = props.groupName;
    const name = selfManagedGroupName(cluster.clusterName, group);
    const version = props.kubernetesVersion ?? cluster.kubernetesVersion;
    // One release's public parameter: the image changes only when the release does, and then the new
    // template version starts an instance refresh (the drain hook holds each old node until drained).
    const amiParameter = al2023ImageParameter(version, props.architecture, eksNodeImage(version, props.imageRelease).amiRelease);
    this.launchTemplate = new LaunchTemplate(this, `${group}_launch_template`, {
      name,
      description: `Self-managed nodes "${group}" of ${cluster.clusterName}`,
      imageId: `resolve:ssm:${amiParameter}`,
      instanceType: props.instanceType,
      iamInstanceProfile: { arn: props.instanceProfileArn },
      keyName: props.keyName,
      networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [props.securityGroupId] }],
      userData: Fn.base64encode(nodeadmUserData(cluster, props)),
      ...launchTemplateSettings(props.metadataHopLimit, props.rootVolumeGib, props.instanceTags ?? {}, name),
    });
    const template = this.launchTemplate;
    for (const placement of placementsOf(group, props, props)) {
      const asgName = selfManagedGroupName(cluster.clusterName, placement.name);
      this.autoscalingGroups[asgName] = new AutoscalingGroup(this, `${placement.name}_autoscaling_group`, {
        name: asgName,
        minSize: props.minSize,
        maxSize: props.maxSize,
        desiredCapacity: props.desiredSize,
        vpcZoneIdentifier: placement.subnetIds,
        launchTemplate: { id: template.id, version: `${template.latestVersion}` },
        healthCheckType: "EC2",
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90 } },
        // A new launch template version (a new image release) starts a refresh: Terraform's
        // instance_refresh starts one whenever launch_template changes.
        // Terminations wait (up to 5 minutes) for the termination handler to drain the node.
        initialLifecycleHook: props.drainTag
          ? [
              {
                name: DRAIN_HOOK,
                lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
                heartbeatTimeout: 300,
                defaultResult: "CONTINUE",
              },
            ]
          : undefined,
        tag: Object.entries({
          Name: asgName,
          ...eksDiscoveryTags(cluster.clusterName, "node"),
          ...clusterAutoscalerTags(cluster.clusterName),
          ...(props.drainTag ? { [props.drainTag]: "true" } : {}),
        }).map(([key, value]) => ({
          key,
          value,
          propagateAtLaunch: true,
        })),
        dependsOn: props.dependsOn,
        // The cluster autoscaler owns the current size once the group exists.
        lifecycle: { ignoreChanges: ["desired_capacity"] },
      });
    }
  }
}

/** Props of {@link SelfManagedNodeGroups}. */
export interface SelfManagedNodeGroupsProps extends NodeSubnets {
  readonly cluster: IEksCluster;
  readonly vpcId: string;
  /** The node role; its name also names the instance profile. */
  readonly role: IamRole;
  /** Name of the node role (and of its instance profile). */
  readonly roleName: string;
  /** The groups by name. */
  readonly groups: Readonly<Record<string, SelfManagedNodeGroupOptions>>;
  /** SSH: key pair and the CIDRs allowed to reach port 22 (explicit opt-in). @default - no SSH */
  readonly ssh?: { readonly keyName: string; readonly allowedCidrs: readonly string[] };
  /** Tag (`<key>=true`) and lifecycle hook for the Node Termination Handler. @default - no hook */
  readonly drainTag?: string;
  /** Tags for instances, volumes and network interfaces. @default {} */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** What the autoscaling groups wait for. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The self-managed node groups of a cluster and what they share: the node security group, the
 * node role's instance profile, and the EC2_LINUX access entry that lets the nodes join without
 * aws-auth edits. Transparent, like its groups.
 */
export class SelfManagedNodeGroups extends Construct {
  readonly securityGroupId: string;
  readonly instanceProfile: IamInstanceProfile;
  /** The EC2_LINUX access entry of the node role. */
  readonly accessEntry: EksAccessEntry;
  readonly groups: Record<string, SelfManagedNodeGroup> = {};

  constructor(scope: Construct, id: string, props: SelfManagedNodeGroupsProps) {
    super(scope, id);
    transparentScope(this);
    const sg = new NodeSecurityGroup(this, "security_group", {
      cluster: props.cluster,
      vpcId: props.vpcId,
      sshCidrs: props.ssh?.allowedCidrs,
    });
    this.securityGroupId = sg.securityGroupId;
    this.instanceProfile = new IamInstanceProfile(this, "node_instance_profile", { name: props.roleName, role: props.role.name });
    this.accessEntry = new EksAccessEntry(this, "node_access_entry", {
      clusterName: props.cluster.clusterNameRef,
      principalArn: props.role.arn,
      type: "EC2_LINUX",
    });
    for (const [group, options] of Object.entries(props.groups)) {
      this.groups[group] = new SelfManagedNodeGroup(this, `group_${group}`, {
        ...options,
        cluster: props.cluster,
        groupName: group,
        subnetIds: props.subnetIds,
        subnetZones: props.subnetZones,
        securityGroupId: this.securityGroupId,
        instanceProfileArn: this.instanceProfile.arn,
        keyName: props.ssh?.keyName,
        drainTag: props.drainTag,
        instanceTags: props.instanceTags,
        dependsOn: [...(props.dependsOn ?? []), this.accessEntry],
      });
    }
  }
}
