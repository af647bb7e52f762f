import { describe, expect, it } from "vitest";
import { NODE_POLICIES } from "../../../src/constructs/eks-worker-nodes";
import { KarpenterAws, karpenterControllerStatements, type KarpenterAwsProps } from "../../../src/constructs/karpenter";
import type { Statement } from "../../../src/lib/iam";
import { allowsAction, globMatch } from "../../helpers/iam";
import { addresses, onlyResource, policyOf, resourcesOf, synthConstruct } from "../../helpers/synth";

const props: KarpenterAwsProps = {
  cluster: { clusterName: "fixture-delta-eks", clusterNameRef: "${aws_eks_cluster.eks.name}" },
  oidc: { oidcProviderArn: "${aws_iam_openid_connect_provider.p.arn}", oidcIssuerHost: "oidc.eks.eu-west-1.amazonaws.com/id/X" },
  controllerRoleName: "fixture-delta-eks-karpenter",
  nodeRoleName: "fixture-delta-eks-karpenter-node",
  partition: "aws",
  region: "eu-west-1",
  accountId: "444444444444",
};
const json = synthConstruct((s) => new KarpenterAws(s, "karpenter", props));
const statements = policyOf(resourcesOf(json, "aws_iam_role_policy").karpenter_controller_policy.policy).Statement;

/**
 * Every action of Karpenter v1.14.1's reference controller policy (its CloudFormation template's
 * NodeLifecycle, IAMIntegration, EKSIntegration, Interruption and ResourceDiscovery policies),
 * without the zonal shift policy: `settings.enableZonalShift` stays off.
 */
const REFERENCE_ACTIONS = [
  "ec2:CreateFleet",
  "ec2:CreateLaunchTemplate",
  "ec2:CreateTags",
  "ec2:DeleteLaunchTemplate",
  "ec2:DescribeCapacityReservations",
  "ec2:DescribeImages",
  "ec2:DescribeInstanceStatus",
  "ec2:DescribeInstanceTypeOfferings",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeInstances",
  "ec2:DescribeLaunchTemplates",
  "ec2:DescribePlacementGroups",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSpotPriceHistory",
  "ec2:DescribeSubnets",
  "ec2:RunInstances",
  "ec2:TerminateInstances",
  "eks:DescribeCluster",
  "iam:AddRoleToInstanceProfile",
  "iam:CreateInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:GetInstanceProfile",
  "iam:ListInstanceProfiles",
  "iam:PassRole",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:TagInstanceProfile",
  "pricing:GetProducts",
  "sqs:DeleteMessage",
  "sqs:GetQueueUrl",
  "sqs:ReceiveMessage",
  "ssm:GetParameter",
];

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** The statements allowing `action` on `resource` (conditions aside). */
const granting = (action: string, resource: string) =>
  statements.filter((s) => s.Effect === "Allow" && list(s.Action).includes(action) && list(s.Resource).some((r) => globMatch(r, resource)));

