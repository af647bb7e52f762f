/**
 * Rules of the platform sections: derived AWS names, network layout, cluster endpoint and version,
 * node groups, Fargate profiles and application tables. Each message says what is allowed.
 * Each limit names its source: the EKS, DynamoDB and EC2 quotas pages of the AWS documentation and
 * the Kubernetes API conventions.
 */
import { labelKeyProblem, labelValueProblem } from "../../lib/aws-limits";
import { architecturesOf, instanceCategoryProblem, instanceTypeProblem } from "../../lib/aws-catalog";
import { contains, format, MAX_COMPUTED_ZONES, overlaps, parseCidr, RFC1918, subnet, type Cidr } from "../../lib/cidr";
import { imageReleaseProblem } from "../../lib/eks-node-images";
import { kubernetesVersionProblem, SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/eks-versions";
import {
  COREDNS_FARGATE_PROFILE,
  LB_CONTROLLER_FARGATE_PROFILE,
  METRICS_SERVER_FARGATE_PROFILE,
  clusterName,
  KARPENTER_FARGATE_PROFILE,
  KARPENTER_NODE_GROUP,
} from "../../lib/naming";
import {
  capacityProblems,
  existingVpcProblems,
  fargateSelectorCountProblem,
  fargateSelectorProblems,
  listedTwiceProblems,
  logKmsEncryptionProblem,
  nodeGroupNameClashes,
  publicAccessProblems,
  scalingProblems,
  serviceIpv4CidrProblem,
  sshCidrsProblems,
  subnetLayoutProblems,
  vpcCidrProblem,
  zonesCovered,
  type Problem,
} from "../../lib/validation";
import { nameIssues, platformNameUses } from "../name-checks";
import { derivedNames, hasNodeGroups, nodeGroupNames, projectFargateProfiles } from "../resolve";
import { KARPENTER_CONTROLLER_INSTANCE_TYPE, KEY_NAME_PATTERN, vpcCidrOf, type ParsedEnv, type TaintConfig } from "../schema";
import { nodeadmUserData } from "../../constructs/eks-worker-nodes/user-data";
import { issue, type ConfigIssue, type EnvRule } from "./types";

const KEY_NAME_RULE = "must be 1-40 lowercase letters, digits and hyphens, starting with a letter";
// Amazon EKS service quotas (docs.aws.amazon.com/eks/latest/userguide/service-quotas.html) and API limits.
const MAX_MANAGED_NODE_GROUPS = 30; // managed node groups per cluster
const MAX_MANAGED_GROUP_NODES = 450; // nodes per managed node group
const MAX_FARGATE_PROFILES = 10; // Fargate profiles per cluster
const MAX_TAINTS = 50; // taints per managed node group (CreateNodegroup)
const MAX_EKS_LABEL_LENGTH = 63; // managed node group label and taint keys and values (CreateNodegroup)
const MAX_INSTANCE_TYPES = 20; // instance types per managed node group (CreateNodegroup)
// Amazon DynamoDB quotas (docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
const MAX_GSIS = 20; // global secondary indexes per table
const MAX_PROJECTED_ATTRIBUTES = 100; // projected non-key attributes, over all indexes of a table
/**
 * Label prefixes the kubelet may not set on its own node (NodeRestriction admission): with one of
 * them in `--node-labels` the kubelet refuses to start, and the node never joins.
 */
const KUBELET_RESERVED_LABEL_DOMAINS = ["kubernetes.io", "k8s.io"];
const KUBELET_ALLOWED_LABELS = [
  "kubernetes.io/arch",
  "kubernetes.io/hostname",
  "kubernetes.io/os",
  "node.kubernetes.io/instance-type",
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
];
const KUBELET_ALLOWED_LABEL_DOMAINS = ["kubelet.kubernetes.io", "node.kubernetes.io"];
const ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/** Map keys that become AWS names and Terraform addresses must be short and plain. */
function keyIssues(section: readonly string[], keys: readonly string[]): ConfigIssue[] {
  return keys.filter((k) => !KEY_NAME_PATTERN.test(k)).map((k) => issue([...section, k], k, `has an invalid name: ${KEY_NAME_RULE}`));
}

function parsed(text: string): Cidr | undefined {
  const c = parseCidr(text);
  return typeof c === "string" ? undefined : c;
}

/** The issues of a shared rule's problems, below `base`. */
function issuesAt(base: readonly (string | number)[], problems: readonly Problem[]): ConfigIssue[] {
  return problems.map((p) => issue([...base, ...p.path], p.value, p.problem));
}

/** How the config names a field of one of its sections, in messages of shared rules. */
const inSection = (section: string) => (field: string) => `${section}.${field}`;

/** A /16 of 172.16.0.0/12 or 10.0.0.0/8 outside the VPC, for a suggestion that is never the refused value. */
function freeServiceRange(vpc: Cidr): string {
  for (const candidate of ["172.20.0.0/16", "10.100.0.0/16", "192.168.0.0/16"].map((t) => parsed(t)!)) {
    if (!overlaps(candidate, vpc)) return format(candidate);
  }
  return format(subnet(parsed("172.16.0.0/12")!, 16, 15));
}

const names: EnvRule = {
  needs: ["project", "name", "nodeGroups", "fargate", "tables", "ecr", "eks", "backend", "vpc", "availabilityZones"],
  check: (env) => {
    const names = derivedNames(env);
    const out = nameIssues(platformNameUses(env, names));
    out.push(...keyIssues(["nodeGroups", "selfManaged"], Object.keys(env.nodeGroups.selfManaged)));
    out.push(...keyIssues(["nodeGroups", "managed"], Object.keys(env.nodeGroups.managed)));
    out.push(
      ...issuesAt(
        ["nodeGroups", "managed"],
        nodeGroupNameClashes(Object.keys(env.nodeGroups.selfManaged), Object.keys(env.nodeGroups.managed)),
      ),
    );
    out.push(...keyIssues(["fargate", "profiles"], Object.keys(env.fargate.profiles)));
    out.push(...keyIssues(["tables"], Object.keys(env.tables)));
    out.push(...keyIssues(["eks", "admins"], Object.keys(env.eks.admins)));
    out.push(...keyIssues(["eks", "viewers"], Object.keys(env.eks.viewers)));
    for (const table of Object.keys(env.tables)) {
      if (env.backend.kind === "s3" && names.tables[table] === names.lockTable)
        out.push(
          issue(["tables", table], table, `makes the table "${names.lockTable}", the state lock table's name; give the table another name`),
        );
    }
    out.push(...issuesAt(["ecr", "repositories"], listedTwiceProblems(env.ecr.repositories)));
    return out;
  },
};

/** Fargate profile names the project adds itself, and what for. */
const RESERVED_FARGATE_PROFILES: readonly [string, string][] = [
  [COREDNS_FARGATE_PROFILE, "the CoreDNS profile the project adds to clusters without node groups"],
  [LB_CONTROLLER_FARGATE_PROFILE, "the profile the project adds for the load balancer controller"],
  [METRICS_SERVER_FARGATE_PROFILE, "the metrics-server profile the project adds to clusters without node groups"],
  [KARPENTER_FARGATE_PROFILE, 'the profile the project adds for the Karpenter controller (karpenter.controllerOn "fargate")'],
];

/** What an existing VPC replaces, by the field that would conflict with it. */
const REPLACED_BY_EXISTING_VPC: Readonly<Record<"cidr" | "publicSubnetCidrs" | "privateSubnetCidrs" | "natGateways", string>> = {
  cidr: "the VPC's CIDR is vpc.existing.cidr",
  publicSubnetCidrs: "the public subnets are vpc.existing.publicSubnets",
  privateSubnetCidrs: "the private subnets are vpc.existing.privateSubnets",
  natGateways: "the project creates no NAT gateway in a VPC it does not own (the VPC's owner routes the private subnets)",
};

/** An existing VPC: the fields it replaces are unset, and what it declares holds together. */
function existingVpcIssues(env: ParsedEnv, existing: NonNullable<ParsedEnv["vpc"]["existing"]>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const [field, why] of Object.entries(REPLACED_BY_EXISTING_VPC)) {
    const value = env.vpc[field as keyof typeof REPLACED_BY_EXISTING_VPC];
    if (value !== undefined)
      out.push(issue(["vpc", field], value, `cannot be set together with vpc.existing: ${why}; remove vpc.${field}`));
  }
  out.push(...issuesAt(["vpc", "existing"], existingVpcProblems(existing, env.availabilityZones, inSection("vpc.existing"))));
  return out;
}

