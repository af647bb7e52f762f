import { describe, expect, it } from "vitest";
import { EKS_ADDON_VERSIONS, EKS_ADDONS, eksAddonVersions } from "../../src/lib/eks-addons";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../src/lib/eks-versions";
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, clusterAutoscalerImageTag } from "../../src/lib/helm-charts";

describe("versions that follow the cluster's Kubernetes version", () => {
  it("lists every add-on, and the autoscaler image, for every supported Kubernetes version (and no other)", () => {
    expect(Object.keys(EKS_ADDON_VERSIONS).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS].sort());
    expect(Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS].sort());
    for (const v of SUPPORTED_KUBERNETES_VERSIONS) {
      expect(Object.keys(EKS_ADDON_VERSIONS[v]).sort()).toEqual([...EKS_ADDONS].sort());
      for (const version of Object.values(EKS_ADDON_VERSIONS[v])) expect(version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      // kube-proxy and the autoscaler are released per Kubernetes minor.
      expect(EKS_ADDON_VERSIONS[v]["kube-proxy"]).toMatch(new RegExp(`^v${v.replace(".", "\\.")}\\.`));
      expect(clusterAutoscalerImageTag(v)).toMatch(new RegExp(`^v${v.replace(".", "\\.")}\\.`));
    }
  });

  it("changes every add-on version with the cluster version, unless the environment pins one", () => {
    const a = eksAddonVersions("1.34");
    const b = eksAddonVersions("1.35", { coredns: "v1.12.1-eksbuild.2" });
    expect(b["kube-proxy"]).not.toBe(a["kube-proxy"]);
    expect(b.coredns).toBe("v1.12.1-eksbuild.2");
    expect(() => eksAddonVersions("1.20")).toThrow("no EKS add-on versions are listed for Kubernetes 1.20");
  });
});
