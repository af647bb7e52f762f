import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { LOAD_BALANCER_CONTROLLER_CHART } from "../lib/helm-charts";
import { PROJECT_ROOT } from "../lib/project-root";
import type { Statement } from "../lib/iam";
import { LB_CONTROLLER_SERVICE_ACCOUNT } from "../lib/naming";
import { HelmAddon } from "./helm-addon";

/** The tag the controller puts on every load balancer, target group and security group it creates. */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/** What the policy is scoped to. */
export interface LoadBalancerControllerScope {
  /** The cluster name: the controller tags what it creates with it. */
  readonly clusterName: string;
  /** The VPC whose security groups the controller may create and open to load balancers. */
  readonly vpcId: string;
  readonly partition: string;
  readonly region: string;
}

/**
 * The controller's permissions: every call of the pinned release (its published
 * docs/install/iam_policy.json, release v3.5.0, plus wafv2:ListWebACLs, which the controller calls
 * for the wafv2-acl-name annotation and the published file leaves out), scoped tighter. Changes to load balancers, target
 * groups and security groups are allowed only on resources tagged with this cluster's name (upstream
 * accepts any cluster's tag); security groups are created and opened only in the cluster's VPC;
 * listeners, rules and targets only in this region. Reads stay on "*" (those APIs have no
 * resource-level permissions). Every condition key is one the action supports for the resource it
 * names (tested against the Service Authorization Reference).
 */
export function loadBalancerControllerPolicy(p: LoadBalancerControllerScope): Statement[] {
  const ownedResource = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: p.clusterName } };
  const taggedRequest = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: p.clusterName } };
  const elb = (kind: string) => `arn:${p.partition}:elasticloadbalancing:${p.region}:*:${kind}`;
  const securityGroups = `arn:${p.partition}:ec2:${p.region}:*:security-group/*`;
  const vpc = `arn:${p.partition}:ec2:${p.region}:*:vpc/${p.vpcId}`;
  const loadBalancers = [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")];
  const targetGroups = elb("targetgroup/*/*");
  const listeners = [elb("listener/app/*/*/*"), elb("listener/net/*/*/*")];
  const listenerRules = [elb("listener-rule/app/*/*/*/*"), elb("listener-rule/net/*/*/*/*")];
  return [
    {
      Sid: "ElbServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "ReadNetworkAndLoadBalancers",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeCoipPools",
        "ec2:DescribeInstances",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeIpamPools",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeTags",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeVpcs",
        "ec2:GetCoipPoolUsage",
        "ec2:GetSecurityGroupsForVpc",
        "elasticloadbalancing:DescribeCapacityReservation",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTrustStores",
      ],
      Resource: "*",
    },
    {
      Sid: "CertificatesAuthAndFirewalls",
      Effect: "Allow",
      Action: [
        "acm:DescribeCertificate",
        "acm:ListCertificates",
        "cognito-idp:DescribeUserPoolClient",
        "iam:GetServerCertificate",
        "iam:ListServerCertificates",
        "shield:CreateProtection",
        "shield:DeleteProtection",
        "shield:DescribeProtection",
        "shield:GetSubscriptionState",
        "waf-regional:AssociateWebACL",
        "waf-regional:DisassociateWebACL",
        "waf-regional:GetWebACL",
        "waf-regional:GetWebACLForResource",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:ListWebACLs",
      ],
      Resource: "*",
    },
    {
      // The VPC itself is a resource of CreateSecurityGroup, without the ec2:Vpc key: its own statement.
      Sid: "CreateSecurityGroupsInTheClusterVpc",
      Effect: "Allow",
      Action: "ec2:CreateSecurityGroup",
      Resource: vpc,
    },
    {
      Sid: "CreateSecurityGroupsTaggedForTheCluster",
      Effect: "Allow",
      Action: "ec2:CreateSecurityGroup",
      Resource: securityGroups,
      Condition: taggedRequest,
    },
    {
      Sid: "TagSecurityGroupsOnCreate",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: securityGroups,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", [`aws:RequestTag/${CLUSTER_TAG}`]: p.clusterName } },
    },
    {
      Sid: "RetagOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: securityGroups,
      Condition: { ...ownedResource, Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true" } },
    },
    {
      Sid: "DeleteOwnSecurityGroups",
      Effect: "Allow",
      Action: "ec2:DeleteSecurityGroup",
      Resource: securityGroups,
      Condition: ownedResource,
    },
    {
      // Node and pod security groups of the cluster's VPC get rules for load balancer traffic.
      Sid: "OpenClusterVpcSecurityGroupsToLoadBalancers",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: securityGroups,
      Condition: { ArnEquals: { "ec2:Vpc": vpc } },
    },
    {
      Sid: "CreateLoadBalancersTaggedForTheCluster",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: [...loadBalancers, targetGroups],
      Condition: taggedRequest,
    },
    {
      Sid: "TagLoadBalancersOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: [...loadBalancers, targetGroups],
      Condition: {
        StringEquals: {
          "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
          [`aws:RequestTag/${CLUSTER_TAG}`]: p.clusterName,
        },
      },
    },
    {
      Sid: "RetagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [...loadBalancers, targetGroups],
      Condition: { ...ownedResource, Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true" } },
    },
    {
      Sid: "ManageOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
      ],
      Resource: [...loadBalancers, targetGroups],
      Condition: ownedResource,
    },
    {
      Sid: "ManageOwnListenerAttributes",
      Effect: "Allow",
      Action: "elasticloadbalancing:ModifyListenerAttributes",
      Resource: listeners,
      Condition: ownedResource,
    },
    {
      Sid: "ListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:SetWebAcl",
      ],
      Resource: [...loadBalancers, ...listeners, ...listenerRules],
    },
    {
      Sid: "TagListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [...listeners, ...listenerRules],
    },
    {
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"],
      Resource: targetGroups,
    },
  ];
}

