/**
 * The project's own environments: whatever `envs/` holds, the samples or a team's own. Only the
 * generic checks of them read it (`__tests__/envs/envs.test.ts` and
 * `__tests__/integration/envs-terraform.test.ts`); every other test builds its environments from the
 * fixtures or `testEnv`, so replacing the samples breaks none of them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../src/app";
import { loadEnvSources, type EnvSource } from "../../src/config";

/** The folder of the project's environment files. */
export const PROJECT_ENVS_DIR = path.join(PROJECT_ROOT, "envs");

/** The recorded Terraform addresses of every stack of the project's environments, by stack. */
export const CONTRACT_FILE = path.join(PROJECT_ROOT, "__tests__", "contract", "addresses.json");

/**
 * The environment files of `envs/` as they export them, or the loader's error (it throws, with what
 * to do, when the folder holds none or a file cannot be used).
 */
export async function projectEnvSources(): Promise<{ sources: EnvSource[]; error?: Error }> {
  try {
    return { sources: await loadEnvSources(PROJECT_ENVS_DIR) };
  } catch (err) {
    return { sources: [], error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** The address contract as recorded by `npm run addresses:update`. */
export function recordedAddresses(): Record<string, string[]> {
  return JSON.parse(fs.readFileSync(CONTRACT_FILE, "utf8")) as Record<string, string[]>;
}
