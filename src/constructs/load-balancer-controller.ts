import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";
import { iamRoleNameProblem } from "../lib/aws-limits";
import { irsaTrustPolicy, policyDocument, type Statement } from "../lib/iam";
import { LB_CONTROLLER_SERVICE_ACCOUNT } from "../lib/naming";
import { invalidName, requireValidProps } from "../lib/validation";

/** Props of {@link LoadBalancerController}. */
export interface LoadBalancerControllerProps {
  /** The cluster name (the controller tags what it creates with it; the policy is scoped to those tags). */
  readonly clusterName: string;
  /** ARN of the cluster's IAM OIDC provider. */
  readonly oidcProviderArn: string;
  /** The OIDC issuer without https://. */
  readonly oidcIssuerHost: string;
  /** The VPC whose security groups the controller may open to load balancers. */
  readonly vpcId: string;
  readonly roleName: string;
  readonly partition: string;
  readonly region: string;
}

/** The tag the controller puts on every load balancer, target group and security group it creates. */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/**
 * The controller's permissions, written for this project and scoped tighter than the usual
 * all-clusters policy: changes to load balancers, target groups and security groups are allowed
 * only on resources tagged with this cluster's name, and security-group rules only inside its VPC.
 * Read-only Describe/List calls stay on "*" (those APIs have no resource-level permissions).
 */
export function loadBalancerControllerPolicy(
  p: Pick<LoadBalancerControllerProps, "clusterName" | "vpcId" | "partition" | "region">,
): Statement[] {
  const owned = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: p.clusterName } };
  const elb = (kind: string) => `arn:${p.partition}:elasticloadbalancing:${p.region}:*:${kind}`;
  return [
    {
      Sid: "ReadNetworkAndLoadBalancers",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeRouteTables",
        "ec2:DescribeCoipPools",
        "ec2:GetCoipPoolUsage",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "iam:ListServerCertificates",
        "iam:GetServerCertificate",
        "cognito-idp:DescribeUserPoolClient",
        "waf-regional:GetWebACL",
        "waf-regional:GetWebACLForResource",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
      ],
      Resource: "*",
    },
    {
      Sid: "ElbServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "CreateSecurityGroupsInTheClusterVpc",
      Effect: "Allow",
      Action: "ec2:CreateSecurityGroup",
      Resource: "*",
      Condition: { ArnLike: { "ec2:Vpc": `arn:${p.partition}:ec2:${p.region}:*:vpc/${p.vpcId}` } },
    },
    {
      Sid: "TagSecurityGroupsItCreates",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: `arn:${p.partition}:ec2:${p.region}:*:security-group/*`,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", [`aws:RequestTag/${CLUSTER_TAG}`]: p.clusterName } },
    },
    {
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:DeleteSecurityGroup"],
      Resource: `arn:${p.partition}:ec2:${p.region}:*:security-group/*`,
      Condition: owned,
    },
    {
      Sid: "OpenClusterVpcSecurityGroupsToLoadBalancers",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: `arn:${p.partition}:ec2:${p.region}:*:security-group/*`,
      Condition: { ArnLike: { "ec2:Vpc": `arn:${p.partition}:ec2:${p.region}:*:vpc/${p.vpcId}` } },
    },
    {
      Sid: "CreateLoadBalancersTaggedForTheCluster",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: p.clusterName } },
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: [elb("loadbalancer/*"), elb("targetgroup/*/*")],
      Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] } },
    },
    {
      Sid: "ManageOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:CreateListener",
      ],
      Resource: [elb("loadbalancer/*"), elb("targetgroup/*/*")],
      Condition: owned,
    },
    {
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: elb("targetgroup/*/*"),
    },
    {
      Sid: "ManageListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      Resource: [elb("listener/*/*/*/*"), elb("listener-rule/*/*/*/*/*")],
    },
    {
      Sid: "AttachWebAcls",
      Effect: "Allow",
      Action: [
        "waf-regional:AssociateWebACL",
        "waf-regional:DisassociateWebACL",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "shield:CreateProtection",
        "shield:DeleteProtection",
      ],
      Resource: "*",
    },
  ];
}

/**
 * Defines what the AWS Load Balancer Controller needs from this project (the Fargate post's ALB
 * ingress controller, modernised): an IRSA role trusted only by its service account (`sub` and
 * `aud` conditions), its policy, and the annotated service account. The controller itself is
 * installed with its Helm chart using that service account (see the README).
 */
export class LoadBalancerController extends Construct {
  readonly role: IamRole;
  readonly serviceAccount: ServiceAccountV1;

  constructor(scope: Construct, id: string, props: LoadBalancerControllerProps) {
    super(scope, id);
    requireValidProps("LoadBalancerController", [["roleName", props.roleName, invalidName(iamRoleNameProblem(props.roleName))]]);
    const sa = LB_CONTROLLER_SERVICE_ACCOUNT;
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: `AWS Load Balancer Controller of ${props.clusterName} (IRSA, ${sa.namespace}/${sa.name})`,
      assumeRolePolicy: irsaTrustPolicy(props.oidcProviderArn, props.oidcIssuerHost, sa.namespace, sa.name),
    });
    const policy = new IamPolicy(this, "policy", {
      name: props.roleName,
      description: `AWS Load Balancer Controller of ${props.clusterName}, scoped to its own load balancers`,
      policy: policyDocument(loadBalancerControllerPolicy(props)),
    });
    new IamRolePolicyAttachment(this, "policy_attachment", { role: this.role.name, policyArn: policy.arn });
    this.serviceAccount = new ServiceAccountV1(this, "service_account", {
      metadata: {
        name: sa.name,
        namespace: sa.namespace,
        labels: { "app.kubernetes.io/name": sa.name, "app.kubernetes.io/managed-by": "cdktf" },
        annotations: { "eks.amazonaws.com/role-arn": this.role.arn, "eks.amazonaws.com/sts-regional-endpoints": "true" },
      },
    });
  }
}
