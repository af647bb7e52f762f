/**
 * From nothing to a deployed environment, and back, each in one command.
 *
 * `bootstrap`: the `<env>-backend` stack declares its S3 backend from the start (the bucket it
 * creates), so nothing in the environment file ever flips. The first time, that bucket does not
 * exist: the stack is applied once from a temporary copy with a local state file
 * (`terraform-state/<env>-backend.tfstate`), that state is pushed into the bucket and the file
 * deleted; then every stack is applied on its S3 backend, in order. Each step finds out where the
 * previous run stopped (is there a bucket? a local state file? is it already in the bucket?), so an
 * interrupted run continues where it stopped, and a second run changes nothing.
 *
 * `teardown`: for an environment marked `ephemeral`, applies that (tables lose deletion
 * protection, the bucket `prevent_destroy`), destroys the stacks in reverse order, pulls the backend
 * stack's state out of the bucket it is about to delete and destroys that stack last.
 *
 * Temporary copies live outside the project and are removed on success, failure and interrupt.
 * The scripts run with umask 077, so the state files Terraform writes are readable by their owner
 * only (0600, in 0700 folders).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EnvConfig } from "../../src/config";
import { onInterrupt } from "../../src/lib/interrupts";
import { backendLocalStatePath, interruptedApplyPath, stackId, stateKey, type StackKind } from "../../src/lib/naming";
import { CliError } from "../common/cli";
import { runProcess, type ProcessRun } from "../common/process";
import { parseJsonFrom } from "../../src/lib/text";
import { readStackFile } from "../../src/lib/synthesized";
import { applyErrors, importBlocks } from "./adopt";

/** A stack after the backend: what bootstrap applies and teardown destroys. */
export type AppliedKind = Exclude<StackKind, "backend">;

export interface DeployOptions {
  readonly env: EnvConfig;
  /** The synthesized output holding the environment's stacks (`cdktf.out`). */
  readonly synthDir: string;
  /** The folder `terraform-state/` belongs to (the project root): the backend's state before its bucket exists. */
  readonly stateRoot: string;
  /** The environment of every terraform command (credentials, CLI config). */
  readonly processEnv: NodeJS.ProcessEnv;
  /** The stacks after the backend, in order. @default ["platform", "workloads"] */
  readonly stacks?: readonly AppliedKind[];
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /** Where each terraform command's full output is written. @default - kept in memory only */
  readonly logDir?: string;
  /** How often a running step says it is still running. @default 15_000 */
  readonly heartbeatMs?: number;
}

/** What one step did. */
export interface StepResult {
  readonly stack: string;
  /** `init`, `apply (local state)`, `state push`, `apply`, `destroy`, ... */
  readonly step: string;
  readonly ms: number;
  /** Terraform's own count, for apply and destroy. */
  readonly changes?: { readonly added: number; readonly changed: number; readonly destroyed: number };
}

export interface DeployResult {
  readonly steps: StepResult[];
  /** How the backend stack's state got into its bucket this run. */
  readonly backendState: "created" | "resumed" | "already in the bucket" | "none (HCP Terraform)";
}

/** Terraform state as `terraform state pull` prints it. */
interface StateFile {
  readonly lineage?: string;
  readonly serial?: number;
  readonly resources?: unknown[];
  readonly outputs?: Record<string, unknown>;
}

const APPLY_TIMEOUT_MS = 3_600_000;
const QUICK_TIMEOUT_MS = 600_000;
/** How long an interrupted apply may take to finish what is in flight and write its state. */
const APPLY_GRACE_MS = 300_000;

/** Runs terraform commands in stack folders, with progress lines, heartbeats and log files. */
class Runner {
  readonly steps: StepResult[] = [];
  private readonly started = Date.now();

  constructor(private readonly opts: DeployOptions) {}

  log(line: string): void {
    const s = Math.round((Date.now() - this.started) / 1000);
    this.opts.log?.(`[${String(s).padStart(4)}s] ${line}`);
  }

  stackDir(kind: StackKind): string {
    return path.join(this.opts.synthDir, "stacks", stackId(this.opts.env.name, kind));
  }

