/**
 * The resolver: turns a parsed environment into an `EnvConfig` once, filling in the defaults that
 * depend on other fields and deciding everything derived from the config (`derived`): the capacity,
 * the project's own Fargate profiles, the EKS add-ons, CI's roles, who may touch the state and every
 * AWS name. The stacks, `EnvDef` and the app read `derived`; rules that run before resolution call
 * the same functions.
 *
 * No `cdktf` import here: scripts and tests use the config without loading the CDKTF runtime.
 */
import { defaultSubnetLayout } from "../lib/cidr";
import { eksAddonVersions, type EksAddonName } from "../lib/eks-addons";
import {
  appTableName,
  clusterLogGroupName,
  clusterName,
  COREDNS_FARGATE_PROFILE,
  ecrRepositoryName,
  envPrefix,
  flowLogGroupName,
  KARPENTER_FARGATE_PROFILE,
  KARPENTER_NODE_GROUP,
  KARPENTER_SERVICE_ACCOUNT,
  karpenterQueueName,
  kubeconfigPath,
  LB_CONTROLLER_FARGATE_PROFILE,
  LB_CONTROLLER_SERVICE_ACCOUNT,
  lockTableName,
  managedGroupTemplateName,
  METRICS_SERVER_FARGATE_PROFILE,
  nodeTerminationQueueName,
  perZoneGroupName,
  roleNames,
  selfManagedGroupName,
  stateBucketName,
  stateKeyAlias,
} from "../lib/naming";
import { ciRoles, planStacksOf, stateReaders, stateWriters, workloadsPrincipal } from "./ci";
import { DEFAULT_VPC_CIDR, KARPENTER_CONTROLLER_INSTANCE_TYPE, ManagedGroupSchema, type ParsedEnv, type TableSchema } from "./schema";
import type { z } from "zod";

/** A validated environment with every default applied, including the computed ones, and what is derived from it. */
export type EnvConfig = Omit<ParsedEnv, "vpc" | "tables" | "workloads"> & {
  readonly tables: Record<string, TableConfig>;
  readonly workloads: Omit<ParsedEnv["workloads"], "clusterAutoscaler"> & { readonly clusterAutoscaler: boolean };
  readonly vpc: VpcConfig;
  /** Decided once by `resolveEnv`; everything that builds the environment reads it. */
  readonly derived: Derived;
};

/** What the two kinds of VPC share: the flow logs. */
type VpcCommon = Omit<ParsedEnv["vpc"], "cidr" | "natGateways" | "publicSubnetCidrs" | "privateSubnetCidrs" | "existing">;

/** An existing VPC the environment uses, as its config declares it. */
export type ExistingVpcConfig = NonNullable<ParsedEnv["vpc"]["existing"]>;

/**
 * The environment's VPC: the one the project creates (CIDR, subnet CIDRs and NAT mode resolved),
 * or an existing one (`existing`), which has none of those.
 */
export type VpcConfig =
  | (VpcCommon & {
      readonly existing?: undefined;
      readonly cidr: string;
      readonly natGateways: "single" | "perAz";
      readonly publicSubnetCidrs: string[];
      readonly privateSubnetCidrs: string[];
    })
  | (VpcCommon & { readonly existing: ExistingVpcConfig });

/** A table with its deletion protection resolved (from the table, else from `ephemeral`). */
export type TableConfig = Omit<z.output<typeof TableSchema>, "deletionProtection"> & { readonly deletionProtection: boolean };

/** How the cluster gets compute: EKS Auto Mode, Karpenter, node groups, or Fargate only. */
export type CapacityKind = "autoMode" | "karpenter" | "nodeGroups" | "fargate";

/** A Fargate profile's pod selectors, as `fargate.profiles` writes them. */
export type FargateProfileConfig = ParsedEnv["fargate"]["profiles"][string];

/** An EKS add-on the platform installs. */
export interface AddonPlan {
  readonly name: EksAddonName;
  readonly version: string;
  /** The IRSA role of its service account (a key of `roleNames`). @default - none (the node role) */
  readonly identity?: "vpcCni" | "ebsCsiDriver";
  /** Whether it runs pods that need compute first (else it is what nodes need to become Ready). */
  readonly afterCompute: boolean;
  /** Its configuration values. @default - the add-on's defaults */
  readonly configurationValues?: Record<string, unknown>;
}

/** The names of one node group in AWS. */
export interface NodeGroupNames {
  readonly kind: "selfManaged" | "managed";
  readonly launchTemplate: string;
  /** Its autoscaling groups (self-managed) or EKS node groups (managed): one per zone with `perZone`. */
  readonly groups: string[];
}

