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
import { parseCidr } from "../lib/cidr";
import { DEFAULT_KUBERNETES_VERSION } from "../lib/eks-versions";
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

// A literal of the listed values (not a number with a refinement), so the JSON Schema lists them too.
const logRetention = z.literal([...LOG_RETENTION_DAYS], {
  error: `must be one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(", ")} (0 = never expire)`,
});

/** Kubernetes node labels (`kubernetes.io/arch=arm64` style keys allowed). */
const labels = z.record(z.string(), z.string()).default({});

const TaintSchema = z.strictObject({
  key: z.string().meta({ description: "the taint's key, a Kubernetes label key such as dedicated" }),
  value: z.string().optional().meta({ description: "Taint value.", defaultText: "- none" }),
  effect: z
    .enum(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"], {
      error: 'must be "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE"',
    })
    .meta({ description: "what the taint does to pods that do not tolerate it: NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE" }),
});

const addonVersion = z
  .string()
  .optional()
  .meta({ description: "An EKS add-on version, as `aws eks describe-addon-versions` prints it (its format is checked in the rules)." });

/** Scaling bounds shared by both node group kinds; min <= desired <= max is checked in the rules. */
const scaling = {
  kubernetesVersion: z.string().optional().meta({
    description:
      "Kubernetes minor version of the group's nodes, to upgrade them one step after the control plane: never newer than `eks.kubernetesVersion`, at most three minors older.",
    defaultText: "- the cluster's",
  }),
  minSize: int("nodes", 0, 1000).default(1).meta({ description: "Smallest number of nodes." }),
  desiredSize: int("nodes", 0, 1000)
    .default(2)
    .meta({ description: "Nodes at creation; later left to the cluster autoscaler (Terraform ignores drift)." }),
  maxSize: int("nodes", 1, 1000).default(3).meta({ description: "Largest number of nodes." }),
  labels: labels.meta({ description: "Node labels." }),
  taints: z.array(TaintSchema).default([]).meta({ description: "Node taints." }),
  metadataHopLimit: z
    .union([z.literal(1), z.literal(2)], { error: "must be 1 or 2" })
    .default(1)
    .meta({ description: "IMDSv2 response hop limit. 1 keeps pods from reaching the node's instance role; 2 only if pods must use IMDS." }),
  imageRelease: z.string().optional().meta({
    description:
      "The AL2023 EKS AMI release of the nodes, as EKS writes a managed node group's `release_version` (e.g. \"1.35.4-20260512\"; its Kubernetes minor must be the nodes'). Changing it rolls the nodes: managed groups `maxUnavailable` at a time, self-managed ones by instance refresh, each node drained first. Not for Bottlerocket groups.",
    defaultText: "- the release listed for the nodes' Kubernetes version (`npm run images:update` refreshes the list)",
  }),
  perZone: z.boolean({ error: "must be true or false" }).default(false).meta({
    description:
      "One group per availability zone: `<group>-<zone letter>`, each in its zone's private subnets, so the cluster autoscaler can add a node in the zone a pending pod's EBS volume lives in. `minSize`, `desiredSize` and `maxSize` then apply to each zone's group.",
  }),
};

/** A self-managed node group (first blog post): launch template + autoscaling group. */
export const SelfManagedGroupSchema = z.strictObject({
  instanceType: z.string().default("m5.large").meta({ description: "EC2 instance type." }),
  architecture: z
    .enum(["x86_64", "arm64"], { error: 'must be "x86_64" or "arm64"' })
    .default("x86_64")
    .meta({ description: "CPU architecture of the AL2023 EKS AMI; must match the instance type." }),
  rootVolumeGib: int("GiB", 20, 16384).default(50).meta({ description: "Root volume size (encrypted gp3)." }),
  ...scaling,
});

/** An EKS managed node group (Fargate blog post's `kube-system` group). */
export const ManagedGroupSchema = z.strictObject({
  instanceTypes: z.array(z.string()).default(["t3.medium"]).meta({ description: "Instance types; several for SPOT." }),
  amiType: z
    .enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"], {
      error: "must be AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, BOTTLEROCKET_x86_64 or BOTTLEROCKET_ARM_64",
    })
    .default("AL2023_x86_64_STANDARD")
    .meta({ description: "EKS AMI type." }),
  capacityType: z
    .enum(["ON_DEMAND", "SPOT"], { error: 'must be "ON_DEMAND" or "SPOT"' })
    .default("ON_DEMAND")
    .meta({ description: "ON_DEMAND or SPOT." }),
  diskSizeGib: int("GiB", 20, 16384).default(50).meta({ description: "Root volume size (encrypted gp3, set in the launch template)." }),
  maxUnavailable: int("nodes", 1, 100)
    .optional()
    .meta({ description: "Nodes replaced at once during updates.", defaultText: "1 (unless maxUnavailablePercentage is set)" }),
  maxUnavailablePercentage: int("percent", 1, 100)
    .optional()
    .meta({ description: "Percentage of nodes replaced at once during updates.", defaultText: "- not used" }),
  ...scaling,
});

const FargateSelectorSchema = z.strictObject({
  namespace: z
    .string()
    .min(1, { error: "must not be empty" })
    .meta({ description: "the namespace whose pods run on Fargate (`*` and `?` wildcards allowed)" }),
  labels: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: "Only pods with all these labels.", defaultText: "- every pod of the namespace" }),
});

const FargateProfileSchema = z.strictObject({
  selectors: z
    .array(FargateSelectorSchema)
    .meta({ description: "which pods the profile runs: 1-5 namespaces, each optionally with labels" }),
});