  /** `terraform <args>` in `cwd` as one step of `stack`: never throws on a non-zero exit. */
  async terraform(stack: string, step: string, cwd: string, args: string[], timeoutMs = QUICK_TIMEOUT_MS): Promise<ProcessRun> {
    const t0 = Date.now();
    let done = 0;
    // init, state and untaint take seconds: only what changes AWS gets start and end lines.
    const quiet = args[0] === "init" || args[0] === "state" || args[0] === "untaint";
    const changesAws = args[0] === "apply" || args[0] === "destroy";
    if (!quiet) this.log(`${stack}: ${step} ...`);
    // Terraform's whole output, as it comes: an interrupted step's log is complete too.
    const log = this.opts.logDir ? this.logFile(stack, step) : undefined;
    if (log) fs.writeFileSync(log, `$ terraform ${args.join(" ")}  (in ${cwd})\n`);
    const heartbeat = setInterval(
      () => this.log(`${stack}: ${step} still running (${Math.round((Date.now() - t0) / 1000)}s, ${done} resources done)`),
      this.opts.heartbeatMs ?? 15_000,
    );
    let run: ProcessRun;
    try {
      run = await runProcess("terraform", args, {
        cwd,
        env: this.opts.processEnv,
        timeoutMs,
        // On Ctrl-C an apply finishes what is in flight and writes its state before it exits.
        graceMs: changesAws ? APPLY_GRACE_MS : undefined,
        onOutput: (chunk) => {
          done += chunk.match(/: (Creation|Modifications|Destruction) complete after/g)?.length ?? 0;
          if (log) fs.appendFileSync(log, chunk);
        },
      });
    } finally {
      clearInterval(heartbeat);
    }
    const changes = countChanges(run.stdout);
    this.steps.push({ stack, step, ms: run.ms, ...(changes ? { changes } : {}) });
    if (!quiet) {
      const what = changes ? `: ${changes.added} added, ${changes.changed} changed, ${changes.destroyed} destroyed` : "";
      this.log(`${stack}: ${step} ${run.code === 0 ? "done" : `FAILED (exit ${run.code})`} in ${Math.round(run.ms / 1000)}s${what}`);
    }
    return run;
  }

  /** A new log file in the log folder: numbered after those already there (earlier runs keep theirs). */
  private logFile(stack: string, step: string): string {
    const dir = this.opts.logDir!;
    fs.mkdirSync(dir, { recursive: true });
    const n = fs.readdirSync(dir).length + 1;
    return path.join(dir, `${String(n).padStart(3, "0")}-${stack}-${step.replace(/\W+/g, "-").replace(/-$/, "")}.log`);
  }

  /**
   * `terraform apply` as a step of `stack`. After an interrupted apply of the stack (its marker
   * file), a create that fails because its name is taken was carried out by that run: the apply
   * runs again, once, with `import` blocks that take those resources into the state
   * (scripts/deploy/adopt.ts). Without the marker such a name may belong to anything, and the error
   * says so.
   */
  async apply(stack: string, step: string, cwd: string): Promise<void> {
    const marker = path.join(this.opts.stateRoot, interruptedApplyPath(stack));
    const imports = path.join(cwd, IMPORTS_FILE);
    const forget = onInterrupt(() => {
      fs.rmSync(imports, { force: true });
      fs.mkdirSync(path.dirname(marker), { recursive: true, mode: 0o700 });
      fs.writeFileSync(marker, `${step} of ${stack} was interrupted at ${new Date().toISOString()}\n`);
    });
    try {
      let run = await this.terraform(stack, step, cwd, APPLY, APPLY_TIMEOUT_MS);
      if (run.code === 0) return fs.rmSync(marker, { force: true });
      const first = applyErrors(run.stderr);
      let taken = first.taken;
      if (fs.existsSync(marker) && taken.length > 0 && first.others.length === 0) {
        const file = importBlocks(taken, readStackFile(cwd));
        if (file) {
          this.log(`${stack}: in AWS but not in the state, created by the interrupted run: importing ${taken.join(", ")}`);
          fs.writeFileSync(imports, JSON.stringify(file, null, 2));
          run = await this.terraform(stack, `${step}, importing`, cwd, APPLY, APPLY_TIMEOUT_MS);
          taken = applyErrors(run.stderr).taken;
        }
      }
      if (run.code === 0) return fs.rmSync(marker, { force: true });
      const hints = taken.map(
        (t) =>
          `\n${t} exists in AWS but not in the state of ${stack}. If a run of this environment was stopped while creating it, ` +
          `import it (terraform -chdir=${path.relative(process.cwd(), cwd)} import ${t} <its id>, or an import block) and run this again; ` +
          `otherwise something else in the account has its name: remove that, or give this environment another project or name.`,
      );
      throw new CliError(`${stack}: ${step} failed (terraform apply, exit ${run.code}):\n${errorsOf(run)}${hints.join("")}`);
    } finally {
      fs.rmSync(imports, { force: true });
      forget();
    }
  }

