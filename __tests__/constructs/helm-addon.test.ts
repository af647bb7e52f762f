import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Release } from "@cdktf/provider-helm/lib/release";
import { parse, stringify } from "yaml";
import { HelmAddon, type HelmAddonSpec } from "../../src/constructs/helm-addon";
import { manifestChartDir } from "../../src/constructs/karpenter";
import { resourcesOf, synthConstruct } from "../helpers/synth";

const CHART = { repository: "https://charts.example.com", chart: "demo", version: "1.2.3" };
const spec: HelmAddonSpec = {
  name: "demo-controller",
  chart: CHART,
  serviceAccount: { namespace: "demo-system", name: "demo-sa" },
  roleArn: "arn:aws:iam::111111111111:role/demo",
  values: (serviceAccount) => ({ clusterName: "fixture-eks", serviceAccount, replicas: 2 }),
};
const releases = (s: HelmAddonSpec = spec) =>
  resourcesOf(
    synthConstruct((scope) => new HelmAddon(scope, "demo", s)),
    "helm_release",
  );
const valuesText = (release: Record<string, unknown>) => {
  expect(release.values).toHaveLength(1);
  return (release.values as string[])[0];
};
const OBJECT = { apiVersion: "demo.example.com/v1", kind: "Widget", metadata: { name: "default" }, spec: { size: 1 } };

