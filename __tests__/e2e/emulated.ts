/**
 * What the e2e tests share: moto (required on CI), emulated environments that run side by side
 * with a bound on how many deploy at once, and a record of each run's steps that tests read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../src/app";
import type { EnvConfig } from "../../src/config";
import { EmulatedEnvironment } from "../../scripts/emulator/emulated-deploy";
import { installedMotoVersion, MOTO_VERSION } from "../../scripts/emulator/moto";
import { planEnvironment } from "../../scripts/plan/plan";
import { summarizePlans, type PlanJson, type PlanSummary } from "../../scripts/plan/plan-summary";
import { getToolchain } from "../helpers/terraform";

/** Whether Terraform and moto are here; off CI a missing one skips (with a warning), on CI it fails the file. */
export async function emulatorToolchain(): Promise<boolean> {
  const tc = await getToolchain();
  const moto = installedMotoVersion();
  if (!moto) {
    const message = `python3 -m moto.server is not installed (pip install "moto[server]==${MOTO_VERSION}")`;
    if (process.env.CI) throw new Error(`${message}; CI must have it`);
    console.warn(`SKIPPING the emulated deploys: ${message}`);
  } else if (moto !== MOTO_VERSION) {
    throw new Error(
      `moto ${moto} is installed; the emulated deploys are written against ${MOTO_VERSION} (its gaps are listed per release)`,
    );
  }
  return Boolean(tc && moto);
}

/** Runs `tasks` with at most `limit` at a time; each promise settles with its task. */
export function limited<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T>[] {
  let running = 0;
  const waiting: (() => void)[] = [];
  return tasks.map(async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  });
}

/** The steps of one emulated run: each step's time, and the first failure (later steps did not run). */
export class Steps {
  readonly ms: Record<string, number> = {};
  failed?: { step: string; error: Error };

  constructor(readonly label: string) {}

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await fn();
    } catch (err) {
      this.failed ??= { step: name, error: err as Error };
      throw err;
    } finally {
      this.ms[name] = Date.now() - t0;
    }
  }

  /** A value a step recorded; fails the test with the step that broke when it never got there. */
  need<T>(value: T | undefined, what: string): T {
    if (value !== undefined) return value;
    const f = this.failed;
    throw new Error(
      f ? `the emulated run of ${this.label} failed at "${f.step}": ${f.error.message}` : `${this.label}: no ${what} was recorded`,
    );
  }

  summary(): string {
    return Object.entries(this.ms)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
      .join(", ");
  }
}

/** Starts an environment on its own moto server in `<out>/<env>/` (out: the suite's `testOutputDir`). */
export function startEmulated(out: string, env: EnvConfig, opts: { readonly iam?: boolean } = {}): Promise<EmulatedEnvironment> {
  const log = (line: string) => console.info(`[${path.basename(out)} ${env.name}] ${line}`);
  return EmulatedEnvironment.start(env, { root: path.join(out, env.name), projectRoot: PROJECT_ROOT, log, iam: opts.iam });
}

/**
 * `npm run plan` of `stacks` against the emulated state: its review, summarized. With
 * `asPlanRole`, as the pull-request workflow plans: as the plan identity, with its own credentials
 * (`--caller-credentials`).
 */
export async function planAgainstState(
  emu: EmulatedEnvironment,
  dir: string,
  stacks = ["backend", "platform"],
  opts: { readonly asPlanRole?: boolean } = {},
): Promise<PlanSummary> {
  const run = await planEnvironment({
    env: emu.env.name,
    stacks,
    synthDir: emu.outdir,
    outDir: path.join(emu.options.root, dir),
    processEnv: opts.asPlanRole ? emu.planEnv : emu.processEnv,
    callerCredentials: opts.asPlanRole,
    log: () => undefined,
  });
  if (run.mode !== "online") throw new Error(`npm run plan ran ${run.mode}, not against the emulated state`);
  const failed = run.plans.find((p) => p.failed);
  if (failed) throw new Error(failed.failed);
  return summarizePlans(
    run.plans.map((p) => ({ stack: p.stack, plan: JSON.parse(fs.readFileSync(p.jsonFile!, "utf8")) as PlanJson })),
    `Plan: ${emu.env.name}`,
  );
}
