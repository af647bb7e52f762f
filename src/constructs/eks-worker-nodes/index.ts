/**
 * The worker nodes of a cluster, composed like terraform-aws-eks's submodules: the node role, the
 * self-managed groups (with the node security group and access entry they share), the EKS managed
 * node groups, and the nodeadm user data of self-managed nodes.
 */
import type { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import type { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import type { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { stackPartition } from "../../lib/partition";
import { eksDiscoveryTags } from "../../lib/tags";
import { requireValidProps } from "../../lib/validation";
import type { IEksCluster } from "../eks";
import { ManagedNodeGroup, type ManagedNodeGroupOptions } from "./managed-group";
import { NodeRole } from "./node-role";
import { SelfManagedNodeGroups, type SelfManagedNodeGroupOptions } from "./self-managed-group";

export { ManagedNodeGroup, type ManagedNodeGroupAmiType, type ManagedNodeGroupOptions, type ManagedNodeGroupProps } from "./managed-group";
export { type NodeGroupOptions, type NodeTaint, type NodeTaintEffect } from "./node-group";
export { NODE_POLICIES, NodeRole, type NodeRoleProps } from "./node-role";
export { NodeSecurityGroup, type NodeSecurityGroupProps } from "./node-security-group";
export {
  DRAIN_HOOK,
  SelfManagedNodeGroup,
  SelfManagedNodeGroups,
  type SelfManagedNodeGroupOptions,
  type SelfManagedNodeGroupProps,
  type SelfManagedNodeGroupsProps,
} from "./self-managed-group";
export { nodeadmUserData } from "./user-data";

/** Props of {@link EksWorkerNodes}. */
export interface EksWorkerNodesProps {
  /** The cluster the nodes join (an {@link Eks}). */
  readonly cluster: IEksCluster;
  readonly vpcId: string;
  /** Private subnets the nodes run in. */
  readonly subnetIds: readonly string[];
  /** The zone of each private subnet, in the same order; `perZone` groups split the subnets by it. */
  readonly subnetZones: readonly string[];
  /** Name of the node IAM role (created only when there is a group). */
  readonly roleName: string;
  /** Self-managed groups (launch template + autoscaling group) by name (none: an empty record). */
  readonly selfManaged: Readonly<Record<string, SelfManagedNodeGroupOptions>>;
  /** EKS managed node groups by name (none: an empty record). */
  readonly managed: Readonly<Record<string, ManagedNodeGroupOptions>>;
  /** SSH: key pair and the CIDRs allowed to reach port 22 (explicit opt-in). @default - no SSH */
  readonly ssh?: { readonly keyName: string; readonly allowedCidrs: readonly string[] };
  /**
   * Self-managed groups get a termination lifecycle hook and this tag (`<key>=true`), so the AWS
   * Node Termination Handler (queue mode) cordons and drains a node before it goes. @default - no hook
   */
  readonly drainTag?: string;
  /** The AWS partition, for managed policy ARNs. @default - the stack's partition (`stackPartition`) */
  readonly partition?: string;
  /** Tags for instances and volumes (provider default tags do not reach what an ASG launches). @default {} */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** What nodes wait for (the networking add-ons). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Defines the worker nodes of a cluster (the first blog post's `eks-worker-nodes` module, plus the
 * Fargate post's managed group): the node role, only when there is a group to use it (the
 * worker-node minimum only: the VPC CNI and pods get their own IRSA roles, and IMDS hop limit 1
 * keeps pods off this one), self-managed groups on launch
 * templates (the AL2023 EKS AMI of one release, nodeadm user data, IMDSv2, encrypted gp3,
 * private subnets, instance refresh, an EC2_LINUX access entry so nodes join without aws-auth
 * edits) and EKS managed node groups on the same release; either kind optionally one group per
 * zone (`perZone`). No SSH unless `ssh` is given.
 *
 * Its parts are transparent: every resource is named `<id>_<resource>`, as if this construct
 * defined it directly.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/worker.html
 */
export class EksWorkerNodes extends Construct {
  /** The node role (undefined without groups: Fargate-only and Auto Mode clusters have no EC2 node of their own). */
  readonly role?: IamRole;
  readonly roleArn?: string;
  /** The security group of the self-managed nodes (undefined without self-managed groups). */
  readonly nodeSecurityGroupId?: string;
  /** The self-managed groups' autoscaling groups by name (`<cluster>-<group>`, per zone `-<zone letter>`). */
  readonly autoscalingGroups: Record<string, AutoscalingGroup> = {};
  /** Launch templates by group: `<group>` for self-managed groups, `managed_<group>` for managed ones. */
  readonly launchTemplates: Record<string, LaunchTemplate> = {};
  /** Managed node groups by name (`<group>`, per zone `<group>-<zone letter>`). */
  readonly nodeGroups: Record<string, EksNodeGroup> = {};
  /** The EC2_LINUX access entry of the node role, so self-managed nodes join (no aws-auth edits). */
  readonly accessEntry?: EksAccessEntry;
  /** Everything that provides compute, for what must wait for nodes (CoreDNS). */
  readonly compute: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: EksWorkerNodesProps) {
    super(scope, id);
    const { selfManaged, managed } = props;
    // The subnet ids come from the VPC, their zones from the config: per-zone groups need one zone per subnet.
    const perZone = [...Object.values(selfManaged), ...Object.values(managed)].some((g) => g.perZone);
    requireValidProps("EksWorkerNodes", [
      [
        "subnetZones",
        props.subnetZones,
        perZone &&
          props.subnetZones.length !== props.subnetIds.length &&
          `must give the zone of each of the ${props.subnetIds.length} subnets for perZone groups`,
      ],
    ]);
    const cluster = props.cluster;
    const partition = props.partition ?? stackPartition(this);
    const instanceTags = { ...(props.instanceTags ?? {}), ...eksDiscoveryTags(cluster.clusterName, "node") };

    // No EC2 node, no node role: nothing would use it.
    if (Object.keys(selfManaged).length + Object.keys(managed).length === 0) return;
    const nodeRole = new NodeRole(this, "role", { roleName: props.roleName, clusterName: cluster.clusterName, partition });
    const role = nodeRole.role;
    this.role = role;
    this.roleArn = nodeRole.roleArn;
    const dependsOn = [...(props.dependsOn ?? []), ...nodeRole.attachments];

    if (Object.keys(selfManaged).length > 0) {
      const groups = new SelfManagedNodeGroups(this, "self_managed", {
        cluster,
        vpcId: props.vpcId,
        subnetIds: props.subnetIds,
        subnetZones: props.subnetZones,
        role,
        roleName: props.roleName,
        groups: selfManaged,
        ssh: props.ssh,
        drainTag: props.drainTag,
        instanceTags,
        dependsOn,
      });
      this.nodeSecurityGroupId = groups.securityGroupId;
      this.accessEntry = groups.accessEntry;
      for (const [group, g] of Object.entries(groups.groups)) {
        this.launchTemplates[group] = g.launchTemplate;
        Object.assign(this.autoscalingGroups, g.autoscalingGroups);
        this.compute.push(...Object.values(g.autoscalingGroups));
      }
    }
    for (const [group, options] of Object.entries(managed)) {
      const g = new ManagedNodeGroup(this, `managed_${group}`, {
        ...options,
        cluster,
        nodeGroupName: group,
        nodeRoleArn: role.arn,
        subnetIds: props.subnetIds,
        subnetZones: props.subnetZones,
        keyName: props.ssh?.keyName,
        instanceTags,
        dependsOn: [...dependsOn, ...(this.accessEntry ? [this.accessEntry] : [])],
      });
      this.launchTemplates[`managed_${group}`] = g.launchTemplate;
      Object.assign(this.nodeGroups, g.nodeGroups);
      this.compute.push(...Object.values(g.nodeGroups));
    }
  }
}