const keyAttribute = z.strictObject({
  name: z
    .string()
    .min(1, { error: "must not be empty" })
    .max(255, { error: "must be at most 255 characters" })
    .meta({ description: "the key attribute's name" }),
  type: z
    .enum(["S", "N", "B"], { error: 'must be "S", "N" or "B"' })
    .meta({ description: 'the key attribute\'s type: "S" (string), "N" (number) or "B" (binary)' }),
});

const TableIndexSchema = z.strictObject({
  hashKey: keyAttribute.meta({ description: "the partition key, { name, type }, every item has" }),
  rangeKey: keyAttribute.optional().meta({ description: "Sort key of the index: `{ name, type }`.", defaultText: "- none" }),
  projection: z
    .enum(["ALL", "KEYS_ONLY", "INCLUDE"], { error: 'must be "ALL", "KEYS_ONLY" or "INCLUDE"' })
    .default("ALL")
    .meta({ description: "Attributes projected into the index: ALL, KEYS_ONLY or INCLUDE (with `nonKeyAttributes`)." }),
  nonKeyAttributes: z.array(z.string()).optional().meta({ description: "Attributes copied into an INCLUDE index." }),
  readCapacity: int("capacity units", 1, 40000).optional().meta({
    description: "Read capacity units of the index; required with the table's PROVISIONED billing mode, refused without it.",
    defaultText: "- none",
  }),
  writeCapacity: int("capacity units", 1, 40000).optional().meta({
    description: "Write capacity units of the index; required with the table's PROVISIONED billing mode, refused without it.",
    defaultText: "- none",
  }),
});

/** An application table (first blog post's session, users, product-group, product). */
export const TableSchema = z.strictObject({
  hashKey: keyAttribute.meta({ description: "the partition key, { name, type }, every item has" }),
  rangeKey: keyAttribute.optional().meta({ description: "Sort key: `{ name, type }`.", defaultText: "- none" }),
  billingMode: z
    .enum(["PAY_PER_REQUEST", "PROVISIONED"], { error: 'must be "PAY_PER_REQUEST" or "PROVISIONED"' })
    .default("PAY_PER_REQUEST")
    .meta({ description: "On-demand (PAY_PER_REQUEST) or PROVISIONED capacity." }),
  readCapacity: int("capacity units", 1, 40000)
    .optional()
    .meta({ description: "Read capacity units; required with PROVISIONED.", defaultText: "- none" }),
  writeCapacity: int("capacity units", 1, 40000)
    .optional()
    .meta({ description: "Write capacity units; required with PROVISIONED.", defaultText: "- none" }),
  globalSecondaryIndexes: z.record(z.string(), TableIndexSchema).default({}).meta({ description: "Global secondary indexes by name." }),
  pointInTimeRecovery: z.boolean().default(true).meta({ description: "Point-in-time recovery." }),
  deletionProtection: z
    .boolean()
    .optional()
    .meta({ description: "Deletion protection.", defaultText: "true (false in an `ephemeral` environment)" }),
});

const AssumeRoleSchema = z.strictObject({
  roleArn: roleArn.meta({ description: "the role Terraform assumes in the environment's account" }),
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, { error: "must be 2-1224 characters of letters, digits and +=,.@:/-" })
    .optional()
    .meta({ description: "External id the role's trust policy requires.", defaultText: "- none" }),
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, { error: "must be 2-64 characters of letters, digits and +=,.@-" })
    .optional()
    .meta({ description: "Session name shown in CloudTrail.", defaultText: '"<project>-<env>-cdktf"' }),
});

