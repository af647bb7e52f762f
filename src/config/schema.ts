/**
 * The environment configuration schema: the single source of truth for what `envs/*.ts` may say.
 *
 * Every object is strict (an unknown key is an error, usually a typo). Field-level rules live here;
 * rules that span fields or check derived AWS names live in `./rules.ts`. Messages are written to
 * follow the field path: `env "dev": region must be an AWS region name like eu-west-1 (got "EU")`.
 *
 * No `cdktf` import here: scripts and tests use the config without loading the CDKTF runtime.
 */
import { z } from "zod";
import { regionProblem } from "../lib/aws-catalog";
import { defaultSubnetLayout, parseCidr } from "../lib/cidr";
import { DEFAULT_KUBERNETES_VERSION } from "../lib/eks-versions";
import { perZoneGroupName } from "../lib/naming";
import { imageDigestProblem } from "../lib/validation";

/** `dev`, `qa`, `prod2`: lowercase, it becomes part of stack ids, file names and AWS names. */
const ENV_NAME_PATTERN = /^[a-z][a-z0-9]{1,15}$/;
/** Letters, digits and inner hyphens; the AWS-specific limits are checked on the derived names. */
const PROJECT_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An IAM role ARN in a supported partition, with an optional path; its partition is checked against the region. */
const ROLE_ARN_PATTERN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Tag keys the project sets itself on every resource through the provider's `default_tags`. */
export const RESERVED_TAG_KEYS = ["Project", "Environment", "ManagedBy"] as const;

const roleArn = z.string().regex(ROLE_ARN_PATTERN, {
  error: "must be an IAM role ARN like arn:aws:iam::123456789012:role/deployer",
});

/** An IAM role or user ARN (EKS access entries accept both). */
const PRINCIPAL_ARN_PATTERN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Retention values CloudWatch Logs accepts (`PutRetentionPolicy`); 0 means never expire. */
const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** IAM role or user ARNs by name (EKS access entries). */
const principals = z.record(
  z.string(),
  z.string().regex(PRINCIPAL_ARN_PATTERN, { error: "must be an IAM role or user ARN like arn:aws:iam::123456789012:role/admin" }),
);

/** A name used as a map key that becomes part of AWS names and Terraform addresses. */
export const KEY_NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

const cidrBlock = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed, input: value });
});

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `must be a whole number of ${what}` })
    .int({ error: `must be a whole number of ${what}` })
    .min(min, { error: `must be ${min}-${max} ${what}` })
    .max(max, { error: `must be ${min}-${max} ${what}` });

const logRetention = z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
  error: `must be one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(", ")} (0 = never expire)`,
});

/** Kubernetes node labels (`kubernetes.io/arch=arm64` style keys allowed). */
const labels = z.record(z.string(), z.string()).default({});

const TaintSchema = z.strictObject({
  /** Taint key (a Kubernetes label key). */
  key: z.string().meta({ description: "the taint's key, a Kubernetes label key such as dedicated" }),
  /** Taint value. @default - none */
  value: z.string().optional(),
  /** "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE". */
  effect: z
    .enum(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"], {
      error: 'must be "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE"',
    })
    .meta({ description: "what the taint does to pods that do not tolerate it: NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE" }),
});

/** An EKS add-on version, as `aws eks describe-addon-versions` prints it (its format is checked in the rules). */
const addonVersion = z.string().optional();

/** Scaling bounds shared by both node group kinds; min <= desired <= max is checked in the rules. */
const scaling = {
  /**
   * Kubernetes minor version of the group's nodes, to upgrade them one step after the control
   * plane: never newer than `eks.kubernetesVersion`, at most three minors older. @default - the cluster's
   */
  kubernetesVersion: z.string().optional(),
  /** Smallest number of nodes. @default 1 */
  minSize: int("nodes", 0, 1000).default(1),
  /** Nodes at creation; later left to the cluster autoscaler (Terraform ignores drift). @default 2 */
  desiredSize: int("nodes", 0, 1000).default(2),
  /** Largest number of nodes. @default 3 */
  maxSize: int("nodes", 1, 1000).default(3),
  /** Node labels. @default {} */
  labels,
  /** Node taints. @default [] */
  taints: z.array(TaintSchema).default([]),
  /**
   * IMDSv2 response hop limit. 1 keeps pods from reaching the node's instance role; 2 only if pods
   * must use IMDS. @default 1
   */
  metadataHopLimit: z.union([z.literal(1), z.literal(2)], { error: "must be 1 or 2" }).default(1),
  /**
   * The AL2023 EKS AMI release of the nodes, as EKS writes a managed node group's `release_version`
   * (e.g. "1.35.4-20260512"; its Kubernetes minor must be the nodes'). Changing it rolls the nodes:
   * managed groups `maxUnavailable` at a time, self-managed ones by instance refresh, each node
   * drained first. Not for Bottlerocket groups. @default - the release listed for the nodes' Kubernetes version (`npm run images:update` refreshes the list)
   */
  imageRelease: z.string().optional(),
  /**
   * One group per availability zone: `<group>-<zone letter>`, each in its zone's private subnets, so
   * the cluster autoscaler can add a node in the zone a pending pod's EBS volume lives in.
   * `minSize`, `desiredSize` and `maxSize` then apply to each zone's group. @default false
   */
  perZone: z.boolean({ error: "must be true or false" }).default(false),
};

/** A self-managed node group (first blog post): launch template + autoscaling group. */
export const SelfManagedGroupSchema = z.strictObject({
  /** EC2 instance type. @default "m5.large" */
  instanceType: z.string().default("m5.large"),
  /** CPU architecture of the AL2023 EKS AMI; must match the instance type. @default "x86_64" */
  architecture: z.enum(["x86_64", "arm64"], { error: 'must be "x86_64" or "arm64"' }).default("x86_64"),
  /** Root volume size (encrypted gp3). @default 50 */
  rootVolumeGib: int("GiB", 20, 16384).default(50),
  ...scaling,
});

