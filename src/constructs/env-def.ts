import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { KARPENTER_CONTROLLER_INSTANCE_TYPE, privateSubnetZones, type EnvConfig } from "../config";
import { transparentScope } from "../lib/addressing";
import { eksAddonVersions, type EksAddonName } from "../lib/eks-addons";
import { managedPolicyArn, policyDocument } from "../lib/iam";
import {
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  clusterLogGroupName,
  drainTag,
  EBS_CSI_SERVICE_ACCOUNT,
  clusterName,
  COREDNS_FARGATE_PROFILE,
  envPrefix,
  flowLogGroupName,
  KARPENTER_FARGATE_PROFILE,
  KARPENTER_NODE_GROUP,
  KARPENTER_SERVICE_ACCOUNT,
  LB_CONTROLLER_FARGATE_PROFILE,
  LB_CONTROLLER_SERVICE_ACCOUNT,
  METRICS_SERVER_FARGATE_PROFILE,
  NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT,
  roleNames,
  VPC_CNI_SERVICE_ACCOUNT,
} from "../lib/naming";
import { stackPartition } from "../lib/partition";
import { logKmsEncryptionProblem, requireValidProps } from "../lib/validation";
import { clusterAutoscalerStatements } from "./cluster-autoscaler";
import { appTableStatements, DynamodbTables } from "./dynamodb-tables";
import { Ecr } from "./ecr";
import { Eks } from "./eks";
import { EksWorkerNodes, type ManagedNodeGroupOptions } from "./eks-worker-nodes";
import { Fargate, type FargateProfileOptions } from "./fargate";
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

const EBS_CSI_SERVICE_ACCOUNT_REF = { namespace: EBS_CSI_SERVICE_ACCOUNT.namespace, serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name };

/** Nodes of the Karpenter controller's group: one per replica of its chart (two, kept on different nodes). */
const KARPENTER_CONTROLLER_NODES = 2;

/** Props of {@link EnvDef}. */
export interface EnvDefProps {
  /** The validated environment. */
  readonly env: EnvConfig;
  /** Tags for what autoscaling groups launch (the provider's default tags do not reach it). @default {} */
  readonly instanceTags?: Readonly<Record<string, string>>;
}

/**
 * Defines one environment's platform (the blog posts' `env-def` module): computes the cluster name
 * once and composes the application tables, the VPC, ECR, the EKS control plane, the worker nodes
 * and the Fargate profiles, wiring each one's attributes into the next.
 */
export class EnvDef extends Construct {
  /** The cluster name, computed once; every tag, role and kubeconfig uses it. */
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
    requireValidProps("EnvDef", [["logKmsEncryption", env.logKmsEncryption, logKmsEncryptionProblem(env)]]);
    const prefix = envPrefix(env);
    this.clusterName = clusterName(env);
    const roles = roleNames(env);
    // One partition data source per stack, shared by everything here that writes an ARN.
    const partition = stackPartition(this);
    if (env.logKmsEncryption && env.accountId) this.logKey = this.logKeyFor(prefix, partition, env.region, env.accountId);

    this.tables = new DynamodbTables(this, "tables", { namePrefix: prefix, tables: env.tables });

    const network = {
      namePrefix: prefix,
      clusterName: this.clusterName,
      availabilityZones: env.availabilityZones,
      flowLogs: env.vpc.flowLogs.enabled
        ? {
            logGroupName: flowLogGroupName(env),
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
      allowPublicAccessFromAnywhere: env.eks.allowPublicAccessFromAnywhere,
      authenticationMode: env.eks.authenticationMode,
      apiAccess: env.eks.apiAccess,
      bootstrapClusterCreatorAdminPermissions: env.eks.bootstrapClusterCreatorAdminPermissions,
      admins: env.eks.admins,
      // The CI plan role gets no access: pull requests never plan what is in the cluster.
      viewers: env.eks.viewers,
      roleName: roles.cluster,
      logGroupName: clusterLogGroupName(env),
      logRetentionDays: env.eks.logRetentionDays,
      logKmsKeyArn: this.logKey?.arn,
      secretsKeyDeletionWindowDays: env.eks.secretsKeyDeletionWindowDays,
      deleteTimeout: env.eks.deleteTimeout,
      partition,
      autoMode: env.eks.autoMode ? { nodePools: env.eks.autoMode.nodePools, nodeRoleName: roles.autoModeNode } : undefined,
    });
    const autoMode = env.eks.autoMode !== undefined;
    this.autoMode = autoMode;

    // Karpenter's controller gets a node group of its own (or a Fargate profile, below).
    const managed: Record<string, ManagedNodeGroupOptions> = { ...env.nodeGroups.managed };
    if (env.karpenter?.controllerOn === "nodeGroup")
      managed[KARPENTER_NODE_GROUP] = karpenterControllerGroup(env.karpenter.controllerInstanceType);
    const hasNodes = Object.keys(env.nodeGroups.selfManaged).length + Object.keys(managed).length > 0;
    this.hasNodes = hasNodes;
    const versions = eksAddonVersions(env.eks.kubernetesVersion, env.eks.addonVersions);
    const oidc = { oidcProviderArn: this.eks.oidcProviderArn, oidcIssuerHost: this.eks.oidcIssuerHost };
    const irsa = (id: string, p: Omit<IrsaRoleProps, "cluster">) => new IrsaRole(this, id, { cluster: oidc, ...p });
    const identities: PlatformIdentities = {};
    // What nodes need before they can become Ready; Pod Identity's agent only where nodes run.
    // Auto Mode runs the networking, DNS, Pod Identity and storage components itself.
    // The VPC CNI manages ENIs and IPs with a role of its own, not the node role's.
    if (!autoMode) {
      identities.vpcCni = irsa("vpc_cni", {
        roleName: roles.vpcCni,
        description: `VPC CNI of ${this.clusterName}`,
        namespace: VPC_CNI_SERVICE_ACCOUNT.namespace,
        serviceAccount: VPC_CNI_SERVICE_ACCOUNT.name,
        managedPolicyArns: [managedPolicyArn(partition, "AmazonEKS_CNI_Policy")],
      });
    }
    const networking = autoMode
      ? []
      : ["vpc-cni", "kube-proxy", ...(hasNodes ? ["eks-pod-identity-agent"] : [])].map((name) =>
          this.eks.addAddon(name, {
            version: versions[name as EksAddonName],
            serviceAccountRoleArn: name === "vpc-cni" ? identities.vpcCni?.roleArn : undefined,
          }),
        );