const network: EnvRule = {
  needs: ["vpc", "availabilityZones", "eks", "nodeGroups"],
  check: (env) => {
    const out: ConfigIssue[] = [];
    const existing = env.vpc.existing;
    if (existing) out.push(...existingVpcIssues(env, existing));
    const cidrText = vpcCidrOf(env.vpc);
    const vpc = parsed(cidrText);
    if (!vpc) return out;
    const vpcProblem = vpcCidrProblem(vpc);
    if (vpcProblem) return existing ? out : [issue(["vpc", "cidr"], cidrText, vpcProblem)];
    if (!existing) out.push(...ownVpcIssues(env, vpc, cidrText));

    const servicePath = ["eks", "serviceIpv4Cidr"];
    const serviceProblem = serviceIpv4CidrProblem(env.eks.serviceIpv4Cidr);
    const service = parsed(env.eks.serviceIpv4Cidr);
    if (serviceProblem) out.push(issue(servicePath, env.eks.serviceIpv4Cidr, serviceProblem));
    else if (service && overlaps(service, vpc)) {
      out.push(
        issue(servicePath, env.eks.serviceIpv4Cidr, `overlaps the VPC ${cidrText}; pick a range outside it, e.g. ${freeServiceRange(vpc)}`),
      );
    }

    if (env.nodeGroups.ssh) {
      const ssh = env.nodeGroups.ssh.allowedCidrs;
      out.push(...issuesAt(["nodeGroups", "ssh", "allowedCidrs"], [...sshCidrsProblems(ssh), ...listedTwiceProblems(ssh)]));
    }
    return out;
  },
};

