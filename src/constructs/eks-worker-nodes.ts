import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import type { ManagedGroupConfig, SelfManagedGroupConfig, TaintConfig } from "../config";
import { iamRoleNameProblem } from "../lib/aws-limits";
import { managedPolicyArn, serviceTrustPolicy } from "../lib/iam";
import { managedGroupTemplateName, selfManagedGroupName } from "../lib/naming";
import { clusterAutoscalerTags, eksDiscoveryTags } from "../lib/tags";
import { invalidName, requireValidProps, type PropCheck } from "../lib/validation";
import { suppressRule } from "../policy/suppressions";

/** Managed policies of the node role (the worker node minimum of the EKS user guide). */
export const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

/** The cluster the nodes join. */
export interface WorkerCluster {
  /** The cluster name as a literal (for names and tags). */
  readonly name: string;
  /** The cluster name as a reference to the cluster resource (orders creation after it). */
  readonly nameRef: string;
  readonly endpoint: string;
  readonly certificateAuthorityData: string;
  readonly serviceIpv4Cidr: string;
  readonly kubernetesVersion: string;
  /** The security group of the control plane created by the Eks construct. */
  readonly securityGroupId: string;
  /** The security group EKS creates (control plane ENIs, managed nodes, Fargate pods). */
  readonly primarySecurityGroupId: string;
}

