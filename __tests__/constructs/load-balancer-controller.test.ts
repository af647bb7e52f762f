import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { LBC_CRD_CHART_DIR, LoadBalancerController, loadBalancerControllerPolicy } from "../../src/constructs/load-balancer-controller";
import { LOAD_BALANCER_CONTROLLER_CHART } from "../../src/lib/helm-charts";
import type { Statement } from "../../src/lib/iam";
import { allowsAction, conditionKeyProblems } from "../helpers/iam";
import { resourcesOf, synthConstruct } from "../helpers/synth";

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
    const release = resourcesOf(json, "helm_release").lb_release;
    expect(release).toMatchObject({
      name: "aws-load-balancer-controller",
      namespace: "kube-system",
      repository: "https://aws.github.io/eks-charts",
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      skip_crds: true,
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

  const synth = (extra: Partial<ConstructorParameters<typeof LoadBalancerController>[2]> = {}) =>
    resourcesOf(
      synthConstruct((s) => new LoadBalancerController(s, "lb", { ...scope, roleArn: "arn:aws:iam::1:role/lbc", ...extra })),
      "helm_release",
    );

  it("installs its CRDs first, from the project's CRD chart, which Helm upgrades with every chart change", () => {
    const r = synth();
    expect(Object.keys(r).sort()).toEqual(["lb_crd_release", "lb_release"]);
    expect(r.lb_crd_release).toMatchObject({ name: "aws-load-balancer-controller-crds", namespace: "kube-system", take_ownership: true });
    expect(r.lb_crd_release.chart).toMatch(/^\$\{path\.module\}\/assets\/lb_crd_chart\/[0-9A-F]+$/);
    expect(r.lb_crd_release).not.toHaveProperty("repository");
    // The CRDs wait for nothing of the controller's; the controller waits for them.
    expect(r.lb_crd_release.depends_on).toBeUndefined();
    expect(r.lb_release.depends_on).toEqual(["helm_release.lb_crd_release"]);
  });

  it("passes what it must wait for to the CRDs and the controller alike", () => {
    const synthAfter = synthConstruct((s) => {
      const first = new LoadBalancerController(s, "first", { ...scope, roleArn: "arn:aws:iam::1:role/lbc" });
      new LoadBalancerController(s, "lb", { ...scope, roleArn: "arn:aws:iam::1:role/lbc", dependsOn: [first.release] });
    });
    const r = resourcesOf(synthAfter, "helm_release");
    expect(r.lb_crd_release.depends_on).toEqual(["helm_release.first_release"]);
    expect(r.lb_release.depends_on).toEqual(["helm_release.lb_crd_release", "helm_release.first_release"]);
  });

  it("gets a new CRD chart when the chart version changes, and refuses a CRD chart of another version", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lbc-crds-"));
    try {
      fs.cpSync(LBC_CRD_CHART_DIR, dir, { recursive: true });
      const chartYaml = path.join(dir, "Chart.yaml");
      const same = synth({ crdChartDir: dir }).lb_crd_release.chart;
      expect(same).toBe(synth().lb_crd_release.chart); // the asset is named by its content
      fs.writeFileSync(chartYaml, fs.readFileSync(chartYaml, "utf8").replace("version: 3.5.0", "version: 3.6.0"));
      expect(() => synth({ crdChartDir: dir })).toThrow(
        /CRD chart \(.*Chart\.yaml\) is of chart version "3\.6\.0", but the controller chart is pinned at 3\.5\.0: run npm run crds:update on the 3\.5\.0 chart/,
      );
      // A bump with its CRDs (here: a changed CRD file at the pinned version) is a new chart path.
      fs.writeFileSync(chartYaml, fs.readFileSync(chartYaml, "utf8").replace("version: 3.6.0", "version: 3.5.0"));
      fs.appendFileSync(path.join(dir, "templates", "crds.yaml"), "# changed\n");
      expect(synth({ crdChartDir: dir }).lb_crd_release.chart).not.toBe(same);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the CRD chart (src/charts/aws-load-balancer-controller-crds)", () => {
  const chart = parse(fs.readFileSync(path.join(LBC_CRD_CHART_DIR, "Chart.yaml"), "utf8")) as Record<string, string>;
  const crds = fs
    .readdirSync(path.join(LBC_CRD_CHART_DIR, "templates"))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(LBC_CRD_CHART_DIR, "templates", f), "utf8")))
    .map((d) => d.toJS() as { kind: string; metadata: { name: string; annotations: Record<string, string> } });

  it("is of the pinned chart's version and holds its CRDs, each kept when the release goes", () => {
    expect(chart).toMatchObject({ name: "aws-load-balancer-controller-crds", version: LOAD_BALANCER_CONTROLLER_CHART.version });
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([
      "albtargetcontrolconfigs.elbv2.k8s.aws",
      "globalaccelerators.aga.k8s.aws",
      "ingressclassparams.elbv2.k8s.aws",
      "listenerruleconfigurations.gateway.k8s.aws",
      "loadbalancerconfigurations.gateway.k8s.aws",
      "targetgroupbindings.elbv2.k8s.aws",
      "targetgroupconfigurations.gateway.k8s.aws",
    ]);
    for (const c of crds) {
      expect(c.kind).toBe("CustomResourceDefinition");
      expect(c.metadata.annotations["helm.sh/resource-policy"], c.metadata.name).toBe("keep");
    }
  });
});