/** The subnet layout of the VPC the project creates: given in full, or computable from its CIDR. */
function ownVpcIssues(env: ParsedEnv, vpc: Cidr, cidrText: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const zones = env.availabilityZones.length;
  const given = { publicSubnetCidrs: env.vpc.publicSubnetCidrs, privateSubnetCidrs: env.vpc.privateSubnetCidrs };
  if ((given.publicSubnetCidrs === undefined) !== (given.privateSubnetCidrs === undefined)) {
    const missing = given.publicSubnetCidrs === undefined ? "publicSubnetCidrs" : "privateSubnetCidrs";
    const present = missing === "publicSubnetCidrs" ? "privateSubnetCidrs" : "publicSubnetCidrs";
    out.push(issue(["vpc", present], given[present], `is set but vpc.${missing} is not: give both, or neither to have them computed`));
    return out;
  }
  if (given.publicSubnetCidrs === undefined) {
    if (vpc.prefix > 22) {
      out.push(
        issue(
          ["vpc", "cidr"],
          cidrText,
          "is too small for the computed subnet layout (/16-/22); give vpc.publicSubnetCidrs and vpc.privateSubnetCidrs",
        ),
      );
    }
    if (zones > MAX_COMPUTED_ZONES) {
      out.push(
        issue(
          ["availabilityZones"],
          env.availabilityZones,
          `lists more zones than the computed layout supports (${MAX_COMPUTED_ZONES}); give the subnet CIDRs`,
        ),
      );
    }
  } else {
    const lists = { publicSubnetCidrs: given.publicSubnetCidrs, privateSubnetCidrs: given.privateSubnetCidrs! };
    out.push(...issuesAt(["vpc"], subnetLayoutProblems({ cidr: vpc, text: cidrText }, zones, lists, inSection("vpc"))));
  }
  return out;
}

