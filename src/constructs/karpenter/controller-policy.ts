import type { Statement } from "../../lib/iam";

/** The tag Karpenter puts on every instance, volume, network interface, launch template and instance profile it creates. */
const OWNED_TAG = (cluster: string) => `kubernetes.io/cluster/${cluster}`;
/** The NodePool an EC2 resource was launched for; present on everything Karpenter launches. */
const NODEPOOL_TAG = "karpenter.sh/nodepool";
/** The EC2NodeClass an instance profile was created for. */
const NODECLASS_TAG = "karpenter.k8s.aws/ec2nodeclass";
/** The cluster name tag EKS and Karpenter put on nodes. */
const EKS_CLUSTER_NAME_TAG = "eks:eks-cluster-name";
const REGION_TAG = "topology.kubernetes.io/region";

/** What the controller policy is scoped to. */
export interface KarpenterPolicyScope {
  readonly clusterName: string;
  readonly partition: string;
  readonly region: string;
  /** The cluster's account, or `*` when the config names none. */
  readonly account: string;
  /** The role of the nodes Karpenter launches: the only role it may pass, and put in instance profiles. */
  readonly nodeRoleArn: string;
  /** Its interruption queue. */
  readonly queueArn: string;
}

/**
 * The Karpenter controller's permissions, written for release v1.14.1 after its reference
 * CloudFormation policy (website/content/en/docs/getting-started/getting-started-with-karpenter/
 * cloudformation.yaml): launch, tag and terminate only EC2 resources carrying this cluster's
 * `kubernetes.io/cluster/<cluster>=owned` tag and a NodePool tag; create, tag and delete only
 * instance profiles carrying this cluster's tags, named `<cluster>_<hash>` under the path
 * `/karpenter/<region>/<cluster>/` Karpenter gives them; pass only the node role, to EC2 only;
 * describe only this cluster and read only its own queue. Tighter than the reference where it can
 * be: subnets and security groups of this account, instance profiles by name and path, and the SSM
 * parameters of EKS AMIs only. Reads of EC2 stay on "*" (those APIs have no resource-level
 * permissions), limited to this region. Zonal shift (`arc-zonal-shift:GetManagedResource`) is
 * left out: `settings.enableZonalShift` stays off.
 *
 * @see https://karpenter.sh/docs/reference/cloudformation/
 */