const BackendSchema = z.strictObject({
  kind: z.enum(["s3", "hcp"], { error: 'must be "s3" or "hcp"' }).default("s3").meta({
    description:
      "Where state lives: `s3` (a bucket and lock table the `<env>-backend` stack creates) or `hcp` (HCP Terraform or Terraform Enterprise: one workspace per stack, `<project>-<env>-<stack>`, and no backend stack).",
  }),
  organization: z
    .string()
    .regex(/^[A-Za-z0-9_-]{3,40}$/, { error: "must be an HCP Terraform organization name: 3-40 letters, digits, '-' and '_'" })
    .optional()
    .meta({ description: 'HCP Terraform organization (kind "hcp" only).' }),
  hostname: z
    .string()
    .regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/, {
      error: "must be a host name like tfe.example.com (no scheme, no path)",
    })
    .optional()
    .meta({ description: 'Terraform Enterprise host name (kind "hcp" only).', defaultText: "- HCP Terraform itself" }),
  project: z
    .string()
    .regex(/^[A-Za-z0-9 _-]{3,40}$/, { error: "must be an HCP Terraform project name: 3-40 letters, digits, spaces, '-' and '_'" })
    .optional()
    .meta({
      description: 'HCP Terraform project of the workspaces (kind "hcp" only).',
      defaultText: "- the organization's default project",
    }),
  bucketName: z.string().optional().meta({
    description: "Name of the state bucket, when the derived `<project>-<env>-tfstate` is taken (bucket names are global).",
    defaultText: '"<project>-<env>-tfstate"',
  }),
  lockTableName: z.string().optional().meta({ description: "Name of the DynamoDB lock table.", defaultText: '"<project>-<env>-tflock"' }),
  dynamodbLock: z.boolean().default(true).meta({
    description:
      "Lock state with the DynamoDB table (`dynamodb_table`). Terraform 1.11 deprecates it in favour of `useLockfile`, but it is what the blog posts use and it works with every Terraform version.",
  }),
  stateReaders: z
    .array(z.string().regex(PRINCIPAL_ARN_PATTERN, { error: "must be an IAM role or user ARN" }))
    .optional()
    .meta({
      description:
        "Who may read the state (IAM role or user ARNs): the state key's policy, the bucket's and the lock table's deny everyone else.",
      defaultText: "- the writers and the CI plan role",
    }),
  stateWriters: z
    .array(z.string().regex(PRINCIPAL_ARN_PATTERN, { error: "must be an IAM role or user ARN" }))
    .optional()
    .meta({
      description: "Who may write the state (IAM role or user ARNs), whoever runs `npm run bootstrap` among them.",
      defaultText: "- the CI deploy role, `assumeRole.roleArn` and `eks.admins`",
    }),
  useLockfile: z
    .boolean()
    .default(false)
    .meta({ description: "Lock state with S3-native lock files (`use_lockfile`, Terraform >= 1.10)." }),
  noncurrentVersionExpirationDays: z
    .number()
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1 day" })
    .max(3650, { error: "must be at most 3650 days" })
    .default(90)
    .meta({ description: "Days a replaced (noncurrent) state version is kept before it expires." }),
  noncurrentVersionsToKeep: z
    .number()
    .int({ error: "must be a whole number" })
    .min(0, { error: "must be 0-100" })
    .max(100, { error: "must be 0-100" })
    .default(10)
    .meta({ description: "Noncurrent state versions always kept, whatever their age." }),
  backendStackState: z
    .never({
      error:
        "is no longer a setting: the backend stack's state always lives in its own bucket (npm run bootstrap -- <env> moves it there, npm run teardown -- <env> takes it out); remove the line",
    })
    .optional()
    .meta({
      description:
        "Retired: the `<env>-backend` stack's state always lives in its own bucket (`npm run bootstrap` puts it there, `npm run teardown` takes it out), so there is nothing to set.",
    }),
});

/** The CIDR of the VPC the project creates when the config gives none. */
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";

/** A subnet of an existing VPC, as the config declares it (nothing is looked up). */
const ExistingSubnetSchema = z.strictObject({
  id: z.string().meta({ description: "the subnet's id, e.g. subnet-0123456789abcdef0" }),
  zone: z.string().meta({ description: "the subnet's availability zone, one of availabilityZones" }),
  cidr: cidrBlock.meta({ description: "the subnet's IPv4 CIDR, inside vpc.existing.cidr" }),
});

/**
 * A VPC the environment uses but does not own (docs/existing-vpc.md): its id, CIDR and subnets are
 * written here and validated offline, never looked up.
 */
const ExistingVpcSchema = z.strictObject({
  vpcId: z.string().meta({ description: "the existing VPC's id, e.g. vpc-0123456789abcdef0" }),
  cidr: cidrBlock.meta({ description: "the existing VPC's primary IPv4 CIDR, e.g. 10.70.0.0/16" }),
  privateSubnets: z
    .array(ExistingSubnetSchema)
    .meta({ description: "the private subnets of the nodes, pods and control plane, { id, zone, cidr } each, in two zones or more" }),
  publicSubnets: z.array(ExistingSubnetSchema).default([]).meta({
    description:
      "The subnets of internet-facing load balancers (routed to an internet gateway): nothing of the project runs there. An internet-facing ALB (the 2048 sample's) needs them in two zones.",
  }),
  discoveryTags: z
    .enum(["add", "present"], {
      error: 'must be "add" (the platform stack tags the subnets) or "present" (the subnets already carry the EKS discovery tags)',
    })
    .meta({
      description:
        'The subnets\' EKS discovery tags (docs/existing-vpc.md): "add" has the platform stack add them, one `aws_ec2_tag` per subnet and key, and destroying it removes them; "present" acknowledges that the subnets carry them already, and the project touches no tag.',
    }),
});

const VpcSchema = z.strictObject({
  cidr: cidrBlock
    .optional()
    .meta({ description: "The CIDR of the VPC the project creates (not with `existing`).", defaultText: '"10.0.0.0/16"' }),
  publicSubnetCidrs: z
    .array(cidrBlock)
    .optional()
    .meta({ description: "One public subnet per zone, in zone order.", defaultText: "- computed from the VPC CIDR" }),
  privateSubnetCidrs: z
    .array(cidrBlock)
    .optional()
    .meta({ description: "One private subnet per zone, in zone order.", defaultText: "- computed from the VPC CIDR" }),
  natGateways: z.enum(["single", "perAz"], { error: 'must be "single" or "perAz"' }).optional().meta({
    description: "One NAT gateway shared by all zones (cheaper; a zone outage cuts egress) or one per zone.",
    defaultText: '"perAz" for tier "production", else "single"',
  }),
  existing: ExistingVpcSchema.optional().meta({
    description:
      "Use an existing VPC instead of creating one: the project then creates no VPC, subnets, gateways or route tables, and the cluster, nodes and Fargate profiles use these ids. Not with `cidr`, the subnet CIDRs or `natGateways`.",
    defaultText: "- the project creates the VPC",
  }),
  flowLogs: z
    .strictObject({
      enabled: z.boolean().default(true).meta({
        description:
          "VPC flow logs to CloudWatch. Turning them off is an explicit opt-out (with `existing`: when the VPC's owner logs it already).",
      }),
      retentionDays: logRetention
        .default(365)
        .meta({ description: "Days the flow logs are kept: one of CloudWatch's retention values (0 = never expire)." }),
      trafficType: z
        .enum(["ALL", "ACCEPT", "REJECT"], { error: 'must be "ALL", "ACCEPT" or "REJECT"' })
        .default("ALL")
        .meta({ description: "Which traffic is logged: ALL, ACCEPT or REJECT." }),
    })
    .prefault({})
    .meta({ description: "VPC flow logs to a CloudWatch log group, of the existing VPC too.", defaultText: "- on, 365 days, all traffic" }),
});