/**
 * In an existing VPC, an internet-facing load balancer (the 2048 sample's ALB) needs public subnets
 * in two zones, or its Ingress never gets an address.
 */
const loadBalancerSubnets: EnvRule = {
  needs: ["vpc", "availabilityZones", "workloads"],
  check: (env) => {
    const existing = env.vpc.existing;
    if (!existing || !env.workloads.sample2048) return [];
    const zones = zonesCovered(existing.publicSubnets, env.availabilityZones);
    if (zones.length >= 2) return [];
    return [
      issue(
        ["vpc", "existing", "publicSubnets"],
        zones,
        "must be in at least two availability zones with workloads.sample2048: its internet-facing ALB needs public subnets in two",
      ),
    ];
  },
};

const cluster: EnvRule = {
  needs: ["eks", "accountId", "logKmsEncryption"],
  check: (env) => {
    const out: ConfigIssue[] = [];
    const eks = env.eks;
    const versionProblem = kubernetesVersionProblem(eks.kubernetesVersion);
    if (versionProblem) out.push(issue(["eks", "kubernetesVersion"], eks.kubernetesVersion, versionProblem));
    out.push(...issuesAt(["eks"], publicAccessProblems(eks, inSection("eks"))));
    for (const [addon, version] of Object.entries(eks.addonVersions)) {
      if (version !== undefined && !ADDON_VERSION_PATTERN.test(version)) {
        out.push(issue(["eks", "addonVersions", addon], version, 'must be an EKS add-on version like "v1.19.2-eksbuild.1"'));
      }
    }
    for (const [i, text] of eks.apiAccess.cidrs.entries()) {
      const c = parsed(text);
      if (c && !RFC1918.some((r) => contains(r, c))) {
        out.push(
          issue(
            ["eks", "apiAccess", "cidrs", i],
            text,
            "must be a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16): it opens the private endpoint; public clients use eks.publicAccessCidrs",
          ),
        );
      }
    }
    // AWS refuses a rule or range given twice (InvalidPermission.Duplicate, a repeated public CIDR).
    out.push(...issuesAt(["eks", "publicAccessCidrs"], listedTwiceProblems(eks.publicAccessCidrs)));
    out.push(...issuesAt(["eks", "apiAccess", "cidrs"], listedTwiceProblems(eks.apiAccess.cidrs)));
    out.push(...issuesAt(["eks", "apiAccess", "securityGroupIds"], listedTwiceProblems(eks.apiAccess.securityGroupIds)));
    const logKeyProblem = logKmsEncryptionProblem(env);
    if (logKeyProblem) out.push(issue(["logKmsEncryption"], env.logKmsEncryption, logKeyProblem));
    return out;
  },
};

function taintIssues(path: (string | number)[], taints: readonly TaintConfig[], managed: boolean): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (taints.length > MAX_TAINTS) out.push(issue(path, `${taints.length} taints`, `must have at most ${MAX_TAINTS} taints`));
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    const p = labelKeyProblem(t.key);
    if (p) out.push(issue([...path, i, "key"], t.key, p));
    else if (managed && t.key.length > MAX_EKS_LABEL_LENGTH)
      out.push(issue([...path, i, "key"], t.key, `must be at most ${MAX_EKS_LABEL_LENGTH} characters in a managed node group (EKS limit)`));
    if (t.value !== undefined) {
      const v = labelValueProblem(t.value);
      if (v) out.push(issue([...path, i, "value"], t.value, v));
    }
    const id = `${t.key}:${t.effect}`;
    if (seen.has(id))
      out.push(issue([...path, i], t, `repeats the taint ${t.key} with effect ${t.effect}; a node has each key and effect once`));
    seen.add(id);
  });
  return out;
}

/** EC2 user data, before base64 (RunInstances, UserData). */
const MAX_USER_DATA_BYTES = 16_384;

/**
 * The size of a self-managed group's user data with the longest endpoint and CA EKS gives: an
 * endpoint of 128 characters, a CA bundle of 2,048 (a PEM certificate, base64).
 */
