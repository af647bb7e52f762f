/**
 * The default EC2NodeClass and NodePool as Kubernetes objects (karpenter.k8s.aws/v1 and
 * karpenter.sh/v1, the APIs of the pinned release), built from the environment's `karpenter`
 * settings. Pure: the workloads stack installs them, the tests and the policy pack read them.
 */

/** A Kubernetes object as the API takes it. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: Readonly<Record<string, unknown>>;
}

export const EC2_NODE_CLASS_API = { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass" } as const;
export const NODE_POOL_API = { apiVersion: "karpenter.sh/v1", kind: "NodePool" } as const;

/** The root device of the Amazon Linux 2023 EKS AMIs. */
const AL2023_ROOT_DEVICE = "/dev/xvda";
/** Instance generations older than this are not launched (the reference NodePool's `Gt 2`). */
const OLDEST_GENERATION_EXCLUDED = "2";

/** Options of {@link ec2NodeClass}. */
export interface Ec2NodeClassOptions {
  /** Name of the node role: Karpenter puts it in an instance profile it creates. */
  readonly roleName: string;
  /** A pinned EKS AMI release, `al2023@v<YYYYMMDD>`. */
  readonly amiAlias: string;
  /** The subnets nodes are launched in, by id. */
  readonly subnetIds: readonly string[];
  /** The security groups of the nodes, by id. */
  readonly securityGroupIds: readonly string[];
  /** Root volume size (encrypted gp3). */
  readonly rootVolumeGib: number;
  /** Tags for everything Karpenter creates (instances, volumes, interfaces, launch templates, instance profiles). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An EC2NodeClass: the node role, the pinned AMI, subnets and security groups by id (nothing found
 * by tag at run time), and the same hardening as the node groups' launch templates, written out
 * rather than left to Karpenter's defaults: IMDSv2 required with hop limit 1 (pods cannot reach
 * the node role), an encrypted gp3 root volume deleted with the node.
 */
export function ec2NodeClass(name: string, o: Ec2NodeClassOptions): KubernetesObject {
  return {
    ...EC2_NODE_CLASS_API,
    metadata: { name },
    spec: {
      role: o.roleName,
      amiSelectorTerms: [{ alias: o.amiAlias }],
      subnetSelectorTerms: o.subnetIds.map((id) => ({ id })),
      securityGroupSelectorTerms: o.securityGroupIds.map((id) => ({ id })),
      metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
      blockDeviceMappings: [
        {
          deviceName: AL2023_ROOT_DEVICE,
          ebs: { volumeSize: `${o.rootVolumeGib}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
        },
      ],
      ...(o.tags && Object.keys(o.tags).length > 0 ? { tags: { ...o.tags } } : {}),
    },
  };
}

/** Options of {@link nodePool}: the environment's `karpenter.nodePool`. */
export interface NodePoolOptions {
  readonly instanceCategories: readonly string[];
  readonly capacityTypes: readonly ("on-demand" | "spot")[];
  readonly architectures: readonly ("amd64" | "arm64")[];
  /** vCPUs of all the pool's nodes together, or "none" for no limit. */
  readonly cpuLimit: number | "none";
  readonly consolidationPolicy: "WhenEmptyOrUnderutilized" | "WhenEmpty";
  /** A duration, or "Never" (no consolidation). */
  readonly consolidateAfter: string;
  /** A duration, or "Never" (nodes are never replaced for age). */
  readonly expireAfter: string;
}

/**
 * A NodePool of the EC2NodeClass `nodeClassName`: Linux nodes of the given categories (generation
 * 3 or newer), capacity types and architectures, at most `cpuLimit` vCPUs in all, consolidated and
 * expired as configured. Karpenter's default disruption budget (10% of the nodes at a time) applies.
 */
export function nodePool(name: string, nodeClassName: string, o: NodePoolOptions): KubernetesObject {
  const requirement = (key: string, values: readonly string[], operator = "In") => ({ key, operator, values: [...values] });
  return {
    ...NODE_POOL_API,
    metadata: { name },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: EC2_NODE_CLASS_API.apiVersion.split("/")[0], kind: EC2_NODE_CLASS_API.kind, name: nodeClassName },
          requirements: [
            requirement("karpenter.k8s.aws/instance-category", o.instanceCategories),
            requirement("karpenter.k8s.aws/instance-generation", [OLDEST_GENERATION_EXCLUDED], "Gt"),
            requirement("karpenter.sh/capacity-type", o.capacityTypes),
            requirement("kubernetes.io/arch", o.architectures),
            requirement("kubernetes.io/os", ["linux"]),
          ],
          expireAfter: o.expireAfter,
        },
      },
      ...(o.cpuLimit === "none" ? {} : { limits: { cpu: o.cpuLimit } }),
      disruption: { consolidationPolicy: o.consolidationPolicy, consolidateAfter: o.consolidateAfter },
    },
  };
}