    this.workers = new EksWorkerNodes(this, "workers", {
      cluster: this.eks,
      vpcId: this.vpc.vpcId,
      subnetIds: this.vpc.privateSubnetIds,
      subnetZones: privateSubnetZones(env),
      roleName: roles.node,
      selfManaged: env.nodeGroups.selfManaged,
      managed,
      ssh: env.nodeGroups.ssh,
      drainTag: drainTag(this.clusterName),
      partition,
      instanceTags: props.instanceTags,
      dependsOn: networking,
    });
    if (this.workers.nodeSecurityGroupId) {
      this.eks.allowApiAccessFrom("api_from_nodes", this.workers.nodeSecurityGroupId, "Nodes reach the Kubernetes API server");
    }

    // Without node groups, kube-system pods need Fargate: CoreDNS (and the add-on told so),
    // metrics-server, and the load balancer controller when the workloads stack installs it.
    const profiles: Record<string, FargateProfileOptions> = { ...env.fargate.profiles };
    if (!hasNodes && !autoMode) {
      profiles[COREDNS_FARGATE_PROFILE] = { selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }] };
      profiles[METRICS_SERVER_FARGATE_PROFILE] = {
        selectors: [{ namespace: "kube-system", labels: { "app.kubernetes.io/name": "metrics-server" } }],
      };
      if (env.workloads.loadBalancerController) {
        profiles[LB_CONTROLLER_FARGATE_PROFILE] = {
          selectors: [
            {
              namespace: LB_CONTROLLER_SERVICE_ACCOUNT.namespace,
              labels: { "app.kubernetes.io/name": LB_CONTROLLER_SERVICE_ACCOUNT.name },
            },
          ],
        };
      }
    }
    if (env.karpenter?.controllerOn === "fargate") {
      profiles[KARPENTER_FARGATE_PROFILE] = {
        selectors: [
          { namespace: KARPENTER_SERVICE_ACCOUNT.namespace, labels: { "app.kubernetes.io/name": KARPENTER_SERVICE_ACCOUNT.name } },
        ],
      };
    }
    this.fargate = new Fargate(this, "fargate", {
      cluster: this.eks,
      privateSubnetIds: this.vpc.privateSubnetIds,
      profiles,
      roleName: roles.fargate,
      partition,
      region: env.region,
      accountId: env.accountId,
    });
    // Add-ons with pods wait for somewhere to run them.
    const compute = [...this.workers.compute, ...Object.values(this.fargate.profiles)];
    if (!autoMode) {
      this.eks.addAddon("coredns", {
        version: versions.coredns,
        configurationValues: hasNodes ? undefined : { computeType: "fargate" },
        dependsOn: compute,
      });
    }
    this.eks.addAddon("metrics-server", { version: versions["metrics-server"], dependsOn: compute });

    if (hasNodes) {
      // EBS volumes exist only on EC2 nodes (Fargate pods cannot mount them).
      identities.ebsCsiDriver = irsa("ebs_csi_driver", {
        roleName: roles.ebsCsiDriver,
        description: `EBS CSI driver of ${this.clusterName}`,
        ...EBS_CSI_SERVICE_ACCOUNT_REF,
        managedPolicyArns: [managedPolicyArn(partition, "service-role/AmazonEBSCSIDriverPolicy")],
      });
      this.eks.addAddon("aws-ebs-csi-driver", {
        version: versions["aws-ebs-csi-driver"],
        serviceAccountRoleArn: identities.ebsCsiDriver.roleArn,
        dependsOn: compute,
      });
    }
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
  private logKeyFor(prefix: string, partition: string, region: string, account: string): KmsKey {
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
    new KmsAlias(this, "log_key_alias", { name: `alias/${prefix}-logs`, targetKeyId: key.keyId });
    return key;
  }
}

/**
 * The managed node group of the Karpenter controller: two nodes of a fixed size (nothing scales
 * it), tainted CriticalAddonsOnly with PREFER_NO_SCHEDULE so that workloads go to Karpenter's nodes
 * once there are any, while CoreDNS, metrics-server and the controllers still fit before.
 */
function karpenterControllerGroup(instanceType: string | undefined): ManagedNodeGroupOptions {
  return {
    instanceTypes: [instanceType ?? KARPENTER_CONTROLLER_INSTANCE_TYPE],
    minSize: KARPENTER_CONTROLLER_NODES,
    desiredSize: KARPENTER_CONTROLLER_NODES,
    maxSize: KARPENTER_CONTROLLER_NODES,
    taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "PREFER_NO_SCHEDULE" }],
  };
}