/** An EKS managed node group (Fargate blog post's `kube-system` group). */
export const ManagedGroupSchema = z.strictObject({
  /** Instance types; several for SPOT. @default ["t3.medium"] */
  instanceTypes: z.array(z.string()).default(["t3.medium"]),
  /** EKS AMI type. @default "AL2023_x86_64_STANDARD" */
  amiType: z
    .enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"], {
      error: "must be AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, BOTTLEROCKET_x86_64 or BOTTLEROCKET_ARM_64",
    })
    .default("AL2023_x86_64_STANDARD"),
  /** ON_DEMAND or SPOT. @default "ON_DEMAND" */
  capacityType: z.enum(["ON_DEMAND", "SPOT"], { error: 'must be "ON_DEMAND" or "SPOT"' }).default("ON_DEMAND"),
  /** Root volume size (encrypted gp3, set in the launch template). @default 50 */
  diskSizeGib: int("GiB", 20, 16384).default(50),
  /** Nodes replaced at once during updates. @default 1 (unless maxUnavailablePercentage is set) */
  maxUnavailable: int("nodes", 1, 100).optional(),
  /** Percentage of nodes replaced at once during updates. @default - not used */
  maxUnavailablePercentage: int("percent", 1, 100).optional(),
  ...scaling,
});

const FargateSelectorSchema = z.strictObject({
  /** Namespace whose pods run on Fargate (`*` and `?` wildcards allowed). */
  namespace: z
    .string()
    .min(1, { error: "must not be empty" })
    .meta({ description: "the namespace whose pods run on Fargate (`*` and `?` wildcards allowed)" }),
  /** Only pods with all these labels. @default - every pod of the namespace */
  labels: z.record(z.string(), z.string()).optional(),
});

const FargateProfileSchema = z.strictObject({
  /** 1-5 selectors: a namespace, optionally with labels (the two modes of the third blog post). */
  selectors: z
    .array(FargateSelectorSchema)
    .meta({ description: "which pods the profile runs: 1-5 namespaces, each optionally with labels" }),
});

const keyAttribute = z.strictObject({
  /** Attribute name, 1-255 characters. */
  name: z
    .string()
    .min(1, { error: "must not be empty" })
    .max(255, { error: "must be at most 255 characters" })
    .meta({ description: "the key attribute's name" }),
  /** "S" (string), "N" (number) or "B" (binary). */
  type: z
    .enum(["S", "N", "B"], { error: 'must be "S", "N" or "B"' })
    .meta({ description: 'the key attribute\'s type: "S" (string), "N" (number) or "B" (binary)' }),
});

const TableIndexSchema = z.strictObject({
  /** Partition key of the index: `{ name, type }`. */
  hashKey: keyAttribute.meta({ description: "the partition key, { name, type }, every item has" }),
  /** Sort key of the index: `{ name, type }`. @default - none */
  rangeKey: keyAttribute.optional(),
  /** Attributes projected into the index: ALL, KEYS_ONLY or INCLUDE (with `nonKeyAttributes`). @default "ALL" */
  projection: z.enum(["ALL", "KEYS_ONLY", "INCLUDE"], { error: 'must be "ALL", "KEYS_ONLY" or "INCLUDE"' }).default("ALL"),
  /** Attributes copied into an INCLUDE index. */
  nonKeyAttributes: z.array(z.string()).optional(),
  /** Read capacity units of the index; required with the table's PROVISIONED billing mode, refused without it. @default - none */
  readCapacity: int("capacity units", 1, 40000).optional(),
  /** Write capacity units of the index; required with the table's PROVISIONED billing mode, refused without it. @default - none */
  writeCapacity: int("capacity units", 1, 40000).optional(),
});

/** An application table (first blog post's session, users, product-group, product). */
export const TableSchema = z.strictObject({
  /** Partition key: `{ name, type }`. */
  hashKey: keyAttribute.meta({ description: "the partition key, { name, type }, every item has" }),
  /** Sort key: `{ name, type }`. @default - none */
  rangeKey: keyAttribute.optional(),
  /** On-demand (PAY_PER_REQUEST) or PROVISIONED capacity. @default "PAY_PER_REQUEST" */
  billingMode: z
    .enum(["PAY_PER_REQUEST", "PROVISIONED"], { error: 'must be "PAY_PER_REQUEST" or "PROVISIONED"' })
    .default("PAY_PER_REQUEST"),
  /** Read capacity units; required with PROVISIONED. @default - none */
  readCapacity: int("capacity units", 1, 40000).optional(),
  /** Write capacity units; required with PROVISIONED. @default - none */
  writeCapacity: int("capacity units", 1, 40000).optional(),
  /** Global secondary indexes by name. @default {} */
  globalSecondaryIndexes: z.record(z.string(), TableIndexSchema).default({}),
  /** Point-in-time recovery. @default true */
  pointInTimeRecovery: z.boolean().default(true),
  /** Deletion protection. @default true (false in an `ephemeral` environment) */
  deletionProtection: z.boolean().optional(),
});

const AssumeRoleSchema = z.strictObject({
  /** Role the AWS provider (and the S3 backend) assume in the environment's account. */
  roleArn: roleArn.meta({ description: "the role Terraform assumes in the environment's account" }),
  /** External id the role's trust policy requires. @default - none */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, { error: "must be 2-1224 characters of letters, digits and +=,.@:/-" })
    .optional(),
  /** Session name shown in CloudTrail. @default "<project>-<env>-cdktf" */
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, { error: "must be 2-64 characters of letters, digits and +=,.@-" })
    .optional(),
});

