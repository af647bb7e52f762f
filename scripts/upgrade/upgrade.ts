/**
 * `npm run upgrade`: moves one environment's cluster exactly one Kubernetes minor up. It refuses a
 * target outside the version table, a jump of more than one minor, a downgrade and a version past
 * its support window; lists the add-on, image and node image versions that change with it; runs the
 * offline checks (node groups within the skew, a row in every version catalog, each installed
 * chart's supported range, APIs the target removes); and edits the environment file's
 * `kubernetesVersion` literal. Planning the result is the script's (scripts/upgrade.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp } from "../../src/app";
import { formatIssue, loadEnvSources, resolveEnv, validateEnvs, type EnvConfig, type EnvSource } from "../../src/config";
import { nodeVersionIssues } from "../../src/config/rules/platform";
import { EKS_ADDON_VERSIONS, eksAddonVersions } from "../../src/lib/eks-addons";
import {
  DEFAULT_KUBERNETES_VERSION,
  kubernetesVersionProblem,
  SUPPORTED_KUBERNETES_VERSIONS,
  supportWindow,
} from "../../src/lib/eks-versions";
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, inKubernetesRange, PINNED_CHARTS } from "../../src/lib/helm-charts";
import { EKS_NODE_IMAGE_RELEASES } from "../../src/lib/eks-node-images";
import { stackId } from "../../src/lib/naming";
import { readStackFile, stackResources, type Json } from "../../src/lib/synthesized";
import { CliError, UsageError } from "../common/cli";
import { removedApisUsed, stackObjects } from "./api-removals";
import { editKubernetesVersion, type VersionEdit } from "./edit";

/** The synthesized platform and workloads stacks of one environment at one version. */
export interface EnvStackJson {
  readonly platform: Json;
  readonly workloads: Json;
}

/**
 * A table of versions that follow the Kubernetes minor. Adding one more to `VERSION_CATALOGS` is
 * one entry.
 */
export interface VersionCatalog {
  /** What its entries are, in the listing: "add-on", "image". */
  readonly what: string;
  /** Where a maintainer adds a row for a new Kubernetes version. */
  readonly table: string;
  /** Its entries for a Kubernetes version (with the environment's overrides); undefined when it has no row. */
  readonly lookup: (version: string, env: EnvConfig) => Readonly<Record<string, string | undefined>> | undefined;
  /** Whether the environment installs the entry `name`. */
  readonly installed: (name: string, stacks: EnvStackJson) => boolean;
}

const resources = (json: Json, type: string) => stackResources("", json).filter((r) => r.type === type);

export const VERSION_CATALOGS: readonly VersionCatalog[] = [
  {
    what: "add-on",
    table: "EKS_ADDON_VERSIONS (src/lib/eks-addons.ts)",
    lookup: (v, env) => (EKS_ADDON_VERSIONS[v] ? eksAddonVersions(v, env.eks.addonVersions) : undefined),
    installed: (name, s) => resources(s.platform, "aws_eks_addon").some((r) => r.config.addon_name === name),
  },
  {
    what: "image",
    table: "CLUSTER_AUTOSCALER_IMAGE_TAGS (src/lib/helm-charts.ts)",
    lookup: (v) => (CLUSTER_AUTOSCALER_IMAGE_TAGS[v] ? { "cluster-autoscaler": CLUSTER_AUTOSCALER_IMAGE_TAGS[v] } : undefined),
    installed: (name, s) => resources(s.workloads, "helm_release").some((r) => r.config.chart === name),
  },
  {
    what: "node image",
    table: "EKS_NODE_IMAGE_RELEASES (src/lib/eks-node-images.ts)",
    lookup: (v) => (EKS_NODE_IMAGE_RELEASES[v] ? { "AL2023 release": EKS_NODE_IMAGE_RELEASES[v] } : undefined),
    installed: (_name, s) => resources(s.platform, "aws_eks_node_group").length + resources(s.platform, "aws_launch_template").length > 0,
  },
];

