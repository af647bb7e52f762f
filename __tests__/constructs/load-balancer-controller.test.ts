import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LoadBalancerController, loadBalancerControllerPolicy } from "../../src/constructs/load-balancer-controller";
import { LOAD_BALANCER_CONTROLLER_CHART } from "../../src/lib/helm-charts";
import type { Statement } from "../../src/lib/iam";
import { allowsAction, conditionKeyProblems } from "../helpers/iam";
import { onlyResource, synthConstruct } from "../helpers/synth";

const scope = { clusterName: "fixture-alpha-eks", vpcId: "vpc-123", partition: "aws", region: "eu-west-1" };
const statements = loadBalancerControllerPolicy(scope);

/**
 * Every action of the AWS Load Balancer Controller v3.5.0's published policy
 * (docs/install/iam_policy.json at tag v3.5.0), plus wafv2:ListWebACLs, which the controller calls
 * for the wafv2-acl-name annotation but the published policy leaves out.
 */
const CONTROLLER_ACTIONS = [
  "acm:DescribeCertificate",
  "acm:ListCertificates",
  "cognito-idp:DescribeUserPoolClient",
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:CreateSecurityGroup",
  "ec2:CreateTags",
  "ec2:DeleteSecurityGroup",
  "ec2:DeleteTags",
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
  "ec2:RevokeSecurityGroupIngress",
  "elasticloadbalancing:AddListenerCertificates",
  "elasticloadbalancing:AddTags",
  "elasticloadbalancing:CreateListener",
  "elasticloadbalancing:CreateLoadBalancer",
  "elasticloadbalancing:CreateRule",
  "elasticloadbalancing:CreateTargetGroup",
  "elasticloadbalancing:DeleteListener",
  "elasticloadbalancing:DeleteLoadBalancer",
  "elasticloadbalancing:DeleteRule",
  "elasticloadbalancing:DeleteTargetGroup",
  "elasticloadbalancing:DeregisterTargets",
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
  "elasticloadbalancing:ModifyCapacityReservation",
  "elasticloadbalancing:ModifyIpPools",
  "elasticloadbalancing:ModifyListener",
  "elasticloadbalancing:ModifyListenerAttributes",
  "elasticloadbalancing:ModifyLoadBalancerAttributes",
  "elasticloadbalancing:ModifyRule",
  "elasticloadbalancing:ModifyTargetGroup",
  "elasticloadbalancing:ModifyTargetGroupAttributes",
  "elasticloadbalancing:RegisterTargets",
  "elasticloadbalancing:RemoveListenerCertificates",
  "elasticloadbalancing:RemoveTags",
  "elasticloadbalancing:SetIpAddressType",
  "elasticloadbalancing:SetRulePriorities",
  "elasticloadbalancing:SetSecurityGroups",
  "elasticloadbalancing:SetSubnets",
  "elasticloadbalancing:SetWebAcl",
  "iam:CreateServiceLinkedRole",
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
];

describe("loadBalancerControllerPolicy", () => {
  it("allows every call of the pinned controller release", () => {
    expect(LOAD_BALANCER_CONTROLLER_CHART.version).toBe("3.5.0");
    expect(CONTROLLER_ACTIONS.filter((a) => !allowsAction(statements, a))).toEqual([]);
  });

  it("uses only condition keys each action supports for the resources it names", () => {
    expect(statements.flatMap((s) => conditionKeyProblems(s).map((p) => `${s.Sid}: ${p}`))).toEqual([]);
  });

  it("catches the old statement that denied every CreateSecurityGroup (ec2:Vpc is not a key of the new group)", () => {
    const old: Statement = {
      Effect: "Allow",
      Action: "ec2:CreateSecurityGroup",
      Resource: "*",
      Condition: { ArnLike: { "ec2:Vpc": "arn:aws:ec2:eu-west-1:*:vpc/vpc-123" } },
    };
    expect(conditionKeyProblems(old)).toEqual(["ec2:CreateSecurityGroup on security-group: ec2:Vpc"]);
  });

  it("never allows every action, and changes only what is tagged with this cluster, in its VPC and region", () => {
    for (const s of statements) expect([s.Action].flat().some((a) => a === "*" || a.endsWith(":*"))).toBe(false);
    const owned = statements.filter((s) => JSON.stringify(s.Condition ?? {}).includes("aws:ResourceTag/elbv2.k8s.aws/cluster"));
    expect(owned.map((s) => s.Sid)).toEqual([
      "RetagOwnSecurityGroups",
      "DeleteOwnSecurityGroups",
      "RetagOwnLoadBalancers",
      "ManageOwnLoadBalancers",
      "ManageOwnListenerAttributes",
    ]);
    for (const s of owned) expect(s.Condition!.StringEquals["aws:ResourceTag/elbv2.k8s.aws/cluster"]).toBe("fixture-alpha-eks");
    expect(statements.find((s) => s.Sid === "OpenClusterVpcSecurityGroupsToLoadBalancers")?.Condition).toEqual({
      ArnEquals: { "ec2:Vpc": "arn:aws:ec2:eu-west-1:*:vpc/vpc-123" },
    });
    const scoped = statements.filter((s) => s.Resource !== "*");
    for (const s of scoped) for (const r of [s.Resource].flat()) expect(r).toMatch(/^arn:aws:(ec2|elasticloadbalancing):eu-west-1:/);
  });
});

describe("LoadBalancerController", () => {
  it("installs the pinned chart with the cluster, region, VPC and IRSA service account (Fargate needs no IMDS)", () => {
    const json = synthConstruct((s) => new LoadBalancerController(s, "lb", { ...scope, roleArn: "arn:aws:iam::1:role/lbc" }));
    const release = onlyResource(json, "helm_release");
    expect(release).toMatchObject({
      name: "aws-load-balancer-controller",
      namespace: "kube-system",
      repository: "https://aws.github.io/eks-charts",
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      wait: true,
    });
    expect(release.values).toHaveLength(1);
    expect(parse((release.values as string[])[0])).toEqual({
      clusterName: "fixture-alpha-eks",
      region: "eu-west-1",
      vpcId: "vpc-123",
      defaultTargetType: "ip",
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
      serviceAccount: {
        create: true,
        name: "aws-load-balancer-controller",
        annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/lbc", "eks.amazonaws.com/sts-regional-endpoints": "true" },
      },
    });
  });
});