const BackendSchema = z.strictObject({
  /**
   * Where state lives: `s3` (a bucket and lock table the `<env>-backend` stack creates) or `hcp`
   * (HCP Terraform or Terraform Enterprise: one workspace per stack, `<project>-<env>-<stack>`, and
   * no backend stack). @default "s3"
   */
  kind: z.enum(["s3", "hcp"], { error: 'must be "s3" or "hcp"' }).default("s3"),
  /** HCP Terraform organization (kind "hcp" only). */
  organization: z
    .string()
    .regex(/^[A-Za-z0-9_-]{3,40}$/, { error: "must be an HCP Terraform organization name: 3-40 letters, digits, '-' and '_'" })
    .optional(),
  /** Terraform Enterprise host name (kind "hcp" only). @default - HCP Terraform itself */
  hostname: z
    .string()
    .regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/, {
      error: "must be a host name like tfe.example.com (no scheme, no path)",
    })
    .optional(),
  /** HCP Terraform project of the workspaces (kind "hcp" only). @default - the organization's default project */
  project: z
    .string()
    .regex(/^[A-Za-z0-9 _-]{3,40}$/, { error: "must be an HCP Terraform project name: 3-40 letters, digits, spaces, '-' and '_'" })
    .optional(),
  /**
   * Name of the state bucket, when the derived `<project>-<env>-tfstate` is taken (bucket names are
   * global). @default "<project>-<env>-tfstate"
   */
  bucketName: z.string().optional(),
  /** Name of the DynamoDB lock table. @default "<project>-<env>-tflock" */
  lockTableName: z.string().optional(),
  /**
   * Lock state with the DynamoDB table (`dynamodb_table`). Terraform 1.11 deprecates it in favour of
   * `useLockfile`, but it is what the blog posts use and it works with every Terraform version.
   * @default true
   */
  dynamodbLock: z.boolean().default(true),
  /**
   * Who may read the state (IAM role or user ARNs): the state key's policy, the bucket's and the
   * lock table's deny everyone else. @default - the writers and the CI plan role
   */
  stateReaders: z.array(z.string().regex(PRINCIPAL_ARN_PATTERN, { error: "must be an IAM role or user ARN" })).optional(),
  /**
   * Who may write the state (IAM role or user ARNs), whoever runs `npm run bootstrap` among them.
   * @default - the CI deploy role, `assumeRole.roleArn` and `eks.admins`
   */
  stateWriters: z.array(z.string().regex(PRINCIPAL_ARN_PATTERN, { error: "must be an IAM role or user ARN" })).optional(),
  /** Lock state with S3-native lock files (`use_lockfile`, Terraform >= 1.10). @default false */
  useLockfile: z.boolean().default(false),
  /** Days a replaced (noncurrent) state version is kept before it expires. @default 90 */
  noncurrentVersionExpirationDays: z
    .number()
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1 day" })
    .max(3650, { error: "must be at most 3650 days" })
    .default(90),
  /** Noncurrent state versions always kept, whatever their age. @default 10 */
  noncurrentVersionsToKeep: z
    .number()
    .int({ error: "must be a whole number" })
    .min(0, { error: "must be 0-100" })
    .max(100, { error: "must be 0-100" })
    .default(10),
  /**
   * Retired: the `<env>-backend` stack's state always lives in its own bucket (`npm run bootstrap`
   * puts it there, `npm run teardown` takes it out), so there is nothing to set.
   */
  backendStackState: z
    .never({
      error:
        "is no longer a setting: the backend stack's state always lives in its own bucket (npm run bootstrap -- <env> moves it there, npm run teardown -- <env> takes it out); remove the line",
    })
    .optional(),
});

/** The CIDR of the VPC the project creates when the config gives none. */
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";

/** A subnet of an existing VPC, as the config declares it (nothing is looked up). */
const ExistingSubnetSchema = z.strictObject({
  /** The subnet's id, `subnet-` and 8 or 17 hex digits. */
  id: z.string().meta({ description: "the subnet's id, e.g. subnet-0123456789abcdef0" }),
  /** The subnet's availability zone: one of `availabilityZones`. */
  zone: z.string().meta({ description: "the subnet's availability zone, one of availabilityZones" }),
  /** The subnet's IPv4 CIDR, inside the VPC's and overlapping no other subnet listed. */
  cidr: cidrBlock.meta({ description: "the subnet's IPv4 CIDR, inside vpc.existing.cidr" }),
});

/**
 * A VPC the environment uses but does not own (docs/existing-vpc.md): its id, CIDR and subnets are
 * written here and validated offline, never looked up.
 */
const ExistingVpcSchema = z.strictObject({
  /** The VPC's id, `vpc-` and 8 or 17 hex digits. */
  vpcId: z.string().meta({ description: "the existing VPC's id, e.g. vpc-0123456789abcdef0" }),
  /** The VPC's primary IPv4 CIDR: every subnet listed lies inside it. */
  cidr: cidrBlock.meta({ description: "the existing VPC's primary IPv4 CIDR, e.g. 10.70.0.0/16" }),
  /**
   * The subnets of the nodes, Fargate pods and the control plane's network interfaces, in two zones
   * or more. Private: no route to an internet gateway, no public IPs at launch.
   */
  privateSubnets: z
    .array(ExistingSubnetSchema)
    .meta({ description: "the private subnets of the nodes, pods and control plane, { id, zone, cidr } each, in two zones or more" }),
  /**
   * The subnets of internet-facing load balancers (routed to an internet gateway): nothing of the
   * project runs there. An internet-facing ALB (the 2048 sample's) needs them in two zones. @default []
   */
  publicSubnets: z.array(ExistingSubnetSchema).default([]),
  /**
   * The subnets' EKS discovery tags (docs/existing-vpc.md): "add" has the platform stack add them,
   * one `aws_ec2_tag` per subnet and key, and destroying it removes them; "present" acknowledges
   * that the subnets carry them already, and the project touches no tag.
   */
  discoveryTags: z.enum(["add", "present"], {
    error: 'must be "add" (the platform stack tags the subnets) or "present" (the subnets already carry the EKS discovery tags)',
  }),
});

