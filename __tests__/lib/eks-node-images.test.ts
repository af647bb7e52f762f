import { describe, expect, it } from "vitest";
import {
  al2023ImageParameter,
  EKS_NODE_IMAGE_RELEASES,
  eksNodeImage,
  imageReleaseProblem,
  recommendedReleaseParameter,
} from "../../src/lib/eks-node-images";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../src/lib/eks-versions";

describe("node image releases", () => {
  it("lists an AL2023 release of its own Kubernetes minor for every supported version (and no other)", () => {
    expect(Object.keys(EKS_NODE_IMAGE_RELEASES).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS].sort());
    for (const v of SUPPORTED_KUBERNETES_VERSIONS) {
      expect(EKS_NODE_IMAGE_RELEASES[v]).toMatch(new RegExp(`^${v.replace(".", "\\.")}\\.\\d+-\\d{8}$`));
      expect(imageReleaseProblem(EKS_NODE_IMAGE_RELEASES[v], v)).toBeUndefined();
    }
  });

  it("gives the managed release_version and the AMI release tag of one build, or the group's own release", () => {
    expect(eksNodeImage("1.35")).toEqual({
      releaseVersion: EKS_NODE_IMAGE_RELEASES["1.35"],
      amiRelease: `v${EKS_NODE_IMAGE_RELEASES["1.35"].slice(-8)}`,
    });
    expect(eksNodeImage("1.33", "1.33.4-20251120")).toEqual({ releaseVersion: "1.33.4-20251120", amiRelease: "v20251120" });
    expect(() => eksNodeImage("1.20")).toThrow(
      "no EKS node image release is listed for Kubernetes 1.20 (supported: 1.32, 1.33, 1.34, 1.35)",
    );
    expect(() => eksNodeImage("1.35", "1.34.7-20260512")).toThrow(
      'node image release "1.34.7-20260512" is a release for Kubernetes 1.34, but the group\'s nodes run 1.35',
    );
  });

  it("names AWS's public parameters: one release's image id, and the newest release", () => {
    expect(al2023ImageParameter("1.35", "arm64", "v20260512")).toBe(
      "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/standard/amazon-eks-node-al2023-arm64-standard-1.35-v20260512/image_id",
    );
    expect(recommendedReleaseParameter("1.34")).toBe(
      "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/release_version",
    );
  });

  it.each([
    ["v20260512", "1.35", 'must be an AL2023 EKS AMI release like "'],
    ["1.35-20260512", "1.35", "must be an AL2023 EKS AMI release"],
    ["1.35.4-2026051", "1.35", "must be an AL2023 EKS AMI release"],
    ["1.3.4-20260512", "1.35", "is a release for Kubernetes 1.3, but the group's nodes run 1.35"],
  ])("refuses %j for Kubernetes %s", (release, version, problem) => {
    expect(imageReleaseProblem(release, version)).toContain(problem);
  });
});