const EcrSchema = z.strictObject({
  repositories: z.array(z.string()).default([]).meta({ description: "Image names, one repository each: `<project>-<env>/<image>`." }),
  imageTagMutability: z
    .enum(["IMMUTABLE", "MUTABLE"], { error: 'must be "IMMUTABLE" or "MUTABLE"' })
    .default("IMMUTABLE")
    .meta({ description: "IMMUTABLE (a tag cannot be pushed twice) or MUTABLE; MUTABLE is an explicit opt-out." }),
  keepLastImages: int("images", 1, 10000).default(30).meta({ description: "Images kept per repository; older ones expire." }),
  untaggedExpireDays: int("days", 1, 3650).default(7).meta({ description: "Untagged images expire after this many days." }),
});

const EksSchema = z.strictObject({
  kubernetesVersion: z.string().default(DEFAULT_KUBERNETES_VERSION).meta({
    description:
      "Kubernetes minor version, from the maintained allow-list. Synth warns from 120 days before its end of standard support and refuses it after (unless `supportType` is EXTENDED, until the end of extended support).",
  }),
  supportType: z.enum(["STANDARD", "EXTENDED"], { error: 'must be "STANDARD" or "EXTENDED"' }).default("STANDARD").meta({
    description:
      "The cluster's upgrade policy: STANDARD (EKS upgrades the cluster itself at the end of standard support) or EXTENDED (stays on the version until the end of extended support, at an extra cost per cluster hour).",
  }),
  serviceIpv4Cidr: cidrBlock
    .default("172.20.0.0/16")
    .meta({ description: "Kubernetes service CIDR: RFC 1918, /12-/24, not overlapping the VPC." }),
  endpointPublicAccess: z
    .boolean()
    .default(false)
    .meta({ description: "Public API endpoint; needs `publicAccessCidrs`. The private endpoint is always on." }),
  publicAccessCidrs: z.array(cidrBlock).default([]).meta({ description: "Who may reach the public endpoint." }),
  allowPublicAccessFromAnywhere: z
    .boolean()
    .default(false)
    .meta({ description: "Explicit opt-out that allows 0.0.0.0/0 on the public endpoint." }),
  authenticationMode: z
    .enum(["API", "API_AND_CONFIG_MAP"], {
      error:
        'must be "API" or "API_AND_CONFIG_MAP" (CONFIG_MAP cannot hold access entries, and EKS refuses it without the cluster creator as admin)',
    })
    .default("API")
    .meta({
      description:
        "How EKS authenticates IAM principals. Access is granted with access entries in both modes; the project never creates or edits kube-system/aws-auth (in API_AND_CONFIG_MAP, EKS keeps its own entries there for managed nodes and Fargate). CONFIG_MAP is not offered: EKS refuses it without the creator as admin, and refuses access entries in it. On a running cluster, API_AND_CONFIG_MAP to API is one-way (EKS never goes back to the ConfigMap); the plan review flags it.",
    }),
  apiAccess: z
    .strictObject({
      cidrs: z.array(cidrBlock).default([]).meta({ description: "Private IPv4 CIDRs." }),
      securityGroupIds: z
        .array(z.string().regex(/^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/, { error: "must be a security group id like sg-0123456789abcdef0" }))
        .default([])
        .meta({ description: "Security group ids (`sg-...`) in the cluster's VPC or a peered one." }),
    })
    .prefault({})
    .meta({
      description:
        "Who reaches the API server on its private endpoint, besides the nodes: CIDRs (a VPN, a peered runner subnet) and security groups (a bastion, a self-hosted runner in the VPC), each a 443 ingress rule on the cluster security group.",
      defaultText: "- the nodes only",
    }),
  autoMode: z
    .strictObject({
      nodePools: z
        .array(z.enum(["general-purpose", "system"], { error: 'must be "general-purpose" or "system"' }))
        .min(1, { error: "must name at least one node pool" })
        .default(["general-purpose", "system"])
        .meta({ description: "Built-in node pools." }),
    })
    .optional()
    .meta({
      description:
        "EKS Auto Mode: EKS runs the nodes (in its built-in node pools), block storage and load balancing itself; presence turns it on. The project then installs no node groups, cluster autoscaler, EBS CSI driver or Load Balancer Controller of its own, and the 2048 sample uses Auto Mode's IngressClass.",
      defaultText: "- off",
    }),
  bootstrapClusterCreatorAdminPermissions: z
    .boolean()
    .default(false)
    .meta({ description: "Give the identity that creates the cluster admin rights (create-time only)." }),
  admins: principals
    .default({})
    .meta({ description: "Cluster admins by name: IAM role or user ARNs, granted AmazonEKSClusterAdminPolicy." }),
  viewers: principals.default({}).meta({
    description: "Read-only cluster users by name: IAM role or user ARNs, granted AmazonEKSViewPolicy (reads most objects, never Secrets).",
  }),
  logRetentionDays: logRetention.default(365).meta({ description: "Control-plane log retention." }),
  secretsKeyDeletionWindowDays: int("days", 7, 30).default(30).meta({ description: "Waiting period before the secrets key is deleted." }),
  deleteTimeout: z
    .string()
    .regex(/^\d+[mh]$/, { error: 'must be a duration like "30m" or "1h"' })
    .default("30m")
    .meta({ description: "How long Terraform waits for the cluster to delete." }),
  addonVersions: z
    .strictObject({
      "vpc-cni": addonVersion,
      "kube-proxy": addonVersion,
      coredns: addonVersion,
      "eks-pod-identity-agent": addonVersion,
      "aws-ebs-csi-driver": addonVersion,
      "metrics-server": addonVersion,
    })
    .default({})
    .meta({
      description:
        "Add-on versions that differ from the project's table for the cluster's Kubernetes version (an `aws eks describe-addon-versions` answer).",
      defaultText: "- the table's version for the cluster version",
    }),
});