const VpcSchema = z.strictObject({
  /** The CIDR of the VPC the project creates (not with `existing`). @default "10.0.0.0/16" */
  cidr: cidrBlock.optional(),
  /** One public subnet per zone, in zone order. @default - computed from the VPC CIDR */
  publicSubnetCidrs: z.array(cidrBlock).optional(),
  /** One private subnet per zone, in zone order. @default - computed from the VPC CIDR */
  privateSubnetCidrs: z.array(cidrBlock).optional(),
  /**
   * One NAT gateway shared by all zones (cheaper; a zone outage cuts egress) or one per zone.
   * @default "perAz" for tier "production", else "single"
   */
  natGateways: z.enum(["single", "perAz"], { error: 'must be "single" or "perAz"' }).optional(),
  /**
   * Use an existing VPC instead of creating one: the project then creates no VPC, subnets,
   * gateways or route tables, and the cluster, nodes and Fargate profiles use these ids. Not with
   * `cidr`, the subnet CIDRs or `natGateways`. @default - the project creates the VPC
   */
  existing: ExistingVpcSchema.optional(),
  /** VPC flow logs to a CloudWatch log group, of the existing VPC too. @default - on, 365 days, all traffic */
  flowLogs: z
    .strictObject({
      /**
       * VPC flow logs to CloudWatch. Turning them off is an explicit opt-out (with `existing`: when
       * the VPC's owner logs it already). @default true
       */
      enabled: z.boolean().default(true),
      /** Days the flow logs are kept: one of CloudWatch's retention values (0 = never expire). @default 365 */
      retentionDays: logRetention.default(365),
      /** Which traffic is logged: ALL, ACCEPT or REJECT. @default "ALL" */
      trafficType: z.enum(["ALL", "ACCEPT", "REJECT"], { error: 'must be "ALL", "ACCEPT" or "REJECT"' }).default("ALL"),
    })
    .prefault({}),
});

const EcrSchema = z.strictObject({
  /** Image names, one repository each: `<project>-<env>/<image>`. @default [] */
  repositories: z.array(z.string()).default([]),
  /** IMMUTABLE (a tag cannot be pushed twice) or MUTABLE; MUTABLE is an explicit opt-out. @default "IMMUTABLE" */
  imageTagMutability: z.enum(["IMMUTABLE", "MUTABLE"], { error: 'must be "IMMUTABLE" or "MUTABLE"' }).default("IMMUTABLE"),
  /** Images kept per repository; older ones expire. @default 30 */
  keepLastImages: int("images", 1, 10000).default(30),
  /** Untagged images expire after this many days. @default 7 */
  untaggedExpireDays: int("days", 1, 3650).default(7),
});

const EksSchema = z.strictObject({
  /**
   * Kubernetes minor version, from the maintained allow-list. Synth warns from 120 days before its
   * end of standard support and refuses it after (unless `supportType` is EXTENDED, until the end of
   * extended support). @default "1.35"
   */
  kubernetesVersion: z.string().default(DEFAULT_KUBERNETES_VERSION),
  /**
   * The cluster's upgrade policy: STANDARD (EKS upgrades the cluster itself at the end of standard
   * support) or EXTENDED (stays on the version until the end of extended support, at an extra cost per
   * cluster hour). @default "STANDARD"
   */
  supportType: z.enum(["STANDARD", "EXTENDED"], { error: 'must be "STANDARD" or "EXTENDED"' }).default("STANDARD"),
  /** Kubernetes service CIDR: RFC 1918, /12-/24, not overlapping the VPC. @default "172.20.0.0/16" */
  serviceIpv4Cidr: cidrBlock.default("172.20.0.0/16"),
  /** Public API endpoint; needs `publicAccessCidrs`. The private endpoint is always on. @default false */
  endpointPublicAccess: z.boolean().default(false),
  /** Who may reach the public endpoint. @default [] */
  publicAccessCidrs: z.array(cidrBlock).default([]),
  /** Explicit opt-out that allows 0.0.0.0/0 on the public endpoint. @default false */
  allowPublicAccessFromAnywhere: z.boolean().default(false),
  /**
   * How EKS authenticates IAM principals. Access is granted with access entries in both modes; the
   * project never creates or edits kube-system/aws-auth (in API_AND_CONFIG_MAP, EKS keeps its own
   * entries there for managed nodes and Fargate). CONFIG_MAP is not offered: EKS refuses it without
   * the creator as admin, and refuses access entries in it. On a running cluster, API_AND_CONFIG_MAP
   * to API is one-way (EKS never goes back to the ConfigMap); the plan review flags it. @default "API"
   */
  authenticationMode: z
    .enum(["API", "API_AND_CONFIG_MAP"], {
      error:
        'must be "API" or "API_AND_CONFIG_MAP" (CONFIG_MAP cannot hold access entries, and EKS refuses it without the cluster creator as admin)',
    })
    .default("API"),
  /**
   * Who reaches the API server on its private endpoint, besides the nodes: CIDRs (a VPN, a peered
   * runner subnet) and security groups (a bastion, a self-hosted runner in the VPC), each a 443
   * ingress rule on the cluster security group. @default - the nodes only
   */
  apiAccess: z
    .strictObject({
      /** Private IPv4 CIDRs. @default [] */
      cidrs: z.array(cidrBlock).default([]),
      /** Security group ids (`sg-...`) in the cluster's VPC or a peered one. @default [] */
      securityGroupIds: z
        .array(z.string().regex(/^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/, { error: "must be a security group id like sg-0123456789abcdef0" }))
        .default([]),
    })
    .prefault({}),
  /**
   * EKS Auto Mode: EKS runs the nodes (in its built-in node pools), block storage and load
   * balancing itself; presence turns it on. The project then installs no node groups, cluster
   * autoscaler, EBS CSI driver or Load Balancer Controller of its own, and the 2048 sample uses Auto
   * Mode's IngressClass. @default - off
   */
  autoMode: z
    .strictObject({
      /** Built-in node pools. @default ["general-purpose", "system"] */
      nodePools: z
        .array(z.enum(["general-purpose", "system"], { error: 'must be "general-purpose" or "system"' }))
        .min(1, { error: "must name at least one node pool" })
        .default(["general-purpose", "system"]),
    })
    .optional(),
  /** Give the identity that creates the cluster admin rights (create-time only). @default false */
  bootstrapClusterCreatorAdminPermissions: z.boolean().default(false),
  /** Cluster admins by name: IAM role or user ARNs, granted AmazonEKSClusterAdminPolicy. @default {} */
  admins: principals.default({}),
  /**
   * Read-only cluster users by name: IAM role or user ARNs, granted AmazonEKSViewPolicy (reads
   * most objects, never Secrets). @default {}
   */
  viewers: principals.default({}),
  /** Control-plane log retention. @default 365 */
  logRetentionDays: logRetention.default(365),
  /** Waiting period before the secrets key is deleted. @default 30 */
  secretsKeyDeletionWindowDays: int("days", 7, 30).default(30),
  /** How long Terraform waits for the cluster to delete. @default "30m" */
  deleteTimeout: z
    .string()
    .regex(/^\d+[mh]$/, { error: 'must be a duration like "30m" or "1h"' })
    .default("30m"),
  /**
   * Add-on versions that differ from the project's table for the cluster's Kubernetes version (an
   * `aws eks describe-addon-versions` answer). @default - the table's version for the cluster version
   */
  addonVersions: z
    .strictObject({
      "vpc-cni": addonVersion,
      "kube-proxy": addonVersion,
      coredns: addonVersion,
      "eks-pod-identity-agent": addonVersion,
      "aws-ebs-csi-driver": addonVersion,
      "metrics-server": addonVersion,
    })
    .default({}),
});

