/**
 * The Renovate configuration (renovate.json): it parses, its custom managers find every pinned chart
 * and autoscaler tag of src/lib/helm-charts.ts as Renovate would (each match string applied to the
 * whole file, templates filled from the named groups), and its npm rules put every package of
 * package.json in exactly one group.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import * as charts from "../../src/lib/helm-charts";

interface PackageRule {
  matchManagers?: string[];
  matchPackageNames?: string[];
  matchUpdateTypes?: string[];
  groupName?: string;
  enabled?: boolean;
}
interface CustomManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  datasourceTemplate: string;
  depNameTemplate?: string;
  packageNameTemplate?: string;
}
interface RenovateConfig {
  extends: string[];
  rangeStrategy: string;
  packageRules: PackageRule[];
  customManagers: CustomManager[];
}

const config = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "renovate.json"), "utf8")) as RenovateConfig;
const HELM_CHARTS = "src/lib/helm-charts.ts";
const source = fs.readFileSync(path.join(PROJECT_ROOT, HELM_CHARTS), "utf8");

/** Renovate's `/regex/` or exact-name pattern. */
const matchesName = (pattern: string, name: string) =>
  pattern.startsWith("/") && pattern.endsWith("/") ? new RegExp(pattern.slice(1, -1)).test(name) : pattern === name;
/** Fills `{{{group}}}` from the named groups (the only template form the config uses). */
const fill = (template: string, groups: Record<string, string>) => template.replace(/\{\{\{(\w+)\}\}\}/g, (_, k: string) => groups[k]);

/** What a custom manager extracts from helm-charts.ts: one dependency per match. */
function extract(manager: CustomManager) {
  return manager.matchStrings.flatMap((s) =>
    [...source.matchAll(new RegExp(s, "g"))].map((m) => {
      const g = m.groups!;
      return {
        datasource: manager.datasourceTemplate,
        depName: manager.depNameTemplate ? fill(manager.depNameTemplate, g) : g.depName,
        packageName: manager.packageNameTemplate ? fill(manager.packageNameTemplate, g) : (manager.depNameTemplate ?? g.depName),
        registryUrl: g.registryUrl,
        currentValue: g.currentValue,
      };
    }),
  );
}
const managers = config.customManagers;
const [httpCharts, ociCharts, autoscalerTags] = managers.map(extract);

describe("renovate.json", () => {
  it("pins GitHub Actions by commit with their versions, and npm packages exactly", () => {
    expect(config.extends).toEqual(expect.arrayContaining(["config:recommended", "helpers:pinGitHubActionDigests"]));
    expect(config.rangeStrategy).toBe("pin");
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as Record<string, Record<string, string>>;
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }))
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("has custom managers that read only helm-charts.ts", () => {
    expect(managers.map((m) => m.datasourceTemplate)).toEqual(["helm", "docker", "docker"]);
    for (const m of managers) {
      expect(m.customType).toBe("regex");
      expect(m.managerFilePatterns.map((p) => matchesName(p, HELM_CHARTS))).toEqual([true]);
      expect(matchesName(m.managerFilePatterns[0], "src/lib/helm-charts.test.ts")).toBe(false);
    }
  });

  it("finds every chart of an HTTP repository with its repository, name and version", () => {
    const pinned = [charts.LOAD_BALANCER_CONTROLLER_CHART, charts.CLUSTER_AUTOSCALER_CHART];
    expect(httpCharts).toEqual(
      pinned.map((c) => ({
        datasource: "helm",
        depName: c.chart,
        packageName: c.chart,
        registryUrl: c.repository,
        currentValue: c.version,
      })),
    );
  });

  it("finds every chart of an OCI registry as the image Renovate looks up", () => {
    const pinned = [charts.NODE_TERMINATION_HANDLER_CHART, charts.KARPENTER_CHART];
    expect(ociCharts).toEqual(
      pinned.map((c) => ({
        datasource: "docker",
        depName: c.chart,
        packageName: `${c.repository.replace(/^oci:\/\//, "")}/${c.chart}`,
        registryUrl: undefined,
        currentValue: c.version,
      })),
    );
    // The CRD chart has no version of its own to update: it is the controller chart's.
    expect(source).toContain('export const KARPENTER_CRD_CHART: PinnedChart = { ...KARPENTER_CHART, chart: "karpenter-crd" };');
    expect(charts.KARPENTER_CRD_CHART.version).toBe(charts.KARPENTER_CHART.version);
  });

  it("covers every exported chart with one of the managers", () => {
    const exported = Object.values(charts).filter((v): v is charts.PinnedChart => typeof v === "object" && "chart" in v);
    const found = [...httpCharts, ...ociCharts].map((d) => d.depName);
    for (const c of exported) expect(found.includes(c.chart) || c === charts.KARPENTER_CRD_CHART, c.chart).toBe(true);
  });

  it("finds each cluster-autoscaler image tag, and updates it only within its Kubernetes minor", () => {
    expect(autoscalerTags.map((d) => d.currentValue)).toEqual(Object.values(charts.CLUSTER_AUTOSCALER_IMAGE_TAGS));
    for (const d of autoscalerTags) expect(d.packageName).toBe("registry.k8s.io/autoscaling/cluster-autoscaler");
    const blocked = config.packageRules.find(
      (r) => r.enabled === false && r.matchPackageNames?.includes("registry.k8s.io/autoscaling/cluster-autoscaler"),
    );
    expect(blocked?.matchUpdateTypes?.sort()).toEqual(["major", "minor"]);
  });

  it("puts every npm package of package.json in exactly one group, cdktf with its CLI and every provider binding", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as Record<string, Record<string, string>>;
    const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
    const groups = config.packageRules.filter((r) => r.groupName && r.matchManagers?.includes("npm"));
    const groupOf = (name: string) => groups.filter((r) => r.matchPackageNames!.some((p) => matchesName(p, name))).map((r) => r.groupName);
    for (const name of names) expect(groupOf(name), name).toHaveLength(1);
    const cdktf = names.filter((n) => groupOf(n)[0] === "cdktf").sort();
    expect(cdktf).toEqual([
      "@cdktf/provider-aws",
      "@cdktf/provider-external",
      "@cdktf/provider-helm",
      "@cdktf/provider-kubernetes",
      "@cdktf/provider-local",
      "cdktf",
      "cdktf-cli",
      "constructs",
    ]);
    // A package no longer in package.json is not left in a rule.
    for (const r of groups)
      for (const p of r.matchPackageNames!)
        expect(
          names.some((n) => matchesName(p, n)),
          p,
        ).toBe(true);
  });
});
