import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../../src/lib/eks-versions";
import { UsageError } from "../../../scripts/common/cli";
import { stackProblems, upgradeEnvironment, upgradeTarget, VERSION_CATALOGS, type UpgradeOptions } from "../../../scripts/upgrade/upgrade";
import { fixtureEnv, fixtureSources, synthEnv } from "../../helpers/synth";

const TODAY = "2026-07-15";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A folder holding bravo (node groups of both kinds) at `version` as a JSON file, edited by `change`. */
type Groups = Record<string, Record<string, unknown>>;
type Raw = { eks: Record<string, unknown>; nodeGroups: { managed: Groups; selfManaged: Groups } };

async function bravoAt(version: string, change: (raw: Raw) => void = () => undefined): Promise<string> {
  const source = (await fixtureSources()).find((s) => (s.raw as { name: string }).name === "bravo")!;
  const raw = structuredClone(source.raw) as Raw;
  raw.eks.kubernetesVersion = version;
  change(raw);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-test-"));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, "bravo.json"), `${JSON.stringify(raw, null, 2)}\n`);
  return dir;
}

const run = (envsDir: string, opts: Partial<UpgradeOptions> = {}) => upgradeEnvironment({ env: "bravo", envsDir, today: TODAY, ...opts });

describe("upgradeTarget", () => {
  it("defaults to the next minor and takes exactly that one", () => {
    expect(upgradeTarget("qa", "1.34")).toBe("1.35");
    expect(upgradeTarget("qa", "1.34", "1.35")).toBe("1.35");
  });

  it.each([
    [
      "1.32",
      "1.35",
      'env "qa": eks.kubernetesVersion cannot go from 1.32 to 1.35 in one step: EKS upgrades a control plane one minor at a time; upgrade 1.32 -> 1.33, deploy, then 1.33 -> 1.34, deploy, then 1.34 -> 1.35 (got "1.35")',
    ],
    [
      "1.35",
      "1.34",
      'env "qa": eks.kubernetesVersion cannot go from 1.35 to 1.34: an EKS control plane cannot be downgraded; stay on 1.35, or build a new cluster on 1.34 and move the workloads (got "1.34")',
    ],
    ["1.34", "1.34", 'env "qa": eks.kubernetesVersion cannot go from 1.34 to 1.34: it is already there (got "1.34")'],
    [
      "1.35",
      "1.36",
      'env "qa": eks.kubernetesVersion cannot be upgraded to 1.36: is not a supported EKS version; use one of 1.32, 1.33, 1.34, 1.35 (got "1.36")',
    ],
    [
      "1.35",
      undefined,
      'env "qa": eks.kubernetesVersion 1.35 is the newest version this project supports; 1.36 comes with npm run catalog:update and npm run images:update (AWS credentials: they add it once EKS lists it with every add-on\'s default) and a row in CLUSTER_AUTOSCALER_IMAGE_TAGS (src/lib/helm-charts.ts) (got "1.36")',
    ],
  ])("refuses %s -> %s with the steps to take", (from, to, message) => {
    expect(() => upgradeTarget("qa", from, to)).toThrow(message);
  });

  it("refuses a --to that is not a minor version as a usage error", () => {
    expect(() => upgradeTarget("qa", "1.34", "1.35.1")).toThrow(UsageError);
  });
});

describe("the version catalogs", () => {
  it("have a row for every supported version, and none for a version the project does not support", async () => {
    const env = await fixtureEnv("bravo");
    for (const catalog of VERSION_CATALOGS) {
      for (const v of SUPPORTED_KUBERNETES_VERSIONS) expect(catalog.lookup(v, env), `${catalog.table} ${v}`).toBeDefined();
      expect(catalog.lookup("1.36", env), catalog.table).toBeUndefined();
    }
  });
});