const NodeGroupsSchema = z.strictObject({
  /** Self-managed groups (launch template + ASG) by name. @default {} */
  selfManaged: z.record(z.string(), SelfManagedGroupSchema).default({}),
  /** EKS managed node groups by name. @default {} */
  managed: z.record(z.string(), ManagedGroupSchema).default({}),
  /**
   * SSH access to the nodes: an explicit opt-in, limited to these CIDRs. Prefer SSM Session Manager.
   * @default - no SSH
   */
  ssh: z
    .strictObject({
      /** EC2 key pair of the nodes. */
      keyName: z.string().min(1, { error: "must not be empty" }).meta({ description: "the EC2 key pair the nodes accept for SSH" }),
      /** CIDRs allowed to reach port 22; at least one, never the whole internet. */
      allowedCidrs: z.array(cidrBlock).meta({ description: "the CIDRs allowed to reach port 22, at least one" }),
    })
    .optional(),
});

const FargateSchema = z.strictObject({
  /** Fargate profiles by name, in the private subnets. @default {} */
  profiles: z.record(z.string(), FargateProfileSchema).default({}),
});

/** The GitHub runner labels of a job: `ubuntu-24.04`, or `["self-hosted", "prod-vpc"]`. */
const runnerLabel = z.string().regex(/^[\w.-]{1,64}$/, { error: "must be a runner label of letters, digits and ._-" });

/** Stacks the workflows can plan or deploy, in deployment order. */
export const CI_STACK_KINDS = ["backend", "platform", "workloads"] as const;

const GitHubSchema = z.strictObject({
  /** The repository whose workflows plan and deploy the environment, `owner/name`. */
  repository: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, { error: "must be a GitHub repository like acme/platform" })
    .meta({ description: "the GitHub repository (owner/name) whose workflows get the plan and deploy roles" }),
  /**
   * The account's IAM OIDC provider for GitHub (`token.actions.githubusercontent.com`): "create"
   * it in this environment's backend stack, or use the "existing" one (an account has one: the
   * environment that creates it must be deployed first). @default "create"
   */
  oidcProvider: z.enum(["create", "existing"], { error: 'must be "create" or "existing"' }).default("create"),
  /** Create the deploy role too: the deploy workflow then deploys the environment on pushes to main. @default true */
  deploy: z.boolean().default(true),
  /**
   * The deploy role trusts only `deploy.yml` on `main`: GitHub's OIDC subject must then carry the
   * workflow (the repository's subject template `repo`, `context`, `job_workflow_ref`; docs/ci.md).
   * @default false (the GitHub environment's subject)
   */
  workflowInSubject: z.boolean().default(false),
});

const CiSchema = z.strictObject({
  /**
   * The GitHub repository the environment's CI roles are for: the backend stack then creates the
   * plan and deploy roles (`<project>-<env>-ci-plan`, `-ci-deploy`), trusted through GitHub's OIDC
   * provider, with policies derived from what the stacks synthesize (`npm run ci:iam`).
   * @default - no roles are created (bring your own: planRoleArn, deployRoleArn)
   */
  github: GitHubSchema.optional(),
  /**
   * A plan role of your own, instead of the one `ci.github` creates: the pull-request workflow
   * assumes it through GitHub OIDC and uses it as it is (the config's `assumeRole` is skipped). Give it
   * the policy `npm run ci:iam -- <env> --role plan` prints.
   * @default - the one `ci.github` creates, else the environment is not planned in pull requests
   */
  planRoleArn: roleArn.optional(),
  /**
   * A deploy role of your own, instead of the one `ci.github` creates. With `assumeRole` set, it
   * only needs `sts:AssumeRole` on that role, which holds the deploy policy; without, it holds the
   * policy `npm run ci:iam -- <env> --role deploy` prints.
   * @default - the one `ci.github` creates, else the deploy workflow does not deploy this environment
   */
  deployRoleArn: roleArn.optional(),
  /**
   * Stacks the pull-request workflow plans: backend and platform. The workloads stack reads the
   * cluster (Helm keeps its releases in Secrets), which pull-request code must not: it is planned
   * and applied by the deploy workflow only.
   * @default - backend and platform
   */
  planStacks: z
    .array(z.enum(CI_STACK_KINDS, { error: 'must be "backend", "platform" or "workloads"' }))
    .min(1, { error: "must name at least one stack" })
    .optional(),
  /**
   * Runner labels of the deploy job. A private API endpoint is reachable only from a self-hosted
   * runner in (or peered with) the VPC. @default ["ubuntu-24.04"]
   */
  runsOn: z.array(runnerLabel).min(1, { error: "must name at least one runner label" }).default(["ubuntu-24.04"]),
  /**
   * Runner labels of the pull-request plan job, which runs the pull request's code: never a deploy
   * runner. @default ["ubuntu-24.04"]
   */
  planRunsOn: z.array(runnerLabel).min(1, { error: "must name at least one runner label" }).default(["ubuntu-24.04"]),
  /** GitHub environment of the deploy job (required reviewers, branch rules). @default - the environment name */
  githubEnvironment: z
    .string()
    .regex(/^[\w.-]{1,255}$/, { error: "must be a GitHub environment name of letters, digits and ._-" })
    .optional(),
});

