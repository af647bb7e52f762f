/**
 * What the e2e tests share: moto (required on CI), emulated environments that run side by side
 * with a bound on how many deploy at once, a record of each run's steps that tests read, and the
 * opening every deploy scenario has in common (its own emulator, CI's identities, `npm run bootstrap`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildApp, ciPolicies, PROJECT_ROOT } from "../../src/app";
import type { EnvConfig } from "../../src/config";
import { splitPolicy } from "../../src/lib/ci-iam";
import { EmulatedEnvironment } from "../../scripts/emulator/emulated-deploy";
import { isLostAnswer } from "../../scripts/emulator/emulator-gaps";
import { deployInOrder, type DeployObservations } from "../../scripts/emulator/emulated-workflow";
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

/** Whether a failed run hit the emulator's lost answer: in the error, or in the Terraform logs of the run. */
function hitLostAnswer(run: ScenarioRun): boolean {
  if (!run.steps.failed || !run.emu) return false;
  if (isLostAnswer(run.steps.failed.error.message)) return true;
  const logs = path.join(run.emu.options.root, "logs");
  if (!fs.existsSync(logs)) return false;
  return fs.readdirSync(logs).some((f) => isLostAnswer(fs.readFileSync(path.join(logs, f), "utf8")));
}

/** A deploy scenario's run: its steps, and the emulated environment once started (the scenario stops it). */
export interface ScenarioRun {
  readonly steps: Steps;
  emu?: EmulatedEnvironment;
}

/**
 * Runs a deploy scenario (which records its steps and stops its emulator). One that failed on the
 * emulator's lost answer (`LOST_ANSWER` in scripts/emulator/emulator-gaps.ts) runs again, once, on a
 * fresh emulator, and says so; any other failure, or a second one, stands.
 */
export async function runScenario<R extends ScenarioRun>(scenario: () => Promise<R>): Promise<R> {
  const first = await scenario();
  if (!hitLostAnswer(first)) return first;
  console.info(
    `[${first.steps.label}] EMULATOR GAP: at "${first.steps.failed!.step}", moto lost the answer to a write and refused its resend; the scenario starts over once on a fresh emulator`,
  );
  return scenario();
}

/**
 * The opening of a deploy scenario: `env` on its own moto that enforces IAM, CI's deploy and plan
 * identities holding exactly the policies `npm run ci:iam` generates, then `npm run bootstrap` (with
 * the lock watched). `prepare` runs first on the started emulator (the existing-VPC scenario makes
 * its network there) and returns the environment to deploy.
 */
export async function deployAsCi(
  out: string,
  env: EnvConfig,
  run: ScenarioRun,
  opts: { readonly prepare?: (emu: EmulatedEnvironment) => Promise<EnvConfig>; readonly log?: (line: string) => void } = {},
): Promise<DeployObservations> {
  const log = opts.log ?? ((line: string) => console.info(`[${path.basename(out)} ${env.name}] ${line}`));
  const emu = (run.emu = await run.steps.step("start", () => startEmulated(out, env, { iam: true })));
  const target = opts.prepare ? await opts.prepare(emu) : env;
  await run.steps.step("CI identities", async () => {
    const policies = ciPolicies(target, buildApp([target]).stacks[0]);
    await emu.useCiIdentities({ deploy: splitPolicy(policies.deploy), plan: splitPolicy(policies.plan) });
  });
  if (target !== env) emu.synth(target);
  return run.steps.step("bootstrap", () => deployInOrder(emu, log));
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