/** Props of {@link LoadBalancerController}. */
export interface LoadBalancerControllerProps {
  readonly clusterName: string;
  readonly region: string;
  /** The cluster's VPC (the controller cannot read it from IMDS on Fargate). */
  readonly vpcId: string;
  /** The controller's IRSA role. */
  readonly roleArn: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /** The CRD chart. @default the project's, src/charts/aws-load-balancer-controller-crds */
  readonly crdChartDir?: string;
}

/** The project's CRD chart of the controller (written by `npm run crds:update`). */
export const LBC_CRD_CHART_DIR = path.join(PROJECT_ROOT, "src", "charts", "aws-load-balancer-controller-crds");

/** Fails unless the CRD chart in `dir` is of the pinned controller chart's version. */
function checkCrdChart(dir: string): void {
  const file = path.join(dir, "Chart.yaml");
  const version = fs.existsSync(file) ? (parse(fs.readFileSync(file, "utf8")) as { version?: unknown }).version : undefined;
  const pinned = LOAD_BALANCER_CONTROLLER_CHART.version;
  if (version !== pinned)
    throw new Error(
      `the load balancer controller's CRD chart (${file}) is of chart version ${JSON.stringify(version)}, but the controller chart is pinned at ${pinned}: run npm run crds:update on the ${pinned} chart (docs/ci.md)`,
    );
}

/**
 * The AWS Load Balancer Controller (the Fargate post's ALB ingress controller, modernised),
 * installed with its Helm chart (pinned): cluster name, region and VPC id given (no IMDS needed, so
 * it runs on Fargate), its service account annotated with the IRSA role, which only that service
 * account may assume. Deploys wait until it is ready.
 *
 * Its CRDs (TargetGroupBinding, IngressClassParams, ALBTargetControlConfig, GlobalAccelerator and
 * the gateway.k8s.aws configurations in 3.x) come first, from a release of the project's CRD chart
 * (src/charts/aws-load-balancer-controller-crds: the pinned chart's crds/ files as templates, written by
 * `npm run crds:update`); the controller's release skips its crds/. Helm installs a chart's crds/
 * only on the first install and never upgrades them, whereas templates are upgraded with the
 * release: every chart bump changes the CRD chart (a new asset), so Helm upgrades the CRDs before
 * the controller. It takes over the CRDs a first install of the controller's chart left
 * (`take_ownership`), keeps them when the release is removed (`helm.sh/resource-policy: keep`), and
 * needs no network at synth (the chart ships with the stack as an asset) and no kubectl. Synth
 * fails when the CRD chart is not of the pinned version.
 */
export class LoadBalancerController extends HelmAddon {
  constructor(scope: Construct, id: string, props: LoadBalancerControllerProps) {
    const crdChartDir = props.crdChartDir ?? LBC_CRD_CHART_DIR;
    checkCrdChart(crdChartDir);
    super(scope, id, {
      name: "aws-load-balancer-controller",
      chart: LOAD_BALANCER_CONTROLLER_CHART,
      serviceAccount: LB_CONTROLLER_SERVICE_ACCOUNT,
      roleArn: props.roleArn,
      stsRegionalEndpoints: true,
      values: (serviceAccount) => ({
        clusterName: props.clusterName,
        region: props.region,
        vpcId: props.vpcId,
        // Fargate pods can only be IP targets; nodes work either way.
        defaultTargetType: "ip",
        // Its webhooks fail closed: two replicas in different zones, and a drain never takes both.
        replicaCount: 2,
        podDisruptionBudget: { maxUnavailable: 1 },
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "aws-load-balancer-controller" } },
          },
        ],
        serviceAccount,
      }),
      crds: { name: "aws-load-balancer-controller-crds", chart: { dir: crdChartDir }, takeOwnership: true },
      dependsOn: props.dependsOn,
    });
  }
}