const IamSchema = z.strictObject({
  /**
   * The path of every IAM role and instance profile the stacks create, `/` or `/<a>/.../`: the
   * deploy policy may write IAM only under it. Changing it on a deployed environment replaces every
   * role, the EKS cluster's included (and with it the cluster). @default "/"
   */
  rolePath: z
    .string()
    .regex(/^\/(?:[\w+=,.@-]+\/)*$/, { error: 'must be an IAM path: "/" or "/team/env/", letters, digits and +=,.@-_ between slashes' })
    .max(512, { error: "must be at most 512 characters" })
    .default("/"),
  /**
   * The permissions boundary (an IAM policy ARN) every role the stacks create carries: the deploy
   * policy may then create and change roles only with it attached, and never remove it.
   * @default - no boundary
   */
  permissionsBoundaryArn: z
    .string()
    .regex(/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/, {
      error: "must be an IAM policy ARN like arn:aws:iam::123456789012:policy/boundary",
    })
    .optional(),
});

const KubeconfigSchema = z.strictObject({
  /**
   * A file the platform stack writes the kubeconfig to on every deploy (local provider), relative
   * to the project root. Without it no deploy writes a file, so plans on fresh CI runners stay
   * empty: `npm run kubeconfig -- <env>` writes kubeconfigs/<env>.yaml from the stack's outputs
   * (`--merge` adds it to ~/.kube/config). Never ~/.kube/config itself.
   * @default - no file from deploys; the `kubeconfig` output always
   */
  path: z.string().optional(),
  /**
   * Token helper of the exec block: `aws eks get-token` (AWS CLI) or the older aws-iam-authenticator.
   * @default "aws-cli"
   */
  authenticator: z.enum(["aws-cli", "aws-iam-authenticator"], { error: 'must be "aws-cli" or "aws-iam-authenticator"' }).default("aws-cli"),
  /** AWS CLI profile the token helper uses (as AWS_PROFILE). @default - the caller's environment */
  profile: z
    .string()
    .regex(/^[\w.+@-]{1,64}$/, { error: "must be an AWS CLI profile name (letters, digits and ._+@-)" })
    .optional(),
  /** Role the token helper assumes, e.g. one of eks.admins. @default - the caller's identity */
  roleArn: roleArn.optional(),
});

const WorkloadsSchema = z.strictObject({
  /**
   * The Fargate post's 2048 sample: namespace 2048-game, a deployment on Fargate, a service and an
   * internet-facing Ingress for the AWS Load Balancer Controller. @default false
   */
  sample2048: z.boolean().default(false),
  /**
   * The 2048 sample's container image, pinned by digest: `<repository>@sha256:<64 hex digits>` (a
   * tag may stand before the `@`, as documentation). Required with `sample2048`: the project
   * vouches for no image of its own. An nginx image serving the game from
   * `/usr/share/nginx/html`: the sample runs its nginx with the project's configuration, as a
   * non-root user on port 8080 with a read-only root filesystem. @default - none
   */
  sample2048Image: z
    .string()
    .superRefine((value, ctx) => {
      const problem = imageDigestProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    })
    .optional(),
  /** The AWS Load Balancer Controller, installed with its Helm chart and an IRSA role. @default false */
  loadBalancerController: z.boolean().default(false),
  /**
   * The cluster autoscaler (Helm chart and IRSA role), which sets the desired size of the node
   * groups. Refused with `karpenter`: two autoscalers would both answer the same pending pods.
   * @default - true when there are node groups and no `karpenter`
   */
  clusterAutoscaler: z.boolean().optional(),
  /**
   * The role the workloads stack's kubernetes and helm providers take their cluster token as
   * (`aws eks get-token --role-arn`); must be one of `eks.admins`. @default - `assumeRole.roleArn`
   */
  roleArn: roleArn.optional(),
  /**
   * The Kubernetes service account of the application that uses the tables: it gets an IRSA role
   * allowed exactly the app's tables, their indexes and their key. Pods use it with
   * `serviceAccountName`. @default { namespace: "default", serviceAccount: "app" }
   */
  app: z
    .strictObject({
      /** Namespace of the app's service account. @default "default" */
      namespace: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { error: "must be a Kubernetes namespace name" })
        .default("default"),
      /** Name of the app's service account. @default "app" */
      serviceAccount: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/, { error: "must be a Kubernetes service account name" })
        .default("app"),
    })
    .prefault({}),
});

/** A Karpenter duration: `30s`, `5m`, `720h`, `1h30m` (the CRD's pattern), or `Never`. */
const karpenterDuration = z.string().regex(/^(?:(?:[0-9]+[smh])+|Never)$/, {
  error: 'must be a duration like "30s", "5m" or "720h" (digits and s, m or h), or "Never"',
});

const KarpenterNodePoolSchema = z.strictObject({
  /**
   * EC2 instance categories the pool may launch (`karpenter.k8s.aws/instance-category`: the letters
   * before the generation, `m` of m7i), of generation 3 or newer. @default ["c", "m", "r"]
   */
  instanceCategories: z
    .array(z.string().regex(/^[a-z]{1,4}$/, { error: 'must be an instance category: the letters of a family, like "m" or "inf"' }))
    .min(1, { error: "must name at least one instance category" })
    .default(["c", "m", "r"]),
  /**
   * Capacity types the pool may launch, `on-demand` and/or `spot`; with both, Karpenter takes spot
   * where it can. Spot needs `cpuLimit` (the policy pack refuses spot without a limit).
   * @default ["on-demand"]
   */
  capacityTypes: z
    .array(z.enum(["on-demand", "spot"], { error: 'must be "on-demand" or "spot"' }))
    .min(1, { error: "must name at least one capacity type" })
    .default(["on-demand"]),
  /** CPU architectures of the nodes, `amd64` and/or `arm64` (Graviton). @default ["amd64"] */
  architectures: z
    .array(z.enum(["amd64", "arm64"], { error: 'must be "amd64" or "arm64"' }))
    .min(1, { error: "must name at least one architecture" })
    .default(["amd64"]),
  /**
   * The most vCPUs the pool's nodes may have together (`spec.limits.cpu`): Karpenter launches no
   * node past it, which caps the bill. `"none"` removes the cap, an explicit opt-out. @default 100
   */
  cpuLimit: z
    .union([int("vCPUs", 1, 1_000_000), z.literal("none")], {
      error: 'must be a whole number of vCPUs (1-1000000), or "none" for no limit',
    })
    .default(100),
  /**
   * Which nodes consolidation may remove or replace: `WhenEmptyOrUnderutilized` (also nodes whose
   * pods fit elsewhere or on a cheaper node) or `WhenEmpty`. @default "WhenEmptyOrUnderutilized"
   */
  consolidationPolicy: z
    .enum(["WhenEmptyOrUnderutilized", "WhenEmpty"], { error: 'must be "WhenEmptyOrUnderutilized" or "WhenEmpty"' })
    .default("WhenEmptyOrUnderutilized"),
  /**
   * How long a node must be empty or underutilized before consolidation removes it; `"Never"` turns
   * consolidation off (the policy pack warns). @default "1m"
   */
  consolidateAfter: karpenterDuration.default("1m"),
  /**
   * How long a node lives before Karpenter replaces it (with the current `amiAlias`, so nodes are
   * patched); `"Never"` keeps nodes forever (the policy pack warns). @default "720h" (30 days)
   */
  expireAfter: karpenterDuration.default("720h"),
});

