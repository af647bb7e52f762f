/**
 * Finds and loads the environment files (`envs/*.ts`): each default-exports one environment config.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { EnvSource } from "./validate";

/** The folder the app reads environments from: `$EKS_ENVS_DIR`, else `envs/` of the project. */
export function envsDir(projectRoot: string): string {
  return path.resolve(projectRoot, process.env.EKS_ENVS_DIR ?? "envs");
}

/**
 * Loads every `*.ts` / `*.js` / `*.json` file of `dir`, in name order. A file that fails to load is
 * reported with its path and the loader's message, never a stack trace.
 */
export async function loadEnvSources(dir: string): Promise<EnvSource[]> {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => /\.(ts|js|json)$/.test(f) && !f.endsWith(".d.ts") && !f.startsWith("_"));
  } catch (err) {
    throw new Error(`cannot read the environments folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  if (files.length === 0) throw new Error(`no environment files (*.ts) found in ${dir}; add one, e.g. envs/dev.ts`);
  return Promise.all(
    files.sort().map(async (file) => {
      const full = path.join(dir, file);
      const source = path.relative(process.cwd(), full) || full;
      let mod: { default?: unknown };
      try {
        mod = (await import(pathToFileURL(full).href)) as { default?: unknown };
      } catch (err) {
        throw new Error(`${source} could not be loaded: ${(err as Error).message.split("\n")[0]}`, { cause: err });
      }
      // A CommonJS-compiled module may nest the default export once more.
      let raw: unknown = mod.default ?? mod;
      if (raw && typeof raw === "object" && "default" in raw && Object.keys(raw).length <= 2) raw = (raw as { default: unknown }).default;
      return { source, raw };
    }),
  );
}