/** Every AWS name derived from the environment. */
export interface DerivedNames {
  /** `<project>-<env>`, the prefix of every name. */
  readonly prefix: string;
  readonly cluster: string;
  readonly roles: ReturnType<typeof roleNames>;
  /** The state bucket, its lock table (`backend.dynamodbLock`) and state key alias (used with `backend.kind` "s3"). */
  readonly stateBucket: string;
  readonly lockTable?: string;
  readonly stateKeyAlias: string;
  /** The alias of the log groups' key (`logKmsEncryption` with an account). */
  readonly logKeyAlias?: string;
  readonly clusterLogGroup: string;
  /** The flow-log group (flow logs on). */
  readonly flowLogGroup?: string;
  /** The Node Termination Handler's queue (self-managed groups only). */
  readonly terminationQueue?: string;
  /** Karpenter's interruption queue (with `karpenter`). */
  readonly karpenterQueue?: string;
  /** By node group key, the Karpenter controller's group included. */
  readonly nodeGroups: Record<string, NodeGroupNames>;
  /** By table key. */
  readonly tables: Record<string, string>;
  /** By image. */
  readonly ecrRepositories: Record<string, string>;
  /** The kubeconfig file, relative to the project root. */
  readonly kubeconfigPath: string;
}

/** What `resolveEnv` decides once from the config. */
export interface Derived {
  readonly capacity: {
    readonly kind: CapacityKind;
    /** Whether the cluster has EC2 node groups of its own (the config's, or the Karpenter controller's). */
    readonly hasNodeGroups: boolean;
  };
  /** The EKS managed node groups: the config's, then the Karpenter controller's when it runs on one. */
  readonly managedNodeGroups: Record<string, ManagedGroupConfig>;
  /** The Fargate profiles the project adds itself, after the config's. */
  readonly fargateProfiles: Record<string, FargateProfileConfig>;
  /** The EKS add-ons, in the order they are created. */
  readonly addons: AddonPlan[];
  /** The role the workloads stack authenticates to the cluster as. */
  readonly workloadsPrincipal?: string;
  readonly planStacks: ("backend" | "platform")[];
  readonly ciRoles: ReturnType<typeof ciRoles>;
  readonly stateReaders: string[];
  readonly stateWriters: string[];
  readonly names: DerivedNames;
}

/**
 * Fills in the defaults that depend on other fields (the NAT mode from the tier, the subnet CIDRs
 * from the VPC CIDR, neither with an existing VPC; the cluster autoscaler from the node groups and
 * Karpenter; the tables' deletion protection) and decides `derived`. Call only on a config whose
 * rules passed (the layout must fit); a config edited after resolution must be resolved again.
 */
export function resolveEnv(parsed: ParsedEnv | EnvConfig): EnvConfig {
  const { derived: _stale, ...input } = parsed as ParsedEnv & { derived?: Derived };
  const capacity = capacityOf(input);
  return {
    ...input,
    workloads: {
      ...input.workloads,
      clusterAutoscaler: input.workloads.clusterAutoscaler ?? (hasNodeGroups(input) && input.karpenter === undefined),
    },
    tables: Object.fromEntries(
      Object.entries(input.tables).map(([name, t]) => [name, { ...t, deletionProtection: t.deletionProtection ?? !input.ephemeral }]),
    ),
    vpc: resolveVpc(input),
    derived: {
      capacity,
      managedNodeGroups: managedNodeGroupsOf(input),
      fargateProfiles: projectFargateProfiles(input),
      addons: addonsOf(input),
      workloadsPrincipal: workloadsPrincipal(input),
      planStacks: planStacksOf(input),
      ciRoles: ciRoles(input),
      stateReaders: stateReaders(input),
      stateWriters: stateWriters(input),
      names: derivedNames(input),
    },
  };
}

type ManagedGroupConfig = z.output<typeof ManagedGroupSchema>;

/** Nodes of the Karpenter controller's group: one per replica of its chart (two, kept on different nodes). */
const KARPENTER_CONTROLLER_NODES = 2;

/**
 * The config's managed node groups, and the Karpenter controller's when it runs on one: two nodes
 * of a fixed size, tainted CriticalAddonsOnly with PREFER_NO_SCHEDULE so that workloads go to
 * Karpenter's nodes once there are any, while CoreDNS, metrics-server and the controllers still fit
 * before. Its other settings are the schema's defaults of a managed group.
 */