/** The instance type of the Karpenter controller's node group unless `karpenter.controllerInstanceType` says otherwise. */
export const KARPENTER_CONTROLLER_INSTANCE_TYPE = "t3.medium";

const KarpenterSchema = z.strictObject({
  /**
   * Where the Karpenter controller runs, never on nodes it manages itself: `nodeGroup` (an EKS
   * managed node group `karpenter` of two nodes, which also runs CoreDNS, metrics-server and the EBS
   * CSI driver before Karpenter exists) or `fargate` (a Fargate profile for its pods: no EC2 node of
   * its own; without other node groups, CoreDNS and metrics-server run on Fargate too and there is
   * no EBS CSI driver). @default "nodeGroup"
   */
  controllerOn: z.enum(["nodeGroup", "fargate"], { error: 'must be "nodeGroup" or "fargate"' }).default("nodeGroup"),
  /** Instance type of the controller's node group (controllerOn "nodeGroup" only). @default "t3.medium" */
  controllerInstanceType: z.string().optional(),
  /**
   * The AMI of the nodes Karpenter launches: an Amazon Linux 2023 EKS AMI release,
   * `al2023@v<YYYYMMDD>` (awslabs/amazon-eks-ami releases), pinned so that new images reach the
   * nodes only when you change it (then Karpenter replaces the nodes as drifted).
   * @default "al2023@v20260714"
   */
  amiAlias: z
    .string()
    .regex(/^al2023@v\d{8}$/, {
      error: 'must pin an Amazon Linux 2023 EKS AMI release like "al2023@v20260714" (al2023@latest would roll new images out unasked)',
    })
    .default("al2023@v20260714"),
  /** Root volume size of the nodes (encrypted gp3). @default 50 */
  rootVolumeGib: int("GiB", 20, 16384).default(50),
  /** The default NodePool: what Karpenter may launch, how much, and when it removes nodes. @default - all defaults of its fields */
  nodePool: KarpenterNodePoolSchema.prefault({}),
});

const SuppressionSchema = z.strictObject({
  /** Rule id of the policy pack, e.g. "ECR-002". */
  rule: z.string().meta({ description: "the policy rule to suppress, e.g. ECR-002 (docs/policy.md lists them)" }),
  /** Terraform address of the resource, as in the plan: "aws_ecr_repository.ecr_web". */
  resource: z
    .string()
    .regex(/^[a-z0-9_]+\.[A-Za-z0-9_-]+$/, { error: "must be a Terraform address like aws_ecr_repository.ecr_web" })
    .meta({ description: "the Terraform address of the resource the rule is suppressed for" }),
  /** Why the exception is acceptable; listed in every synth output. */
  reason: z
    .string()
    .refine((r) => r.trim().length >= 10, { error: "must explain the exception in at least 10 characters" })
    .meta({ description: "why the exception is acceptable, listed in every synth output" }),
});

const PolicySchema = z.strictObject({
  /** Rules turned off for single resources, each with a reason. @default [] */
  suppressions: z.array(SuppressionSchema).default([]),
});

