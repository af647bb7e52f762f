import { describe, expect, it } from "vitest";
import { removedApisUsed, stackObjects } from "../../../scripts/upgrade/api-removals";
import { fixtureEnv, synthEnv } from "../../helpers/synth";

const manifest = (apiVersion: string, kind: string) => ({ manifest: { apiVersion, kind, metadata: { name: "x" } } });

describe("the APIs a workloads stack uses", () => {
  it("knows the API version of every Kubernetes object the fixtures' workloads stacks define", async () => {
    for (const name of ["alpha", "bravo", "charlie"] as const) {
      const { json } = synthEnv(await fixtureEnv(name));
      const { objects, unknown } = stackObjects(json.workloads);
      expect(unknown, name).toEqual([]);
      expect(objects.length, name).toBeGreaterThan(0);
      // Nothing the project deploys itself uses an API any supported version removed.
      expect(removedApisUsed(objects, "1.35"), name).toEqual([]);
    }
  });

  it("reads kubernetes_manifest objects and reports a typed resource it cannot place", () => {
    const stack = {
      resource: {
        kubernetes_manifest: { pdb: manifest("policy/v1beta1", "PodDisruptionBudget") },
        kubernetes_cron_job: { nightly: { metadata: [{ name: "nightly" }] } },
        helm_release: { chart: { chart: "x" } },
      },
    };
    expect(stackObjects(stack)).toEqual({
      objects: [{ address: "kubernetes_manifest.pdb", apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget" }],
      unknown: ["kubernetes_cron_job.nightly"],
    });
  });

  it("flags an object from the minor that removed its API on, and not before", () => {
    const objects = [
      { address: "kubernetes_manifest.pdb", apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget" },
      { address: "kubernetes_manifest.flow", apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kind: "FlowSchema" },
      { address: "kubernetes_manifest.ok", apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
    ];
    expect(removedApisUsed(objects, "1.24")).toEqual([]);
    expect(removedApisUsed(objects, "1.25").map((r) => [r.object.address, r.removal.removedIn, r.removal.use])).toEqual([
      ["kubernetes_manifest.pdb", "1.25", "policy/v1"],
    ]);
    expect(removedApisUsed(objects, "1.32").map((r) => r.object.address)).toEqual(["kubernetes_manifest.pdb", "kubernetes_manifest.flow"]);
  });
});