function userDataBytes(cluster: string, serviceIpv4Cidr: string, group: Parameters<typeof nodeadmUserData>[1]): number {
  const text = nodeadmUserData(
    { clusterName: cluster, clusterEndpoint: "e".repeat(128), clusterCertificateAuthorityData: "c".repeat(2048), serviceIpv4Cidr },
    group,
  );
  return Buffer.byteLength(text, "utf8");
}

/** Why the kubelet may not set this label on its own node, or undefined. */
function kubeletLabelProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return undefined;
  const domain = key.slice(0, slash);
  const reserved = KUBELET_RESERVED_LABEL_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
  const allowed =
    KUBELET_ALLOWED_LABELS.includes(key) || KUBELET_ALLOWED_LABEL_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
  return reserved && !allowed
    ? `uses the ${domain} prefix, which a node may not give itself (the kubelet refuses to start); use your own prefix, or node.kubernetes.io/`
    : undefined;
}

function labelIssues(
  path: (string | number)[],
  labels: Record<string, string>,
  kind: "self-managed" | "managed" | "selector",
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const k = labelKeyProblem(key);
    if (k) out.push(issue([...path, key], value, `has an invalid key: the key ${k}`));
    else if (kind !== "selector" && kubeletLabelProblem(key))
      out.push(issue([...path, key], value, `has a key that ${kubeletLabelProblem(key)}`));
    else if (kind === "managed" && key.length > MAX_EKS_LABEL_LENGTH)
      out.push(
        issue([...path, key], value, `has a key longer than ${MAX_EKS_LABEL_LENGTH} characters, which EKS refuses for managed node groups`),
      );
    const v = labelValueProblem(value);
    if (v) out.push(issue([...path, key], value, v));
    else if (kind === "managed" && value.length === 0)
      out.push(issue([...path, key], value, "must not be empty in a managed node group (EKS limit)"));
  }
  return out;
}

function instanceTypeIssues(path: (string | number)[], type: string, arm: boolean, fix: (arch: string) => string): ConfigIssue[] {
  const problem = instanceTypeProblem(type);
  if (problem) return [issue(path, type, problem)];
  if (type.startsWith("mac")) return [issue(path, type, "is a Mac instance, which cannot be an EKS node")];
  const archs = architecturesOf(type)!;
  const want = arm ? "arm64" : "x86_64";
  if (!archs.includes(want)) {
    return [
      issue(
        path,
        type,
        archs.includes("arm64")
          ? `is an arm64 (Graviton) type but the group's AMI is x86_64: ${fix("arm64")}`
          : `is an x86_64 type but the group's AMI is arm64: ${fix("x86_64")}`,
      ),
    ];
  }
  return [];
}

/** The minor of "1.35". */
function minorOf(version: string): number {
  return Number(version.split(".")[1]);
}

/**
 * Nodes may lag the control plane by up to three minors (the Kubernetes version skew policy), never
 * lead it: a group pinned to another version is how nodes are upgraded after the control plane.
 */
export function nodeVersionIssues(path: (string | number)[], version: string | undefined, clusterVersion: string): ConfigIssue[] {
  if (version === undefined || !SUPPORTED_KUBERNETES_VERSIONS.includes(clusterVersion)) return [];
  const problem = kubernetesVersionProblem(version);
  if (problem) return [issue(path, version, problem)];
  const lag = minorOf(clusterVersion) - minorOf(version);
  if (lag < 0) {
    return [
      issue(path, version, `is newer than the control plane (eks.kubernetesVersion ${clusterVersion}); upgrade the control plane first`),
    ];
  }
  if (lag > 3) {
    return [issue(path, version, `is more than three minors older than the control plane (${clusterVersion}); upgrade the nodes first`)];
  }
  return [];
}

