/**
 * The IAM policies of an environment's CI roles, derived from the resource types its stacks
 * synthesize: the deploy policy may create, change and delete exactly those kinds of resources,
 * scoped to the environment's names where the service allows it; the plan policy may read their
 * configuration (what a refresh reads) and the state, and no data.
 *
 * Every action comes from one table, by Terraform resource type (`TYPES`): the calls the AWS
 * provider makes to create, read, update and delete it. Actions AWS checks on the caller's behalf
 * (passing a role to a service, service-linked roles, KMS grants, SSM parameters a launch template
 * resolves) are in the same table, with the type that needs them.
 */
import type { Statement } from "./iam";

/** What the derivation needs to know about one environment. */
export interface CiIamContext {
  readonly partition: string;
  /** The environment's account, or `*` when the config names none. */
  readonly account: string;
  readonly region: string;
  /** `<project>-<env>`: the prefix of every name the environment creates. */
  readonly prefix: string;
  readonly env: string;
  readonly cluster: string;
  readonly stateBucket: string;
  readonly lockTable?: string;
  /** The path of every role and instance profile the stacks create (`/` or `/<a>/<b>/`). */
  readonly rolePath: string;
  /** The permissions boundary every role the stacks create carries, if any. */
  readonly permissionsBoundaryArn?: string;
  /** Roles the workloads stack takes its cluster token as (`aws eks get-token --role-arn`). */
  readonly clusterRoles: readonly string[];
}

/** A scope: the resource ARNs an action applies to. */
type Scope = (c: CiIamContext) => string[];

const arn = (c: CiIamContext, service: string, resource: string, region = c.region, account = c.account) =>
  `arn:${c.partition}:${service}:${region}:${account}:${resource}`;

/** Resource scopes by kind. */
const SCOPES = {
  any: () => ["*"],
  vpc: (c) => [arn(c, "ec2", "*")],
  s3Bucket: (c) => [`arn:${c.partition}:s3:::${c.stateBucket}`],
  s3Objects: (c) => [`arn:${c.partition}:s3:::${c.stateBucket}/*`],
  tables: (c) => [arn(c, "dynamodb", `table/${c.prefix}-*`)],
  keys: (c) => [arn(c, "kms", "key/*"), arn(c, "kms", `alias/${c.prefix}-*`)],
  roles: (c) => [arn(c, "iam", `role${c.rolePath}${c.prefix}-*`, "")],
  instanceProfiles: (c) => [arn(c, "iam", `instance-profile${c.rolePath}${c.prefix}-*`, "")],
  policies: (c) => [arn(c, "iam", `policy${c.rolePath}${c.prefix}-*`, "")],
  oidcProviders: (c) => [
    arn(c, "iam", `oidc-provider/oidc.eks.${c.region}.amazonaws.com/id/*`, ""),
    arn(c, "iam", "oidc-provider/token.actions.githubusercontent.com", ""),
  ],
  cluster: (c) => [
    arn(c, "eks", `cluster/${c.cluster}`),
    arn(c, "eks", `nodegroup/${c.cluster}/*/*`),
    arn(c, "eks", `fargateprofile/${c.cluster}/*/*`),
    arn(c, "eks", `addon/${c.cluster}/*/*`),
    arn(c, "eks", `access-entry/${c.cluster}/*/*/*`),
    `arn:${c.partition}:eks::aws:cluster-access-policy/*`,
  ],
  logGroups: (c) => [arn(c, "logs", `log-group:/aws/eks/${c.cluster}/*`), arn(c, "logs", `log-group:/aws/vpc/${c.prefix}/*`)],
  repositories: (c) => [arn(c, "ecr", `repository/${c.prefix}/*`)],
  groups: (c) => [arn(c, "autoscaling", `autoScalingGroup:*:autoScalingGroupName/${c.cluster}-*`)],
  queues: (c) => [arn(c, "sqs", `${c.prefix}-*`)],
  rules: (c) => [arn(c, "events", `rule/${c.prefix}-*`)],
} satisfies Record<string, Scope>;

type ScopeName = keyof typeof SCOPES;

/** What the provider calls for one resource type: reads (a refresh), writes (create, update, delete). */
interface TypeActions {
  readonly scope: ScopeName;
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** Calls AWS checks on the caller's behalf, or other services' calls the type makes. */
  readonly also?: readonly {
    readonly scope: ScopeName | Scope;
    readonly actions: readonly string[];
    readonly condition?: (c: CiIamContext) => Statement["Condition"];
  }[];
}

