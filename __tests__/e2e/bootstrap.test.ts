/**
 * `npm run bootstrap` and `npm run teardown` on one fixture environment with node groups of both
 * kinds, S3 lock files and a lock table (`bravo`), deployed on an emulated AWS: interrupted in the
 * middle of the backend's first apply and again in the middle of the platform's, each next run
 * continues where the last stopped and leaves no override, copy or local state behind; the state
 * lock refuses a concurrent run; `npm run plan` shows exactly a config change; the protected
 * backend cannot be destroyed; teardown refuses it until the file says `ephemeral`, then removes
 * everything, the state bucket and lock table included.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertValidEnvs, type EnvConfig, type EnvInput, type EnvSource } from "../../src/config";
import type { DeployResult } from "../../scripts/deploy/bootstrap";
import type { EmulatedEnvironment } from "../../scripts/emulator/emulated-deploy";
import { interruptedApplyPath, lockTableName, stackId, stateBucketName, stateKey } from "../../src/lib/naming";
import type { PlanSummary } from "../../scripts/plan/plan-summary";
import type { ProcessRun } from "../../scripts/common/process";
import { fixtureSources } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";
import { emulatorToolchain, planAgainstState, startEmulated, Steps } from "./emulated";

const enabled = await emulatorToolchain();
const out = testOutputDir("bootstrap");
const source = (await fixtureSources()).find((s) => (s.raw as EnvInput).name === "bravo")!;

/** The environment as its file says, edited as a user would edit it, and validated again. */
function edited(src: EnvSource, edit: (input: EnvInput) => void): EnvConfig {
  const input = JSON.parse(JSON.stringify(src.raw)) as EnvInput;
  edit(input);
  return assertValidEnvs([{ source: src.source, raw: input }])[0];
}

/** What is left in the way of a clean folder: override or copy files, the local state, temporary copies. */
function leftovers(emu: EmulatedEnvironment): string[] {
  const expected = new Set(["cdk.tf.json", "provider_override.tf.json", "backend_override.tf.json", "emulator_gaps_override.tf.json"]);
  const extra = (["backend", "platform"] as const).flatMap((k) =>
    fs
      .readdirSync(emu.stackDir(k))
      // The synthesized stack (with its assets) and the emulator's overrides; Terraform's own files.
      .filter((f) => !expected.has(f) && f !== "assets" && !f.startsWith(".terraform"))
      .map((f) => `${stackId(emu.env.name, k)}/${f}`),
  );
  const local = fs.existsSync(emu.backendLocalState) ? [emu.backendLocalState] : [];
  const copies = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`${stackId(emu.env.name, "backend")}-local-`));
  return [...extra, ...local, ...copies];
}

interface Interrupted {
  readonly run: ProcessRun;
  readonly leftovers: string[];
  readonly localStateMode?: number;
  /** Whether the interrupted stack's marker is there (`terraform-state/<stack>.interrupted`). */
  readonly marked: Record<"backend" | "platform", boolean>;
}

/** The file an interrupted apply of a stack leaves for the next run. */
function interruptedMarker(emu: EmulatedEnvironment, kind: "backend" | "platform"): string {
  return path.join(emu.options.root, interruptedApplyPath(stackId(emu.env.name, kind)));
}

/**
 * What a create whose answer was lost leaves: the resource in AWS, not in the state. Drops one
 * resource with a unique name from the local state (one that was created, not one being created
 * when the run stopped), and returns its address. Never the bucket: moto answers a second create of
 * one's own bucket as AWS does another account's (`BucketAlreadyExists`).
 */
function loseFromLocalState(emu: EmulatedEnvironment): string | undefined {
  type Resource = { type: string; name: string; instances: { status?: string }[] };
  const state = JSON.parse(fs.readFileSync(emu.backendLocalState, "utf8")) as { serial: number; resources: Resource[] };
  const kinds = ["aws_iam_role", "aws_iam_policy", "aws_iam_openid_connect_provider", "aws_dynamodb_table", "aws_kms_alias"];
  const done = (r: Resource) => r.instances.length > 0 && r.instances.every((i) => i.status !== "tainted");
  const at = kinds.map((k) => state.resources.findIndex((r) => r.type === k && done(r))).find((i) => i >= 0) ?? -1;
  if (at < 0) return undefined;
  const [lost] = state.resources.splice(at, 1);
  state.serial++;
  fs.writeFileSync(emu.backendLocalState, JSON.stringify(state, null, 2));
  return `${lost.type}.${lost.name}`;
}