const compute: EnvRule = {
  needs: ["nodeGroups", "fargate", "eks", "workloads", "karpenter", "vpc", "availabilityZones"],
  check: (env) => {
    const out: ConfigIssue[] = [];
    for (const [kind, groups] of [
      ["selfManaged", env.nodeGroups.selfManaged],
      ["managed", env.nodeGroups.managed],
    ] as const) {
      for (const [name, g] of Object.entries<{ kubernetesVersion?: string; imageRelease?: string; amiType?: string }>(groups)) {
        const path = ["nodeGroups", kind, name];
        out.push(...nodeVersionIssues([...path, "kubernetesVersion"], g.kubernetesVersion, env.eks.kubernetesVersion));
        const version = g.kubernetesVersion ?? env.eks.kubernetesVersion;
        const releaseProblem = g.imageRelease !== undefined && imageReleaseProblem(g.imageRelease, version, g.amiType);
        if (releaseProblem) out.push(issue([...path, "imageRelease"], g.imageRelease, releaseProblem));
      }
    }
    for (const [name, g] of Object.entries(env.nodeGroups.selfManaged)) {
      const path = ["nodeGroups", "selfManaged", name];
      out.push(...issuesAt(path, scalingProblems(g)));
      out.push(
        ...instanceTypeIssues([...path, "instanceType"], g.instanceType, g.architecture === "arm64", (a) => `set architecture: "${a}"`),
      );
      out.push(...labelIssues([...path, "labels"], g.labels, "self-managed"));
      out.push(...taintIssues([...path, "taints"], g.taints, false));
      const userData = userDataBytes(clusterName(env), env.eks.serviceIpv4Cidr, g);
      if (userData > MAX_USER_DATA_BYTES)
        out.push(
          issue(
            [...path, "labels"],
            `${Object.keys(g.labels).length} labels, ${g.taints.length} taints`,
            `make the nodes' user data ${userData} bytes with the cluster's endpoint and CA, over EC2's limit of ${MAX_USER_DATA_BYTES}: use fewer or shorter labels and taints`,
          ),
        );
    }
    if (env.eks.autoMode) {
      for (const kind of ["selfManaged", "managed"] as const) {
        if (Object.keys(env.nodeGroups[kind]).length > 0) {
          out.push(
            issue(
              ["nodeGroups", kind],
              Object.keys(env.nodeGroups[kind]),
              "must be empty with eks.autoMode: Auto Mode runs the nodes in its node pools; remove the groups or turn Auto Mode off",
            ),
          );
        }
      }
    }
    const managedGroups =
      Object.entries(env.nodeGroups.managed).flatMap(([k, g]) => nodeGroupNames(env, k, g)).length +
      (env.karpenter?.controllerOn === "nodeGroup" ? 1 : 0);
    if (managedGroups > MAX_MANAGED_NODE_GROUPS) {
      out.push(
        issue(
          ["nodeGroups", "managed"],
          `${managedGroups} groups`,
          `must have at most ${MAX_MANAGED_NODE_GROUPS} groups (EKS quota per cluster; a perZone group counts once per zone)`,
        ),
      );
    }
    for (const [name, g] of Object.entries(env.nodeGroups.managed)) {
      const path = ["nodeGroups", "managed", name];
      out.push(...issuesAt(path, scalingProblems(g)));
      if (g.instanceTypes.length < 1 || g.instanceTypes.length > MAX_INSTANCE_TYPES) {
        out.push(issue([...path, "instanceTypes"], g.instanceTypes, `must list 1-${MAX_INSTANCE_TYPES} instance types`));
      }
      const arm = g.amiType.includes("ARM");
      const fix = (a: string) =>
        `set amiType: "${a === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD"}" (or its Bottlerocket twin)`;
      g.instanceTypes.forEach((t, i) => out.push(...instanceTypeIssues([...path, "instanceTypes", i], t, arm, fix)));
      if (g.maxSize > MAX_MANAGED_GROUP_NODES) {
        out.push(
          issue([...path, "maxSize"], g.maxSize, `must be at most ${MAX_MANAGED_GROUP_NODES} (EKS quota: nodes per managed node group)`),
        );
      }
      if (g.maxUnavailable !== undefined && g.maxUnavailablePercentage !== undefined) {
        out.push(
          issue([...path, "maxUnavailablePercentage"], g.maxUnavailablePercentage, "cannot be set together with maxUnavailable; pick one"),
        );
      }
      out.push(...labelIssues([...path, "labels"], g.labels, "managed"));
      out.push(...taintIssues([...path, "taints"], g.taints, true));
    }
    const profiles = Object.entries(env.fargate.profiles);
    const added = Object.keys(projectFargateProfiles(env));
    if (profiles.length + added.length > MAX_FARGATE_PROFILES) {
      out.push(
        issue(
          ["fargate", "profiles"],
          `${profiles.length} profiles`,
          `must have at most ${MAX_FARGATE_PROFILES - added.length} profiles: EKS allows ${MAX_FARGATE_PROFILES} per cluster${added.length > 0 ? ` and the project adds ${added.length} (${added.join(", ")})` : ""}`,
        ),
      );
    }
    for (const [name, purpose] of RESERVED_FARGATE_PROFILES) {
      if (name in env.fargate.profiles)
        out.push(issue(["fargate", "profiles", name], name, `is reserved for ${purpose}; pick another name`));
    }
    for (const [name, profile] of profiles) {
      const path = ["fargate", "profiles", name, "selectors"];
      const countProblem = fargateSelectorCountProblem(profile.selectors);
      if (countProblem) out.push(issue(path, profile.selectors, countProblem));
      profile.selectors.forEach((sel, i) => {
        out.push(...issuesAt([...path, i], fargateSelectorProblems(sel)));
        out.push(...labelIssues([...path, i, "labels"], sel.labels ?? {}, "selector"));
      });
    }
    return out;
  },
};