export const EnvSchema = z.strictObject({
  /** Environment name: `dev`, `qa`, `prod`. Part of every stack id and AWS name. */
  name: z
    .string()
    .regex(ENV_NAME_PATTERN, {
      error: "must be 2-16 lowercase letters and digits, starting with a letter",
    })
    .meta({ description: "the environment's name (dev, qa, prod), part of every stack id and AWS name" }),
  /** Project prefix of every AWS name (`<project>-<env>-...`). */
  project: z
    .string()
    .min(2, { error: "must be at least 2 characters" })
    .regex(PROJECT_PATTERN, {
      error: "must be letters, digits and inner hyphens",
    })
    .meta({ description: "the prefix of every AWS name of the environment (<project>-<env>-...), e.g. your team or product" }),
  /** AWS region of every resource of the environment. */
  region: z
    .string()
    .superRefine((value, ctx) => {
      const problem = regionProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    })
    .meta({ description: "the AWS region of every resource of the environment, e.g. eu-west-1" }),
  /**
   * The AWS account the environment lives in. Becomes the provider's `allowed_account_ids`, so a dev
   * config can never be applied to the prod account. @default - any account the credentials reach
   */
  accountId: z.string().regex(ACCOUNT_ID_PATTERN, { error: "must be exactly 12 digits" }).optional(),
  /** Role to assume for this environment (multi-account setups). @default - the caller's credentials */
  assumeRole: AssumeRoleSchema.optional(),
  /**
   * Availability zones, listed explicitly (no AWS lookup at plan time). At least two: EKS requires
   * subnets in two zones.
   */
  availabilityZones: z.array(z.string()).meta({
    description: 'the zones the subnets and nodes are spread over, at least two of the region\'s, e.g. ["eu-west-1a", "eu-west-1b"]',
  }),
  /** Cost-allocation tags added to every resource next to Project, Environment and ManagedBy. @default {} */
  tags: z.record(z.string(), z.string()).default({}),
  /** The environment's Terraform state backend. @default - all defaults of `BackendSchema` */
  backend: BackendSchema.prefault({}),
  /** "production" changes defaults toward availability (NAT per zone). @default "development" */
  tier: z.enum(["development", "production"], { error: 'must be "development" or "production"' }).default("development"),
  /**
   * An environment meant to be torn down with `cdktf destroy` (previews, load tests): the state
   * backend loses `prevent_destroy` and its bucket is emptied on destroy, tables lose deletion
   * protection, and ECR repositories are deleted with their images. Its backend stack keeps local
   * state. An explicit opt-out of the protection every other environment has. @default false
   */
  ephemeral: z.boolean().default(false),
  /**
   * Encrypt the flow-log and control-plane log groups with a customer-managed KMS key. Needs
   * `accountId` for the key policy. @default false (CloudWatch's own encryption at rest)
   */
  logKmsEncryption: z.boolean().default(false),
  /**
   * The VPC: the one the project creates (its CIDR, subnets, NAT gateways), or an existing one it
   * uses (`existing`), and its flow logs. @default - all defaults of `VpcSchema`
   */
  vpc: VpcSchema.prefault({}),
  /** The ECR repositories of the app's images, and how long images are kept. @default - no repositories */
  ecr: EcrSchema.prefault({}),
  /** The EKS cluster: version, API endpoint access, authentication, access entries, logs, add-ons, Auto Mode. @default - all defaults of `EksSchema` */
  eks: EksSchema.prefault({}),
  /** Worker nodes: self-managed groups (launch template + autoscaling group) and EKS managed node groups. @default - no node groups */
  nodeGroups: NodeGroupsSchema.prefault({}),
  /** Fargate profiles. @default - no Fargate profiles */
  fargate: FargateSchema.prefault({}),
  /** Application DynamoDB tables by name (`<project>-<env>-<name>`). @default {} */
  tables: z.record(z.string(), TableSchema).default({}),
  /** The environment's kubeconfig: where the platform stack writes it and how it gets a token. @default - kubeconfigs/<env>.yaml with `aws eks get-token` */
  kubeconfig: KubeconfigSchema.prefault({}),
  /**
   * Karpenter, the node autoscaler; presence turns it on. The platform gets its node role (with an
   * EC2_LINUX access entry), its IRSA role, its interruption queue and the controller's node group or
   * Fargate profile; the workloads stack installs its CRDs and chart and a default EC2NodeClass and
   * NodePool. Refused with `eks.autoMode` and `workloads.clusterAutoscaler`. @default - off
   */
  karpenter: KarpenterSchema.optional(),
  /** What the `<env>-workloads` stack installs in the cluster (it never writes aws-auth). @default - nothing */
  workloads: WorkloadsSchema.prefault({}),
  /** Policy pack settings (suppressions). @default - no suppressions */
  policy: PolicySchema.prefault({}),
  /** Where the stacks' IAM roles live and what bounds them. @default - path "/", no boundary */
  iam: IamSchema.prefault({}),
  /** GitHub Actions: plan roles, deploy roles and runners. @default - not planned or deployed by the workflows */
  ci: CiSchema.prefault({}),
});

/** What an `envs/<name>.ts` file writes (defaults optional). */
export type EnvInput = z.input<typeof EnvSchema>;
/** What the schema alone produces; `resolveEnv` turns it into an `EnvConfig`. */
export type ParsedEnv = z.output<typeof EnvSchema>;

/** A validated environment with every default applied, including the computed ones. */
export type EnvConfig = Omit<ParsedEnv, "vpc" | "tables" | "workloads"> & {
  readonly tables: Record<string, TableConfig>;
  readonly workloads: Omit<ParsedEnv["workloads"], "clusterAutoscaler"> & { readonly clusterAutoscaler: boolean };
  readonly vpc: VpcConfig;
};

/** What the two kinds of VPC share: the flow logs. */
type VpcCommon = Omit<ParsedEnv["vpc"], "cidr" | "natGateways" | "publicSubnetCidrs" | "privateSubnetCidrs" | "existing">;

/** An existing VPC the environment uses, as its config declares it. */
export type ExistingVpcConfig = z.output<typeof ExistingVpcSchema>;

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

/** The VPC's CIDR, whichever kind it is: the existing VPC's, else the one the project creates. */
export function vpcCidrOf(vpc: { readonly cidr?: string; readonly existing?: { readonly cidr: string } }): string {
  return vpc.existing?.cidr ?? vpc.cidr ?? DEFAULT_VPC_CIDR;
}

/** A table with its deletion protection resolved (from the table, else from `ephemeral`). */
export type TableConfig = Omit<z.output<typeof TableSchema>, "deletionProtection"> & { readonly deletionProtection: boolean };
export type TaintConfig = z.output<typeof TaintSchema>;

/**
 * Fills in the defaults that depend on other fields: the NAT mode from the tier, the subnet CIDRs
 * from the VPC CIDR (neither with an existing VPC), and the cluster autoscaler from the node groups
 * and Karpenter. Call only on a config whose rules passed (the layout must fit).
 */
export function resolveEnv(parsed: ParsedEnv): EnvConfig {
  return {
    ...parsed,
    workloads: {
      ...parsed.workloads,
      clusterAutoscaler: parsed.workloads.clusterAutoscaler ?? (hasNodeGroups(parsed) && parsed.karpenter === undefined),
    },
    tables: Object.fromEntries(
      Object.entries(parsed.tables).map(([name, t]) => [name, { ...t, deletionProtection: t.deletionProtection ?? !parsed.ephemeral }]),
    ),
    vpc: resolveVpc(parsed),
  };
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

/** Whether the environment has EC2 node groups of its own (self-managed or managed). */
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

export function hasNodeGroups(env: Pick<ParsedEnv, "nodeGroups">): boolean {
  return Object.keys(env.nodeGroups.selfManaged).length + Object.keys(env.nodeGroups.managed).length > 0;
}