  /** Like `terraform`, but fails with Terraform's own errors when the command fails. */
  async terraformOk(stack: string, step: string, cwd: string, args: string[], timeoutMs?: number): Promise<ProcessRun> {
    const run = await this.terraform(stack, step, cwd, args, timeoutMs);
    if (run.code !== 0) throw new CliError(`${stack}: ${step} failed (terraform ${args[0]}, exit ${run.code}):\n${errorsOf(run)}`);
    return run;
  }
}

/** Terraform's `Error:` blocks, which it writes to stderr (or, without any, the end of its output). */
function errorsOf(run: ProcessRun): string {
  const at = run.stderr.indexOf("Error: ");
  if (at >= 0) return run.stderr.slice(at).trim().split("\n").slice(0, 60).join("\n");
  return `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-30).join("\n");
}

/** `Apply complete! Resources: [1 imported, ]9 added, 0 changed, 0 destroyed.` / `Destroy complete! Resources: 9 destroyed.` */
export function countChanges(stdout: string): StepResult["changes"] {
  const apply = /Apply complete! Resources: (?:\d+ imported, )?(\d+) added, (\d+) changed, (\d+) destroyed/.exec(stdout);
  if (apply) return { added: Number(apply[1]), changed: Number(apply[2]), destroyed: Number(apply[3]) };
  const destroy = /Destroy complete! Resources: (\d+) destroyed/.exec(stdout);
  if (destroy) return { added: 0, changed: 0, destroyed: Number(destroy[1]) };
  return undefined;
}

/** The file of `import` blocks an apply after an interrupted one may need (removed once it ran). */
const IMPORTS_FILE = "imports-after-interrupt.tf.json";
const INIT = ["init", "-input=false", "-no-color", "-reconfigure"];
const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];
const DESTROY = ["destroy", "-auto-approve", "-input=false", "-no-color"];

/** Whether `terraform init` failed because the state bucket does not exist (yet). */
function bucketMissing(run: ProcessRun, bucket: string): boolean {
  return run.code !== 0 && `${run.stderr}\n${run.stdout}`.includes(`S3 bucket "${bucket}" does not exist`);
}

/**
 * A temporary copy of the backend stack that keeps its state in `localState`: the synthesized JSON
 * and the override files, with the backend replaced by a local one. Removed by the returned
 * function, and on interrupt.
 */
function localCopy(stackDir: string, localState: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${path.basename(stackDir)}-local-`));
  const forget = onInterrupt(() => fs.rmSync(dir, { recursive: true, force: true }), dir);
  for (const entry of fs.readdirSync(stackDir)) {
    if (entry.endsWith(".tf.json") && entry !== "backend_override.tf.json")
      fs.copyFileSync(path.join(stackDir, entry), path.join(dir, entry));
  }
  fs.writeFileSync(path.join(dir, "backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: localState } } } }));
  return {
    dir,
    remove: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}

function readState(file: string): StateFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as StateFile;
  } catch (err) {
    throw new CliError(`${file} is not a Terraform state file (${(err as Error).message}); move it away and run again`);
  }
}

/** The addresses of the tainted resource instances of a state. */
function taintedIn(state: StateFile | undefined): string[] {
  const resources = (state?.resources ?? []) as {
    mode: string;
    type: string;
    name: string;
    instances?: { status?: string; index_key?: string | number }[];
  }[];
  return resources
    .filter((r) => r.mode === "managed")
    .flatMap((r) =>
      (r.instances ?? [])
        .filter((i) => i.status === "tainted")
        .map((i) => `${r.type}.${r.name}${i.index_key === undefined ? "" : `[${JSON.stringify(i.index_key)}]`}`),
    );
}

function isEmpty(state: StateFile | undefined): boolean {
  return !state || ((state.resources ?? []).length === 0 && Object.keys(state.outputs ?? {}).length === 0);
}

