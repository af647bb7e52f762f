import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { ConfigMapV1Data } from "@cdktf/provider-kubernetes/lib/config-map-v1-data";
import { Construct } from "constructs";
import { stringify } from "yaml";
import { requireValidProps } from "../lib/validation";

/** One `mapRoles` entry. */
export interface AwsAuthRole {
  readonly rolearn: string;
  readonly username: string;
  readonly groups: readonly string[];
}

/** Props of {@link AwsAuth}. */
export interface AwsAuthProps {
  /** Roles of EC2 nodes (self-managed and managed node groups). @default [] */
  readonly nodeRoleArns?: readonly string[];
  /** Pod execution roles of Fargate profiles. @default [] */
  readonly fargateRoleArns?: readonly string[];
  /**
   * Whether EKS already created the ConfigMap (CONFIG_MAP clusters with managed node groups or
   * Fargate profiles): then only its mapRoles key is managed, forcefully; else the ConfigMap is
   * created. @default false
   */
  readonly existing?: boolean;
}

/** The mapRoles YAML for the given roles (the entries EKS itself writes for nodes and Fargate). */
export function awsAuthMapRoles(props: AwsAuthProps): string {
  const roles: AwsAuthRole[] = [
    ...(props.nodeRoleArns ?? []).map((rolearn) => ({
      rolearn,
      username: "system:node:{{EC2PrivateDNSName}}",
      groups: ["system:bootstrappers", "system:nodes"],
    })),
    ...(props.fargateRoleArns ?? []).map((rolearn) => ({
      rolearn,
      username: "system:node:{{SessionName}}",
      groups: ["system:bootstrappers", "system:nodes", "system:node-proxier"],
    })),
  ];
  return stringify(roles, { singleQuote: true, lineWidth: 0 });
}

/**
 * Defines the kube-system/aws-auth `mapRoles` for clusters whose authentication mode includes
 * CONFIG_MAP, so nodes join without the first blog post's hand-edited `terraform output`.
 * (With API modes, the platform's access entries do this and no ConfigMap is needed.)
 */
export class AwsAuth extends Construct {
  readonly mapRoles: string;

  constructor(scope: Construct, id: string, props: AwsAuthProps) {
    super(scope, id);
    const count = (props.nodeRoleArns ?? []).length + (props.fargateRoleArns ?? []).length;
    requireValidProps("AwsAuth", [["nodeRoleArns", props.nodeRoleArns, count === 0 && "or fargateRoleArns must name at least one role"]]);
    this.mapRoles = awsAuthMapRoles(props);
    const metadata = { name: "aws-auth", namespace: "kube-system" };
    if (props.existing) {
      new ConfigMapV1Data(this, "map_roles", { metadata, data: { mapRoles: this.mapRoles }, force: true, fieldManager: "cdktf-eks" });
    } else {
      new ConfigMapV1(this, "config_map", {
        metadata: { ...metadata, labels: { "app.kubernetes.io/managed-by": "cdktf" } },
        data: { mapRoles: this.mapRoles },
      });
    }
  }
}