/** Starts `npm run bootstrap`, sends it SIGINT once `marker` was printed and `afterMs` passed. */
async function interruptedBootstrap(emu: EmulatedEnvironment, marker: RegExp, afterMs: number): Promise<Interrupted> {
  let pid: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const { run } = emu.spawnScript("bootstrap", {
    onSpawn: (p) => (pid = p),
    onLine: (line) => {
      console.info(`[bootstrap bravo] ${line}`);
      // Like Ctrl-C in a terminal: the script gets SIGINT and stops Terraform itself.
      if (!timer && marker.test(line)) timer = setTimeout(() => pid && process.kill(pid, "SIGINT"), afterMs);
    },
  });
  const done = await run;
  clearTimeout(timer);
  const mode = fs.existsSync(emu.backendLocalState) ? fs.statSync(emu.backendLocalState).mode & 0o777 : undefined;
  const marked = { backend: fs.existsSync(interruptedMarker(emu, "backend")), platform: fs.existsSync(interruptedMarker(emu, "platform")) };
  return { run: done, leftovers: leftovers(emu), localStateMode: mode, marked };
}

/** terraform console holds the state lock until its stdin closes; a plan meanwhile must be refused. */
async function concurrentRun(emu: EmulatedEnvironment) {
  const env = emu.env;
  const bucket = stateBucketName(env);
  const key = stateKey(env.name, "platform");
  const before = await emu.stateObject("platform");
  const holder = spawn("terraform", ["console", "-no-color"], {
    cwd: emu.stackDir("platform"),
    env: emu.processEnv,
    stdio: ["pipe", "ignore", "pipe"],
    detached: true,
  });
  const holderExit = new Promise<void>((resolve) => holder.once("exit", () => resolve()));
  try {
    let lockHeldBy = "";
    for (const deadline = Date.now() + 60_000; !lockHeldBy;) {
      if (Date.now() > deadline) throw new Error("terraform console never took the lock");
      if ((await emu.s3Get(bucket, `${key}.tflock`)).status === 200) lockHeldBy = "s3 lock file";
      else await new Promise((r) => setTimeout(r, 200));
    }
    const second = await emu.terraform("platform", ["plan", "-input=false", "-no-color", "-lock-timeout=0s"]);
    const after = await emu.stateObject("platform");
    holder.stdin.end();
    const timer = setTimeout(() => process.kill(-holder.pid!, "SIGKILL"), 20_000);
    await holderExit;
    clearTimeout(timer);
    return {
      lockHeldBy,
      second,
      stateUnchanged: after.status === 200 && after.body === before.body,
      lockfileAfterRelease: (await emu.s3Get(bucket, `${key}.tflock`)).status,
    };
  } finally {
    if (holder.exitCode === null && holder.signalCode === null) process.kill(-holder.pid!, "SIGKILL");
  }
}

interface Run {
  readonly steps: Steps;
  emu?: EmulatedEnvironment;
  duringBackend?: Interrupted;
  /** The resource the test dropped from the local state the interrupted backend apply left. */
  lost?: string;
  duringPlatform?: Interrupted;
  completed?: { result: DeployResult; leftovers: string[]; resources: number };
  secondPlan?: Record<"backend" | "platform", ProcessRun>;
  concurrent?: Awaited<ReturnType<typeof concurrentRun>>;
  changed?: PlanSummary;
  protectedDestroy?: { teardown: ProcessRun; backendPlan: ProcessRun };
  teardown?: { result: DeployResult; backendLeft: string; bucketStatus: number; lockTable: string; leftovers: string[] };
}

const run: Run = { steps: new Steps("bravo") };