function managedNodeGroupsOf(env: Pick<ParsedEnv, "nodeGroups" | "karpenter">): Record<string, ManagedGroupConfig> {
  if (env.karpenter?.controllerOn !== "nodeGroup") return env.nodeGroups.managed;
  const controller = ManagedGroupSchema.parse({
    instanceTypes: [env.karpenter.controllerInstanceType ?? KARPENTER_CONTROLLER_INSTANCE_TYPE],
    minSize: KARPENTER_CONTROLLER_NODES,
    desiredSize: KARPENTER_CONTROLLER_NODES,
    maxSize: KARPENTER_CONTROLLER_NODES,
    taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "PREFER_NO_SCHEDULE" }],
  });
  return { ...env.nodeGroups.managed, [KARPENTER_NODE_GROUP]: controller };
}

/** The NAT mode of a VPC the project creates: as set, else one per zone in production. */
export function natGatewayModeOf(parsed: Pick<ParsedEnv, "vpc" | "tier">): "single" | "perAz" {
  return parsed.vpc.natGateways ?? (parsed.tier === "production" ? "perAz" : "single");
}

/** An existing VPC as declared; else the VPC to create, with its CIDR, NAT mode and subnet layout. */
function resolveVpc(parsed: ParsedEnv): VpcConfig {
  const { existing, cidr, natGateways: _nat, publicSubnetCidrs, privateSubnetCidrs, ...common } = parsed.vpc;
  if (existing) return { ...common, existing };
  const vpcCidr = cidr ?? DEFAULT_VPC_CIDR;
  const layout = publicSubnetCidrs && privateSubnetCidrs ? undefined : defaultSubnetLayout(vpcCidr, parsed.availabilityZones.length);
  return {
    ...common,
    cidr: vpcCidr,
    natGateways: natGatewayModeOf(parsed),
    publicSubnetCidrs: publicSubnetCidrs ?? layout!.public,
    privateSubnetCidrs: privateSubnetCidrs ?? layout!.private,
  };
}

/** What the zones of the nodes' subnets come from: the zones, or an existing VPC's private subnets. */
type NodeZonesInput = {
  readonly availabilityZones: readonly string[];
  readonly vpc: { readonly existing?: { readonly privateSubnets: readonly { readonly zone: string }[] } };
};

/** The zone of each private subnet the nodes run in, in subnet order (an existing VPC's as listed). */
export function privateSubnetZones(env: NodeZonesInput): string[] {
  return env.vpc.existing ? env.vpc.existing.privateSubnets.map((s) => s.zone) : [...env.availabilityZones];
}

/** The names of a node group in the cluster: its own, or with `perZone` one per zone of its subnets. */
export function nodeGroupNames(env: NodeZonesInput, group: string, options: { readonly perZone: boolean }): string[] {
  return options.perZone ? [...new Set(privateSubnetZones(env))].map((zone) => perZoneGroupName(group, zone)) : [group];
}

/** Whether the config lists EC2 node groups (self-managed or managed). */
export function hasNodeGroups(env: Pick<ParsedEnv, "nodeGroups">): boolean {
  return Object.keys(env.nodeGroups.selfManaged).length + Object.keys(env.nodeGroups.managed).length > 0;
}

/** How the cluster gets compute, and whether it has node groups of its own before Karpenter runs. */
export function capacityOf(env: Pick<ParsedEnv, "nodeGroups" | "karpenter" | "eks">): Derived["capacity"] {
  const hasNodes = hasNodeGroups(env) || env.karpenter?.controllerOn === "nodeGroup";
  const kind = env.eks.autoMode ? "autoMode" : env.karpenter ? "karpenter" : hasNodeGroups(env) ? "nodeGroups" : "fargate";
  return { kind, hasNodeGroups: hasNodes };
}

/** A profile for the kube-system pods labelled `label=value`. */
const kubeSystemProfile = (label: string, value: string, namespace = "kube-system"): FargateProfileConfig => ({
  selectors: [{ namespace, labels: { [label]: value } }],
});

/**
 * The Fargate profiles the project adds itself: on a cluster without nodes (and not Auto Mode),
 * CoreDNS, metrics-server and the Load Balancer Controller when the workloads stack installs it;
 * Karpenter's controller with `controllerOn` "fargate".
 */
