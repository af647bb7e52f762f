/**
 * The Helm charts the workloads stack installs, pinned exactly. Renovate proposes new chart versions
 * and autoscaler patch releases (renovate.json matches the literals below: keep their shape); what a
 * reviewer checks with each is in docs/ci.md. With each Kubernetes version added to the EKS tables,
 * check each project's compatibility and widen its `kubernetes` range below (`npm run upgrade`
 * refuses a target outside it), then `npm test` and an emulated deploy.
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

/**
 * The Kubernetes minors a pinned release supports, both ends included ("1.22" to "1.35"). Where the
 * release's docs state no upper end, `max` is the newest minor this project deploys it on: raise it
 * after checking the release against a new minor (`npm run upgrade` refuses a target outside).
 */
export interface KubernetesRange {
  readonly min: string;
  readonly max: string;
}

export interface PinnedChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  /** The Kubernetes minors the release supports. */
  readonly kubernetes: KubernetesRange;
}

/** The minor of "1.35" (35). */
const minor = (version: string) => Number(version.split(".")[1]);

/** Whether `version` ("1.36") is inside `range`. */
export function inKubernetesRange(version: string, range: KubernetesRange): boolean {
  return minor(version) >= minor(range.min) && minor(version) <= minor(range.max);
}

export const LOAD_BALANCER_CONTROLLER_CHART: PinnedChart = {
  repository: "https://aws.github.io/eks-charts",
  chart: "aws-load-balancer-controller",
  version: "3.5.0",
  // The controller's installation docs: v2.5.0 and later require Kubernetes 1.22+; no upper end stated.
  kubernetes: { min: "1.22", max: "1.35" },
};

/** The newest cluster-autoscaler patch release of each Kubernetes minor (release tags cluster-autoscaler-1.x.y). */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  "1.32": "v1.32.7",
  "1.33": "v1.33.6",
  "1.34": "v1.34.5",
  "1.35": "v1.35.2",
};

const autoscalerMinors = Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS);

export const CLUSTER_AUTOSCALER_CHART: PinnedChart = {
  repository: "https://kubernetes.github.io/autoscaler",
  chart: "cluster-autoscaler",
  version: "9.59.0",
  // One autoscaler minor per Kubernetes minor: the minors with a pinned image (above).
  kubernetes: { min: autoscalerMinors[0], max: autoscalerMinors[autoscalerMinors.length - 1] },
};

export const NODE_TERMINATION_HANDLER_CHART: PinnedChart = {
  repository: "oci://public.ecr.aws/aws-ec2/helm",
  chart: "aws-node-termination-handler",
  version: "0.27.6",
  // The README's compatibility table marks the v1.25 releases from Kubernetes 1.29; no upper end stated.
  kubernetes: { min: "1.29", max: "1.35" },
};

/** Karpenter's controller chart; installed with `skip_crds`, the CRDs come from {@link KARPENTER_CRD_CHART}. */
export const KARPENTER_CHART: PinnedChart = {
  repository: "oci://public.ecr.aws/karpenter",
  chart: "karpenter",
  version: "1.14.1",
  // Its compatibility matrix.
  kubernetes: { min: "1.30", max: "1.36" },
};

/** Karpenter's CRDs (EC2NodeClass, NodePool, NodeClaim...), at the controller's version; Helm upgrades them, unlike a chart's crds/. */
export const KARPENTER_CRD_CHART: PinnedChart = { ...KARPENTER_CHART, chart: "karpenter-crd" };

/** Every chart above: what `npm run upgrade` checks a target Kubernetes version against. */
export const PINNED_CHARTS: readonly PinnedChart[] = [
  LOAD_BALANCER_CONTROLLER_CHART,
  CLUSTER_AUTOSCALER_CHART,
  NODE_TERMINATION_HANDLER_CHART,
  KARPENTER_CHART,
  KARPENTER_CRD_CHART,
];

/** The autoscaler image tag for a cluster's Kubernetes minor version. */
export function clusterAutoscalerImageTag(kubernetesVersion: string): string {
  const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesVersion];
  if (!tag)
    throw new Error(`no cluster-autoscaler release is pinned for Kubernetes ${kubernetesVersion}; add it to CLUSTER_AUTOSCALER_IMAGE_TAGS`);
  return tag;
}
