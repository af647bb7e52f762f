/**
 * Refreshes the EKS tables (src/lib/eks-versions.generated.ts, eks-addons.generated.ts) from AWS:
 * `aws eks describe-cluster-versions --include-all` gives each Kubernetes version's support dates,
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <a>` each add-on's default
 * version for it (the addonVersion whose compatibilities name that cluster version with
 * defaultVersion true).
 *
 * Rules: a version in the tables is kept while AWS supports it (standard or extended support) and
 * dropped when AWS lists it as unsupported or no longer lists it; a version AWS supports that the
 * tables lack is added only when every add-on has a default for it; an add-on AWS names no default
 * for keeps the version it has. Responses come from the AWS CLI, or from recorded files
 * (`--responses <dir>`: see {@link replayedAws}).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EKS_ADDONS, type EksAddonName } from "../../src/lib/eks-addons";
import { CliError } from "../common/cli";
import { runProcess } from "../common/process";

/** Runs `aws eks <args> --output json` (or replays it) and gives the parsed JSON. */
export type EksApi = (args: readonly string[]) => Promise<unknown>;

export interface EksVersionRow {
  readonly standardSupportEnds: string;
  readonly extendedSupportEnds: string;
}

export interface EksTables {
  readonly versions: Readonly<Record<string, EksVersionRow>>;
  readonly addons: Readonly<Record<string, Readonly<Record<EksAddonName, string>>>>;
}

interface ClusterVersion extends EksVersionRow {
  readonly version: string;
  readonly supported: boolean;
}

const CLUSTER_VERSIONS_ARGS = ["describe-cluster-versions", "--include-all"] as const;
const addonArgs = (version: string, addon: string) => ["describe-addon-versions", "--kubernetes-version", version, "--addon-name", addon];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** An API timestamp (epoch seconds, as the API and AWS CLI v1 print it, or ISO 8601, as v2 does) as its UTC date. */
function utcDate(value: unknown, what: string): string {
  const ms = typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new CliError(`${what} must be a timestamp (epoch seconds or ISO 8601), got ${JSON.stringify(value)}`);
  return new Date(ms).toISOString().slice(0, 10);
}

/** The versions of a DescribeClusterVersions response, with their support dates and whether EKS still supports them. */
export function parseClusterVersions(json: unknown): ClusterVersion[] {
  const where = "aws eks describe-cluster-versions";
  if (!isObject(json) || !Array.isArray(json.clusterVersions)) throw new CliError(`${where}: the response has no clusterVersions list`);
  return json.clusterVersions.map((item: unknown, i) => {
    const at = `${where}: clusterVersions[${i}]`;
    if (!isObject(item) || typeof item.clusterVersion !== "string" || !/^\d+\.\d+$/.test(item.clusterVersion))
      throw new CliError(
        `${at}.clusterVersion must be a version like "1.35", got ${JSON.stringify(isObject(item) ? item.clusterVersion : item)}`,
      );
    // `status` (lower case, hyphenated) is deprecated for `versionStatus`; either may be there.
    const given = item.versionStatus ?? item.status;
    const status = (typeof given === "string" ? given : "").toUpperCase().replace(/-/g, "_");
    if (!["STANDARD_SUPPORT", "EXTENDED_SUPPORT", "UNSUPPORTED"].includes(status))
      throw new CliError(
        `${at} (${item.clusterVersion}) has versionStatus ${JSON.stringify(given)}; expected STANDARD_SUPPORT, EXTENDED_SUPPORT or UNSUPPORTED`,
      );
    const supported = status !== "UNSUPPORTED";
    return {
      version: item.clusterVersion,
      supported,
      standardSupportEnds: supported ? utcDate(item.endOfStandardSupportDate, `${at}.endOfStandardSupportDate`) : "",
      extendedSupportEnds: supported ? utcDate(item.endOfExtendedSupportDate, `${at}.endOfExtendedSupportDate`) : "",
    };
  });
}

/** The add-on's default version for `clusterVersion` in a DescribeAddonVersions response, if AWS names one. */
export function defaultAddonVersion(json: unknown, addon: string, clusterVersion: string): string | undefined {
  const where = `aws eks describe-addon-versions --kubernetes-version ${clusterVersion} --addon-name ${addon}`;
  if (!isObject(json) || !Array.isArray(json.addons)) throw new CliError(`${where}: the response has no addons list`);
  const defaults = new Set<string>();
  for (const info of json.addons as unknown[]) {
    if (!isObject(info) || info.addonName !== addon || !Array.isArray(info.addonVersions)) continue;
    for (const v of info.addonVersions as unknown[]) {
      if (!isObject(v) || typeof v.addonVersion !== "string" || !Array.isArray(v.compatibilities)) continue;
      const compatibilities = v.compatibilities as unknown[];
      if (compatibilities.some((c) => isObject(c) && c.clusterVersion === clusterVersion && c.defaultVersion === true))
        defaults.add(v.addonVersion);
    }
  }
  if (defaults.size > 1) throw new CliError(`${where}: more than one default version (${[...defaults].join(", ")})`);
  return [...defaults][0];
}

const byMinor = (a: string, b: string) =>
  Number(a.split(".")[0]) - Number(b.split(".")[0]) || Number(a.split(".")[1]) - Number(b.split(".")[1]);