/** One version that changes with the cluster's: `add-on coredns v1.12.4-eksbuild.1 -> v1.13.2-eksbuild.1`. */
export interface VersionChange {
  readonly what: string;
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** What an upgrade found, before the plan. */
export interface UpgradeReport {
  readonly env: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  readonly changes: VersionChange[];
  /** Warnings that do not stop the upgrade (support windows). */
  readonly warnings: string[];
  /** The checks that ran, one line each. */
  readonly checks: string[];
  /** The edit of the environment file, or what to change by hand. */
  readonly edit: VersionEdit;
  /** Whether the file was written (not with `dryRun`, nor when the edit is left to the user). */
  readonly written: boolean;
  /** The environment as the edited file says. */
  readonly target: EnvConfig;
}

export interface UpgradeOptions {
  readonly env: string;
  /** The target minor. @default - the current one plus one */
  readonly to?: string;
  /** Only print: the file is not written. @default false */
  readonly dryRun?: boolean;
  /** The folder of the environment files. */
  readonly envsDir: string;
  /** "Today" for the support windows (ISO date). */
  readonly today: string;
}

/** An upgrade that is refused: every reason, one line each, with what to do. */
export class UpgradeRefused extends CliError {}

const minorOf = (version: string) => Number(version.split(".")[1]);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The target of an upgrade from `from`: `to` (default: the next minor), refused unless it is in
 * the table and exactly one minor up, with the steps to take instead.
 */
export function upgradeTarget(env: string, from: string, to?: string): string {
  const at = (value: string, message: string) => formatIssue(env, { path: ["eks", "kubernetesVersion"], value, message });
  const target = to ?? `1.${minorOf(from) + 1}`;
  if (!/^1\.\d+$/.test(target)) throw new UsageError(`--to takes a minor version such as 1.35 (got ${JSON.stringify(target)})`);
  const problem = kubernetesVersionProblem(target);
  if (problem)
    throw new UpgradeRefused(
      at(
        target,
        to === undefined
          ? `${from} is the newest version this project supports; ${target} comes with npm run catalog:update and npm run images:update (AWS credentials: they add it once EKS lists it with every add-on's default) and a row in ${VERSION_CATALOGS.filter(
              (c) => !/EKS_ADDON_VERSIONS|EKS_NODE_IMAGE_RELEASES/.test(c.table),
            )
              .map((c) => c.table)
              .join(", ")}`
          : `cannot be upgraded to ${target}: ${problem}`,
      ),
    );
  const steps = minorOf(target) - minorOf(from);
  if (steps <= 0)
    throw new UpgradeRefused(
      at(
        target,
        `cannot go from ${from} to ${target}: ${steps === 0 ? "it is already there" : "an EKS control plane cannot be downgraded; stay on " + from + ", or build a new cluster on " + target + " and move the workloads"}`,
      ),
    );
  if (steps > 1) {
    const path = Array.from({ length: steps }, (_, i) => `1.${minorOf(from) + i} -> 1.${minorOf(from) + i + 1}`);
    throw new UpgradeRefused(
      at(
        target,
        `cannot go from ${from} to ${target} in one step: EKS upgrades a control plane one minor at a time; upgrade ${path.join(", deploy, then ")}`,
      ),
    );
  }
  return target;
}

/** The environment's source (file and raw value) by name. */
async function findSource(dir: string, env: string): Promise<EnvSource> {
  let sources: EnvSource[];
  try {
    sources = await loadEnvSources(dir);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const source = sources.find((s) => isRecord(s.raw) && s.raw.name === env);
  if (!source) {
    const have = sources.map((s) => (isRecord(s.raw) ? String(s.raw.name) : s.source));
    throw new UsageError(`no environment "${env}" in ${path.relative(process.cwd(), dir) || dir} (have: ${have.join(", ")})`);
  }
  return source;
}

/** Synthesizes `env` into a temporary folder and returns its platform and workloads stacks. */
function synthesize(env: EnvConfig): EnvStackJson {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-"));
  try {
    buildApp([env], dir).app.synth();
    const read = (kind: "platform" | "workloads") => readStackFile(path.join(dir, "stacks", stackId(env.name, kind)));
    return { platform: read("platform"), workloads: read("workloads") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The node image settings of the node groups: launch template images and managed groups' versions. */
function nodeImages(platform: Json): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resources(platform, "aws_launch_template")) out.set(`${r.address} image_id`, String(r.config.image_id));
  for (const r of resources(platform, "aws_eks_node_group")) {
    out.set(`${r.address} version`, String(r.config.version));
    if (typeof r.config.release_version === "string") out.set(`${r.address} release_version`, r.config.release_version);
  }
  return out;
}

/** What changes between two versions: each catalog's installed entries, then the node images. */
export function versionChanges(from: string, to: string, fromEnv: EnvConfig, before: EnvStackJson, after: EnvStackJson): VersionChange[] {
  const changes: VersionChange[] = [];
  for (const catalog of VERSION_CATALOGS) {
    const old = catalog.lookup(from, fromEnv) ?? {};
    const next = catalog.lookup(to, fromEnv) ?? {};
    for (const name of Object.keys(next)) {
      if (!catalog.installed(name, before) || old[name] === next[name]) continue;
      changes.push({ what: catalog.what, name, from: old[name] ?? "(none)", to: next[name] ?? "(none)" });
    }
  }
  const oldNodes = nodeImages(before.platform);
  for (const [name, value] of nodeImages(after.platform)) {
    if (oldNodes.get(name) !== value) changes.push({ what: "node group", name, from: oldNodes.get(name) ?? "(none)", to: value });
  }
  return changes;
}

/** The problems of the target's synthesized stacks: charts outside their range, APIs it removes. */
export function stackProblems(env: string, to: string, stacks: EnvStackJson): string[] {
  const problems: string[] = [];
  for (const r of resources(stacks.workloads, "helm_release")) {
    // The project's own local charts (no repository) render objects of pinned releases.
    if (r.config.repository === undefined) continue;
    const pinned = PINNED_CHARTS.find((c) => c.chart === r.config.chart && c.version === r.config.version);
    if (!pinned)
      problems.push(
        `env "${env}": chart ${String(r.config.chart)} ${String(r.config.version)} (${r.address}) has no supported Kubernetes range; pin it in src/lib/helm-charts.ts`,
      );
    else if (!inKubernetesRange(to, pinned.kubernetes))
      problems.push(
        `env "${env}": chart ${pinned.chart} ${pinned.version} supports Kubernetes ${pinned.kubernetes.min} to ${pinned.kubernetes.max}, not ${to}; pin a release that supports ${to} in src/lib/helm-charts.ts (and raise its range) first`,
      );
  }
  const { objects, unknown } = stackObjects(stacks.workloads);
  for (const address of unknown)
    problems.push(
      `env "${env}": ${address} is a Kubernetes object whose API version is not known; add its type to TYPED_RESOURCES (scripts/upgrade/api-removals.ts)`,
    );
  for (const { object, removal } of removedApisUsed(objects, to))
    problems.push(
      `env "${env}": ${object.address} uses ${object.apiVersion} ${object.kind}, which Kubernetes ${removal.removedIn} removed; move it to ${removal.use} before upgrading to ${to}`,
    );
  return problems;
}

/** Checks, lists and edits one upgrade; throws `UpgradeRefused` with every problem. */
export async function upgradeEnvironment(opts: UpgradeOptions): Promise<UpgradeReport> {
  const source = await findSource(opts.envsDir, opts.env);
  const raw = source.raw as { eks?: { kubernetesVersion?: unknown; supportType?: unknown }; nodeGroups?: Record<string, unknown> };
  const given = raw.eks?.kubernetesVersion;
  const from = typeof given === "string" ? given : DEFAULT_KUBERNETES_VERSION;
  if (!SUPPORTED_KUBERNETES_VERSIONS.includes(from))
    throw new UpgradeRefused(
      formatIssue(opts.env, {
        path: ["eks", "kubernetesVersion"],
        value: from,
        message: `${kubernetesVersionProblem(from)}; set it to the version the cluster runs first`,
      }),
    );
  const to = upgradeTarget(opts.env, from, opts.to);
  const checks: string[] = [`${opts.env}: ${from} -> ${to}, one minor`];

  // Before anything is built: the target's support window and the node groups' skew.
  const problems: string[] = [];
  const supportType = raw.eks?.supportType === "EXTENDED" ? "EXTENDED" : "STANDARD";
  const window = supportWindow(to, supportType, opts.today);
  const at = { path: ["eks", "kubernetesVersion"], value: to };
  if (window.error) problems.push(formatIssue(opts.env, { ...at, message: `cannot be upgraded to ${to}: ${to} ${window.error}` }));
  checks.push(`support window of ${to} on ${opts.today}: ${window.error ? "past" : window.warning ? "warning" : "in standard support"}`);
  const pinned: string[] = [];
  let groups = 0;
  for (const kind of ["selfManaged", "managed"]) {
    const byName = raw.nodeGroups?.[kind];
    if (!isRecord(byName)) continue;
    for (const [name, group] of Object.entries(byName)) {
      groups++;
      const version = isRecord(group) && typeof group.kubernetesVersion === "string" ? group.kubernetesVersion : undefined;
      if (version === from) pinned.push(`${kind}.${name}`);
      for (const i of nodeVersionIssues(["nodeGroups", kind, name, "kubernetesVersion"], version, to))
        problems.push(formatIssue(opts.env, i));
    }
  }
  checks.push(`node groups within the version skew of ${to}: ${groups}`);
  if (problems.length > 0) throw new UpgradeRefused(problems.join("\n"));

  // The environment at the target, validated as synth validates it.
  const targetRaw = structuredClone(source.raw) as { eks?: Record<string, unknown> };
  targetRaw.eks = { ...targetRaw.eks, kubernetesVersion: to };
  const validated = validateEnvs([{ source: source.source, raw: targetRaw }], { today: opts.today });
  if (validated.errors.length > 0) throw new UpgradeRefused(validated.errors.join("\n"));
  const target = validated.envs[0];
  const current = resolveEnv({ ...target, eks: { ...target.eks, kubernetesVersion: from } });

  // Every catalog has a row for the target, for what the environment installs.
  const before = synthesize(current);
  for (const catalog of VERSION_CATALOGS) {
    const row = catalog.lookup(to, current);
    const used = Object.keys(catalog.lookup(from, current) ?? {}).filter((n) => catalog.installed(n, before));
    if (used.length > 0 && (!row || used.some((n) => !row[n])))
      problems.push(`env "${opts.env}": no ${catalog.what} versions are listed for Kubernetes ${to}; add a row to ${catalog.table}`);
  }
  checks.push(`a row for ${to} in every version catalog: ${VERSION_CATALOGS.map((c) => c.table.split(" ")[0]).join(", ")}`);
  if (problems.length > 0) throw new UpgradeRefused(problems.join("\n"));

  const after = synthesize(target);
  problems.push(...stackProblems(opts.env, to, after));
  const charts = resources(after.workloads, "helm_release").filter((r) => r.config.repository !== undefined).length;
  const objects = stackObjects(after.workloads).objects.length;
  checks.push(`charts supporting ${to}: ${charts}; workload objects on APIs ${to} serves: ${objects}`);
  if (problems.length > 0) throw new UpgradeRefused(problems.join("\n"));

  const file = path.resolve(source.source);
  const edit = editKubernetesVersion(source.source, fs.readFileSync(file, "utf8"), from, to, pinned);
  const written = !opts.dryRun && "text" in edit;
  if (written) fs.writeFileSync(file, edit.text);
  return {
    env: opts.env,
    file: source.source,
    from,
    to,
    changes: versionChanges(from, to, current, before, after),
    // The target's support-window warning among them: validation words it.
    warnings: validated.warnings,
    checks,
    edit,
    written,
    target,
  };
}
