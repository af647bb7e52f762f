import { describe, expect, it } from "vitest";
import {
  LoadBalancerController,
  loadBalancerControllerPolicy,
  type LoadBalancerControllerProps,
} from "../../src/constructs/load-balancer-controller";
import { onlyResource, synthConstruct } from "../helpers/synth";

const props: LoadBalancerControllerProps = {
  clusterName: "acme-dev-eks",
  oidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
  oidcIssuerHost: "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
  vpcId: "vpc-123",
  roleName: "acme-dev-eks-aws-lb-controller",
  partition: "aws",
  region: "eu-west-1",
};

describe("LoadBalancerController", () => {
  it("trusts only its service account, with sub and aud pinned", () => {
    const role = onlyResource(
      synthConstruct((s) => new LoadBalancerController(s, "lb", props)),
      "aws_iam_role",
    );
    expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: props.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:aws-load-balancer-controller",
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
          },
        },
      },
    ]);
  });

  it("annotates the service account with the role", () => {
    const sa = onlyResource(
      synthConstruct((s) => new LoadBalancerController(s, "lb", props)),
      "kubernetes_service_account_v1",
    ) as { metadata: Record<string, unknown> };
    expect(sa.metadata).toMatchObject({
      name: "aws-load-balancer-controller",
      namespace: "kube-system",
      annotations: { "eks.amazonaws.com/role-arn": "${aws_iam_role.lb_role.arn}" },
    });
  });

  it("never allows every action, and changes only load balancers and groups tagged with this cluster", () => {
    const statements = loadBalancerControllerPolicy(props);
    for (const s of statements) {
      const actions = ([] as string[]).concat(s.Action);
      expect(actions.some((a) => a === "*" || a.endsWith(":*"))).toBe(false);
    }
    const mutating = statements.filter((s) => ["ManageOwnLoadBalancers", "ManageOwnSecurityGroups"].includes(s.Sid ?? ""));
    expect(mutating).toHaveLength(2);
    for (const s of mutating) expect(s.Condition).toEqual({ StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "acme-dev-eks" } });
    const sgRules = statements.find((s) => s.Sid === "OpenClusterVpcSecurityGroupsToLoadBalancers");
    expect(sgRules?.Condition).toEqual({ ArnLike: { "ec2:Vpc": "arn:aws:ec2:eu-west-1:*:vpc/vpc-123" } });
  });
});
