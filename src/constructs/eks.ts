import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DataExternal } from "@cdktf/provider-external/lib/data-external";
import { AssetType, Fn, TerraformAsset, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { idOf, movedFromSuffix, PRIMARY_RESOURCE_ID } from "../lib/addressing";
import { bundleScript } from "../lib/bundle";
import { managedPolicyArn, serviceTrustPolicy } from "../lib/iam";
import { stackPartition } from "../lib/partition";

/** The five control-plane log types; all are always on (CIS EKS 2.1.1). */
const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The audience of IRSA tokens. */
const STS_AUDIENCE = "sts.amazonaws.com";

/** The name of an EKS cluster, as what attaches to the cluster needs it. */
export interface IEksClusterName {
  /** The cluster name as a literal (for names, tags and trust scopes). */
  readonly clusterName: string;
  /** The cluster name as a reference to the cluster resource (orders creation after it). */
  readonly clusterNameRef: string;
}

/** What worker nodes need of the cluster they join; {@link Eks} implements it. */
export interface IEksCluster extends IEksClusterName {
  /** Endpoint of the Kubernetes API server. */
  readonly clusterEndpoint: string;
  /** Base64 CA data of the API server. */
  readonly clusterCertificateAuthorityData: string;
  /** The Kubernetes service CIDR (for nodeadm's cluster DNS). */
  readonly serviceIpv4Cidr: string;
  /** The control plane's Kubernetes minor version, e.g. "1.35" (a literal). */
  readonly kubernetesVersion: string;
  /** The security group the Eks construct creates and attaches to the control plane. */
  readonly clusterSecurityGroupId: string;
  /** The security group EKS creates (control plane ENIs, managed nodes, Fargate pods). */
  readonly clusterPrimarySecurityGroupId: string;
}

/** How EKS authenticates IAM principals; access is granted with access entries in both. */
export type AuthenticationMode = "API" | "API_AND_CONFIG_MAP";

/** Props of {@link Eks}. */
export interface EksProps {
  /** The cluster name, computed once by the caller and used everywhere. */
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. "1.35". */
  readonly kubernetesVersion: string;
  /** The cluster's upgrade policy: STANDARD or EXTENDED support. */
  readonly supportType: "STANDARD" | "EXTENDED";
  readonly vpcId: string;
  /** Subnets of the control plane's network interfaces: the private subnets, in two zones or more. */
  readonly subnetIds: readonly string[];
  /** Kubernetes service CIDR. */
  readonly serviceIpv4Cidr: string;
  /** Whether the API endpoint is public too (the private endpoint is always on). */
  readonly endpointPublicAccess: boolean;
  /** Who may reach the public endpoint (used only when it is on). */
  readonly publicAccessCidrs: readonly string[];
  /** How EKS authenticates IAM principals. */
  readonly authenticationMode: AuthenticationMode;
  /**
   * Who else reaches the API server on port 443 through the cluster security group, besides the
   * nodes (see `allowApiAccessFrom`): private CIDRs (a VPN, a peered runner subnet) and security
   * groups (a bastion, a self-hosted runner).
   */
  readonly apiAccess: { readonly cidrs: readonly string[]; readonly securityGroupIds: readonly string[] };
  /** Admin rights for the cluster creator (create-time only, ignored afterwards). */
  readonly bootstrapClusterCreatorAdminPermissions: boolean;
  /** Cluster admins by name: IAM principal ARNs granted AmazonEKSClusterAdminPolicy. */
  readonly admins: Readonly<Record<string, string>>;
  /** Read-only users by name: IAM principal ARNs granted AmazonEKSViewPolicy (no Secrets). */
  readonly viewers: Readonly<Record<string, string>>;
  /** Name of the cluster IAM role. */
  readonly roleName: string;
  /** `/aws/eks/<cluster>/cluster`, created before the cluster so retention applies. */
  readonly logGroupName: string;
  /** Days the control-plane logs are kept (0 = never expire). */
  readonly logRetentionDays: number;
  /** KMS key of the control-plane log group. @default - CloudWatch's own encryption */
  readonly logKmsKeyArn?: string;
  /** Waiting period, in days, before the Secrets key is deleted. */
  readonly secretsKeyDeletionWindowDays: number;
  /** How long Terraform waits for the cluster to delete, e.g. "30m". */
  readonly deleteTimeout: string;
  /** The AWS partition, for managed policy ARNs. @default - the stack's partition (`stackPartition`) */
  readonly partition?: string;
  /**
   * EKS Auto Mode: EKS runs nodes in these built-in pools, with block storage and load balancing,
   * through a node role this construct creates (`nodeRoleName`). @default - off
   */
  readonly autoMode?: { readonly nodePools: readonly string[]; readonly nodeRoleName: string };
}

/** What the cluster role needs beyond AmazonEKSClusterPolicy for Auto Mode to run compute, storage and load balancers. */
const AUTO_MODE_CLUSTER_POLICIES = [
  "AmazonEKSComputePolicy",
  "AmazonEKSBlockStoragePolicy",
  "AmazonEKSLoadBalancingPolicy",
  "AmazonEKSNetworkingPolicy",
] as const;

/** What an Auto Mode node needs: join the cluster, pull images. */
const AUTO_MODE_NODE_POLICIES = ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;

/** Options of {@link Eks.addAddon}. */
export interface EksAddonOptions {
  /** The add-on version, e.g. "v1.19.2-eksbuild.1". */
  readonly version: string;
  /** IRSA role of the add-on's service account. @default - none (the node role) */
  readonly serviceAccountRoleArn?: string;
  /** The add-on's configuration values (its JSON schema). @default - the add-on's defaults */
  readonly configurationValues?: Record<string, unknown>;
  /** What must exist first (compute, for add-ons with pods). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Defines the EKS control plane (the blog posts' `eks` module): the cluster role, a cluster security
 * group, the control-plane log group (all five log types, created first with retention), a KMS key
 * for envelope encryption of Secrets, the cluster itself (private endpoint on, public endpoint off
 * unless allow-listed), access entries for admins, managed add-ons, and the IAM OIDC provider for
 * IRSA whose thumbprint comes from the project's TypeScript thumbprint program.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/create-cluster.html
 */
export class Eks extends Construct implements IEksCluster {
  readonly cluster: EksCluster;
  /** The cluster name as given (a literal). */
  readonly clusterName: string;
  /** The cluster name as a reference to the cluster resource. */
  readonly clusterNameRef: string;
  readonly clusterArn: string;
  readonly clusterEndpoint: string;
  /** Base64 CA data of the API server. */
  readonly clusterCertificateAuthorityData: string;
  /** The security group this construct creates and attaches to the control plane. */
  readonly clusterSecurityGroupId: string;
  /** The security group EKS itself creates (attached to managed nodes too). */
  readonly clusterPrimarySecurityGroupId: string;
  readonly oidcIssuerUrl: string;
  readonly oidcProviderArn: string;
  readonly oidcProvider: IamOpenidConnectProvider;
  readonly role: IamRole;
  readonly secretsKey: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly serviceIpv4Cidr: string;
  readonly kubernetesVersion: string;
  readonly authenticationMode: AuthenticationMode;
  /** The add-ons by name, as `addAddon` adds them. */
  readonly addons: Record<string, EksAddon> = {};
  /** The role of Auto Mode's nodes (Auto Mode only). */
  readonly autoModeNodeRole?: IamRole;
  private readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: EksProps) {
    super(scope, id);
    const partition = props.partition ?? stackPartition(this);
    this.serviceIpv4Cidr = props.serviceIpv4Cidr;
    this.kubernetesVersion = props.kubernetesVersion;
    this.authenticationMode = props.authenticationMode;

    this.role = new IamRole(this, "cluster_role", {
      name: props.roleName,
      description: `EKS control plane of ${props.clusterName}`,
      assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com", { actions: ["sts:AssumeRole", "sts:TagSession"] }),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, "cluster_policy", {
      role: this.role.name,
      policyArn: managedPolicyArn(partition, "AmazonEKSClusterPolicy"),
    });
    // Auto Mode: the cluster role runs nodes, volumes and load balancers; EKS gives the node role
    // its access entry itself.
    const autoPolicies = props.autoMode
      ? AUTO_MODE_CLUSTER_POLICIES.map(
          (policy) =>
            new IamRolePolicyAttachment(this, `cluster_${policy}`, {
              role: this.role.name,
              policyArn: managedPolicyArn(partition, policy),
            }),
        )
      : [];
    if (props.autoMode) {
      this.autoModeNodeRole = new IamRole(this, "auto_node_role", {
        name: props.autoMode.nodeRoleName,
        description: `EKS Auto Mode nodes of ${props.clusterName}`,
        assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com", { actions: ["sts:AssumeRole", "sts:TagSession"] }),
      });
      for (const policy of AUTO_MODE_NODE_POLICIES) {
        autoPolicies.push(
          new IamRolePolicyAttachment(this, `auto_node_${policy}`, {
            role: this.autoModeNodeRole.name,
            policyArn: managedPolicyArn(partition, policy),
          }),
        );
      }
    }

    this.securityGroup = new SecurityGroup(this, "cluster_security_group", {
      name: `${props.clusterName}-cluster`,
      description: `EKS control plane of ${props.clusterName}: API access from the nodes and eks.apiAccess`,
      vpcId: props.vpcId,
      tags: { Name: `${props.clusterName}-cluster` },
    });
    this.clusterSecurityGroupId = this.securityGroup.id;
    new VpcSecurityGroupEgressRule(this, "cluster_egress", {
      securityGroupId: this.securityGroup.id,
      description: "Control plane to nodes and AWS APIs",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });

    // Keyed by the CIDR or group (addresses by list position moved with every removal); the moved
    // blocks carry state from the positional addresses earlier versions used.
    props.apiAccess.cidrs.forEach((cidr, i) => {
      const rule = new VpcSecurityGroupIngressRule(this, `api_from_cidr_${idOf(cidr)}`, {
        securityGroupId: this.securityGroup.id,
        cidrIpv4: cidr,
        description: `API server from ${cidr} (eks.apiAccess)`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
      });
      movedFromSuffix(rule, `_${i}`, `_${idOf(cidr)}`);
    });
    props.apiAccess.securityGroupIds.forEach((group, i) =>
      movedFromSuffix(
        this.allowApiAccessFrom(`api_from_group_${idOf(group)}`, group, `API server from ${group} (eks.apiAccess)`),
        `_${i}`,
        `_${idOf(group)}`,
      ),
    );

    this.logGroup = new CloudwatchLogGroup(this, "control_plane_logs", {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKmsKeyArn,
    });

    this.secretsKey = new KmsKey(this, "secrets_key", {
      description: `Envelope encryption of Kubernetes Secrets in ${props.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.secretsKeyDeletionWindowDays,
    });
    new KmsAlias(this, "secrets_key_alias", { name: `alias/${props.clusterName}-secrets`, targetKeyId: this.secretsKey.keyId });

    this.cluster = new EksCluster(this, PRIMARY_RESOURCE_ID, {
      name: props.clusterName,
      roleArn: this.role.arn,
      version: props.kubernetesVersion,
      vpcConfig: {
        subnetIds: [...props.subnetIds],
        securityGroupIds: [this.securityGroup.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: props.endpointPublicAccess,
        publicAccessCidrs: props.endpointPublicAccess ? [...props.publicAccessCidrs] : undefined,
      },
      kubernetesNetworkConfig: {
        serviceIpv4Cidr: props.serviceIpv4Cidr,
        ipFamily: "ipv4",
        elasticLoadBalancing: props.autoMode ? { enabled: true } : undefined,
      },
      computeConfig: props.autoMode
        ? { enabled: true, nodePools: [...props.autoMode.nodePools], nodeRoleArn: this.autoModeNodeRole!.arn }
        : undefined,
      storageConfig: props.autoMode ? { blockStorage: { enabled: true } } : undefined,
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.secretsKey.arn } },
      accessConfig: {
        authenticationMode: this.authenticationMode,
        bootstrapClusterCreatorAdminPermissions: props.bootstrapClusterCreatorAdminPermissions,
      },
      upgradePolicy: { supportType: props.supportType },
      // Add-ons are managed below, so EKS does not install unmanaged copies.
      bootstrapSelfManagedAddons: false,
      timeouts: { delete: props.deleteTimeout },
      dependsOn: [this.logGroup, clusterPolicy, ...autoPolicies],
      // Create-time only; changing it later would replace the cluster.
      lifecycle: { ignoreChanges: ["access_config[0].bootstrap_cluster_creator_admin_permissions"] },
    });
    this.clusterName = props.clusterName;
    this.clusterNameRef = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.clusterEndpoint = this.cluster.endpoint;
    this.clusterCertificateAuthorityData = this.cluster.certificateAuthority.get(0).data;
    this.clusterPrimarySecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;

    const grant = (kind: "admin" | "viewer", name: string, principalArn: string, policy: string) => {
      const entry = new EksAccessEntry(this, `${kind}_${name}`, { clusterName: this.cluster.name, principalArn, type: "STANDARD" });
      new EksAccessPolicyAssociation(this, `${kind}_${name}_policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${policy}`,
        accessScope: { type: "cluster" },
      });
    };
    for (const [name, arn] of Object.entries(props.admins)) grant("admin", name, arn, "AmazonEKSClusterAdminPolicy");
    for (const [name, arn] of Object.entries(props.viewers)) grant("viewer", name, arn, "AmazonEKSViewPolicy");

    // IRSA: the thumbprint program runs where Terraform runs, shipped with the stack as an asset.
    const program = new TerraformAsset(this, "thumbprint_program", { path: bundleScript("oidc-thumbprint"), type: AssetType.FILE });
    const thumbprint = new DataExternal(this, "oidc_thumbprint", {
      program: ["node", `\${path.module}/${program.path}`],
      query: { issuer: this.oidcIssuerUrl },
    });
    this.oidcProvider = new IamOpenidConnectProvider(this, "oidc_provider", {
      url: this.oidcIssuerUrl,
      clientIdList: [STS_AUDIENCE],
      thumbprintList: [thumbprint.result.lookup("thumbprint")],
      tags: { Name: `${props.clusterName}-irsa` },
    });
    this.oidcProviderArn = this.oidcProvider.arn;
  }

  /** The OIDC issuer without `https://`, as IRSA trust conditions name it. */
  get oidcIssuerHost(): string {
    return Fn.replace(this.oidcIssuerUrl, "https://", "");
  }

  /**
   * Allows HTTPS to the API server from a security group (the nodes'). Takes the group by reference:
   * the first blog post's author lost hours to a rule that pointed at the cluster's own group.
   */
  allowApiAccessFrom(id: string, sourceSecurityGroupId: string, description: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: sourceSecurityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
  }

  /**
   * Adds an EKS managed add-on at an explicit version (so a Kubernetes version change updates it in
   * the same plan), overwriting what an earlier unmanaged copy set, optionally with an IRSA role
   * for its service account and configuration values.
   */
  addAddon(name: string, options: EksAddonOptions): EksAddon {
    const addon = new EksAddon(this, `addon_${name.replace(/-/g, "_")}`, {
      clusterName: this.cluster.name,
      addonName: name,
      addonVersion: options.version,
      serviceAccountRoleArn: options.serviceAccountRoleArn,
      configurationValues: options.configurationValues ? JSON.stringify(options.configurationValues) : undefined,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      dependsOn: options.dependsOn,
    });
    this.addons[name] = addon;
    return addon;
  }
}