export function projectFargateProfiles(
  env: Pick<ParsedEnv, "nodeGroups" | "workloads" | "eks" | "karpenter">,
): Record<string, FargateProfileConfig> {
  const profiles: Record<string, FargateProfileConfig> = {};
  if (!capacityOf(env).hasNodeGroups && !env.eks.autoMode) {
    profiles[COREDNS_FARGATE_PROFILE] = kubeSystemProfile("k8s-app", "kube-dns");
    profiles[METRICS_SERVER_FARGATE_PROFILE] = kubeSystemProfile("app.kubernetes.io/name", "metrics-server");
    if (env.workloads.loadBalancerController) {
      const sa = LB_CONTROLLER_SERVICE_ACCOUNT;
      profiles[LB_CONTROLLER_FARGATE_PROFILE] = kubeSystemProfile("app.kubernetes.io/name", sa.name, sa.namespace);
    }
  }
  if (env.karpenter?.controllerOn === "fargate") {
    const sa = KARPENTER_SERVICE_ACCOUNT;
    profiles[KARPENTER_FARGATE_PROFILE] = kubeSystemProfile("app.kubernetes.io/name", sa.name, sa.namespace);
  }
  return profiles;
}

/**
 * The add-ons, pinned per Kubernetes version: what nodes need first (the VPC CNI with its own role,
 * kube-proxy, the Pod Identity agent where nodes run; Auto Mode runs these itself), then CoreDNS (on
 * Fargate without nodes), metrics-server and, where nodes run, the EBS CSI driver with its own role.
 */
export function addonsOf(env: Pick<ParsedEnv, "nodeGroups" | "karpenter" | "eks">): AddonPlan[] {
  const versions = eksAddonVersions(env.eks.kubernetesVersion, env.eks.addonVersions);
  const { hasNodeGroups: nodes } = capacityOf(env);
  const auto = env.eks.autoMode !== undefined;
  const addon = (name: EksAddonName, afterCompute: boolean, more: Partial<AddonPlan> = {}): AddonPlan => ({
    name,
    version: versions[name],
    afterCompute,
    ...more,
  });
  return [
    ...(auto ? [] : [addon("vpc-cni", false, { identity: "vpcCni" }), addon("kube-proxy", false)]),
    ...(!auto && nodes ? [addon("eks-pod-identity-agent", false)] : []),
    ...(auto ? [] : [addon("coredns", true, nodes ? {} : { configurationValues: { computeType: "fargate" } })]),
    addon("metrics-server", true),
    ...(nodes ? [addon("aws-ebs-csi-driver", true, { identity: "ebsCsiDriver" })] : []),
  ];
}

/** The state backend's names: the bucket, its lock table (`backend.dynamodbLock`) and the state key's alias. */
export function backendNames(
  env: Pick<ParsedEnv, "project" | "name" | "backend">,
): Pick<DerivedNames, "stateBucket" | "lockTable" | "stateKeyAlias"> {
  return {
    stateBucket: stateBucketName(env),
    lockTable: env.backend.dynamodbLock ? lockTableName(env) : undefined,
    stateKeyAlias: stateKeyAlias(env),
  };
}

/** Every AWS name of the environment, from its project, name and the fields that override them. */
export function derivedNames(
  env: Pick<
    ParsedEnv,
    "project" | "name" | "backend" | "kubeconfig" | "vpc" | "availabilityZones" | "nodeGroups" | "karpenter" | "tables" | "ecr"
  > &
    Pick<ParsedEnv, "logKmsEncryption" | "accountId">,
): DerivedNames {
  const cluster = clusterName(env);
  const nodeGroups: Record<string, NodeGroupNames> = {};
  for (const [key, g] of Object.entries(env.nodeGroups.selfManaged)) {
    const groups = nodeGroupNames(env, key, g).map((n) => selfManagedGroupName(cluster, n));
    nodeGroups[key] = { kind: "selfManaged", launchTemplate: selfManagedGroupName(cluster, key), groups };
  }
  for (const [key, g] of Object.entries(managedNodeGroupsOf(env))) {
    const groups = nodeGroupNames(env, key, g);
    nodeGroups[key] = { kind: "managed", launchTemplate: managedGroupTemplateName(cluster, key), groups };
  }
  return {
    prefix: envPrefix(env),
    cluster,
    roles: roleNames(env),
    ...backendNames(env),
    logKeyAlias: env.logKmsEncryption && env.accountId ? `alias/${envPrefix(env)}-logs` : undefined,
    clusterLogGroup: clusterLogGroupName(env),
    flowLogGroup: env.vpc.flowLogs.enabled ? flowLogGroupName(env) : undefined,
    terminationQueue: Object.keys(env.nodeGroups.selfManaged).length > 0 ? nodeTerminationQueueName(cluster) : undefined,
    karpenterQueue: env.karpenter ? karpenterQueueName(cluster) : undefined,
    nodeGroups,
    tables: Object.fromEntries(Object.keys(env.tables).map((t) => [t, appTableName(env, t)])),
    ecrRepositories: Object.fromEntries(env.ecr.repositories.map((image) => [image, ecrRepositoryName(env, image)])),
    kubeconfigPath: kubeconfigPath(env),
  };
}