const NodeGroupsSchema = z.strictObject({
  selfManaged: z
    .record(z.string(), SelfManagedGroupSchema)
    .default({})
    .meta({ description: "Self-managed groups (launch template + ASG) by name." }),
  managed: z.record(z.string(), ManagedGroupSchema).default({}).meta({ description: "EKS managed node groups by name." }),
  ssh: z
    .strictObject({
      keyName: z.string().min(1, { error: "must not be empty" }).meta({ description: "the EC2 key pair the nodes accept for SSH" }),
      allowedCidrs: z.array(cidrBlock).meta({ description: "the CIDRs allowed to reach port 22, at least one" }),
    })
    .optional()
    .meta({
      description: "SSH access to the nodes: an explicit opt-in, limited to these CIDRs. Prefer SSM Session Manager.",
      defaultText: "- no SSH",
    }),
});

const FargateSchema = z.strictObject({
  profiles: z
    .record(z.string(), FargateProfileSchema)
    .default({})
    .meta({ description: "Fargate profiles by name, in the private subnets." }),
});

/** The GitHub runner labels of a job: `ubuntu-24.04`, or `["self-hosted", "prod-vpc"]`. */
const runnerLabel = z.string().regex(/^[\w.-]{1,64}$/, { error: "must be a runner label of letters, digits and ._-" });

/** Stacks the workflows can plan or deploy, in deployment order. */
export const CI_STACK_KINDS = ["backend", "platform", "workloads"] as const;

const GitHubSchema = z.strictObject({
  repository: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, { error: "must be a GitHub repository like acme/platform" })
    .meta({ description: "the GitHub repository (owner/name) whose workflows get the plan and deploy roles" }),
  oidcProvider: z.enum(["create", "existing"], { error: 'must be "create" or "existing"' }).default("create").meta({
    description:
      'The account\'s IAM OIDC provider for GitHub (`token.actions.githubusercontent.com`): "create" it in this environment\'s backend stack, or use the "existing" one (an account has one: the environment that creates it must be deployed first).',
  }),
  deploy: z
    .boolean()
    .default(true)
    .meta({ description: "Create the deploy role too: the deploy workflow then deploys the environment on pushes to main." }),
  workflowInSubject: z.boolean().default(false).meta({
    description:
      "The deploy role trusts only `deploy.yml` on `main`: GitHub's OIDC subject must then carry the workflow (the repository's subject template `repo`, `context`, `job_workflow_ref`; docs/ci.md).",
  }),
});

const CiSchema = z.strictObject({
  github: GitHubSchema.optional().meta({
    description:
      "The GitHub repository the environment's CI roles are for: the backend stack then creates the plan and deploy roles (`<project>-<env>-ci-plan`, `-ci-deploy`), trusted through GitHub's OIDC provider, with policies derived from what the stacks synthesize (`npm run ci:iam`).",
    defaultText: "- no roles are created (bring your own: planRoleArn, deployRoleArn)",
  }),
  planRoleArn: roleArn.optional().meta({
    description:
      "A plan role of your own, instead of the one `ci.github` creates: the pull-request workflow assumes it through GitHub OIDC and uses it as it is (the config's `assumeRole` is skipped). Give it the policy `npm run ci:iam -- <env> --role plan` prints.",
    defaultText: "- the one `ci.github` creates, else the environment is not planned in pull requests",
  }),
  deployRoleArn: roleArn.optional().meta({
    description:
      "A deploy role of your own, instead of the one `ci.github` creates. With `assumeRole` set, it only needs `sts:AssumeRole` on that role, which holds the deploy policy; without, it holds the policy `npm run ci:iam -- <env> --role deploy` prints.",
    defaultText: "- the one `ci.github` creates, else the deploy workflow does not deploy this environment",
  }),
  planStacks: z
    .array(z.enum(CI_STACK_KINDS, { error: 'must be "backend", "platform" or "workloads"' }))
    .min(1, { error: "must name at least one stack" })
    .optional()
    .meta({
      description:
        "Stacks the pull-request workflow plans: backend and platform. The workloads stack reads the cluster (Helm keeps its releases in Secrets), which pull-request code must not: it is planned and applied by the deploy workflow only.",
      defaultText: "- backend and platform",
    }),
  runsOn: z.array(runnerLabel).min(1, { error: "must name at least one runner label" }).default(["ubuntu-24.04"]).meta({
    description:
      "Runner labels of the deploy job. A private API endpoint is reachable only from a self-hosted runner in (or peered with) the VPC.",
  }),
  planRunsOn: z
    .array(runnerLabel)
    .min(1, { error: "must name at least one runner label" })
    .default(["ubuntu-24.04"])
    .meta({ description: "Runner labels of the pull-request plan job, which runs the pull request's code: never a deploy runner." }),
  githubEnvironment: z
    .string()
    .regex(/^[\w.-]{1,255}$/, { error: "must be a GitHub environment name of letters, digits and ._-" })
    .optional()
    .meta({
      description: "GitHub environment of the deploy job (required reviewers, branch rules).",
      defaultText: "- the environment name",
    }),
});