/** JSON with object keys sorted, so equal content gives equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * Puts the backend stack's state into its bucket: creates the backend with local state when the
 * bucket does not exist, pushes a local state file left by this or an interrupted run, and leaves
 * the stack folder initialized on its S3 backend.
 */
async function backendIntoBucket(r: Runner, opts: DeployOptions): Promise<DeployResult["backendState"]> {
  const { env } = opts;
  const stack = stackId(env.name, "backend");
  const dir = r.stackDir("backend");
  const bucket = env.derived.names.stateBucket;
  const localState = path.join(opts.stateRoot, backendLocalStatePath(env.name));
  fs.mkdirSync(path.dirname(localState), { recursive: true, mode: 0o700 });

  // A local state file is where a previous run stopped: until it is in the bucket it is the truth,
  // and the stack is completed with it first (the bucket may exist while the lock table does not).
  const resuming = fs.existsSync(localState);
  let init = await r.terraform(stack, "init (S3 backend)", dir, INIT);
  const how: DeployResult["backendState"] = resuming ? "resumed" : bucketMissing(init, bucket) ? "created" : "already in the bucket";
  if (how !== "already in the bucket") {
    r.log(
      resuming
        ? `${stack}: continuing from ${backendLocalStatePath(env.name)}, left by an earlier run`
        : `${stack}: the state bucket ${bucket} does not exist yet: creating it with local state (${backendLocalStatePath(env.name)})`,
    );
    const copy = localCopy(dir, localState);
    try {
      await r.terraformOk(stack, "init (local state)", copy.dir, INIT);
      // A create that was interrupted leaves its resource tainted, and prevent_destroy forbids the
      // replacement Terraform would plan: the resource exists, and this apply completes its settings.
      for (const address of taintedIn(readState(localState))) {
        r.log(`${stack}: ${address} was being created when an earlier run stopped: untainted, this apply completes it`);
        await r.terraformOk(stack, `untaint ${address}`, copy.dir, ["untaint", address]);
      }
      await r.apply(stack, "apply (local state)", copy.dir);
    } finally {
      copy.remove();
    }
    init = await r.terraform(stack, "init (S3 backend)", dir, INIT);
  }
  if (init.code !== 0) {
    const text = `${init.stderr}\n${init.stdout}`;
    const hint = /AccessDenied|403/.test(text)
      ? `\nThe bucket name ${bucket} may belong to another account (names are global): set backend.bucketName in the environment file.`
      : "";
    throw new CliError(`${stack}: terraform init on the S3 backend failed:\n${errorsOf(init)}${hint}`);
  }

  const local = readState(localState);
  if (local) {
    const remote = parseJsonFrom<StateFile>(
      (await r.terraformOk(stack, "state pull", dir, ["state", "pull"])).stdout || "{}",
      `terraform state pull (${stack})`,
    );
    const sameLineage = remote.lineage !== undefined && remote.lineage === local.lineage;
    if (isEmpty(remote) || (sameLineage && (remote.serial ?? 0) < (local.serial ?? 0))) {
      r.log(`${stack}: moving its state into s3://${bucket}/${stateKey(env.name, "backend")}`);
      await r.terraformOk(stack, "state push", dir, ["state", "push", localState]);
    } else if (!sameLineage) {
      throw new CliError(
        `${stack}: the bucket already holds a state of this stack (s3://${bucket}/${stateKey(env.name, "backend")}, ${(remote.resources ?? []).length} resources) ` +
          `and ${backendLocalStatePath(env.name)} holds another (${(local.resources ?? []).length} resources); ` +
          `compare them (terraform state pull) and move the one you do not want out of the way, then run this again`,
      );
    }
    const pulled = parseJsonFrom<StateFile>(
      (await r.terraformOk(stack, "state pull", dir, ["state", "pull"])).stdout,
      `terraform state pull (${stack})`,
    );
    if (
      canonical({ r: pulled.resources ?? [], o: pulled.outputs ?? {} }) !== canonical({ r: local.resources ?? [], o: local.outputs ?? {} })
    ) {
      throw new CliError(`${stack}: the state read back from the bucket differs from ${localState}; the local file was left in place`);
    }
    fs.rmSync(localState, { force: true });
    fs.rmSync(`${localState}.backup`, { force: true });
    r.log(`${stack}: its state is in its bucket now; ${backendLocalStatePath(env.name)} was removed`);
  }
  return how;
}