export function karpenterControllerStatements(p: KarpenterPolicyScope): Statement[] {
  const ec2 = (resource: string, account: string = p.account) => `arn:${p.partition}:ec2:${p.region}:${account}:${resource}`;
  const owned = { [`aws:ResourceTag/${OWNED_TAG(p.clusterName)}`]: "owned" };
  const ownedRequest = {
    [`aws:RequestTag/${OWNED_TAG(p.clusterName)}`]: "owned",
    [`aws:RequestTag/${EKS_CLUSTER_NAME_TAG}`]: p.clusterName,
  };
  const launched = [
    ec2("fleet/*"),
    ec2("instance/*"),
    ec2("volume/*"),
    ec2("network-interface/*"),
    ec2("launch-template/*"),
    ec2("spot-instances-request/*"),
  ];
  const profiles = [
    `arn:${p.partition}:iam::${p.account}:instance-profile/${p.clusterName}_*`,
    `arn:${p.partition}:iam::${p.account}:instance-profile/karpenter/${p.region}/${p.clusterName}/*`,
  ];
  const profileOfThisCluster = {
    StringEquals: { ...owned, [`aws:ResourceTag/${REGION_TAG}`]: p.region },
    StringLike: { [`aws:ResourceTag/${NODECLASS_TAG}`]: "*" },
  };
  return [
    {
      Sid: "LaunchWithImagesSubnetsAndSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: [
        `arn:${p.partition}:ec2:${p.region}::image/*`,
        `arn:${p.partition}:ec2:${p.region}::snapshot/*`,
        ec2("security-group/*"),
        ec2("subnet/*"),
        ec2("capacity-reservation/*"),
        ec2("placement-group/*"),
      ],
    },
    {
      Sid: "LaunchFromItsOwnLaunchTemplates",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: ec2("launch-template/*"),
      Condition: { StringEquals: owned, StringLike: { [`aws:ResourceTag/${NODEPOOL_TAG}`]: "*" } },
    },
    {
      Sid: "CreateOnlyResourcesTaggedForThisCluster",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Resource: launched,
      Condition: { StringEquals: ownedRequest, StringLike: { [`aws:RequestTag/${NODEPOOL_TAG}`]: "*" } },
    },
    {
      Sid: "TagWhatItCreates",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: launched,
      Condition: {
        StringEquals: { ...ownedRequest, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
        StringLike: { [`aws:RequestTag/${NODEPOOL_TAG}`]: "*" },
      },
    },
    {
      Sid: "NameItsOwnNodes",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ec2("instance/*"),
      Condition: {
        StringEquals: owned,
        StringLike: { [`aws:ResourceTag/${NODEPOOL_TAG}`]: "*" },
        StringEqualsIfExists: { [`aws:RequestTag/${EKS_CLUSTER_NAME_TAG}`]: p.clusterName },
        "ForAllValues:StringEquals": { "aws:TagKeys": [EKS_CLUSTER_NAME_TAG, "karpenter.sh/nodeclaim", "Name"] },
      },
    },
    {
      Sid: "TerminateOnlyItsOwnNodes",
      Effect: "Allow",
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Resource: [ec2("instance/*"), ec2("launch-template/*")],
      Condition: { StringEquals: owned, StringLike: { [`aws:ResourceTag/${NODEPOOL_TAG}`]: "*" } },
    },
    {
      Sid: "PassOnlyTheNodeRoleToEc2",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: p.nodeRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
    },
    {
      Sid: "CreateInstanceProfilesOfThisCluster",
      Effect: "Allow",
      Action: "iam:CreateInstanceProfile",
      Resource: profiles,
      Condition: {
        StringEquals: { ...ownedRequest, [`aws:RequestTag/${REGION_TAG}`]: p.region },
        StringLike: { [`aws:RequestTag/${NODECLASS_TAG}`]: "*" },
      },
    },
    {
      Sid: "TagInstanceProfilesOfThisCluster",
      Effect: "Allow",
      Action: "iam:TagInstanceProfile",
      Resource: profiles,
      Condition: {
        StringEquals: { ...profileOfThisCluster.StringEquals, ...ownedRequest, [`aws:RequestTag/${REGION_TAG}`]: p.region },
        StringLike: { ...profileOfThisCluster.StringLike, [`aws:RequestTag/${NODECLASS_TAG}`]: "*" },
      },
    },
    {
      Sid: "ManageInstanceProfilesOfThisCluster",
      Effect: "Allow",
      Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
      Resource: profiles,
      Condition: profileOfThisCluster,
    },
    { Sid: "ReadInstanceProfilesOfThisCluster", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: profiles },
    // Garbage collection lists the profiles under the cluster's path; the action has no narrower scope.
    { Sid: "ListInstanceProfiles", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
    {
      Sid: "DescribeThisCluster",
      Effect: "Allow",
      Action: "eks:DescribeCluster",
      Resource: `arn:${p.partition}:eks:${p.region}:${p.account}:cluster/${p.clusterName}`,
    },
    {
      Sid: "ReadItsInterruptionQueue",
      Effect: "Allow",
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      Resource: p.queueArn,
    },
    {
      Sid: "DiscoverInThisRegion",
      Effect: "Allow",
      Action: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": p.region } },
    },
    {
      Sid: "ResolveEksAmiAliases",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: `arn:${p.partition}:ssm:${p.region}::parameter/aws/service/eks/optimized-ami/*`,
    },
    // Prices decide between instance types; the Price List API has no resources.
    { Sid: "ReadPrices", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
  ];
}