describe("HelmAddon", () => {
  it("installs the pinned chart in its service account's namespace, waiting up to 10 minutes, and nothing else", () => {
    const r = releases();
    expect(Object.keys(r)).toEqual(["demo_release"]);
    expect(r.demo_release).toEqual({
      name: "demo-controller",
      namespace: "demo-system",
      repository: "https://charts.example.com",
      chart: "demo",
      version: "1.2.3",
      values: [expect.any(String)],
      wait: true,
      timeout: 600,
    });
  });

  it("puts the IRSA service account where the add-on's values say, keeping their order", () => {
    const sa = { create: true, name: "demo-sa", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/demo" } };
    expect(valuesText(releases().demo_release)).toBe(stringify({ clusterName: "fixture-eks", serviceAccount: sa, replicas: 2 }));
    const nested = releases({ ...spec, values: (serviceAccount) => ({ rbac: { serviceAccount }, extraArgs: { v: 4 } }) });
    expect(parse(valuesText(nested.demo_release))).toEqual({ rbac: { serviceAccount: sa }, extraArgs: { v: 4 } });
    const regional = releases({ ...spec, stsRegionalEndpoints: true });
    expect((parse(valuesText(regional.demo_release)) as { serviceAccount: typeof sa }).serviceAccount.annotations).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/demo",
      "eks.amazonaws.com/sts-regional-endpoints": "true",
    });
  });

  it("keeps the pods on one node group with a node selector and tolerations after the values; anywhere or on Fargate, none", () => {
    const tolerations = [{ key: "dedicated", operator: "Equal", value: "demo", effect: "NoSchedule" }] as const;
    const onGroup = releases({ ...spec, runsOn: { nodeGroup: "demo-group", tolerations } });
    const text = valuesText(onGroup.demo_release);
    expect(Object.keys(parse(text) as object)).toEqual(["clusterName", "serviceAccount", "replicas", "nodeSelector", "tolerations"]);
    expect(parse(text)).toMatchObject({
      nodeSelector: { "kubernetes.io/os": "linux", "eks.amazonaws.com/nodegroup": "demo-group" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "demo", effect: "NoSchedule" }],
    });
    expect(parse(valuesText(releases({ ...spec, runsOn: { nodeGroup: "demo-group" } }).demo_release))).not.toHaveProperty("tolerations");
    for (const runsOn of ["anywhere", "fargate"] as const) {
      expect(valuesText(releases({ ...spec, runsOn }).demo_release)).toBe(valuesText(releases().demo_release));
    }
  });

  it("installs a repository CRD chart first, and the controller skips its crds/ and waits for it", () => {
    const json = synthConstruct((scope) => {
      const webhook = new Release(scope, "webhook_release", { name: "webhook", chart: "x" });
      new HelmAddon(scope, "demo", { ...spec, crds: { name: "demo-crd", chart: { ...CHART, chart: "demo-crd" } }, dependsOn: [webhook] });
    });
    const r = resourcesOf(json, "helm_release");
    expect(r.demo_crd_release).toEqual({
      name: "demo-crd",
      namespace: "demo-system",
      repository: "https://charts.example.com",
      chart: "demo-crd",
      version: "1.2.3",
      wait: true,
      timeout: 600,
      depends_on: ["helm_release.webhook_release"],
    });
    expect(r.demo_release).toMatchObject({
      skip_crds: true,
      depends_on: ["helm_release.demo_crd_release", "helm_release.webhook_release"],
    });
    // Without CRDs of its own the controller waits for exactly what it is told to.
    expect(releases({ ...spec, dependsOn: [] }).demo_release.depends_on).toEqual([]);
    expect(releases().demo_release).not.toHaveProperty("skip_crds");
  });

  describe("with a CRD chart of the project's", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "helm-addon-crds-"));
    fs.writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: demo-crds\nversion: 1.2.3\n");
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("ships it as an asset, takes over CRDs only when told to, and waits for nothing unless told to", () => {
      const r = releases({ ...spec, crds: { name: "demo-crds", chart: { dir }, takeOwnership: true } });
      expect(r.demo_crd_release.chart).toMatch(/^\$\{path\.module\}\/assets\/demo_crd_chart\/[0-9A-F]+$/);
      expect(r.demo_crd_release).not.toHaveProperty("repository");
      expect(r.demo_crd_release).not.toHaveProperty("version");
      expect(r.demo_crd_release).toMatchObject({ name: "demo-crds", take_ownership: true });
      expect(r.demo_crd_release).not.toHaveProperty("depends_on");
      expect(r.demo_release.depends_on).toEqual(["helm_release.demo_crd_release"]);
      expect(releases({ ...spec, crds: { name: "demo-crds", chart: { dir } } }).demo_crd_release).not.toHaveProperty("take_ownership");
    });
  });

  it("installs its objects after the CRDs and the controller, in order, with the one-object chart", () => {
    const built: HelmAddon[] = [];
    const json = synthConstruct((scope) => {
      built.push(
        new HelmAddon(scope, "demo", {
          ...spec,
          crds: { name: "demo-crd", chart: { ...CHART, chart: "demo-crd" } },
          manifests: [
            { id: "first", name: "demo-first", object: OBJECT },
            { id: "second", name: "demo-second", object: { ...OBJECT, metadata: { name: "second" } } },
          ],
        }),
      );
    });
    const r = resourcesOf(json, "helm_release");
    expect(Object.keys(r).sort()).toEqual(["demo_crd_release", "demo_first", "demo_release", "demo_second"]);
    expect(built[0].manifestReleases.map((m) => m.node.id)).toEqual(["first", "second"]);
    expect(r.demo_first.chart).toMatch(/^\$\{path\.module\}\/assets\/demo_object_chart\/[0-9A-F]+$/);
    expect(r.demo_first).toEqual({
      name: "demo-first",
      namespace: "demo-system",
      chart: r.demo_first.chart,
      values: [stringify({ manifest: OBJECT })],
      wait: true,
      timeout: 600,
      depends_on: ["helm_release.demo_crd_release", "helm_release.demo_release"],
    });
    expect(r.demo_second.chart).toBe(r.demo_first.chart);
    expect(r.demo_second.depends_on).toEqual(["helm_release.demo_crd_release", "helm_release.demo_release", "helm_release.demo_first"]);
    expect(fs.existsSync(path.join(manifestChartDir(), "Chart.yaml"))).toBe(true);
    // Without a CRD release the objects wait for the controller alone.
    const plain = releases({ ...spec, manifests: [{ id: "first", name: "demo-first", object: OBJECT }] });
    expect(plain.demo_first.depends_on).toEqual(["helm_release.demo_release"]);
  });
});