const IamSchema = z.strictObject({
  rolePath: z
    .string()
    .regex(/^\/(?:[\w+=,.@-]+\/)*$/, { error: 'must be an IAM path: "/" or "/team/env/", letters, digits and +=,.@-_ between slashes' })
    .max(512, { error: "must be at most 512 characters" })
    .default("/")
    .meta({
      description:
        "The path of every IAM role and instance profile the stacks create, `/` or `/<a>/.../`: the deploy policy may write IAM only under it. Changing it on a deployed environment replaces every role, the EKS cluster's included (and with it the cluster).",
    }),
  permissionsBoundaryArn: z
    .string()
    .regex(/^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/, {
      error: "must be an IAM policy ARN like arn:aws:iam::123456789012:policy/boundary",
    })
    .optional()
    .meta({
      description:
        "The permissions boundary (an IAM policy ARN) every role the stacks create carries: the deploy policy may then create and change roles only with it attached, and never remove it.",
      defaultText: "- no boundary",
    }),
});

const KubeconfigSchema = z.strictObject({
  path: z.string().optional().meta({
    description:
      "A file the platform stack writes the kubeconfig to on every deploy (local provider), relative to the project root. Without it no deploy writes a file, so plans on fresh CI runners stay empty: `npm run kubeconfig -- <env>` writes kubeconfigs/<env>.yaml from the stack's outputs (`--merge` adds it to ~/.kube/config). Never ~/.kube/config itself.",
    defaultText: "- no file from deploys; the `kubeconfig` output always",
  }),
  authenticator: z
    .enum(["aws-cli", "aws-iam-authenticator"], { error: 'must be "aws-cli" or "aws-iam-authenticator"' })
    .default("aws-cli")
    .meta({ description: "Token helper of the exec block: `aws eks get-token` (AWS CLI) or the older aws-iam-authenticator." }),
  profile: z
    .string()
    .regex(/^[\w.+@-]{1,64}$/, { error: "must be an AWS CLI profile name (letters, digits and ._+@-)" })
    .optional()
    .meta({ description: "AWS CLI profile the token helper uses (as AWS_PROFILE).", defaultText: "- the caller's environment" }),
  roleArn: roleArn
    .optional()
    .meta({ description: "Role the token helper assumes, e.g. one of eks.admins.", defaultText: "- the caller's identity" }),
});

const WorkloadsSchema = z.strictObject({
  sample2048: z.boolean().default(false).meta({
    description:
      "The Fargate post's 2048 sample: namespace 2048-game, a deployment on Fargate, a service and an internet-facing Ingress for the AWS Load Balancer Controller.",
  }),
  sample2048Image: z
    .string()
    .superRefine((value, ctx) => {
      const problem = imageDigestProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    })
    .optional()
    .meta({
      description:
        "The 2048 sample's container image, pinned by digest: `<repository>@sha256:<64 hex digits>` (a tag may stand before the `@`, as documentation). Required with `sample2048`: the project vouches for no image of its own. An nginx image serving the game from `/usr/share/nginx/html`: the sample runs its nginx with the project's configuration, as a non-root user on port 8080 with a read-only root filesystem.",
      defaultText: "- none",
    }),
  loadBalancerController: z
    .boolean()
    .default(false)
    .meta({ description: "The AWS Load Balancer Controller, installed with its Helm chart and an IRSA role." }),
  clusterAutoscaler: z.boolean().optional().meta({
    description:
      "The cluster autoscaler (Helm chart and IRSA role), which sets the desired size of the node groups. Refused with `karpenter`: two autoscalers would both answer the same pending pods.",
    defaultText: "- true when there are node groups and no `karpenter`",
  }),
  roleArn: roleArn.optional().meta({
    description:
      "The role the workloads stack's kubernetes and helm providers take their cluster token as (`aws eks get-token --role-arn`); must be one of `eks.admins`.",
    defaultText: "- `assumeRole.roleArn`",
  }),
  app: z
    .strictObject({
      namespace: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { error: "must be a Kubernetes namespace name" })
        .default("default")
        .meta({ description: "Namespace of the app's service account." }),
      serviceAccount: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/, { error: "must be a Kubernetes service account name" })
        .default("app")
        .meta({ description: "Name of the app's service account." }),
    })
    .prefault({})
    .meta({
      description:
        "The Kubernetes service account of the application that uses the tables: it gets an IRSA role allowed exactly the app's tables, their indexes and their key. Pods use it with `serviceAccountName`.",
      defaultText: '{ namespace: "default", serviceAccount: "app" }',
    }),
});

/** A Karpenter duration: `30s`, `5m`, `720h`, `1h30m` (the CRD's pattern), or `Never`. */
const karpenterDuration = z.string().regex(/^(?:(?:[0-9]+[smh])+|Never)$/, {
  error: 'must be a duration like "30s", "5m" or "720h" (digits and s, m or h), or "Never"',
});