async function scenario(): Promise<void> {
  const step = <T>(name: string, fn: () => Promise<T>) => run.steps.step(name, fn);
  const env = assertValidEnvs([source])[0];
  try {
    const emu = (run.emu = await step("start", () => startEmulated(out, env)));
    emu.synth(env);
    // Stopped while the backend's first apply, with local state, waits for its bucket's lifecycle
    // rule: once it has created something (stopped before, it leaves nothing at all).
    run.duringBackend = await step("bootstrap, interrupted (backend)", () =>
      interruptedBootstrap(emu, /bravo-backend: apply \(local state\) still running \(\d+s, [1-9]\d* resources done\)/, 1_000),
    );
    run.lost = loseFromLocalState(emu);
    // Stopped while the platform applies on its S3 backend.
    run.duringPlatform = await step("bootstrap, interrupted (platform)", () =>
      interruptedBootstrap(emu, /bravo-platform: apply \.\.\./, 8_000),
    );
    run.completed = await step("bootstrap, completed", async () => {
      const result = await emu.bootstrap();
      const list = await emu.terraformOk("platform", ["state", "list"]);
      return { result, leftovers: leftovers(emu), resources: list.stdout.split("\n").filter((l) => l && !l.startsWith("data.")).length };
    });
    run.secondPlan = await step("second plan", async () => {
      const [backend, platform] = await Promise.all([emu.planExitCode("backend"), emu.planExitCode("platform")]);
      return { backend, platform };
    });
    run.concurrent = await step("concurrent run", () => concurrentRun(emu));
    run.changed = await step("config change", async () => {
      emu.synth(edited(source, (input) => (input.vpc = { ...input.vpc, flowLogs: { retentionDays: 400 } })));
      const summary = await planAgainstState(emu, "plans-changed", ["platform"]);
      emu.synth(env);
      return summary;
    });
    run.protectedDestroy = await step("protected", async () => ({
      teardown: await emu.spawnScript("teardown").run,
      backendPlan: await emu.terraform("backend", ["plan", "-destroy", "-input=false", "-no-color", "-lock=false"]),
    }));
    run.teardown = await step("teardown", async () => {
      emu.synth(edited(source, (input) => (input.ephemeral = true)));
      const result = await emu.teardown();
      const lockScan = await emu.lockIds().then(
        (ids) => `still there (${ids.length} items)`,
        (err: Error) => err.message,
      );
      return {
        result,
        backendLeft: (await emu.terraform("backend", ["state", "list"])).stderr,
        bucketStatus: (await emu.s3Get(stateBucketName(env), "")).status,
        lockTable: lockScan,
        leftovers: leftovers(emu),
      };
    });
  } catch {
    // recorded in steps.failed; the tests name the step
  } finally {
    await run.emu?.stop();
    console.info(`[bootstrap bravo] ${run.steps.summary()}`);
  }
}

