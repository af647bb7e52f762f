/**
 * Builds the stacks of every environment into a CDKTF App. `main.ts` calls this after validation;
 * tests and scripts call it too, so there is one wiring.
 */
import { App } from "cdktf";
import * as fs from "node:fs";
import * as path from "node:path";
import { assertValidEnvs, envsDir, loadEnvSources, type EnvConfig } from "./config";
import { BackendStack } from "./stacks/backend-stack";
import type { EnvStack } from "./stacks/env-stack";
import { PlatformStack } from "./stacks/platform-stack";
import { WorkloadsStack } from "./stacks/workloads-stack";

/** The project root: the folder holding `cdktf.json`. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** The stacks of one environment, in deployment order. */
export interface EnvStacks {
  readonly backend: BackendStack;
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
}

/** Adds the stacks of one validated environment to `app`. */
export function addEnvStacks(app: App, env: EnvConfig): EnvStacks {
  const backend = new BackendStack(app, env);
  const platform = new PlatformStack(app, env);
  // Its state lives in the bucket the backend stack creates: `cdktf deploy '<env>-*'` goes in order.
  platform.addDependency(backend);
  // Reads the platform's outputs (cluster endpoint, CA, OIDC provider) through remote state.
  const workloads = new WorkloadsStack(app, env, platform);
  return { backend, platform, workloads };
}

/** Every stack of the given stacks, in deployment order. */
export function allStacks(stacks: EnvStacks): EnvStack[] {
  return [stacks.backend, stacks.platform, stacks.workloads];
}

/** Loads and validates the environments of `envs/` (or `$EKS_ENVS_DIR`); throws `EnvConfigError`. */
export async function loadEnvs(root: string = PROJECT_ROOT): Promise<EnvConfig[]> {
  return assertValidEnvs(await loadEnvSources(envsDir(root)));
}

/** Builds an App with the stacks of every environment; synthesizes nothing. */
export function buildApp(envs: readonly EnvConfig[], outdir?: string): { app: App; stacks: EnvStacks[] } {
  if (outdir) fs.mkdirSync(outdir, { recursive: true });
  const app = new App(outdir ? { outdir } : {});
  const stacks = envs.map((env) => addEnvStacks(app, env));
  return { app, stacks };
}
