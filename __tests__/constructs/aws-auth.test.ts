import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AwsAuth } from "../../src/constructs/aws-auth";
import { PropsError } from "../../src/lib/validation";
import { onlyResource, resourcesOf, synthConstruct } from "../helpers/synth";

describe("AwsAuth", () => {
  it("creates kube-system/aws-auth with the node and Fargate roles EKS itself would map", () => {
    const json = synthConstruct(
      (s) => new AwsAuth(s, "aws_auth", { nodeRoleArns: ["arn:aws:iam::1:role/node"], fargateRoleArns: ["arn:aws:iam::1:role/fargate"] }),
    );
    const cm = onlyResource(json, "kubernetes_config_map_v1") as { metadata: Record<string, unknown>; data: { mapRoles: string } };
    expect(cm.metadata).toMatchObject({ name: "aws-auth", namespace: "kube-system" });
    expect(parse(cm.data.mapRoles)).toEqual([
      {
        rolearn: "arn:aws:iam::1:role/node",
        username: "system:node:{{EC2PrivateDNSName}}",
        groups: ["system:bootstrappers", "system:nodes"],
      },
      {
        rolearn: "arn:aws:iam::1:role/fargate",
        username: "system:node:{{SessionName}}",
        groups: ["system:bootstrappers", "system:nodes", "system:node-proxier"],
      },
    ]);
  });

  it("takes over only mapRoles of a ConfigMap EKS already created", () => {
    const json = synthConstruct((s) => new AwsAuth(s, "aws_auth", { nodeRoleArns: ["arn:aws:iam::1:role/node"], existing: true }));
    expect(resourcesOf(json, "kubernetes_config_map_v1")).toEqual({});
    expect(onlyResource(json, "kubernetes_config_map_v1_data")).toMatchObject({
      force: true,
      metadata: { name: "aws-auth", namespace: "kube-system" },
    });
  });

  it("refuses an empty role list", () => {
    const make = () => synthConstruct((s) => new AwsAuth(s, "aws_auth", {}));
    expect(make).toThrow(PropsError);
    expect(make).toThrow("AwsAuth: nodeRoleArns or fargateRoleArns must name at least one role (got undefined)");
  });
});