const EC2_TAGS = ["ec2:CreateTags", "ec2:DeleteTags"];
const KMS_GRANTS = { scope: "keys" as const, actions: ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"] };
const passRole = (...services: string[]) => ({
  scope: "roles" as const,
  actions: ["iam:PassRole"],
  condition: () => ({ StringEquals: { "iam:PassedToService": services.map((s) => `${s}.amazonaws.com`) } }),
});
const serviceLinkedRole = (...services: string[]) => ({
  scope: "any" as const,
  actions: ["iam:CreateServiceLinkedRole"],
  condition: () => ({ StringEquals: { "iam:AWSServiceName": services.map((s) => `${s}.amazonaws.com`) } }),
});

/**
 * Every resource type the stacks create, with the provider's calls. A type missing here fails
 * `ciPolicies` (and its test): a new resource type comes with its permissions.
 */
export const TYPES: Readonly<Record<string, TypeActions>> = {
  // --- the state backend
  aws_s3_bucket: {
    scope: "s3Bucket",
    read: [
      "s3:ListBucket",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketTagging",
      "s3:GetBucketPolicy",
      "s3:GetBucketLocation",
    ],
    write: ["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging", "s3:ListBucketVersions"],
    // Emptying the bucket of an ephemeral environment on destroy (force_destroy).
    also: [{ scope: "s3Objects", actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"] }],
  },
  aws_s3_bucket_versioning: { scope: "s3Bucket", read: ["s3:GetBucketVersioning"], write: ["s3:PutBucketVersioning"] },
  aws_s3_bucket_server_side_encryption_configuration: {
    scope: "s3Bucket",
    read: ["s3:GetEncryptionConfiguration"],
    write: ["s3:PutEncryptionConfiguration"],
  },
  aws_s3_bucket_public_access_block: {
    scope: "s3Bucket",
    read: ["s3:GetBucketPublicAccessBlock"],
    write: ["s3:PutBucketPublicAccessBlock"],
  },
  aws_s3_bucket_ownership_controls: {
    scope: "s3Bucket",
    read: ["s3:GetBucketOwnershipControls"],
    write: ["s3:PutBucketOwnershipControls"],
  },
  aws_s3_bucket_policy: { scope: "s3Bucket", read: ["s3:GetBucketPolicy"], write: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"] },
  aws_s3_bucket_lifecycle_configuration: {
    scope: "s3Bucket",
    read: ["s3:GetLifecycleConfiguration"],
    write: ["s3:PutLifecycleConfiguration"],
  },
  aws_dynamodb_table: {
    scope: "tables",
    read: ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"],
    write: [
      "dynamodb:CreateTable",
      "dynamodb:UpdateTable",
      "dynamodb:DeleteTable",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:UpdateTimeToLive",
      "dynamodb:TagResource",
      "dynamodb:UntagResource",
    ],
    also: [KMS_GRANTS],
  },
  aws_dynamodb_resource_policy: {
    scope: "tables",
    read: ["dynamodb:GetResourcePolicy"],
    write: ["dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy"],
  },
  aws_kms_key: {
    scope: "keys",
    read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    write: [
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      "kms:PutKeyPolicy",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateKeyDescription",
      "kms:ScheduleKeyDeletion",
    ],
    // A key has no name to scope by before it exists.
    also: [{ scope: "any", actions: ["kms:CreateKey"] }],
  },
  aws_kms_alias: {
    scope: "keys",
    read: [],
    write: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
    also: [{ scope: "any", actions: ["kms:ListAliases"] }],
  },
  // --- the network
  aws_vpc: {
    scope: "vpc",
    read: [
      "ec2:DescribeVpcs",
      "ec2:DescribeVpcAttribute",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroups",
    ],
    write: ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", ...EC2_TAGS],
  },
  aws_subnet: {
    scope: "vpc",
    read: ["ec2:DescribeSubnets"],
    write: ["ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", ...EC2_TAGS],
  },
  // The EKS discovery tags the platform adds to an existing VPC's subnets (vpc.existing.discoveryTags "add").
  aws_ec2_tag: { scope: "vpc", read: ["ec2:DescribeTags"], write: [...EC2_TAGS] },
  aws_internet_gateway: {
    scope: "vpc",
    read: ["ec2:DescribeInternetGateways"],
    write: [
      "ec2:CreateInternetGateway",
      "ec2:AttachInternetGateway",
      "ec2:DetachInternetGateway",
      "ec2:DeleteInternetGateway",
      ...EC2_TAGS,
    ],
  },
  aws_eip: {
    scope: "vpc",
    read: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
    write: ["ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress", ...EC2_TAGS],
  },
  aws_nat_gateway: {
    scope: "vpc",
    read: ["ec2:DescribeNatGateways"],
    write: ["ec2:CreateNatGateway", "ec2:DeleteNatGateway", ...EC2_TAGS],
  },
  aws_route_table: {
    scope: "vpc",
    read: ["ec2:DescribeRouteTables"],
    write: ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute", ...EC2_TAGS],
  },
  aws_route_table_association: {
    scope: "vpc",
    read: ["ec2:DescribeRouteTables"],
    write: ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"],
  },
  aws_security_group: {
    scope: "vpc",
    read: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces"],
    write: [
      "ec2:CreateSecurityGroup",
      "ec2:DeleteSecurityGroup",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress",
      ...EC2_TAGS,
    ],
  },
  aws_default_security_group: {
    scope: "vpc",
    read: ["ec2:DescribeSecurityGroups"],
    write: [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress",
      ...EC2_TAGS,
    ],
  },
  aws_vpc_security_group_ingress_rule: {
    scope: "vpc",
    read: ["ec2:DescribeSecurityGroupRules"],
    write: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", ...EC2_TAGS],
  },
  aws_vpc_security_group_egress_rule: {
    scope: "vpc",
    read: ["ec2:DescribeSecurityGroupRules"],
    write: ["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", ...EC2_TAGS],
  },
  aws_flow_log: {
    scope: "vpc",
    read: ["ec2:DescribeFlowLogs"],
    write: ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", ...EC2_TAGS],
    also: [passRole("vpc-flow-logs")],
  },
  aws_cloudwatch_log_group: {
    scope: "logGroups",
    read: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"],
    write: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:DisassociateKmsKey",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:TagLogGroup",
      "logs:UntagLogGroup",
    ],
    also: [{ scope: "any", actions: ["logs:DescribeLogGroups"] }],
  },
  // --- the registry
  aws_ecr_repository: {
    scope: "repositories",
    read: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
    write: [
      "ecr:CreateRepository",
      "ecr:DeleteRepository",
      "ecr:PutImageTagMutability",
      "ecr:PutImageScanningConfiguration",
      "ecr:TagResource",
      "ecr:UntagResource",
    ],
    also: [KMS_GRANTS],
  },
  aws_ecr_lifecycle_policy: {
    scope: "repositories",
    read: ["ecr:GetLifecyclePolicy"],
    write: ["ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy"],
  },
  // --- IAM
  aws_iam_role: {
    scope: "roles",
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"],
    write: [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:PutRolePermissionsBoundary",
      "iam:ListInstanceProfilesForRole",
    ],
  },
  aws_iam_role_policy: { scope: "roles", read: ["iam:GetRolePolicy"], write: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"] },
  aws_iam_role_policy_attachment: {
    scope: "roles",
    read: ["iam:ListAttachedRolePolicies"],
    write: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
  },
  aws_iam_policy: {
    scope: "policies",
    read: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags"],
    write: [
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:DeletePolicy",
      "iam:DeletePolicyVersion",
      "iam:TagPolicy",
      "iam:UntagPolicy",
    ],
  },
  aws_iam_instance_profile: {
    scope: "instanceProfiles",
    read: ["iam:GetInstanceProfile"],
    write: [
      "iam:CreateInstanceProfile",
      "iam:DeleteInstanceProfile",
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
      "iam:TagInstanceProfile",
      "iam:UntagInstanceProfile",
    ],
  },
  aws_iam_openid_connect_provider: {
    scope: "oidcProviders",
    read: ["iam:GetOpenIDConnectProvider"],
    write: [
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
    ],
  },
  // --- EKS
  aws_eks_cluster: {
    scope: "cluster",
    read: ["eks:DescribeCluster", "eks:ListTagsForResource", "eks:DescribeUpdate"],
    write: [
      "eks:CreateCluster",
      "eks:DeleteCluster",
      "eks:UpdateClusterConfig",
      "eks:UpdateClusterVersion",
      "eks:AssociateEncryptionConfig",
      "eks:TagResource",
      "eks:UntagResource",
    ],
    also: [
      passRole("eks"),
      serviceLinkedRole("eks"),
      KMS_GRANTS,
      { scope: "vpc", actions: ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"] },
    ],
  },
  aws_eks_node_group: {
    scope: "cluster",
    read: ["eks:DescribeNodegroup", "eks:DescribeUpdate"],
    write: [
      "eks:CreateNodegroup",
      "eks:DeleteNodegroup",
      "eks:UpdateNodegroupConfig",
      "eks:UpdateNodegroupVersion",
      "eks:TagResource",
      "eks:UntagResource",
    ],
    also: [
      passRole("eks"),
      serviceLinkedRole("eks-nodegroup", "autoscaling"),
      { scope: "vpc", actions: ["ec2:DescribeLaunchTemplateVersions", "ec2:RunInstances", "ec2:CreateTags"] },
    ],
  },
  aws_eks_fargate_profile: {
    scope: "cluster",
    read: ["eks:DescribeFargateProfile"],
    write: ["eks:CreateFargateProfile", "eks:DeleteFargateProfile", "eks:TagResource", "eks:UntagResource"],
    // AWS does not document which service principal CreateFargateProfile reports as iam:PassedToService: EKS itself,
    // or the pods that assume the role; both are allowed, for this role scope only.
    also: [passRole("eks", "eks-fargate-pods"), serviceLinkedRole("eks-fargate")],
  },
  aws_eks_addon: {
    scope: "cluster",
    read: ["eks:DescribeAddon"],
    write: ["eks:CreateAddon", "eks:UpdateAddon", "eks:DeleteAddon", "eks:TagResource", "eks:UntagResource"],
    also: [passRole("eks"), { scope: "any", actions: ["eks:DescribeAddonVersions"] }],
  },
  aws_eks_access_entry: {
    scope: "cluster",
    read: ["eks:DescribeAccessEntry"],
    write: ["eks:CreateAccessEntry", "eks:UpdateAccessEntry", "eks:DeleteAccessEntry", "eks:TagResource", "eks:UntagResource"],
  },
  aws_eks_access_policy_association: {
    scope: "cluster",
    read: ["eks:ListAssociatedAccessPolicies"],
    write: ["eks:AssociateAccessPolicy", "eks:DisassociateAccessPolicy"],
  },
  // --- self-managed nodes
  aws_launch_template: {
    scope: "vpc",
    read: ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
    write: [
      "ec2:CreateLaunchTemplate",
      "ec2:CreateLaunchTemplateVersion",
      "ec2:ModifyLaunchTemplate",
      "ec2:DeleteLaunchTemplate",
      ...EC2_TAGS,
    ],
    // The image of `resolve:ssm:` is read on the caller's behalf; the instance profile's role is passed to EC2.
    also: [
      {
        scope: (c) => [
          `arn:${c.partition}:ssm:${c.region}::parameter/aws/service/eks/optimized-ami/*`,
          `arn:${c.partition}:ssm:${c.region}::parameter/aws/service/bottlerocket/*`,
        ],
        actions: ["ssm:GetParameters"],
      },
      passRole("ec2"),
    ],
  },
  aws_autoscaling_group: {
    scope: "groups",
    read: [],
    write: [
      "autoscaling:CreateAutoScalingGroup",
      "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:DeleteAutoScalingGroup",
      "autoscaling:CreateOrUpdateTags",
      "autoscaling:DeleteTags",
      "autoscaling:PutLifecycleHook",
      "autoscaling:DeleteLifecycleHook",
      "autoscaling:SetInstanceProtection",
      "autoscaling:SuspendProcesses",
      "autoscaling:ResumeProcesses",
    ],
    also: [
      {
        scope: "any",
        actions: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeLifecycleHooks",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeWarmPool",
          "autoscaling:DescribeLoadBalancers",
          "autoscaling:DescribeLoadBalancerTargetGroups",
          "autoscaling:DescribeTrafficSources",
        ],
      },
      serviceLinkedRole("autoscaling"),
      passRole("ec2"),
      { scope: "vpc", actions: ["ec2:DescribeLaunchTemplateVersions", "ec2:RunInstances", "ec2:CreateTags"] },
    ],
  },
  // --- the interruption queues (Node Termination Handler, Karpenter)
  aws_sqs_queue: {
    scope: "queues",
    read: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"],
    write: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"],
  },
  aws_sqs_queue_policy: { scope: "queues", read: ["sqs:GetQueueAttributes"], write: ["sqs:SetQueueAttributes"] },
  aws_cloudwatch_event_rule: {
    scope: "rules",
    read: ["events:DescribeRule", "events:ListTagsForResource"],
    write: ["events:PutRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", "events:TagResource", "events:UntagResource"],
  },
  aws_cloudwatch_event_target: { scope: "rules", read: ["events:ListTargetsByRule"], write: ["events:PutTargets", "events:RemoveTargets"] },
};

/** Types of providers that never call AWS (the cluster's own API, files, programs). */
const NOT_AWS = /^(kubernetes|helm|local|external)_/;

/** The resources a type's own actions apply to. */
export function scopeOf(type: string, c: CiIamContext): string[] {
  return SCOPES[TYPES[type].scope](c);
}

/** The resource types `types` holds that have no entry in the table (a defect: add them to `TYPES`). */
export function unknownTypes(types: Iterable<string>): string[] {
  return [...types].filter((t) => !NOT_AWS.test(t) && !(t in TYPES)).sort();
}

/** The state of every stack of the environment: read (plans) or read and written (deploys). */
function stateStatements(c: CiIamContext, write: boolean): Statement[] {
  const objects = `arn:${c.partition}:s3:::${c.stateBucket}/${c.env}/*`;
  const statements: Statement[] = [
    { Sid: "StateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [`arn:${c.partition}:s3:::${c.stateBucket}`] },
    {
      Sid: "StateObjects",
      Effect: "Allow",
      Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"],
      Resource: [objects],
    },
    {
      Sid: "StateKey",
      Effect: "Allow",
      Action: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"] : ["kms:Decrypt", "kms:DescribeKey"],
      Resource: [arn(c, "kms", "key/*")],
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${c.prefix}-tfstate` } },
    },
  ];
  if (c.lockTable) {
    statements.push({
      Sid: "StateLock",
      Effect: "Allow",
      // A plan with -lock=false still reads the state's digest from the lock table.
      Action: write ? ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable"] : ["dynamodb:GetItem"],
      Resource: [arn(c, "dynamodb", `table/${c.lockTable}`)],
    });
  }
  return statements;
}

/** Merges statements with the same effect, resources and condition; sorts actions and resources. */
function merged(statements: readonly Statement[]): Statement[] {
  const byKey = new Map<
    string,
    { sid: string; effect: Statement["Effect"]; actions: Set<string>; resources: string[]; condition?: Statement["Condition"] }
  >();
  for (const s of statements) {
    const resources = [...new Set(([] as string[]).concat(s.Resource ?? []))].sort();
    const key = JSON.stringify([s.Effect, resources, s.Condition ?? null]);
    const entry = byKey.get(key) ?? { sid: s.Sid ?? "", effect: s.Effect, actions: new Set<string>(), resources, condition: s.Condition };
    for (const a of ([] as string[]).concat(s.Action)) entry.actions.add(a);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map((e) => ({
    ...(e.sid ? { Sid: e.sid } : {}),
    Effect: e.effect,
    Action: [...e.actions].sort(),
    Resource: e.resources,
    ...(e.condition ? { Condition: e.condition } : {}),
  }));
}

const sid = (s: string) => s.replace(/[^A-Za-z0-9]/g, "");

/** IAM refuses a policy whose statement ids repeat: the second "Roles" becomes "Roles2", and so on. */
function uniqueSids(statements: readonly Statement[]): Statement[] {
  const seen = new Map<string, number>();
  return statements.map((s) => {
    if (s.Sid === undefined) return s;
    const n = (seen.get(s.Sid) ?? 0) + 1;
    seen.set(s.Sid, n);
    return n === 1 ? s : { ...s, Sid: `${s.Sid}${n}` };
  });
}

/** The types' statements for `kind`: per scope, the reads (plan) or everything (deploy). */
function typeStatements(types: readonly string[], c: CiIamContext, kind: "plan" | "deploy"): Statement[] {
  const out: Statement[] = [];
  for (const type of types) {
    const t = TYPES[type];
    const actions = kind === "plan" ? t.read : [...t.read, ...t.write];
    if (actions.length > 0) out.push({ Sid: sid(t.scope), Effect: "Allow", Action: [...actions], Resource: SCOPES[t.scope](c) });
    if (kind === "deploy") {
      for (const extra of t.also ?? []) {
        const scope = typeof extra.scope === "function" ? extra.scope : SCOPES[extra.scope];
        out.push({
          Sid: sid(typeof extra.scope === "function" ? extra.actions[0] : extra.scope),
          Effect: "Allow",
          Action: [...extra.actions],
          Resource: scope(c),
          ...(extra.condition ? { Condition: extra.condition(c) } : {}),
        });
      }
    } else {
      // What a refresh lists without a resource to scope by.
      for (const extra of t.also ?? []) {
        const reads = extra.actions.filter((a) => /:(Describe|List|Get)[A-Z]/.test(a) && !a.startsWith("ssm:"));
        if (reads.length > 0 && extra.scope === "any") out.push({ Sid: "any", Effect: "Allow", Action: reads, Resource: ["*"] });
      }
    }
  }
  return out;
}

/**
 * The deploy policy: create, change and delete what the stacks define, the state, and the calls
 * AWS makes on the caller's behalf; roles only under the environment's path and names, passed
 * only to the services that use them, and only with its permissions boundary when it has one.
 */
export function deployPolicy(types: Iterable<string>, c: CiIamContext): Statement[] {
  const known = [...new Set(types)].filter((t) => t in TYPES).sort();
  const statements = [
    { Sid: "Unscoped", Effect: "Allow" as const, Action: ["sts:GetCallerIdentity"], Resource: ["*"] },
    ...stateStatements(c, true),
    ...typeStatements(known, c, "deploy"),
  ];
  if (c.clusterRoles.length > 0) {
    statements.push({ Sid: "ClusterToken", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [...c.clusterRoles] });
  }
  let out = merged(statements);
  if (c.permissionsBoundaryArn) {
    // Roles are created and changed only with the boundary on; nobody takes it off or edits it.
    const boundary = c.permissionsBoundaryArn;
    const BOUNDED = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy"];
    out = out.flatMap((s) => {
      const actions = s.Action as string[];
      const bounded = actions.filter((a) => BOUNDED.includes(a));
      if (bounded.length === 0) return [s];
      return [
        { ...s, Action: actions.filter((a) => !BOUNDED.includes(a)) },
        {
          Sid: "RolesUnderBoundary",
          Effect: "Allow" as const,
          Action: bounded,
          Resource: s.Resource,
          Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
        },
      ];
    });
    out.push({
      Sid: "KeepTheBoundary",
      Effect: "Deny",
      Action: [
        "iam:DeleteRolePermissionsBoundary",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
      ],
      Resource: [boundary],
    });
    out.push({ Sid: "NoBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: ["*"] });
  }
  return uniqueSids(out.filter((s) => (s.Action as string[]).length > 0));
}

/**
 * The plan policy: read the state, and the configuration a refresh reads (Describe, List and Get
 * calls on the stacks' kinds of resources); no object, item, parameter or log data.
 */
export function planPolicy(types: Iterable<string>, c: CiIamContext): Statement[] {
  const known = [...new Set(types)].filter((t) => t in TYPES).sort();
  return uniqueSids(
    merged([
      { Sid: "Unscoped", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: ["*"] },
      ...stateStatements(c, false),
      ...typeStatements(known, c, "plan"),
    ]),
  );
}

/** The most characters IAM takes in a managed policy, whitespace excluded. */
export const MANAGED_POLICY_LIMIT = 6_144;

/** A policy document's length as IAM counts it: without whitespace. */
export function policyLength(statements: readonly Statement[]): number {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements }).length;
}

/** Statements split into as few documents as fit IAM's managed-policy size, in order. */
export function splitPolicy(statements: readonly Statement[], limit = MANAGED_POLICY_LIMIT): Statement[][] {
  const docs: Statement[][] = [[]];
  for (const s of statements) {
    if (policyLength([s]) > limit) throw new Error(`one statement (${s.Sid ?? "no Sid"}) is over IAM's ${limit}-character policy limit`);
    const last = docs[docs.length - 1];
    if (policyLength([...last, s]) > limit) docs.push([s]);
    else last.push(s);
  }
  return docs.filter((d) => d.length > 0);
}