/**
 * Karpenter: what it cannot be combined with (one message each, naming both fields), the names it
 * adds, its controller's compute and the NodePool's instance categories.
 */
const karpenter: EnvRule = {
  needs: ["karpenter", "eks", "workloads", "nodeGroups", "project", "name"],
  check: (env) => {
    const k = env.karpenter;
    const out: ConfigIssue[] = [];
    if (!k) {
      if (env.workloads.clusterAutoscaler === true && !hasNodeGroups(env)) {
        out.push(
          issue(
            ["workloads", "clusterAutoscaler"],
            true,
            "needs node groups to scale: add nodeGroups.selfManaged or nodeGroups.managed, or remove it",
          ),
        );
      }
      return out;
    }
    if (env.eks.autoMode) {
      out.push(
        issue(
          ["eks", "autoMode"],
          env.eks.autoMode,
          "cannot be used with karpenter: Auto Mode scales its nodes with a Karpenter of its own, run by EKS; remove eks.autoMode or karpenter",
        ),
      );
    }
    if (env.workloads.clusterAutoscaler === true) {
      out.push(
        issue(
          ["workloads", "clusterAutoscaler"],
          true,
          "cannot be used with karpenter: both would add nodes for the same pending pods; remove workloads.clusterAutoscaler (Karpenter scales the cluster) or karpenter",
        ),
      );
    }
    if (k.controllerOn === "nodeGroup") {
      const type = k.controllerInstanceType ?? KARPENTER_CONTROLLER_INSTANCE_TYPE;
      out.push(...instanceTypeIssues(["karpenter", "controllerInstanceType"], type, false, () => "pick an x86_64 type such as t3.medium"));
      if (KARPENTER_NODE_GROUP in env.nodeGroups.managed) {
        out.push(
          issue(
            ["nodeGroups", "managed", KARPENTER_NODE_GROUP],
            KARPENTER_NODE_GROUP,
            'is reserved for the Karpenter controller\'s node group (karpenter.controllerOn "nodeGroup"); pick another name',
          ),
        );
      }
    } else if (k.controllerInstanceType !== undefined) {
      out.push(
        issue(
          ["karpenter", "controllerInstanceType"],
          k.controllerInstanceType,
          'only applies with karpenter.controllerOn "nodeGroup"; remove it',
        ),
      );
    }
    k.nodePool.instanceCategories.forEach((category, i) => {
      const path = ["karpenter", "nodePool", "instanceCategories", i];
      const problem = instanceCategoryProblem(category);
      if (problem) out.push(issue(path, category, problem));
      else if (category === "mac") out.push(issue(path, category, "names Mac instances, which cannot be EKS nodes"));
    });
    for (const [list, values] of Object.entries({
      instanceCategories: k.nodePool.instanceCategories,
      capacityTypes: k.nodePool.capacityTypes,
      architectures: k.nodePool.architectures,
    })) {
      out.push(...issuesAt(["karpenter", "nodePool", list], listedTwiceProblems(values)));
    }
    return out;
  },
};