const KarpenterNodePoolSchema = z.strictObject({
  instanceCategories: z
    .array(z.string().regex(/^[a-z]{1,4}$/, { error: 'must be an instance category: the letters of a family, like "m" or "inf"' }))
    .min(1, { error: "must name at least one instance category" })
    .default(["c", "m", "r"])
    .meta({
      description:
        "EC2 instance categories the pool may launch (`karpenter.k8s.aws/instance-category`: the letters before the generation, `m` of m7i), of generation 3 or newer.",
    }),
  capacityTypes: z
    .array(z.enum(["on-demand", "spot"], { error: 'must be "on-demand" or "spot"' }))
    .min(1, { error: "must name at least one capacity type" })
    .default(["on-demand"])
    .meta({
      description:
        "Capacity types the pool may launch, `on-demand` and/or `spot`; with both, Karpenter takes spot where it can. Spot needs `cpuLimit` (the policy pack refuses spot without a limit).",
    }),
  architectures: z
    .array(z.enum(["amd64", "arm64"], { error: 'must be "amd64" or "arm64"' }))
    .min(1, { error: "must name at least one architecture" })
    .default(["amd64"])
    .meta({ description: "CPU architectures of the nodes, `amd64` and/or `arm64` (Graviton)." }),
  cpuLimit: z
    .union([int("vCPUs", 1, 1_000_000), z.literal("none")], {
      error: 'must be a whole number of vCPUs (1-1000000), or "none" for no limit',
    })
    .default(100)
    .meta({
      description:
        'The most vCPUs the pool\'s nodes may have together (`spec.limits.cpu`): Karpenter launches no node past it, which caps the bill. `"none"` removes the cap, an explicit opt-out.',
    }),
  consolidationPolicy: z
    .enum(["WhenEmptyOrUnderutilized", "WhenEmpty"], { error: 'must be "WhenEmptyOrUnderutilized" or "WhenEmpty"' })
    .default("WhenEmptyOrUnderutilized")
    .meta({
      description:
        "Which nodes consolidation may remove or replace: `WhenEmptyOrUnderutilized` (also nodes whose pods fit elsewhere or on a cheaper node) or `WhenEmpty`.",
    }),
  consolidateAfter: karpenterDuration.default("1m").meta({
    description:
      'How long a node must be empty or underutilized before consolidation removes it; `"Never"` turns consolidation off (the policy pack warns).',
  }),
  expireAfter: karpenterDuration.default("720h").meta({
    description:
      'How long a node lives before Karpenter replaces it (with the current `amiAlias`, so nodes are patched); `"Never"` keeps nodes forever (the policy pack warns).',
  }),
});

/** The instance type of the Karpenter controller's node group unless `karpenter.controllerInstanceType` says otherwise. */
export const KARPENTER_CONTROLLER_INSTANCE_TYPE = "t3.medium";

const KarpenterSchema = z.strictObject({
  controllerOn: z.enum(["nodeGroup", "fargate"], { error: 'must be "nodeGroup" or "fargate"' }).default("nodeGroup").meta({
    description:
      "Where the Karpenter controller runs, never on nodes it manages itself: `nodeGroup` (an EKS managed node group `karpenter` of two nodes, which also runs CoreDNS, metrics-server and the EBS CSI driver before Karpenter exists) or `fargate` (a Fargate profile for its pods: no EC2 node of its own; without other node groups, CoreDNS and metrics-server run on Fargate too and there is no EBS CSI driver).",
  }),
  controllerInstanceType: z
    .string()
    .optional()
    .meta({ description: 'Instance type of the controller\'s node group (controllerOn "nodeGroup" only).', defaultText: '"t3.medium"' }),
  amiAlias: z
    .string()
    .regex(/^al2023@v\d{8}$/, {
      error: 'must pin an Amazon Linux 2023 EKS AMI release like "al2023@v20260714" (al2023@latest would roll new images out unasked)',
    })
    .default("al2023@v20260714")
    .meta({
      description:
        "The AMI of the nodes Karpenter launches: an Amazon Linux 2023 EKS AMI release, `al2023@v<YYYYMMDD>` (awslabs/amazon-eks-ami releases), pinned so that new images reach the nodes only when you change it (then Karpenter replaces the nodes as drifted).",
    }),
  rootVolumeGib: int("GiB", 20, 16384).default(50).meta({ description: "Root volume size of the nodes (encrypted gp3)." }),
  nodePool: KarpenterNodePoolSchema.prefault({}).meta({
    description: "The default NodePool: what Karpenter may launch, how much, and when it removes nodes.",
    defaultText: "- all defaults of its fields",
  }),
});

const SuppressionSchema = z.strictObject({
  rule: z.string().meta({ description: "the policy rule to suppress, e.g. ECR-002 (docs/policy.md lists them)" }),
  resource: z
    .string()
    .regex(/^[a-z0-9_]+\.[A-Za-z0-9_-]+$/, { error: "must be a Terraform address like aws_ecr_repository.ecr_web" })
    .meta({ description: "the Terraform address of the resource the rule is suppressed for" }),
  reason: z
    .string()
    .refine((r) => r.trim().length >= 10, { error: "must explain the exception in at least 10 characters" })
    .meta({ description: "why the exception is acceptable, listed in every synth output" }),
});

const PolicySchema = z.strictObject({
  suppressions: z.array(SuppressionSchema).default([]).meta({ description: "Rules turned off for single resources, each with a reason." }),
});

