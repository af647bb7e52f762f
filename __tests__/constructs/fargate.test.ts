import { describe, expect, it } from "vitest";
import { Fargate, type FargateProps } from "../../src/constructs/fargate";
import { onlyResource, policyOf, resourcesOf, synthConstruct } from "../helpers/synth";

const props: FargateProps = {
  cluster: { clusterName: "fixture-alpha-eks", clusterNameRef: "fixture-alpha-eks" },
  privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
  roleName: "fixture-alpha-eks-fargate-pods",
  partition: "aws",
  region: "eu-west-1",
  accountId: "444444444444",
  profiles: {
    apps: { selectors: [{ namespace: "default" }, { namespace: "2048-game" }] },
    batch: { selectors: [{ namespace: "batch", labels: { compute: "fargate" } }] },
  },
};

describe("Fargate", () => {
  it("scopes the pod execution role's trust to this cluster's profiles", () => {
    const json = synthConstruct((s) => new Fargate(s, "fargate", props));
    expect(policyOf(onlyResource(json, "aws_iam_role").assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "eks-fargate-pods.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:eks:eu-west-1:444444444444:fargateprofile/fixture-alpha-eks/*" } },
      },
    ]);
    expect(onlyResource(json, "aws_iam_role_policy_attachment").policy_arn).toBe(
      "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy",
    );
  });

  it("places every profile in the private subnets with its selectors (namespace, or namespace and labels)", () => {
    const profiles = resourcesOf(
      synthConstruct((s) => new Fargate(s, "fargate", props)),
      "aws_eks_fargate_profile",
    );
    expect(profiles.fargate_profile_apps).toMatchObject({
      fargate_profile_name: "apps",
      subnet_ids: ["subnet-private-a", "subnet-private-b"],
      selector: [{ namespace: "default" }, { namespace: "2048-game" }],
      timeouts: { create: "30m", delete: "60m" },
    });
    expect(profiles.fargate_profile_batch.selector).toEqual([{ namespace: "batch", labels: { compute: "fargate" } }]);
    // EKS handles one profile at a time per cluster: the second waits for the first.
    expect(profiles.fargate_profile_batch.depends_on).toContain("aws_eks_fargate_profile.fargate_profile_apps");
  });

  it("creates nothing without profiles", () => {
    expect(synthConstruct((s) => new Fargate(s, "fargate", { ...props, profiles: {} })).resource ?? {}).toEqual({});
  });
});