const tables: EnvRule = {
  needs: ["tables"],
  check: (env) => {
    const out: ConfigIssue[] = [];
    for (const [name, t] of Object.entries(env.tables)) {
      const path = ["tables", name];
      const capacityIssues = (p: (string | number)[], c: { readCapacity?: number; writeCapacity?: number }) =>
        out.push(...issuesAt(p, capacityProblems(t.billingMode, c)));
      capacityIssues(path, t);
      const types = new Map<string, { type: string; where: string }>();
      const key = (where: (string | number)[], k: { name: string; type: string } | undefined) => {
        if (!k) return;
        const seen = types.get(k.name);
        if (seen && seen.type !== k.type) {
          out.push(issue([...where, "type"], k.type, `conflicts with ${seen.where}, which declares attribute "${k.name}" as ${seen.type}`));
        } else if (!seen) types.set(k.name, { type: k.type, where: `tables.${name}.${where.slice(2).join(".")}` });
      };
      key([...path, "hashKey"], t.hashKey);
      key([...path, "rangeKey"], t.rangeKey);
      if (t.rangeKey && t.rangeKey.name === t.hashKey.name)
        out.push(issue([...path, "rangeKey", "name"], t.rangeKey.name, "must differ from the hash key"));
      const indexes = Object.entries(t.globalSecondaryIndexes);
      if (indexes.length > MAX_GSIS)
        out.push(issue([...path, "globalSecondaryIndexes"], `${indexes.length} indexes`, `must have at most ${MAX_GSIS} indexes`));
      for (const [index, gsi] of indexes) {
        const ipath = [...path, "globalSecondaryIndexes", index];
        if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(index))
          out.push(issue(ipath, index, "has an invalid name: index names are 3-255 letters, digits, '_', '.' and '-'"));
        key([...ipath, "hashKey"], gsi.hashKey);
        key([...ipath, "rangeKey"], gsi.rangeKey);
        if (gsi.rangeKey && gsi.rangeKey.name === gsi.hashKey.name)
          out.push(issue([...ipath, "rangeKey", "name"], gsi.rangeKey.name, "must differ from the index's hash key"));
        capacityIssues(ipath, gsi);
        if (gsi.projection === "INCLUDE" && !(gsi.nonKeyAttributes && gsi.nonKeyAttributes.length > 0)) {
          out.push(issue([...ipath, "nonKeyAttributes"], gsi.nonKeyAttributes, "must list the attributes an INCLUDE projection copies"));
        }
        if (gsi.projection !== "INCLUDE" && gsi.nonKeyAttributes !== undefined) {
          out.push(issue([...ipath, "nonKeyAttributes"], gsi.nonKeyAttributes, "only applies with projection INCLUDE"));
        }
      }
      const projected = indexes.reduce((n, [, gsi]) => n + (gsi.projection === "INCLUDE" ? (gsi.nonKeyAttributes?.length ?? 0) : 0), 0);
      if (projected > MAX_PROJECTED_ATTRIBUTES) {
        out.push(
          issue(
            [...path, "globalSecondaryIndexes"],
            `${projected} projected attributes`,
            `must project at most ${MAX_PROJECTED_ATTRIBUTES} non-key attributes over all its indexes (DynamoDB quota); use projection ALL for wide indexes`,
          ),
        );
      }
    }
    return out;
  },
};

export const PLATFORM_RULES: readonly EnvRule[] = [names, network, loadBalancerSubnets, cluster, compute, karpenter, tables];
