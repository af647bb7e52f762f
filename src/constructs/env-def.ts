import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { privateSubnetZones, type AddonPlan, type EnvConfig } from "../config";
import { transparentScope } from "../lib/addressing";
import { managedPolicyArn, policyDocument } from "../lib/iam";
import {
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  drainTag,
  EBS_CSI_SERVICE_ACCOUNT,
  LB_CONTROLLER_SERVICE_ACCOUNT,
  NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT,
  VPC_CNI_SERVICE_ACCOUNT,
} from "../lib/naming";
import { stackPartition } from "../lib/partition";
import { clusterAutoscalerStatements } from "./cluster-autoscaler";
import { appTableStatements, DynamodbTables } from "./dynamodb-tables";
import { Ecr } from "./ecr";
import { Eks } from "./eks";
import { EksWorkerNodes } from "./eks-worker-nodes";
import { Fargate } from "./fargate";
import { IrsaRole, type IrsaRoleProps } from "./irsa-role";
import { KarpenterAws } from "./karpenter";
import { Kubeconfig } from "./kubeconfig";
import { loadBalancerControllerPolicy } from "./load-balancer-controller";
import { NodeTerminationQueue, nodeTerminationHandlerStatements } from "./node-termination-handler";
import { Vpc } from "./vpc";

/** The IRSA roles of the platform, by what uses them (each only when that is deployed). */
export interface PlatformIdentities {
  app?: IrsaRole;
  loadBalancerController?: IrsaRole;
  clusterAutoscaler?: IrsaRole;
  nodeTerminationHandler?: IrsaRole;
  ebsCsiDriver?: IrsaRole;
  /** The VPC CNI (`kube-system/aws-node`), wherever the vpc-cni add-on is installed. */
  vpcCni?: IrsaRole;
  /** The Karpenter controller (`kube-system/karpenter`), with `karpenter`. */
  karpenter?: IrsaRole;
}

/** The add-ons' own IRSA roles: construct id, description, service account and managed policy. */
const ADDON_IDENTITIES = {
  vpcCni: ["vpc_cni", "VPC CNI", VPC_CNI_SERVICE_ACCOUNT, "AmazonEKS_CNI_Policy"],
  ebsCsiDriver: ["ebs_csi_driver", "EBS CSI driver", EBS_CSI_SERVICE_ACCOUNT, "service-role/AmazonEBSCSIDriverPolicy"],
} as const;

/** Props of {@link EnvDef}. */
export interface EnvDefProps {
  /** The validated environment. */
  readonly env: EnvConfig;
  /** Tags for what autoscaling groups launch (the provider's default tags do not reach it). @default {} */
  readonly instanceTags?: Readonly<Record<string, string>>;
}

/**
 * Defines one environment's platform (the blog posts' `env-def` module) from what the resolved
 * config decided (`env.derived`: names, capacity, add-ons, the project's Fargate profiles): composes
 * the application tables, the VPC, ECR, the EKS control plane, the worker nodes and the Fargate
 * profiles, wiring each one's attributes into the next.
 */
export class EnvDef extends Construct {
  /** The cluster name (`derived.names.cluster`); every tag, role and kubeconfig uses it. */
  readonly clusterName: string;
  readonly tables: DynamodbTables;
  readonly vpc: Vpc;
  readonly ecr: Ecr;
  readonly eks: Eks;
  readonly workers: EksWorkerNodes;
  readonly fargate: Fargate;
  /** The key of the log groups, when `logKmsEncryption` is on. */
  readonly logKey?: KmsKey;
  readonly kubeconfig: Kubeconfig;
  /** Whether the environment has EC2 node groups (else it is Fargate-only or Auto Mode). */
  readonly hasNodes: boolean;
  /** Whether EKS Auto Mode runs the nodes, storage and load balancing. */
  readonly autoMode: boolean;
  /** The IRSA roles of what runs in the cluster, each trusted by one service account. */
  readonly identities: PlatformIdentities;
  /** The queue the Node Termination Handler reads (self-managed groups only). */
  readonly terminationQueue?: NodeTerminationQueue;
  /** Karpenter's node role, access entry, interruption queue and controller role (with `karpenter`). */
  readonly karpenter?: KarpenterAws;

