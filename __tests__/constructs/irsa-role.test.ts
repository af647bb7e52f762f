import { describe, expect, it } from "vitest";
import { IrsaRole, type IrsaRoleProps } from "../../src/constructs/irsa-role";
import { PropsError } from "../../src/lib/validation";
import { onlyResource, policyOf, resourcesOf, synthConstruct } from "../helpers/synth";

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

const props = (more: Partial<IrsaRoleProps> = {}): IrsaRoleProps => ({
  cluster: { oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`, oidcIssuerHost: ISSUER },
  roleName: "fixture-alpha-eks-ebs-csi-driver",
  description: "EBS CSI driver of fixture-alpha-eks",
  namespace: "kube-system",
  serviceAccount: "ebs-csi-controller-sa",
  ...more,
});

describe("IrsaRole", () => {
  it("is trusted only by its one service account of the cluster's OIDC provider, with the STS audience", () => {
    const json = synthConstruct((s) => new IrsaRole(s, "ebs", props({ managedPolicyArns: ["arn:aws:iam::aws:policy/x/Y"] })));
    const role = onlyResource(json, "aws_iam_role");
    expect(role).toMatchObject({
      name: "fixture-alpha-eks-ebs-csi-driver",
      description: "EBS CSI driver of fixture-alpha-eks (IRSA, kube-system/ebs-csi-controller-sa)",
    });
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${ISSUER}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            [`${ISSUER}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ]);
  });

  it("holds its inline statements under its own name, and no attachment without managed policies", () => {
    const statements = [{ Effect: "Allow" as const, Action: ["sqs:ReceiveMessage"], Resource: "arn:aws:sqs:eu-west-1:123456789012:q" }];
    const json = synthConstruct((s) => new IrsaRole(s, "nth", props({ statements })));
    const policy = onlyResource(json, "aws_iam_role_policy");
    expect(policy.name).toBe("fixture-alpha-eks-ebs-csi-driver");
    expect(policyOf(policy.policy).Statement).toEqual(statements);
    expect(resourcesOf(json, "aws_iam_role_policy_attachment")).toEqual({});
  });

  it("attaches managed policies keyed by their names, and no inline policy without statements", () => {
    const json = synthConstruct(
      (s) => new IrsaRole(s, "ebs", props({ managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"] })),
    );
    expect(Object.values(resourcesOf(json, "aws_iam_role_policy_attachment"))).toEqual([
      expect.objectContaining({ policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" }),
    ]);
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy_attachment"))[0]).toMatch(/_managed_policy_AmazonEBSCSIDriverPolicy$/);
    expect(resourcesOf(json, "aws_iam_role_policy")).toEqual({});
  });

  it("refuses a role that grants nothing: its callers compute what it grants", () => {
    const make = () => synthConstruct((s) => new IrsaRole(s, "empty", props({ statements: [] })));
    expect(make).toThrow(PropsError);
    expect(make).toThrow("IrsaRole: statements or managedPolicyArns must grant something (got [])");
  });
});