/** Props of {@link EksWorkerNodes}. */
export interface EksWorkerNodesProps {
  readonly cluster: WorkerCluster;
  readonly vpcId: string;
  /** Private subnets the nodes run in. */
  readonly subnetIds: readonly string[];
  /** Name of the node IAM role. */
  readonly roleName: string;
  /** Self-managed groups (launch template + autoscaling group) by name. @default {} */
  readonly selfManaged?: Readonly<Record<string, SelfManagedGroupConfig>>;
  /** EKS managed node groups by name. @default {} */
  readonly managed?: Readonly<Record<string, ManagedGroupConfig>>;
  /** SSH: key pair and the CIDRs allowed to reach port 22 (explicit opt-in). @default - no SSH */
  readonly ssh?: { readonly keyName: string; readonly allowedCidrs: readonly string[] };
  /**
   * Self-managed groups get a termination lifecycle hook and this tag (`<key>=true`), so the AWS
   * Node Termination Handler (queue mode) cordons and drains a node before it goes. @default - no hook
   */
  readonly drainTag?: string;
  /** The AWS partition, for managed policy ARNs. */
  readonly partition: string;
  /** Tags for instances and volumes (provider default tags do not reach what an ASG launches). @default {} */
  readonly instanceTags?: Readonly<Record<string, string>>;
  /** What nodes wait for (the networking add-ons). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const KUBELET_EFFECT: Record<TaintConfig["effect"], string> = {
  NO_SCHEDULE: "NoSchedule",
  NO_EXECUTE: "NoExecute",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

const ROOT_DEVICE = "/dev/xvda";

/** The lifecycle hook that holds a terminating self-managed node until it is drained. */
export const DRAIN_HOOK = "drain-before-termination";

/**
 * Defines the worker nodes of a cluster (the first blog post's `eks-worker-nodes` module, plus the
 * Fargate post's managed group): the node role (the worker-node minimum only: pods get their own
 * IRSA roles, and IMDS hop limit 1 keeps them off this one), self-managed groups on launch templates (AL2023 EKS AMI resolved
 * from SSM at launch, nodeadm user data, IMDSv2, encrypted gp3, private subnets, instance refresh,
 * an EC2_LINUX access entry so nodes join without aws-auth edits) and EKS managed node groups.
 * No SSH unless `ssh` is given.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/worker.html
 */
export class EksWorkerNodes extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;
  /** The security group of the self-managed nodes (undefined without self-managed groups). */
  readonly nodeSecurityGroupId?: string;
  readonly autoscalingGroups: Record<string, AutoscalingGroup> = {};
  readonly launchTemplates: Record<string, LaunchTemplate> = {};
  readonly nodeGroups: Record<string, EksNodeGroup> = {};
  /** The EC2_LINUX access entry of the node role, so self-managed nodes join (no aws-auth edits). */
  readonly accessEntry?: EksAccessEntry;
  /** Everything that provides compute, for what must wait for nodes (CoreDNS). */
  readonly compute: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: EksWorkerNodesProps) {
    super(scope, id);
    const selfManaged = props.selfManaged ?? {};
    const managed = props.managed ?? {};
    validate(props, selfManaged, managed);
    const cluster = props.cluster;
    const instanceTags = { ...(props.instanceTags ?? {}), ...eksDiscoveryTags(cluster.name, "node") };

    this.role = new IamRole(this, "node_role", {
      name: props.roleName,
      description: `Worker nodes of ${cluster.name}`,
      assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
    });
    this.roleArn = this.role.arn;
    const attachments = NODE_POLICIES.map(
      (policy) =>
        new IamRolePolicyAttachment(this, `node_${policy}`, { role: this.role.name, policyArn: managedPolicyArn(props.partition, policy) }),
    );
    const dependsOn = [...(props.dependsOn ?? []), ...attachments];

    if (Object.keys(selfManaged).length > 0) {
      const sg = this.nodeSecurityGroup(props);
      this.nodeSecurityGroupId = sg.id;
      const profile = new IamInstanceProfile(this, "node_instance_profile", { name: props.roleName, role: this.role.name });
      this.accessEntry = new EksAccessEntry(this, "node_access_entry", {
        clusterName: cluster.nameRef,
        principalArn: this.role.arn,
        type: "EC2_LINUX",
      });
      for (const [group, config] of Object.entries(selfManaged)) {
        this.selfManagedGroup(props, group, config, { sg, profile, instanceTags, dependsOn });
      }
    }
    for (const [group, config] of Object.entries(managed)) {
      this.managedGroup(props, group, config, { instanceTags, dependsOn });
    }
  }

  private nodeSecurityGroup(props: EksWorkerNodesProps): SecurityGroup {
    const cluster = props.cluster;
    const sg = new SecurityGroup(this, "node_security_group", {
      name: `${cluster.name}-node`,
      description: `Self-managed worker nodes of ${cluster.name}`,
      vpcId: props.vpcId,
      tags: { Name: `${cluster.name}-node`, ...eksDiscoveryTags(cluster.name, "node") },
    });
    const ingress = (
      id: string,
      description: string,
      rule: { from?: number; to?: number; protocol: string; source?: string; cidr?: string },
    ) =>
      new VpcSecurityGroupIngressRule(this, id, {
        securityGroupId: sg.id,
        description,
        ipProtocol: rule.protocol,
        fromPort: rule.from,
        toPort: rule.to,
        referencedSecurityGroupId: rule.source,
        cidrIpv4: rule.cidr,
      });
    ingress("node_from_self", "Nodes talk to each other (pods, DNS, overlay)", { protocol: "-1", source: sg.id });
    ingress("node_from_cluster", "Kubelets and pods receive traffic from the control plane", {
      protocol: "tcp",
      from: 1025,
      to: 65535,
      source: cluster.securityGroupId,
    });
    ingress("node_https_from_cluster", "Webhooks and extension API servers on the nodes, called by the control plane", {
      protocol: "tcp",
      from: 443,
      to: 443,
      source: cluster.securityGroupId,
    });
    ingress("node_from_eks_primary", "Managed nodes and Fargate pods (EKS cluster security group) reach these nodes", {
      protocol: "-1",
      source: cluster.primarySecurityGroupId,
    });
    new VpcSecurityGroupIngressRule(this, "eks_primary_from_node", {
      securityGroupId: cluster.primarySecurityGroupId,
      referencedSecurityGroupId: sg.id,
      description: "Self-managed nodes reach managed nodes and Fargate pods",
      ipProtocol: "-1",
    });
    (props.ssh?.allowedCidrs ?? []).forEach((cidr, i) =>
      ingress(`node_ssh_${i}`, `SSH from ${cidr} (explicit opt-in)`, { protocol: "tcp", from: 22, to: 22, cidr }),
    );
    new VpcSecurityGroupEgressRule(this, "node_egress", {
      securityGroupId: sg.id,
      description: "Nodes reach the control plane, ECR, STS and the internet through NAT",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });
    return sg;
  }

  /** Launch template settings both kinds share: IMDSv2, encrypted gp3 root, no public IP, tags. */
  private commonTemplate(
    hopLimit: number,
    volumeGib: number,
    instanceTags: Record<string, string>,
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

  private selfManagedGroup(
    props: EksWorkerNodesProps,
    group: string,
    config: SelfManagedGroupConfig,
    shared: { sg: SecurityGroup; profile: IamInstanceProfile; instanceTags: Record<string, string>; dependsOn: ITerraformDependable[] },
  ): void {
    const cluster = props.cluster;
    const name = selfManagedGroupName(cluster.name, group);
    const version = config.kubernetesVersion ?? cluster.kubernetesVersion;
    const amiParameter = `/aws/service/eks/optimized-ami/${version}/amazon-linux-2023/${config.architecture}/standard/recommended/image_id`;
    const template = new LaunchTemplate(this, `${group}_launch_template`, {
      name,
      description: `Self-managed nodes "${group}" of ${cluster.name}`,
      // Resolved by EC2 at launch: new instances get the current EKS AMI without a Terraform run.
      imageId: `resolve:ssm:${amiParameter}`,
      instanceType: config.instanceType,
      iamInstanceProfile: { arn: shared.profile.arn },
      keyName: props.ssh?.keyName,
      networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [shared.sg.id] }],
      userData: Fn.base64encode(nodeadmUserData(cluster, config)),
      ...this.commonTemplate(config.metadataHopLimit, config.rootVolumeGib, shared.instanceTags, name),
    });
    const asg = new AutoscalingGroup(this, `${group}_autoscaling_group`, {
      name,
      minSize: config.minSize,
      maxSize: config.maxSize,
      desiredCapacity: config.desiredSize,
      vpcZoneIdentifier: [...props.subnetIds],
      launchTemplate: { id: template.id, version: `${template.latestVersion}` },
      healthCheckType: "EC2",
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90 } },
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
        Name: name,
        ...eksDiscoveryTags(cluster.name, "node"),
        ...clusterAutoscalerTags(cluster.name),
        ...(props.drainTag ? { [props.drainTag]: "true" } : {}),
      }).map(([key, value]) => ({
        key,
        value,
        propagateAtLaunch: true,
      })),
      dependsOn: [...shared.dependsOn, ...(this.accessEntry ? [this.accessEntry] : [])],
      // The cluster autoscaler owns the current size once the group exists.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });
    if (config.metadataHopLimit !== 1)
      suppressRule(
        template,
        "LT-002",
        `nodeGroups.selfManaged.${group}.metadataHopLimit is ${config.metadataHopLimit} in the environment config (explicit opt-out)`,
      );
    this.launchTemplates[group] = template;
    this.autoscalingGroups[group] = asg;
    this.compute.push(asg);
  }

  private managedGroup(
    props: EksWorkerNodesProps,
    group: string,
    config: ManagedGroupConfig,
    shared: { instanceTags: Record<string, string>; dependsOn: ITerraformDependable[] },
  ): void {
    const cluster = props.cluster;
    const name = managedGroupTemplateName(cluster.name, group);
    // No image, instance type or network interfaces here: EKS picks the AMI from ami_type, the types
    // come from the node group, and managed nodes keep the EKS cluster security group.
    const template = new LaunchTemplate(this, `${group}_launch_template`, {
      name,
      description: `Managed node group "${group}" of ${cluster.name}`,
      keyName: props.ssh?.keyName,
      ...this.commonTemplate(config.metadataHopLimit, config.diskSizeGib, shared.instanceTags, `${cluster.name}-${group}`),
    });
    const nodeGroup = new EksNodeGroup(this, `${group}_node_group`, {
      clusterName: cluster.nameRef,
      nodeGroupName: group,
      nodeRoleArn: this.role.arn,
      subnetIds: [...props.subnetIds],
      version: config.kubernetesVersion ?? cluster.kubernetesVersion,
      amiType: config.amiType,
      capacityType: config.capacityType,
      instanceTypes: [...config.instanceTypes],
      scalingConfig: { minSize: config.minSize, desiredSize: config.desiredSize, maxSize: config.maxSize },
      updateConfig:
        config.maxUnavailablePercentage !== undefined
          ? { maxUnavailablePercentage: config.maxUnavailablePercentage }
          : { maxUnavailable: config.maxUnavailable ?? 1 },
      labels: Object.keys(config.labels).length > 0 ? config.labels : undefined,
      taint: config.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      launchTemplate: { id: template.id, version: `${template.latestVersion}` },
      dependsOn: [...shared.dependsOn, ...(this.accessEntry ? [this.accessEntry] : [])],
      // The cluster autoscaler owns the current size once the group exists.
      lifecycle: { ignoreChanges: ["scaling_config[0].desired_size"] },
      timeouts: { create: "30m", update: "60m", delete: "30m" },
    });
    if (config.metadataHopLimit !== 1)
      suppressRule(
        template,
        "LT-002",
        `nodeGroups.managed.${group}.metadataHopLimit is ${config.metadataHopLimit} in the environment config (explicit opt-out)`,
      );
    this.launchTemplates[`managed_${group}`] = template;
    this.nodeGroups[group] = nodeGroup;
    this.compute.push(nodeGroup);
  }
}