/**
 * Deploys an environment from nothing, or brings a deployed one up to date: the backend (its state
 * into its bucket first), then `stacks` in order. Throws a CliError naming the stack and step.
 */
export async function bootstrap(opts: DeployOptions): Promise<DeployResult> {
  const r = new Runner(opts);
  const { env } = opts;
  let backendState: DeployResult["backendState"] = "none (HCP Terraform)";
  if (env.backend.kind === "s3") {
    backendState = await backendIntoBucket(r, opts);
    // Up to date with the file, and complete after an interrupted first apply (just created from
    // this synth, it is both).
    if (backendState !== "created") await r.apply(stackId(env.name, "backend"), "apply", r.stackDir("backend"));
  }
  for (const kind of opts.stacks ?? (["platform", "workloads"] as const)) {
    const stack = stackId(env.name, kind);
    await r.terraformOk(stack, "init", r.stackDir(kind), INIT);
    await r.apply(stack, "apply", r.stackDir(kind));
  }
  r.log(`${env.name}: deployed (${r.steps.filter((s) => s.step.startsWith("apply")).length} applies)`);
  return { steps: r.steps, backendState };
}

/**
 * Destroys an ephemeral environment: applies the file first (so nothing is protected any more),
 * destroys `stacks` in reverse order, then the backend stack from a local copy of its state (its
 * bucket goes with it). Refuses an environment that is not ephemeral.
 */
export async function teardown(opts: DeployOptions & { readonly source: string }): Promise<DeployResult> {
  const { env } = opts;
  if (!env.ephemeral) {
    throw new CliError(
      `env "${env.name}" is not ephemeral, so its tables and state bucket are protected from deletion; ` +
        `set ephemeral: true in ${opts.source} and run this again (it applies that first, then destroys everything)`,
    );
  }
  const r = new Runner(opts);
  for (const kind of [...(opts.stacks ?? (["platform", "workloads"] as const))].reverse()) {
    const stack = stackId(env.name, kind);
    await r.terraformOk(stack, "init", r.stackDir(kind), INIT);
    await r.terraformOk(stack, "apply (remove protection)", r.stackDir(kind), APPLY, APPLY_TIMEOUT_MS);
    await r.terraformOk(stack, "destroy", r.stackDir(kind), DESTROY, APPLY_TIMEOUT_MS);
  }
  if (env.backend.kind === "s3") {
    const stack = stackId(env.name, "backend");
    const dir = r.stackDir("backend");
    const bucket = env.derived.names.stateBucket;
    const localState = path.join(opts.stateRoot, backendLocalStatePath(env.name));
    fs.mkdirSync(path.dirname(localState), { recursive: true, mode: 0o700 });
    const init = await r.terraform(stack, "init (S3 backend)", dir, INIT);
    if (init.code === 0) {
      await r.terraformOk(stack, "apply (remove protection)", dir, APPLY, APPLY_TIMEOUT_MS);
      const pulled = await r.terraformOk(stack, "state pull", dir, ["state", "pull"]);
      if (!fs.existsSync(localState) || isEmpty(readState(localState))) {
        fs.writeFileSync(localState, pulled.stdout);
        r.log(`${stack}: its state was copied out of the bucket it is about to delete, to ${backendLocalStatePath(env.name)}`);
      }
    } else if (!bucketMissing(init, bucket)) {
      throw new CliError(`${stack}: terraform init on the S3 backend failed:\n${errorsOf(init)}`);
    }
    if (fs.existsSync(localState)) {
      const copy = localCopy(dir, localState);
      try {
        await r.terraformOk(stack, "init (local state)", copy.dir, INIT);
        await r.terraformOk(stack, "destroy", copy.dir, DESTROY, APPLY_TIMEOUT_MS);
      } finally {
        copy.remove();
      }
      fs.rmSync(localState, { force: true });
      fs.rmSync(`${localState}.backup`, { force: true });
    }
  }
  r.log(`${env.name}: destroyed`);
  return { steps: r.steps, backendState: env.backend.kind === "s3" ? "already in the bucket" : "none (HCP Terraform)" };
}