export const EnvSchema = z.strictObject({
  name: z
    .string()
    .regex(ENV_NAME_PATTERN, {
      error: "must be 2-16 lowercase letters and digits, starting with a letter",
    })
    .meta({ description: "the environment's name (dev, qa, prod), part of every stack id and AWS name" }),
  project: z
    .string()
    .min(2, { error: "must be at least 2 characters" })
    .regex(PROJECT_PATTERN, {
      error: "must be letters, digits and inner hyphens",
    })
    .meta({ description: "the prefix of every AWS name of the environment (<project>-<env>-...), e.g. your team or product" }),
  region: z
    .string()
    .superRefine((value, ctx) => {
      const problem = regionProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    })
    .meta({ description: "the AWS region of every resource of the environment, e.g. eu-west-1" }),
  accountId: z.string().regex(ACCOUNT_ID_PATTERN, { error: "must be exactly 12 digits" }).optional().meta({
    description:
      "The AWS account the environment lives in. Becomes the provider's `allowed_account_ids`, so a dev config can never be applied to the prod account.",
    defaultText: "- any account the credentials reach",
  }),
  assumeRole: AssumeRoleSchema.optional().meta({
    description: "Role to assume for this environment (multi-account setups).",
    defaultText: "- the caller's credentials",
  }),
  availabilityZones: z.array(z.string()).meta({
    description: 'the zones the subnets and nodes are spread over, at least two of the region\'s, e.g. ["eu-west-1a", "eu-west-1b"]',
  }),
  tags: z
    .record(z.string(), z.string())
    .default({})
    .meta({ description: "Cost-allocation tags added to every resource next to Project, Environment and ManagedBy." }),
  backend: BackendSchema.prefault({}).meta({
    description: "The environment's Terraform state backend.",
    defaultText: "- all defaults of `BackendSchema`",
  }),
  tier: z
    .enum(["development", "production"], { error: 'must be "development" or "production"' })
    .default("development")
    .meta({ description: '"production" changes defaults toward availability (NAT per zone).' }),
  ephemeral: z.boolean().default(false).meta({
    description:
      "An environment meant to be torn down with `npm run teardown` (previews, load tests): the state backend loses `prevent_destroy` and its bucket is emptied on destroy, tables lose deletion protection, and ECR repositories are deleted with their images. An explicit opt-out of the protection every other environment has.",
  }),
  logKmsEncryption: z.boolean().default(false).meta({
    description: "Encrypt the flow-log and control-plane log groups with a customer-managed KMS key. Needs `accountId` for the key policy.",
  }),
  vpc: VpcSchema.prefault({}).meta({
    description:
      "The VPC: the one the project creates (its CIDR, subnets, NAT gateways), or an existing one it uses (`existing`), and its flow logs.",
    defaultText: "- all defaults of `VpcSchema`",
  }),
  ecr: EcrSchema.prefault({}).meta({
    description: "The ECR repositories of the app's images, and how long images are kept.",
    defaultText: "- no repositories",
  }),
  eks: EksSchema.prefault({}).meta({
    description: "The EKS cluster: version, API endpoint access, authentication, access entries, logs, add-ons, Auto Mode.",
    defaultText: "- all defaults of `EksSchema`",
  }),
  nodeGroups: NodeGroupsSchema.prefault({}).meta({
    description: "Worker nodes: self-managed groups (launch template + autoscaling group) and EKS managed node groups.",
    defaultText: "- no node groups",
  }),
  fargate: FargateSchema.prefault({}).meta({ description: "Fargate profiles.", defaultText: "- no Fargate profiles" }),
  tables: z
    .record(z.string(), TableSchema)
    .default({})
    .meta({ description: "Application DynamoDB tables by name (`<project>-<env>-<name>`)." }),
  kubeconfig: KubeconfigSchema.prefault({}).meta({
    description: "The environment's kubeconfig: where the platform stack writes it and how it gets a token.",
    defaultText: "- no file; the `kubeconfig` output, with `aws eks get-token`",
  }),
  karpenter: KarpenterSchema.optional().meta({
    description:
      "Karpenter, the node autoscaler; presence turns it on. The platform gets its node role (with an EC2_LINUX access entry), its IRSA role, its interruption queue and the controller's node group or Fargate profile; the workloads stack installs its CRDs and chart and a default EC2NodeClass and NodePool. Refused with `eks.autoMode` and `workloads.clusterAutoscaler`.",
    defaultText: "- off",
  }),
  workloads: WorkloadsSchema.prefault({}).meta({
    description: "What the `<env>-workloads` stack installs in the cluster (it never writes aws-auth).",
    defaultText: "- nothing",
  }),
  policy: PolicySchema.prefault({}).meta({ description: "Policy pack settings (suppressions).", defaultText: "- no suppressions" }),
  iam: IamSchema.prefault({}).meta({
    description: "Where the stacks' IAM roles live and what bounds them.",
    defaultText: '- path "/", no boundary',
  }),
  ci: CiSchema.prefault({}).meta({
    description: "GitHub Actions: plan roles, deploy roles and runners.",
    defaultText: "- not planned or deployed by the workflows",
  }),
});

/** What an `envs/<name>.ts` file writes (defaults optional). */
export type EnvInput = z.input<typeof EnvSchema>;
/** What the schema alone produces; `resolveEnv` (`./resolve.ts`) turns it into an `EnvConfig`. */
export type ParsedEnv = z.output<typeof EnvSchema>;

/** The VPC's CIDR, whichever kind it is: the existing VPC's, else the one the project creates. */
export function vpcCidrOf(vpc: { readonly cidr?: string; readonly existing?: { readonly cidr: string } }): string {
  return vpc.existing?.cidr ?? vpc.cidr ?? DEFAULT_VPC_CIDR;
}

export type TaintConfig = z.output<typeof TaintSchema>;