describe.runIf(enabled)("bootstrap and teardown of bravo on the emulator", () => {
  beforeAll(scenario);
  afterAll(async () => {
    await run.emu?.stop();
  });

  it("stops on Ctrl-C during the backend's first apply, keeping only the local state (0600) it will continue from", () => {
    const i = run.steps.need(run.duringBackend, "interrupted backend apply");
    expect(i.run.code, i.run.stdout.slice(-2000)).toBe(130);
    expect(i.run.stderr).toMatch(/interrupted by SIGINT: stopped 1 running command \(terraform\) and removed \S+bravo-backend-local-\S+/);
    expect(i.leftovers).toEqual([run.emu!.backendLocalState]);
    expect(i.localStateMode).toBe(0o600);
    expect(i.marked).toEqual({ backend: true, platform: false });
  });

  it("continues from there, and stops on Ctrl-C during the platform's apply with nothing left behind", () => {
    const i = run.steps.need(run.duringPlatform, "interrupted platform apply");
    expect(i.run.code, i.run.stdout.slice(-2000)).toBe(130);
    // Where the first run stopped decides what remains: the rest of the backend's apply, with
    // local state or on S3; either way its state reaches the bucket before the platform starts.
    expect(i.run.stdout).toMatch(/bravo-backend: moving its state into s3:\/\/fixture-bravo-tfstate\/bravo\/bravo-backend\.tfstate/);
    expect(i.run.stdout).toMatch(/bravo-platform: apply \.\.\./);
    expect(i.leftovers).toEqual([]);
    expect(i.marked).toEqual({ backend: false, platform: true });
  });

  it("imports what the interrupted run created but never recorded, as the create's name is then taken", () => {
    const i = run.steps.need(run.duringPlatform, "interrupted platform apply");
    // A resource the first run created, dropped from its state: what a create whose answer Ctrl-C
    // cut off leaves. The next apply fails on its name, and runs again with an import block.
    expect(run.lost, "no resource with a unique name was created before the interrupt").toBeDefined();
    expect(i.run.stdout).toContain(`bravo-backend: in AWS but not in the state, created by the interrupted run: importing ${run.lost}`);
    expect(i.run.stdout).toMatch(/bravo-backend: apply \(local state\), importing done in \d+s/);
  });

  it("completes on the next run: everything applied, nothing left behind, empty second plans", () => {
    const c = run.steps.need(run.completed, "completed bootstrap");
    expect(c.result.backendState).toBe("already in the bucket");
    // The platform's interrupted apply may have left a create of its own behind (a launch template
    // in flight): its apply then runs again, importing it.
    const applies = c.result.steps.filter((s) => s.step.startsWith("apply"));
    expect([...new Set(applies.map((s) => s.stack))]).toEqual(["bravo-backend", "bravo-platform"]);
    for (const s of applies) expect(s.step).toMatch(/^apply(, importing)?$/);
    expect(c.leftovers).toEqual([]);
    expect(fs.readdirSync(path.dirname(run.emu!.backendLocalState))).toEqual([]);
    const plans = run.steps.need(run.secondPlan, "second plan");
    for (const [kind, p] of Object.entries(plans)) expect(p.code, `bravo-${kind}:\n${p.stdout.slice(-3000)}${p.stderr}`).toBe(0);
  });

  it("refuses a concurrent run with the lock error and leaves the state intact", () => {
    const c = run.steps.need(run.concurrent, "concurrent run");
    expect(c.lockHeldBy).toBe("s3 lock file");
    expect(c.second.code).toBe(1);
    expect(c.second.stdout + c.second.stderr).toContain("Error acquiring the state lock");
    // S3-native locking: the conditional write (If-None-Match: *) of the lock file failed.
    expect(c.second.stdout + c.second.stderr).toContain("PreconditionFailed");
    expect(c.stateUnchanged).toBe(true);
    expect(c.lockfileAfterRelease).toBe(404);
  });

  it("after a config change, npm run plan shows exactly that change", () => {
    const s = run.steps.need(run.changed, "config change");
    expect(s.totals).toMatchObject({ create: 0, update: 1, replace: 0, destroy: 0 });
    const [change] = s.stacks.flatMap((x) => x.changes);
    expect(change).toMatchObject({ stack: "bravo-platform", address: "aws_cloudwatch_log_group.vpc_flow_logs", action: "update" });
    expect(change.attributes).toEqual([{ path: "retention_in_days", before: "365", after: "400" }]);
  });

  it("keeps the protected environment: teardown refuses it, and Terraform cannot destroy the backend", () => {
    const p = run.steps.need(run.protectedDestroy, "protected destroy");
    expect(p.teardown.code).toBe(1);
    expect(p.teardown.stderr).toContain(
      'error: env "bravo" is not ephemeral, so its tables and state bucket are protected from deletion; set ephemeral: true in',
    );
    expect(p.backendPlan.code).toBe(1);
    const text = (p.backendPlan.stdout + p.backendPlan.stderr).replace(/\s+/g, " ");
    for (const address of ["aws_s3_bucket.state_bucket", "aws_dynamodb_table.state_lock_table"]) {
      expect(text).toContain(`Resource ${address} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed`);
    }
  });

  it("tears the environment down once it is ephemeral: every resource, the state bucket and the lock table", () => {
    const t = run.steps.need(run.teardown, "teardown");
    const deployed = run.steps.need(run.completed, "completed bootstrap").resources;
    const destroyed = Object.fromEntries(t.result.steps.filter((s) => s.step === "destroy").map((s) => [s.stack, s.changes?.destroyed]));
    // Everything the platform had, and the backend's bucket, lock table, key and their settings.
    expect(destroyed).toEqual({ "bravo-platform": deployed, "bravo-backend": expect.any(Number) as number });
    expect(destroyed["bravo-backend"]).toBeGreaterThanOrEqual(8);
    // The bucket that held the state is gone, so the state cannot even be read.
    expect(t.backendLeft).toContain('S3 bucket "fixture-bravo-tfstate" does not exist');
    expect(t.bucketStatus).toBe(404);
    expect(t.lockTable).toContain(`DynamoDB Scan of ${lockTableName(run.emu!.env)} answered 400`);
    expect(t.leftovers).toEqual([]);
  });
});
