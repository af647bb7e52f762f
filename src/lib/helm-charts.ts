/**
 * The Helm charts the workloads stack installs, pinned exactly. Renovate proposes new chart versions
 * and autoscaler patch releases (renovate.json matches the literals below: keep their shape); what a
 * reviewer checks with each is in docs/ci.md. With each Kubernetes version added to the EKS tables,
 * check each project's compatibility, then `npm test` and an emulated deploy.
 *
 * - AWS Load Balancer Controller: kubernetes-sigs/aws-load-balancer-controller, tag v3.5.0
 *   (chart 3.5.0 = controller v3.5.0). Its IAM policy (src/constructs/load-balancer-controller.ts)
 *   is written against that release's docs/install/iam_policy.json: update both together. Its
 *   CRDs come from charts/aws-load-balancer-controller-crds: `npm run crds:update` with each bump.
 * - Cluster autoscaler: kubernetes/autoscaler, tag cluster-autoscaler-chart-9.59.0; the image
 *   follows the cluster's Kubernetes minor (one autoscaler minor per Kubernetes minor).
 * - AWS Node Termination Handler: aws/aws-node-termination-handler, tag v1.25.6 (chart 0.27.6).
 * - Karpenter: aws/karpenter-provider-aws, tag v1.14.1 (charts karpenter and karpenter-crd 1.14.1,
 *   the same version: the CRDs chart is installed first). Supports Kubernetes 1.30-1.36 (its
 *   compatibility matrix). Its IAM policy (src/constructs/karpenter/controller-policy.ts) is
 *   written against that release's reference CloudFormation policy: update both together.
 */

export interface PinnedChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export const LOAD_BALANCER_CONTROLLER_CHART: PinnedChart = {
  repository: "https://aws.github.io/eks-charts",
  chart: "aws-load-balancer-controller",
  version: "3.5.0",
};

export const CLUSTER_AUTOSCALER_CHART: PinnedChart = {
  repository: "https://kubernetes.github.io/autoscaler",
  chart: "cluster-autoscaler",
  version: "9.59.0",
};

export const NODE_TERMINATION_HANDLER_CHART: PinnedChart = {
  repository: "oci://public.ecr.aws/aws-ec2/helm",
  chart: "aws-node-termination-handler",
  version: "0.27.6",
};

/** Karpenter's controller chart; installed with `skip_crds`, the CRDs come from {@link KARPENTER_CRD_CHART}. */
export const KARPENTER_CHART: PinnedChart = {
  repository: "oci://public.ecr.aws/karpenter",
  chart: "karpenter",
  version: "1.14.1",
};

/** Karpenter's CRDs (EC2NodeClass, NodePool, NodeClaim...), at the controller's version; Helm upgrades them, unlike a chart's crds/. */
export const KARPENTER_CRD_CHART: PinnedChart = { ...KARPENTER_CHART, chart: "karpenter-crd" };

/** The newest cluster-autoscaler patch release of each Kubernetes minor (release tags cluster-autoscaler-1.x.y). */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  "1.32": "v1.32.7",
  "1.33": "v1.33.6",
  "1.34": "v1.34.5",
  "1.35": "v1.35.2",
};

/** The autoscaler image tag for a cluster's Kubernetes minor version. */
export function clusterAutoscalerImageTag(kubernetesVersion: string): string {
  const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesVersion];
  if (!tag)
    throw new Error(`no cluster-autoscaler release is pinned for Kubernetes ${kubernetesVersion}; add it to CLUSTER_AUTOSCALER_IMAGE_TAGS`);
  return tag;
}
