/**
 * `npm run plan`: terraform init + plan + show -json for the stacks of one environment, online
 * against their real S3 backend, or offline as a preview against an empty state (override files
 * for a local backend, dummy credentials and skip flags; nothing fake in cdktf.out).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../common/cli";
import { hasAwsCredentials } from "../terraform/credentials";
import { writePlanArtifact } from "./plan-redact";
import { removeOnInterrupt } from "../../src/lib/interrupts";
import { STACK_KINDS, stackId } from "../../src/lib/naming";
import {
  copyStack,
  findTerraform,
  offlineTerraform,
  prepareOfflineWorkspace,
  runTerraform,
  useCallerCredentials,
  type TerraformRun,
} from "../terraform/terraform";
import { readManifest, type TerraformJson } from "../../src/lib/synthesized";
import { privateDir } from "../common/private-files";
import { escapeControlKeepingLines } from "../../src/lib/text";

export type PlanMode = "online" | "offline";

export interface StackPlan {
  readonly stack: string;
  /** The saved plan and its JSON, when the stack was planned. */
  readonly planFile?: string;
  readonly jsonFile?: string;
  /** Why the stack was not planned. */
  readonly skipped?: string;
  /** Terraform's error, when planning the stack failed (the other stacks are still planned). */
  readonly failed?: string;
  readonly ms: number;
}

export interface PlanRun {
  readonly env: string;
  readonly mode: PlanMode;
  readonly plans: StackPlan[];
  readonly ms: number;
}

export interface PlanOptions {
  readonly env: string;
  /** Stack ids or kinds (`platform`, `dev-platform`); @default - every stack of the environment */
  readonly stacks?: readonly string[];
  /** Force the offline preview. @default - offline only when no AWS credentials are found */
  readonly offline?: boolean;
  /** The synthesized output (cdktf.out). */
  readonly synthDir: string;
  /** Where plans, their JSON and work folders go. */
  readonly outDir: string;
  readonly log: (line: string) => void;
  /** @default process.env */
  readonly processEnv?: NodeJS.ProcessEnv;
  /**
   * Plan with the caller's credentials as they are, skipping the config's `assumeRole` (provider,
   * backend, remote state, kubernetes token): for CI plan roles, which are read-only. @default false
   */
  readonly callerCredentials?: boolean;
}