describe("KarpenterAws", () => {
  it("defines the node role, its access entry, the interruption queue and the controller role, under karpenter_", () => {
    expect(addresses(json).filter((a) => !a.startsWith("data."))).toEqual([
      "aws_cloudwatch_event_rule.karpenter_interruption_rule_rebalance",
      "aws_cloudwatch_event_rule.karpenter_interruption_rule_scheduled_change",
      "aws_cloudwatch_event_rule.karpenter_interruption_rule_spot_interruption",
      "aws_cloudwatch_event_rule.karpenter_interruption_rule_state_change",
      "aws_cloudwatch_event_target.karpenter_interruption_target_rebalance",
      "aws_cloudwatch_event_target.karpenter_interruption_target_scheduled_change",
      "aws_cloudwatch_event_target.karpenter_interruption_target_spot_interruption",
      "aws_cloudwatch_event_target.karpenter_interruption_target_state_change",
      "aws_eks_access_entry.karpenter_node_access_entry",
      "aws_iam_role.karpenter_controller_role",
      "aws_iam_role.karpenter_node_role",
      "aws_iam_role_policy.karpenter_controller_policy",
      "aws_iam_role_policy_attachment.karpenter_node_AmazonEC2ContainerRegistryReadOnly",
      "aws_iam_role_policy_attachment.karpenter_node_AmazonEKSWorkerNodePolicy",
      "aws_sqs_queue.karpenter_interruption_queue",
      "aws_sqs_queue_policy.karpenter_interruption_queue_policy",
    ]);
  });

  it("gives the nodes the node groups' managed policies, nothing else, and an EC2_LINUX access entry; no instance profile", () => {
    const role = resourcesOf(json, "aws_iam_role").karpenter_node_role;
    expect(role).toMatchObject({ name: "fixture-delta-eks-karpenter-node", description: "Nodes Karpenter launches for fixture-delta-eks" });
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
    const attached = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment")).map((a) => a.policy_arn);
    expect(attached.sort()).toEqual(NODE_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`).sort());
    expect(onlyResource(json, "aws_eks_access_entry")).toMatchObject({
      cluster_name: "${aws_eks_cluster.eks.name}",
      principal_arn: "${aws_iam_role.karpenter_node_role.arn}",
      type: "EC2_LINUX",
    });
    // Karpenter creates the instance profile from the role's name itself.
    expect(resourcesOf(json, "aws_iam_instance_profile")).toEqual({});
  });

  it("feeds its own queue with the EC2 interruption events, admitting only its rules", () => {
    expect(onlyResource(json, "aws_sqs_queue")).toMatchObject({ name: "fixture-delta-eks-karpenter", sqs_managed_sse_enabled: true });
    const rules = Object.values(resourcesOf(json, "aws_cloudwatch_event_rule"));
    expect(rules.map((r) => r.name).sort()).toEqual([
      "fixture-delta-eks-karpenter-rebalance",
      "fixture-delta-eks-karpenter-scheduled-change",
      "fixture-delta-eks-karpenter-spot-interruption",
      "fixture-delta-eks-karpenter-state-change",
    ]);
    expect(rules.map((r) => (JSON.parse(r.event_pattern as string) as { "detail-type": string[] })["detail-type"][0]).sort()).toEqual([
      "AWS Health Event",
      "EC2 Instance Rebalance Recommendation",
      "EC2 Instance State-change Notification",
      "EC2 Spot Instance Interruption Warning",
    ]);
    const allow = policyOf(onlyResource(json, "aws_sqs_queue_policy").policy).Statement[0];
    expect(list(allow.Condition!.ArnEquals["aws:SourceArn"])).toHaveLength(4);
  });

  it("trusts the controller role to kube-system/karpenter only", () => {
    const trust = resourcesOf(json, "aws_iam_role").karpenter_controller_role.assume_role_policy as string;
    expect(policyOf(trust).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: "${aws_iam_openid_connect_provider.p.arn}" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "oidc.eks.eu-west-1.amazonaws.com/id/X:sub": "system:serviceaccount:kube-system:karpenter",
            "oidc.eks.eu-west-1.amazonaws.com/id/X:aud": "sts.amazonaws.com",
          },
        },
      },
    ]);
  });

  it("allows every action of Karpenter's reference policy, and no other", () => {
    for (const action of REFERENCE_ACTIONS) expect(allowsAction(statements, action), action).toBe(true);
    expect(statements.flatMap((s: Statement) => list(s.Action)).filter((a) => !REFERENCE_ACTIONS.includes(a))).toEqual([]);
    expect(allowsAction(statements, "arc-zonal-shift:GetManagedResource")).toBe(false);
  });

  it("launches, tags and terminates only what carries this cluster's tags", () => {
    for (const [action, resource] of [
      ["ec2:TerminateInstances", "arn:aws:ec2:eu-west-1:444444444444:instance/i-1"],
      ["ec2:CreateTags", "arn:aws:ec2:eu-west-1:444444444444:instance/i-1"],
      ["ec2:RunInstances", "arn:aws:ec2:eu-west-1:444444444444:launch-template/lt-1"],
      ["ec2:CreateLaunchTemplate", "arn:aws:ec2:eu-west-1:444444444444:launch-template/lt-1"],
    ]) {
      const grants = granting(action, resource);
      expect(grants.length, `${action} ${resource}`).toBeGreaterThan(0);
      for (const s of grants) {
        const text = JSON.stringify(s.Condition);
        expect(text, `${s.Sid}`).toContain('/kubernetes.io/cluster/fixture-delta-eks":"owned"');
        expect(text, `${s.Sid}`).toContain("/karpenter.sh/nodepool");
      }
    }
    // Only the tag keys Karpenter adds to a running node, on a node of this cluster.
    expect(statements.find((s) => s.Sid === "NameItsOwnNodes")!.Condition!["ForAllValues:StringEquals"]).toEqual({
      "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
    });
    // Another region, another account: nothing.
    expect(granting("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:444444444444:instance/i-1")).toEqual([]);
    expect(granting("ec2:RunInstances", "arn:aws:ec2:eu-west-1:999999999999:subnet/subnet-1")).toEqual([]);
  });

  it("creates, changes and deletes only instance profiles named and tagged for this cluster, and passes only the node role, to EC2", () => {
    const profile = "arn:aws:iam::444444444444:instance-profile/karpenter/eu-west-1/fixture-delta-eks/uid-1/fixture-delta-eks_123";
    for (const action of [
      "iam:CreateInstanceProfile",
      "iam:TagInstanceProfile",
      "iam:AddRoleToInstanceProfile",
      "iam:DeleteInstanceProfile",
    ]) {
      const grants = granting(action, profile);
      expect(grants.length, action).toBe(1);
      expect(JSON.stringify(grants[0].Condition), action).toContain('/kubernetes.io/cluster/fixture-delta-eks":"owned"');
      expect(JSON.stringify(grants[0].Condition), action).toContain('/topology.kubernetes.io/region":"eu-west-1"');
      expect(granting(action, "arn:aws:iam::444444444444:instance-profile/other-eks_1"), action).toEqual([]);
      expect(granting(action, "arn:aws:iam::444444444444:instance-profile/karpenter/eu-west-1/other-eks/u/other-eks_1"), action).toEqual(
        [],
      );
    }
    // Looked up by name before it exists (no path yet): still only this cluster's names.
    expect(granting("iam:GetInstanceProfile", "arn:aws:iam::444444444444:instance-profile/fixture-delta-eks_123")).toHaveLength(1);
    const pass = statements.filter((s) => list(s.Action).includes("iam:PassRole"));
    expect(pass).toEqual([
      {
        Sid: "PassOnlyTheNodeRoleToEc2",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: "${aws_iam_role.karpenter_node_role.arn}",
        Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
      },
    ]);
  });

  it("describes only its cluster, reads only its queue and EKS AMI parameters, and discovers only in its region", () => {
    expect(granting("eks:DescribeCluster", "arn:aws:eks:eu-west-1:444444444444:cluster/fixture-delta-eks")).toHaveLength(1);
    expect(granting("eks:DescribeCluster", "arn:aws:eks:eu-west-1:444444444444:cluster/other")).toEqual([]);
    expect(statements.find((s) => s.Sid === "ReadItsInterruptionQueue")!.Resource).toBe(
      "${aws_sqs_queue.karpenter_interruption_queue.arn}",
    );
    expect(
      granting(
        "ssm:GetParameter",
        "arn:aws:ssm:eu-west-1::parameter/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id",
      ),
    ).toHaveLength(1);
    expect(granting("ssm:GetParameter", "arn:aws:ssm:eu-west-1::parameter/aws/service/global-infrastructure/regions")).toEqual([]);
    expect(statements.find((s) => s.Sid === "DiscoverInThisRegion")!.Condition).toEqual({
      StringEquals: { "aws:RequestedRegion": "eu-west-1" },
    });
    // What has no resource-level permissions stays on "*": reads, listing profiles, prices.
    const unscoped = statements.filter((s) => list(s.Resource).includes("*")).flatMap((s) => list(s.Action));
    expect(
      unscoped.every((a) => /^(ec2:Describe|iam:ListInstanceProfiles$|pricing:GetProducts$)/.test(a)),
      unscoped.join(),
    ).toBe(true);
  });

  it("scopes to any account when the environment names none", () => {
    const any = karpenterControllerStatements({
      clusterName: "c",
      partition: "aws",
      region: "eu-west-1",
      account: "*",
      nodeRoleArn: "r",
      queueArn: "q",
    });
    expect(any.find((s) => s.Sid === "DescribeThisCluster")!.Resource).toBe("arn:aws:eks:eu-west-1:*:cluster/c");
  });
});
