/**
 * AL2023 user data: a MIME multi-part document with one nodeadm NodeConfig.
 * @see https://awslabs.github.io/amazon-eks-ami/nodeadm/
 */
import { stringify } from "yaml";
import type { IEksCluster } from "../eks";
import type { NodeGroupOptions, NodeTaintEffect } from "./node-group";

const KUBELET_EFFECT: Record<NodeTaintEffect, string> = {
  NO_SCHEDULE: "NoSchedule",
  NO_EXECUTE: "NoExecute",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

/**
 * The nodeadm user data of a self-managed group: the cluster name, endpoint, CA and service CIDR,
 * plus kubelet flags for the group's labels and taints.
 */
export function nodeadmUserData(
  cluster: Pick<IEksCluster, "clusterName" | "clusterEndpoint" | "clusterCertificateAuthorityData" | "serviceIpv4Cidr">,
  group: Pick<NodeGroupOptions, "labels" | "taints">,
): string {
  const flags: string[] = [];
  const labels = Object.entries(group.labels).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) flags.push(`--node-labels=${labels.join(",")}`);
  const taints = group.taints.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ""}:${KUBELET_EFFECT[t.effect]}`);
  if (taints.length > 0) flags.push(`--register-with-taints=${taints.join(",")}`);
  const nodeConfig = stringify(
    {
      apiVersion: "node.eks.aws/v1alpha1",
      kind: "NodeConfig",
      spec: {
        cluster: {
          name: cluster.clusterName,
          apiServerEndpoint: cluster.clusterEndpoint,
          certificateAuthority: cluster.clusterCertificateAuthorityData,
          cidr: cluster.serviceIpv4Cidr,
        },
        ...(flags.length > 0 ? { kubelet: { flags } } : {}),
      },
    },
    // Single quotes where quoting is needed: Terraform templates must not see raw double quotes.
    { singleQuote: true, lineWidth: 0 },
  );
  return [
    "MIME-Version: 1.0",
    "Content-Type: multipart/mixed; boundary=BOUNDARY",
    "",
    "--BOUNDARY",
    "Content-Type: application/node.eks.aws",
    "",
    `---\n${nodeConfig}`,
    "--BOUNDARY--",
    "",
  ].join("\n");
}