/** The stacks to plan, in deployment order, from ids or kinds. */
export function selectStacks(env: string, wanted: readonly string[] | undefined, available: readonly string[]): string[] {
  const all = STACK_KINDS.map((k) => stackId(env, k)).filter((s) => available.includes(s));
  if (!wanted || wanted.length === 0) return all;
  const chosen = new Set<string>();
  for (const w of wanted) {
    const id = all.includes(w) ? w : stackId(env, w as never);
    if (!all.includes(id)) throw new CliError(`no stack "${w}" in environment ${env}; its stacks are ${all.join(", ")}`);
    chosen.add(id);
  }
  return all.filter((s) => chosen.has(s));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Plans the chosen stacks of one environment (two at a time: this is CPU-bound). */
export async function planEnvironment(options: PlanOptions): Promise<PlanRun> {
  const started = Date.now();
  // Lines quote Terraform's output (which quotes the plan): control characters in them are escaped.
  const opts: PlanOptions = { ...options, log: (line) => options.log(escapeControlKeepingLines(line)) };
  const processEnv = opts.processEnv ?? process.env;
  if (opts.callerCredentials && (opts.offline || !hasAwsCredentials(processEnv))) {
    throw new CliError(
      opts.offline
        ? "--caller-credentials plans against AWS and --offline does not; use one of them"
        : "--caller-credentials plans against AWS, but no AWS credentials were found (environment variables, profiles, web identity); a preview without them is --offline",
    );
  }
  if (!findTerraform()) throw new CliError("terraform is not on PATH; install Terraform >= 1.10");
  const stacks = selectStacks(opts.env, opts.stacks, Object.keys(readManifest(opts.synthDir)));

  let mode: PlanMode = "online";
  if (opts.offline || !hasAwsCredentials(processEnv)) {
    mode = "offline";
    opts.log(
      opts.offline
        ? "OFFLINE PREVIEW (--offline): planning against an empty state with dummy credentials; real plans need AWS credentials."
        : "OFFLINE PREVIEW: no AWS credentials found, so this plans against an EMPTY state with dummy credentials. It shows what a first deploy would create, not what would change in AWS.",
    );
  }
  // A .tfplan holds the full configuration and state: the folders are 0700, the files 0600.
  const outDir = path.resolve(opts.outDir);
  const makePrivate = (dir: string) => {
    try {
      privateDir(dir);
    } catch (err) {
      throw new CliError(`${(err as Error).message}; plans hold the configuration and state: give --out a folder of your own`);
    }
  };
  makePrivate(outDir);
  // The work folder (copies of the stacks, their .terraform) is kept for the next run, unless the run
  // is interrupted: then Terraform is stopped first (see process.ts) and the folder removed.
  const workDir = path.join(outDir, "work");
  const keepWork = removeOnInterrupt(workDir);
  try {
    makePrivate(workDir);
    let tfEnv: NodeJS.ProcessEnv = { ...processEnv, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
    let prune: string[] = [];
    if (mode === "offline") {
      let offline;
      try {
        offline = await offlineTerraform(workDir, "the offline preview");
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      tfEnv = offline.env;
      prune = offline.prune;
    }

    const planOne = async (stack: string): Promise<StackPlan> => {
      const t0 = Date.now();
      const kind = stack.slice(opts.env.length + 1);
      if (mode === "offline" && kind === "workloads") {
        return {
          stack,
          skipped: "reads the platform's remote state and talks to the cluster; it plans only against a deployed platform",
          ms: 0,
        };
      }
      let dir = path.join(opts.synthDir, "stacks", stack);
      if (mode === "offline") {
        const ws = prepareOfflineWorkspace(dir, path.join(workDir, stack), prune);
        if (ws.pruned.removed.length > 0) {
          opts.log(
            `${stack}: pruned for the offline preview (providers ${ws.pruned.providers.join(", ")} cannot be installed here): ${ws.pruned.removed.join(", ")}`,
          );
        }
        dir = ws.dir;
        makePrivate(dir);
      } else if (opts.callerCredentials) {
        const work = path.join(workDir, stack);
        makePrivate(work);
        const stackJson = copyStack(dir, work);
        const dropped = useCallerCredentials(stackJson);
        fs.writeFileSync(path.join(work, "cdk.tf.json"), JSON.stringify(stackJson, null, 2));
        // An override file (the emulator's backend, say) repeats a block whole: it must not bring the role back.
        for (const file of fs.readdirSync(work).filter((f) => /(^|_)override\.tf\.json$/.test(f))) {
          const override = JSON.parse(fs.readFileSync(path.join(work, file), "utf8")) as TerraformJson;
          if (useCallerCredentials(override).length > 0) fs.writeFileSync(path.join(work, file), JSON.stringify(override, null, 2));
        }
        if (dropped.length > 0)
          opts.log(`${stack}: planning with the caller's credentials; the role to assume was dropped from ${dropped.join(", ")}`);
        dir = work;
      }
      // Written in the work folder and moved beside the review only once shown: an interrupted or
      // failed run leaves no plan file (Terraform saves one when a stop comes late in its plan), and
      // a previous run's files for this stack are removed first, so none is mistaken for this run's.
      const planFile = path.join(outDir, `${stack}.tfplan`);
      const jsonFile = path.join(outDir, `${stack}.plan.json`);
      for (const f of [planFile, jsonFile]) fs.rmSync(f, { force: true });
      makePrivate(workDir);
      const workPlan = path.join(workDir, `${stack}.tfplan`);
      const step = async (args: string[]): Promise<TerraformRun> => {
        const run = await runTerraform(args, dir, tfEnv, 600_000);
        if (run.code !== 0) {
          throw new CliError(`${stack}: terraform ${args[0]} failed (exit ${run.code}):\n${(run.stderr + run.stdout).trim()}`);
        }
        return run;
      };
      const init = await step(["init", "-input=false", "-no-color"]);
      const plan = await step(["plan", "-input=false", "-no-color", "-lock=false", `-out=${workPlan}`]);
      const show = await step(["show", "-json", workPlan]);
      // Only what the review reads, sensitive values replaced: the JSON is what CI keeps as an artifact.
      writePlanArtifact(`${workPlan}.json`, show.stdout);
      fs.chmodSync(workPlan, 0o600); // Terraform writes it with the umask's mode
      fs.renameSync(`${workPlan}.json`, jsonFile);
      fs.renameSync(workPlan, planFile);
      const summary = /Plan: .*|No changes\./.exec(plan.stdout)?.[0] ?? "planned";
      opts.log(`${stack}: ${summary} (init ${seconds(init.ms)}, plan ${seconds(plan.ms)}, show ${seconds(show.ms)})`);
      return { stack, planFile, jsonFile, ms: Date.now() - t0 };
    };

    // Two at a time: Terraform loading the AWS provider schema is CPU-bound.
    const results = new Array<StackPlan>(stacks.length);
    let next = 0;
    const worker = async () => {
      while (next < stacks.length) {
        const i = next++;
        try {
          results[i] = await planOne(stacks[i]);
        } catch (err) {
          if (!(err instanceof CliError)) throw err;
          results[i] = { stack: stacks[i], failed: err.message, ms: 0 };
          opts.log(`${stacks[i]}: FAILED (the error follows the review)`);
        }
        if (results[i].skipped) opts.log(`${stacks[i]}: skipped: ${results[i].skipped}`);
      }
    };
    await Promise.all([worker(), worker()]);
    return { env: opts.env, mode, plans: results, ms: Date.now() - started };
  } finally {
    keepWork();
  }
}
