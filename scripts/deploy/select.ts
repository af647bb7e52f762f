/** Picking the one environment a command works on. */
import { PROJECT_ROOT } from "../../src/app";
import { assertValidEnvs, envsDir, loadEnvSources, type EnvConfig } from "../../src/config";
import { UsageError } from "../common/cli";

/** Every environment of the project (each validated with the others), and the one the single positional argument names, with its file. */
export async function oneEnv(
  positionals: readonly string[],
  root: string = PROJECT_ROOT,
): Promise<{ env: EnvConfig; source: string; all: EnvConfig[] }> {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name the environment" : "name exactly one environment");
  const sources = await loadEnvSources(envsDir(root));
  const all = assertValidEnvs(sources);
  const at = all.findIndex((e) => e.name === positionals[0]);
  if (at < 0) throw new UsageError(`no environment "${positionals[0]}" in envs/ (have: ${all.map((e) => e.name).join(", ")})`);
  return { env: all[at], source: sources[at].source, all };
}

/** `--stacks platform,workloads`: the stacks after the backend, in deployment order. */
export function parseStacks(list: string | undefined): ("platform" | "workloads")[] {
  const names = (list ?? "platform,workloads").split(",").map((s) => s.trim());
  if (names.length === 0 || names.some((s) => s !== "platform" && s !== "workloads"))
    throw new UsageError(`--stacks takes platform and/or workloads, comma-separated (got ${JSON.stringify(list)})`);
  return (["platform", "workloads"] as const).filter((k) => names.includes(k));
}

/** The options `npm run bootstrap` and `npm run teardown` share (parseArgs form). */
export const STACK_RUN_OPTIONS = {
  stacks: { type: "string" },
  "skip-synth": { type: "boolean" },
  output: { type: "string" },
  "state-dir": { type: "string" },
  report: { type: "string" },
  "log-dir": { type: "string" },
} as const;
