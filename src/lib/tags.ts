/**
 * The Kubernetes discovery tags EKS and its load balancer controller rely on, from one helper so none
 * can be forgotten (the first blog post's author lost hours to a missing one).
 * @see https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
 */

/** What a tagged resource is, for EKS. */
export type EksTagRole = "vpc" | "public-subnet" | "private-subnet" | "node";

/** `kubernetes.io/cluster/<cluster>` plus the subnet role tag, as EKS expects them. */
export function eksDiscoveryTags(cluster: string, role: EksTagRole): Record<string, string> {
  const clusterTag = `kubernetes.io/cluster/${cluster}`;
  switch (role) {
    case "vpc":
      return { [clusterTag]: "shared" };
    case "public-subnet":
      return { [clusterTag]: "shared", "kubernetes.io/role/elb": "1" };
    case "private-subnet":
      return { [clusterTag]: "shared", "kubernetes.io/role/internal-elb": "1" };
    case "node":
      return { [clusterTag]: "owned" };
  }
}

/** Tags the cluster autoscaler uses to discover the autoscaling groups of a cluster. */
export function clusterAutoscalerTags(cluster: string): Record<string, string> {
  return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${cluster}`]: "owned" };
}