describe("stackProblems", () => {
  it("refuses a target outside a pinned chart's range, naming the chart and its range", async () => {
    const { json } = synthEnv(await fixtureEnv("bravo"));
    expect(stackProblems("bravo", "1.35", { platform: json.platform, workloads: json.workloads })).toEqual([]);
    expect(stackProblems("bravo", "1.21", { platform: json.platform, workloads: json.workloads })).toEqual([
      'env "bravo": chart cluster-autoscaler 9.59.0 supports Kubernetes 1.32 to 1.35, not 1.21; pin a release that supports 1.21 in src/lib/helm-charts.ts (and raise its range) first',
      'env "bravo": chart aws-load-balancer-controller 3.5.0 supports Kubernetes 1.22 to 1.35, not 1.21; pin a release that supports 1.21 in src/lib/helm-charts.ts (and raise its range) first',
      'env "bravo": chart aws-node-termination-handler 0.27.6 supports Kubernetes 1.29 to 1.35, not 1.21; pin a release that supports 1.21 in src/lib/helm-charts.ts (and raise its range) first',
    ]);
  });

  it("refuses workload objects on an API the target removes, and charts nobody pinned", () => {
    const workloads = {
      resource: {
        kubernetes_manifest: { pdb: { manifest: { apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget" } } },
        helm_release: { other: { repository: "https://charts.example.com", chart: "other", version: "1.0.0" } },
      },
    };
    expect(stackProblems("qa", "1.35", { platform: {}, workloads })).toEqual([
      'env "qa": chart other 1.0.0 (helm_release.other) has no supported Kubernetes range; pin it in src/lib/helm-charts.ts',
      'env "qa": kubernetes_manifest.pdb uses policy/v1beta1 PodDisruptionBudget, which Kubernetes 1.25 removed; move it to policy/v1 before upgrading to 1.35',
    ]);
  });
});

describe("upgradeEnvironment", () => {
  it("edits the literal and lists the add-on, image and node image versions that change", async () => {
    const dir = await bravoAt("1.34");
    const file = path.join(dir, "bravo.json");
    const before = fs.readFileSync(file, "utf8");
    const report = await run(dir);
    expect([report.from, report.to, report.written]).toEqual(["1.34", "1.35", true]);
    expect(fs.readFileSync(file, "utf8")).toBe(before.replace('"kubernetesVersion": "1.34"', '"kubernetesVersion": "1.35"'));
    expect(report.target.eks.kubernetesVersion).toBe("1.35");
    expect(report.changes.map((c) => `${c.what} ${c.name}: ${c.from} -> ${c.to}`)).toEqual([
      "add-on kube-proxy: v1.34.1-eksbuild.2 -> v1.35.0-eksbuild.2",
      "add-on coredns: v1.12.4-eksbuild.1 -> v1.13.2-eksbuild.1",
      "image cluster-autoscaler: v1.34.5 -> v1.35.2",
      "node image AL2023 release: 1.34.7-20260512 -> 1.35.4-20260512",
      "node group aws_launch_template.workers_app_launch_template image_id: resolve:ssm:/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-v20260512/image_id -> resolve:ssm:/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.35-v20260512/image_id",
      "node group aws_eks_node_group.workers_system_node_group version: 1.34 -> 1.35",
      "node group aws_eks_node_group.workers_system_node_group release_version: 1.34.7-20260512 -> 1.35.4-20260512",
    ]);
    expect(report.checks).toEqual([
      "bravo: 1.34 -> 1.35, one minor",
      "support window of 1.35 on 2026-07-15: in standard support",
      "node groups within the version skew of 1.35: 2",
      "a row for 1.35 in every version catalog: EKS_ADDON_VERSIONS, CLUSTER_AUTOSCALER_IMAGE_TAGS, EKS_NODE_IMAGE_RELEASES",
      "charts supporting 1.35: 3; workload objects on APIs 1.35 serves: 2",
    ]);
  });

  it("writes nothing on a dry run", async () => {
    const dir = await bravoAt("1.34");
    const before = fs.readFileSync(path.join(dir, "bravo.json"), "utf8");
    const report = await run(dir, { dryRun: true });
    expect(report.written).toBe(false);
    expect(report.edit).toMatchObject({ line: 33, after: '"kubernetesVersion": "1.35"' });
    expect(fs.readFileSync(path.join(dir, "bravo.json"), "utf8")).toBe(before);
  });

  it("leaves the edit to the user when a node group pins the cluster's version too", async () => {
    const dir = await bravoAt("1.34", (raw) => (raw.nodeGroups.managed.system.kubernetesVersion = "1.34"));
    const report = await run(dir);
    expect(report.written).toBe(false);
    expect(report.edit).toEqual({
      instruction: `in ${path.relative(process.cwd(), path.join(dir, "bravo.json"))}, set eks.kubernetesVersion to "1.35": node groups managed.system pin their own kubernetesVersion to "1.34" too, so the cluster's literal cannot be told apart from theirs`,
    });
  });

  it("keeps node groups within the skew of the target: three minors behind at most, never ahead", async () => {
    // 1.32 is three minors behind 1.35: allowed.
    const behind = await bravoAt("1.34", (raw) => (raw.nodeGroups.managed.system.kubernetesVersion = "1.32"));
    await expect(run(behind, { dryRun: true })).resolves.toMatchObject({ to: "1.35" });
    const ahead = await bravoAt("1.33", (raw) => (raw.nodeGroups.managed.system.kubernetesVersion = "1.35"));
    await expect(run(ahead, { dryRun: true })).rejects.toThrow(
      'env "bravo": nodeGroups.managed.system.kubernetesVersion is newer than the control plane (eks.kubernetesVersion 1.34); upgrade the control plane first (got "1.35")',
    );
  });

  it("refuses a group pinned to a version the table does not hold, naming the field", async () => {
    const dir = await bravoAt("1.34", (raw) => (raw.nodeGroups.selfManaged.app.kubernetesVersion = "1.31"));
    await expect(run(dir)).rejects.toThrow(
      'env "bravo": nodeGroups.selfManaged.app.kubernetesVersion is not a supported EKS version; use one of 1.32, 1.33, 1.34, 1.35 (got "1.31")',
    );
  });

  it("refuses a target past its support window, and writes nothing", async () => {
    const dir = await bravoAt("1.34");
    const before = fs.readFileSync(path.join(dir, "bravo.json"), "utf8");
    await expect(run(dir, { today: "2027-04-01" })).rejects.toThrow(
      'env "bravo": eks.kubernetesVersion cannot be upgraded to 1.35: 1.35 left standard support on 2027-03-27; upgrade to the next version once this project supports it, or set eks.supportType "EXTENDED" to stay on it until 2028-03-27 (extended support costs extra per cluster hour) (got "1.35")',
    );
    expect(fs.readFileSync(path.join(dir, "bravo.json"), "utf8")).toBe(before);
    // With extended support the same date passes, with the cost said.
    const extended = await bravoAt("1.34", (raw) => (raw.eks.supportType = "EXTENDED"));
    const report = await run(extended, { today: "2027-04-01", dryRun: true });
    expect(report.warnings).toEqual([
      'env "bravo": eks.kubernetesVersion is in extended support (paid per cluster hour) until 2028-03-27; upgrade to the next version once this project supports it (got "1.35")',
    ]);
  });

  it("names the environments it has when asked for another", async () => {
    const dir = await bravoAt("1.34");
    await expect(upgradeEnvironment({ env: "nope", envsDir: dir, today: TODAY })).rejects.toThrow(
      /^no environment "nope" in .+ \(have: bravo\)$/,
    );
  });
});