  constructor(scope: Construct, id: string, props: EnvDefProps) {
    super(scope, id);
    // Its children (vpc, eks, workers...) name the Terraform resources: `aws_eks_cluster.eks`.
    transparentScope(this);
    const env = props.env;
    const { names, capacity } = env.derived;
    const prefix = names.prefix;
    this.clusterName = names.cluster;
    const roles = names.roles;
    // One partition data source per stack, shared by everything here that writes an ARN.
    const partition = stackPartition(this);
    if (names.logKeyAlias && env.accountId) this.logKey = this.logKeyFor(names.logKeyAlias, prefix, partition, env.region, env.accountId);

    this.tables = new DynamodbTables(this, "tables", { namePrefix: prefix, tables: env.tables });

    const network = {
      namePrefix: prefix,
      clusterName: this.clusterName,
      availabilityZones: env.availabilityZones,
      flowLogs: names.flowLogGroup
        ? {
            logGroupName: names.flowLogGroup,
            roleName: roles.flowLogs,
            retentionDays: env.vpc.flowLogs.retentionDays,
            trafficType: env.vpc.flowLogs.trafficType,
            kmsKeyArn: this.logKey?.arn,
            sourceAccount: env.accountId,
          }
        : undefined,
    };
    const existing = env.vpc.existing;
    this.vpc = existing
      ? new Vpc(this, "vpc", { ...network, existing: { ...existing, addDiscoveryTags: existing.discoveryTags === "add" } })
      : new Vpc(this, "vpc", {
          ...network,
          cidr: env.vpc.cidr,
          publicSubnetCidrs: env.vpc.publicSubnetCidrs,
          privateSubnetCidrs: env.vpc.privateSubnetCidrs,
          natGateways: env.vpc.natGateways,
        });

    this.ecr = new Ecr(this, "ecr", {
      namePrefix: prefix,
      repositories: env.ecr.repositories,
      imageTagMutability: env.ecr.imageTagMutability,
      keepLastImages: env.ecr.keepLastImages,
      untaggedExpireDays: env.ecr.untaggedExpireDays,
      forceDelete: env.ephemeral,
    });

    this.eks = new Eks(this, "eks", {
      clusterName: this.clusterName,
      kubernetesVersion: env.eks.kubernetesVersion,
      supportType: env.eks.supportType,
      vpcId: this.vpc.vpcId,
      subnetIds: this.vpc.privateSubnetIds,
      serviceIpv4Cidr: env.eks.serviceIpv4Cidr,
      endpointPublicAccess: env.eks.endpointPublicAccess,
      publicAccessCidrs: env.eks.publicAccessCidrs,
      authenticationMode: env.eks.authenticationMode,
      apiAccess: env.eks.apiAccess,
      bootstrapClusterCreatorAdminPermissions: env.eks.bootstrapClusterCreatorAdminPermissions,
      admins: env.eks.admins,
      // The CI plan role gets no access: pull requests never plan what is in the cluster.
      viewers: env.eks.viewers,
      roleName: roles.cluster,
      logGroupName: names.clusterLogGroup,
      logRetentionDays: env.eks.logRetentionDays,
      logKmsKeyArn: this.logKey?.arn,
      secretsKeyDeletionWindowDays: env.eks.secretsKeyDeletionWindowDays,
      deleteTimeout: env.eks.deleteTimeout,
      partition,
      autoMode: env.eks.autoMode ? { nodePools: env.eks.autoMode.nodePools, nodeRoleName: roles.autoModeNode } : undefined,
    });
    const autoMode = capacity.kind === "autoMode";
    this.autoMode = autoMode;

    // Karpenter's controller gets a node group of its own (or a Fargate profile, below).
    this.hasNodes = capacity.hasNodeGroups;
    const oidc = { oidcProviderArn: this.eks.oidcProviderArn, oidcIssuerHost: this.eks.oidcIssuerHost };
    const irsa = (id: string, p: Omit<IrsaRoleProps, "cluster">) => new IrsaRole(this, id, { cluster: oidc, ...p });
    const identities: PlatformIdentities = {};
    // The add-ons `derived.addons` lists, each with its own role where it has one (the VPC CNI
    // manages ENIs and IPs with its own, not the node role's); those with pods wait for compute.
    const addAddon = (addon: AddonPlan, compute?: ITerraformDependable[]) => {
      if (addon.identity) {
        const [id, what, sa, policy] = ADDON_IDENTITIES[addon.identity];
        identities[addon.identity] = irsa(id, {
          roleName: roles[addon.identity],
          description: `${what} of ${this.clusterName}`,
          namespace: sa.namespace,
          serviceAccount: sa.name,
          managedPolicyArns: [managedPolicyArn(partition, policy)],
        });
      }
      return this.eks.addAddon(addon.name, {
        version: addon.version,
        serviceAccountRoleArn: addon.identity && identities[addon.identity]?.roleArn,
        configurationValues: addon.configurationValues,
        dependsOn: compute,
      });
    };
    // What nodes need before they can become Ready.
    const networking = env.derived.addons.filter((a) => !a.afterCompute).map((a) => addAddon(a));

    this.workers = new EksWorkerNodes(this, "workers", {
      cluster: this.eks,
      vpcId: this.vpc.vpcId,
      subnetIds: this.vpc.privateSubnetIds,
      subnetZones: privateSubnetZones(env),
      roleName: roles.node,
      selfManaged: env.nodeGroups.selfManaged,
      managed: env.derived.managedNodeGroups,
      ssh: env.nodeGroups.ssh,
      drainTag: drainTag(this.clusterName),
      partition,
      instanceTags: props.instanceTags,
      dependsOn: networking,
    });
    if (this.workers.nodeSecurityGroupId) {
      this.eks.allowApiAccessFrom("api_from_nodes", this.workers.nodeSecurityGroupId, "Nodes reach the Kubernetes API server");
    }

    // The config's profiles, then the project's own (kube-system's without nodes, Karpenter's).
    this.fargate = new Fargate(this, "fargate", {
      cluster: this.eks,
      privateSubnetIds: this.vpc.privateSubnetIds,
      profiles: { ...env.fargate.profiles, ...env.derived.fargateProfiles },
      roleName: roles.fargate,
      partition,
      region: env.region,
      accountId: env.accountId,
    });
    // Add-ons with pods wait for somewhere to run them.
    const compute = [...this.workers.compute, ...Object.values(this.fargate.profiles)];
    env.derived.addons.filter((a) => a.afterCompute).forEach((a) => addAddon(a, compute));
    // Node groups get the cluster autoscaler unless the config says otherwise (Karpenter scales instead).
    if (env.workloads.clusterAutoscaler) {
      identities.clusterAutoscaler = irsa("cluster_autoscaler", {
        roleName: roles.clusterAutoscaler,
        description: `Cluster autoscaler of ${this.clusterName}`,
        namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
        serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
        statements: clusterAutoscalerStatements(this.clusterName),
      });
    }
    const selfManagedGroups = Object.values(this.workers.autoscalingGroups);
    if (selfManagedGroups.length > 0) {
      this.terminationQueue = new NodeTerminationQueue(this, "node_termination", {
        name: this.clusterName,
        autoscalingGroupNames: Object.keys(this.workers.autoscalingGroups),
      });
      identities.nodeTerminationHandler = irsa("node_termination_handler", {
        roleName: roles.nodeTerminationHandler,
        description: `AWS Node Termination Handler of ${this.clusterName}`,
        namespace: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT.namespace,
        serviceAccount: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT.name,
        statements: nodeTerminationHandlerStatements({
          queueArn: this.terminationQueue.queueArn,
          autoscalingGroupArns: `arn:${partition}:autoscaling:${env.region}:${env.accountId ?? "*"}:autoScalingGroup:*:autoScalingGroupName/${this.clusterName}-*`,
        }),
      });
    }
    if (env.workloads.loadBalancerController && !autoMode) {
      identities.loadBalancerController = irsa("lb_controller", {
        roleName: roles.loadBalancerController,
        description: `AWS Load Balancer Controller of ${this.clusterName}`,
        namespace: LB_CONTROLLER_SERVICE_ACCOUNT.namespace,
        serviceAccount: LB_CONTROLLER_SERVICE_ACCOUNT.name,
        statements: loadBalancerControllerPolicy({ clusterName: this.clusterName, vpcId: this.vpc.vpcId, partition, region: env.region }),
      });
    }
    if (env.karpenter) {
      this.karpenter = new KarpenterAws(this, "karpenter", {
        cluster: this.eks,
        oidc,
        controllerRoleName: roles.karpenterController,
        nodeRoleName: roles.karpenterNode,
        partition,
        region: env.region,
        accountId: env.accountId,
      });
      identities.karpenter = this.karpenter.controllerRole;
    }
    const appStatements = appTableStatements(this.tables, env.region);
    if (appStatements.length > 0) {
      identities.app = irsa("app", {
        roleName: roles.app,
        description: `The application of ${prefix}: its DynamoDB tables`,
        namespace: env.workloads.app.namespace,
        serviceAccount: env.workloads.app.serviceAccount,
        statements: appStatements,
      });
    }
    this.identities = identities;

    this.kubeconfig = new Kubeconfig(this, "kubeconfig", {
      clusterName: this.clusterName,
      endpoint: this.eks.clusterEndpoint,
      certificateAuthorityData: this.eks.clusterCertificateAuthorityData,
      region: env.region,
      authenticator: env.kubeconfig.authenticator,
      roleArn: env.kubeconfig.roleArn,
      profile: env.kubeconfig.profile,
      projectPath: env.kubeconfig.path,
    });
  }

  /** A key for the log groups whose policy lets this account's CloudWatch Logs use it. */
  private logKeyFor(alias: string, prefix: string, partition: string, region: string, account: string): KmsKey {
    const key = new KmsKey(this, "log_key", {
      description: `Encrypts the CloudWatch log groups of ${prefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        {
          Sid: "AccountAdministersTheKey",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${account}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogsOfThisAccount",
          Effect: "Allow",
          Principal: { Service: `logs.${region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*` } },
        },
      ]),
    });
    new KmsAlias(this, "log_key_alias", { name: alias, targetKeyId: key.keyId });
    return key;
  }
}
