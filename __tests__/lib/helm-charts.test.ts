import { describe, expect, it } from "vitest";
import { DEFAULT_KUBERNETES_VERSION } from "../../src/lib/eks-versions";
import { CLUSTER_AUTOSCALER_CHART, CLUSTER_AUTOSCALER_IMAGE_TAGS, inKubernetesRange, PINNED_CHARTS } from "../../src/lib/helm-charts";

describe("the pinned charts' Kubernetes ranges", () => {
  it("include both ends and compare minors as numbers", () => {
    const range = { min: "1.9", max: "1.35" };
    expect(["1.8", "1.9", "1.10", "1.35", "1.36"].map((v) => inKubernetesRange(v, range))).toEqual([false, true, true, true, false]);
  });

  it("cover the version new environments get", () => {
    expect(PINNED_CHARTS.filter((c) => !inKubernetesRange(DEFAULT_KUBERNETES_VERSION, c.kubernetes)).map((c) => c.chart)).toEqual([]);
  });

  it("give the cluster autoscaler exactly the minors it has an image for", () => {
    const minors = Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS);
    expect(CLUSTER_AUTOSCALER_CHART.kubernetes).toEqual({ min: minors[0], max: minors[minors.length - 1] });
  });
});