/**
 * AL2023 user data: a MIME multi-part document with one nodeadm NodeConfig carrying the cluster
 * name, endpoint, CA and service CIDR, plus kubelet flags for the group's labels and taints.
 * @see https://awslabs.github.io/amazon-eks-ami/nodeadm/
 */
export function nodeadmUserData(cluster: WorkerCluster, config: Pick<SelfManagedGroupConfig, "labels" | "taints">): string {
  const flags: string[] = [];
  const labels = Object.entries(config.labels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) flags.push(`--node-labels=${labels.join(",")}`);
  const taints = config.taints.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ""}:${KUBELET_EFFECT[t.effect]}`);
  if (taints.length > 0) flags.push(`--register-with-taints=${taints.join(",")}`);
  const nodeConfig = stringify(
    {
      apiVersion: "node.eks.aws/v1alpha1",
      kind: "NodeConfig",
      spec: {
        cluster: {
          name: cluster.name,
          apiServerEndpoint: cluster.endpoint,
          certificateAuthority: cluster.certificateAuthorityData,
          cidr: cluster.serviceIpv4Cidr,
        },
        ...(flags.length > 0 ? { kubelet: { flags } } : {}),
      },
    },
    // Single quotes where quoting is needed: Terraform templates must not see raw double quotes.
    { singleQuote: true, lineWidth: 0 },
  );
  return [
    "MIME-Version: 1.0",
    "Content-Type: multipart/mixed; boundary=BOUNDARY",
    "",
    "--BOUNDARY",
    "Content-Type: application/node.eks.aws",
    "",
    `---\n${nodeConfig}`,
    "--BOUNDARY--",
    "",
  ].join("\n");
}

function validate(
  props: EksWorkerNodesProps,
  selfManaged: Readonly<Record<string, SelfManagedGroupConfig>>,
  managed: Readonly<Record<string, ManagedGroupConfig>>,
): void {
  const checks: PropCheck[] = [
    ["roleName", props.roleName, invalidName(iamRoleNameProblem(props.roleName))],
    ["subnetIds", props.subnetIds, props.subnetIds.length === 0 && "must list the private subnets of the nodes"],
    [
      "ssh.allowedCidrs",
      props.ssh?.allowedCidrs,
      props.ssh !== undefined && props.ssh.allowedCidrs.length === 0 && "must list who may reach port 22",
    ],
    ["ssh.allowedCidrs", props.ssh?.allowedCidrs, (props.ssh?.allowedCidrs ?? []).includes("0.0.0.0/0") && "must not contain 0.0.0.0/0"],
  ];
  const groups = [
    ...Object.entries(selfManaged).map(([k, g]) => [`selfManaged.${k}`, g] as const),
    ...Object.entries(managed).map(([k, g]) => [`managed.${k}`, g] as const),
  ];
  for (const [path, g] of groups) {
    checks.push([`${path}.minSize`, g.minSize, g.minSize > g.desiredSize && `must not exceed desiredSize (${g.desiredSize})`]);
    checks.push([`${path}.desiredSize`, g.desiredSize, g.desiredSize > g.maxSize && `must not exceed maxSize (${g.maxSize})`]);
  }
  for (const k of Object.keys(managed)) {
    checks.push([`managed.${k}`, k, k in selfManaged && "must not share its name with a self-managed group"]);
  }
  requireValidProps("EksWorkerNodes", checks);
}