/** The refreshed tables, and one line for each version added, dropped or left partly as it was. */
export async function refreshEksTables(currentAddons: EksTables["addons"], api: EksApi): Promise<{ tables: EksTables; notes: string[] }> {
  const listed = parseClusterVersions(await api(CLUSTER_VERSIONS_ARGS));
  const candidates = [...new Set([...Object.keys(currentAddons), ...listed.filter((v) => v.supported).map((v) => v.version)])].sort(
    byMinor,
  );
  const versions: Record<string, EksVersionRow> = {};
  const addons: Record<string, Record<EksAddonName, string>> = {};
  const notes: string[] = [];
  for (const version of candidates) {
    const info = listed.find((v) => v.version === version);
    if (!info?.supported) {
      notes.push(`dropped Kubernetes ${version}: AWS ${info ? "lists it as unsupported" : "no longer lists it"}`);
      continue;
    }
    const found = await Promise.all(
      EKS_ADDONS.map(async (a) => [a, defaultAddonVersion(await api(addonArgs(version, a)), a, version)] as const),
    );
    const missing = found.filter(([, v]) => v === undefined).map(([a]) => a);
    const had = currentAddons[version];
    if (!had && missing.length > 0) {
      notes.push(`not added Kubernetes ${version}: AWS names no default version of ${missing.join(", ")} for it yet`);
      continue;
    }
    if (!had) notes.push(`added Kubernetes ${version}`);
    for (const a of missing) notes.push(`kept ${a} ${had[a]} for Kubernetes ${version}: AWS names no default version for it`);
    addons[version] = Object.fromEntries(found.map(([a, v]) => [a, v ?? had[a]])) as Record<EksAddonName, string>;
    versions[version] = { standardSupportEnds: info.standardSupportEnds, extendedSupportEnds: info.extendedSupportEnds };
  }
  if (Object.keys(versions).length === 0)
    throw new CliError("AWS lists no supported Kubernetes version of the tables or new: nothing written");
  return { tables: { versions, addons }, notes };
}

const q = (s: string) => JSON.stringify(s);
const HEADER = "// Generated by `npm run catalog:update` from";

/** The TypeScript source of eks-versions.generated.ts. */
export function renderEksVersions(versions: EksTables["versions"]): string {
  return [
    `${HEADER} \`aws eks describe-cluster-versions\`. Do not edit by hand;`,
    "// the rules that read it are in eks-versions.ts.",
    "",
    "/** Each Kubernetes version this project deploys: the last days (UTC) of its standard and extended support. */",
    "export const EKS_VERSIONS: Readonly<Record<string, { readonly standardSupportEnds: string; readonly extendedSupportEnds: string }>> = {",
    ...Object.entries(versions).map(
      ([v, r]) => `  ${q(v)}: { standardSupportEnds: ${q(r.standardSupportEnds)}, extendedSupportEnds: ${q(r.extendedSupportEnds)} },`,
    ),
    "};",
    "",
  ].join("\n");
}

/** The TypeScript source of eks-addons.generated.ts. */
export function renderEksAddons(addons: EksTables["addons"]): string {
  const key = (a: string) => (/^[a-z]+$/.test(a) ? a : q(a));
  return [
    `${HEADER} the default versions \`aws eks describe-addon-versions\``,
    "// names for each Kubernetes version. Do not edit by hand; the rules that read it are in eks-addons.ts.",
    'import type { EksAddonName } from "./eks-addons";',
    "",
    "/** The default version of each add-on for each Kubernetes version this project deploys. */",
    "export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<EksAddonName, string>>>> = {",
    ...Object.entries(addons).flatMap(([v, row]) => [`  ${q(v)}: {`, ...EKS_ADDONS.map((a) => `    ${key(a)}: ${q(row[a])},`), "  },"]),
    "};",
    "",
  ].join("\n");
}

/** The AWS CLI: `aws eks <args> --region <region> --output json`, with the caller's credentials. */
export function awsCliApi(region: string, env: NodeJS.ProcessEnv = process.env): EksApi {
  return async (args) => {
    const all = ["eks", ...args, "--region", region, "--output", "json"];
    const run = await runProcess("aws", all, { cwd: process.cwd(), env: { ...env, AWS_PAGER: "" }, timeoutMs: 120_000 });
    if (run.code !== 0) throw new CliError(`aws ${all.join(" ")} failed: ${run.stderr.trim().split("\n").at(-1) ?? `exit ${run.code}`}`);
    try {
      return JSON.parse(run.stdout) as unknown;
    } catch {
      throw new CliError(`aws ${all.join(" ")} printed no JSON`);
    }
  };
}

/**
 * Recorded responses in `dir`, as the AWS CLI prints them (`--output json`):
 * `describe-cluster-versions.json` (from `aws eks describe-cluster-versions --include-all`) and
 * `describe-addon-versions/<kubernetes version>/<add-on>.json` (from `aws eks
 * describe-addon-versions --kubernetes-version <v> --addon-name <add-on>`).
 */
export function replayedAws(dir: string): EksApi {
  if (!fs.existsSync(path.join(dir, "describe-cluster-versions.json")))
    throw new CliError(`--responses ${dir} holds no describe-cluster-versions.json (see docs/ci.md for the files it takes)`);
  return (args) => {
    const file =
      args[0] === "describe-cluster-versions"
        ? path.join(dir, "describe-cluster-versions.json")
        : path.join(dir, "describe-addon-versions", args[2], `${args[4]}.json`);
    if (!fs.existsSync(file)) throw new CliError(`no recorded response for aws eks ${args.join(" ")}: ${file} is missing`);
    try {
      return Promise.resolve(JSON.parse(fs.readFileSync(file, "utf8")) as unknown);
    } catch (err) {
      throw new CliError(`${file} is not JSON: ${(err as Error).message}`);
    }
  };
}
