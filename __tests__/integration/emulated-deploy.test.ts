/**
 * Proven by apply: every sample environment deployed for real against an emulated AWS (moto on
 * 127.0.0.1, one server per environment, stopped by PID), through the user's own workflow and the
 * real `cdktf deploy`: the backend stack with local state, `backend:migrate` into the bucket it
 * created, the platform on that S3 backend. Then: a second plan is empty, the lock works (a
 * concurrent run is refused, state intact), the rendered kubeconfig yields a token, `npm run plan`
 * against the real state shows no changes and then exactly a config change, and destroy keeps
 * what is protected (production tier) or removes everything (the other environments, made
 * ephemeral first, as a user tearing one down would).
 *
 * The environments run side by side; each test asserts on what its environment's run recorded.
 * What moto cannot do is excluded explicitly (src/tools/emulator/emulator-gaps.ts) and printed with counts.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { assertValidEnvs, type EnvConfig, type EnvInput } from "../../src/config";
import { EmulatedEnvironment } from "../../src/tools/emulator/emulated-deploy";
import { checkKubeconfig, deployInOrder, type DeployObservations, type KubeconfigCheck } from "../../src/tools/emulator/emulated-workflow";
import { installedMotoVersion, MOTO_VERSION } from "../../src/tools/emulator/moto";
import { lockTableName, stateBucketName, stateKey } from "../../src/lib/naming";
import { planEnvironment } from "../../src/tools/plan/plan";
import { renderMarkdown, summarizePlans, type PlanJson, type PlanSummary } from "../../src/tools/plan/plan-summary";
import type { MigrationResult } from "../../src/tools/state/backend-migration";
import type { ProcessRun } from "../../src/tools/process";
import { loadSampleSources } from "../helpers/synth";
import { getToolchain, testOutputDir } from "../helpers/terraform";

const tc = await getToolchain();
const moto = installedMotoVersion();
if (!moto) {
  const message = `python3 -m moto.server is not installed (pip install "moto[server]==${MOTO_VERSION}")`;
  if (process.env.CI) throw new Error(`${message}; CI must have it`);
  console.warn(`SKIPPING the emulated deploys: ${message}`);
}
const out = testOutputDir("emulated-deploy");
const sources = await loadSampleSources();

/** An environment as its file says, edited as a user would edit it, and validated again. */
function edited(source: (typeof sources)[number], edit: (input: EnvInput) => void): EnvConfig {
  const input = JSON.parse(JSON.stringify(source.raw)) as EnvInput;
  edit(input);
  return assertValidEnvs([{ source: source.source, raw: input }])[0];
}

interface Concurrent {
  readonly lockHeldBy: string;
  readonly second: ProcessRun;
  readonly stateUnchanged: boolean;
  readonly lockIdsAfterRelease: string[];
  readonly lockfileAfterRelease: number;
  readonly planAfterRelease: number;
}

interface Destroyed {
  readonly mode: "protected" | "ephemeral";
  readonly platform: ProcessRun;
  readonly backend: ProcessRun;
  /** Terraform's own `plan -destroy` of the protected backend: its exact errors, unabridged. */
  readonly backendDestroyPlan?: ProcessRun;
  readonly platformLeft: string[];
  readonly backendLeft: string[];
  readonly migrateBack?: MigrationResult;
  readonly tablesInEmulator?: string[];
  readonly bucketStatus?: number;
}

interface Run {
  env: EnvConfig;
  emu?: EmulatedEnvironment;
  ms: Record<string, number>;
  deploy?: DeployObservations;
  stateObjects?: Record<"backend" | "platform", { status: number; resources: number }>;
  secondPlan?: Record<"backend" | "platform", ProcessRun>;
  kubeconfig?: KubeconfigCheck;
  concurrent?: Concurrent;
  planned?: PlanSummary;
  changed?: { summary: PlanSummary; markdown: string };
  destroyed?: Destroyed;
  /** The step that failed, and its error: later steps did not run. */
  failed?: { step: string; error: Error };
}

const runs = new Map<string, Run>();

async function stateList(emu: EmulatedEnvironment, kind: "backend" | "platform"): Promise<string[]> {
  const run = await emu.terraform(kind, ["state", "list"]);
  return run.stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("data."));
}

/** terraform console holds the state lock until its stdin closes. */
async function concurrentRun(emu: EmulatedEnvironment): Promise<Concurrent> {
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
  let lockHeldBy = "";
  try {
    const deadline = Date.now() + 60_000;
    while (!lockHeldBy) {
      if (Date.now() > deadline) throw new Error("terraform console never took the lock");
      if (env.backend.useLockfile && (await emu.s3Get(bucket, `${key}.tflock`)).status === 200) lockHeldBy = "s3 lock file";
      else if (env.backend.dynamodbLock && (await emu.lockIds()).includes(`${bucket}/${key}`)) lockHeldBy = "dynamodb";
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
      lockIdsAfterRelease: env.backend.dynamodbLock ? await emu.lockIds() : [],
      lockfileAfterRelease: (await emu.s3Get(bucket, `${key}.tflock`)).status,
      planAfterRelease: (await emu.terraform("platform", ["plan", "-input=false", "-no-color", "-lock-timeout=0s", "-detailed-exitcode"]))
        .code,
    };
  } finally {
    if (holder.exitCode === null && holder.signalCode === null) {
      try {
        process.kill(-holder.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}

async function planSummary(emu: EmulatedEnvironment, dir: string, title: string, stacks = ["backend", "platform"]): Promise<PlanSummary> {
  const run = await planEnvironment({
    env: emu.env.name,
    stacks,
    synthDir: emu.outdir,
    outDir: path.join(emu.options.root, dir),
    processEnv: emu.processEnv,
    log: () => undefined,
  });
  if (run.mode !== "online") throw new Error(`npm run plan ran ${run.mode}, not against the emulated state`);
  const failed = run.plans.find((p) => p.failed);
  if (failed) throw new Error(failed.failed);
  return summarizePlans(
    run.plans.map((p) => ({ stack: p.stack, plan: JSON.parse(fs.readFileSync(p.jsonFile!, "utf8")) as PlanJson })),
    title,
  );
}

async function destroy(run: Run, source: (typeof sources)[number]): Promise<Destroyed> {
  const emu = run.emu!;
  if (run.env.tier === "production") {
    // As it is: deletion protection and prevent_destroy hold.
    const platform = await emu.cdktf("destroy", "platform");
    const backend = await emu.cdktf("destroy", "backend");
    const backendDestroyPlan = await emu.terraform("backend", ["plan", "-destroy", "-input=false", "-no-color", "-lock=false"]);
    const tables = await emu.terraform("platform", ["state", "list"]);
    return {
      mode: "protected",
      platform,
      backend,
      backendDestroyPlan,
      platformLeft: tables.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("data.")),
      backendLeft: await stateList(emu, "backend"),
    };
  }
  // A user tearing the environment down: ephemeral, backend state back to local, deploy, destroy.
  const ephemeral = edited(source, (input) => {
    input.ephemeral = true;
    input.backend = { ...input.backend, backendStackState: "local" };
  });
  emu.synth(ephemeral);
  const migrateBack = await emu.migrateBackend();
  await emu.cdktfOk("deploy", "backend");
  await emu.cdktfOk("deploy", "platform");
  const platform = await emu.cdktf("destroy", "platform");
  const platformLeft = await stateList(emu, "platform");
  const backend = await emu.cdktf("destroy", "backend");
  const backendLeft = await stateList(emu, "backend");
  return {
    mode: "ephemeral",
    migrateBack,
    platform,
    backend,
    platformLeft,
    backendLeft,
    bucketStatus: (await emu.s3Get(stateBucketName(run.env), "")).status,
  };
}

async function scenario(source: (typeof sources)[number]): Promise<void> {
  const env = assertValidEnvs([source])[0];
  const run: Run = { env, ms: {} };
  runs.set(env.name, run);
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } catch (err) {
      run.failed ??= { step: name, error: err as Error };
      throw err;
    } finally {
      run.ms[name] = Date.now() - t0;
    }
  };
  const log = (line: string) => console.info(`[emulated ${env.name}] ${line}`);
  try {
    const emu = (run.emu = await step("start", () =>
      EmulatedEnvironment.start(env, { root: path.join(out, env.name), projectRoot: PROJECT_ROOT, log }),
    ));
    run.deploy = await step("deploy", () => deployInOrder(emu, log));
    run.stateObjects = await step("state", async () => {
      const read = async (kind: "backend" | "platform") => {
        const o = await emu.stateObject(kind);
        return { status: o.status, resources: o.status === 200 ? (JSON.parse(o.body) as { resources: unknown[] }).resources.length : 0 };
      };
      return { backend: await read("backend"), platform: await read("platform") };
    });
    run.secondPlan = await step("second plan", async () => {
      const [backend, platform] = await Promise.all([emu.planExitCode("backend"), emu.planExitCode("platform")]);
      return { backend, platform };
    });
    run.kubeconfig = await step("kubeconfig", () => checkKubeconfig(emu));
    run.concurrent = await step("concurrent run", () => concurrentRun(emu));
    run.planned = await step("npm run plan", () => planSummary(emu, "plans", `Plan: ${env.name}`));
    run.changed = await step("config change", async () => {
      const changed = edited(source, (input) => {
        input.backend = { ...input.backend, backendStackState: "s3" };
        input.vpc = { ...input.vpc, flowLogs: { ...input.vpc?.flowLogs, retentionDays: 400 } };
      });
      emu.synth(changed);
      // The backend stack's plan was just shown to be empty, and the change does not touch it.
      const summary = await planSummary(emu, "plans-changed", `Plan: ${env.name}`, ["platform"]);
      return { summary, markdown: renderMarkdown(summary) };
    });
    run.destroyed = await step("destroy", () => destroy(run, source));
    log(
      Object.entries(run.ms)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
        .join(", "),
    );
  } catch {
    // recorded in run.failed; the tests report it
  }
}

/** The run of one environment; fails the test with the step that broke when it did not get that far. */
function reached(name: string, what: keyof Run): Run {
  const run = runs.get(name)!;
  if (run[what] === undefined) {
    const f = run.failed;
    throw new Error(
      f ? `the emulated run of ${name} failed at "${f.step}": ${f.error.message}` : `the emulated run of ${name} did not record ${what}`,
    );
  }
  return run;
}

const enabled = Boolean(tc && moto);

describe.runIf(enabled)("emulated deploy of every sample environment (moto)", () => {
  beforeAll(async () => {
    const t0 = Date.now();
    // At most two environments at a time: on a 2-core machine a third makes the emulator answer
    // so late that the AWS SDK retries a lock write it already made, and Terraform then finds its
    // own lock (a ConditionalCheckFailedException on the very first apply).
    const queue = [...sources];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await scenario(next);
    };
    await Promise.all([worker(), worker()]);
    console.info(`[emulated] ${sources.length} environments in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }, 900_000);

  afterAll(async () => {
    for (const run of runs.values()) await run.emu?.stop();
  });

  it(`runs against moto ${MOTO_VERSION}, whose gaps src/tools/emulator/emulator-gaps.ts lists`, () => {
    expect(moto).toBe(MOTO_VERSION);
  });

  describe.each(sources.map((s) => assertValidEnvs([s])[0]).map((env) => [env.name, env] as const))("%s", (name, config) => {
    it("deploys the backend with local state, migrates it into its bucket, then deploys the platform on S3", () => {
      const { deploy, stateObjects, env } = reached(name, "stateObjects");
      const d = deploy!;
      console.info([`[emulated ${name}]`, ...EmulatedEnvironment.describe(d.stacks)].join("\n"));
      for (const s of [d.backend, d.platform]) {
        console.info(
          `[emulated ${name}] ${s.stack}: ${s.resources} applied, ${s.excluded} excluded, ${s.total} synthesized, ${(s.ms / 1000).toFixed(1)}s`,
        );
        // Everything that is not an explicit emulator gap was applied.
        expect(s.resources).toBe(s.total - s.excluded);
      }
      expect(d.migration).toMatchObject({ bucket: stateBucketName(env), key: stateKey(name, "backend") });
      expect(stateObjects!.backend).toEqual({ status: 200, resources: d.backend.resources });
      expect(stateObjects!.platform.status).toBe(200);
      expect(stateObjects!.platform.resources).toBeGreaterThanOrEqual(d.platform.resources);
    });

    it("holds the state lock during the platform's apply and releases it after", () => {
      const { lock } = reached(name, "deploy").deploy!;
      const env = runs.get(name)!.env;
      const bucket = stateBucketName(env);
      // Each lock the backend uses is seen held; the lock table is not read when there is none.
      expect(lock.dynamodbLockSeen).toBe(env.backend.dynamodbLock);
      expect(lock.lockfileSeen).toBe(env.backend.useLockfile);
      // Only the digests of the two states remain: no lock is left behind.
      const digests = [`${bucket}/${stateKey(name, "backend")}-md5`, `${bucket}/${stateKey(name, "platform")}-md5`];
      expect(lock.lockIdsAfter).toEqual(env.backend.dynamodbLock ? digests : []);
      expect(lock.lockfileStatusAfter).toBe(404);
    });

    it("plans no changes right after the deploy (-detailed-exitcode 0)", () => {
      const { secondPlan } = reached(name, "secondPlan");
      for (const kind of ["backend", "platform"] as const) {
        const p = secondPlan![kind];
        expect(p.code, `${name}-${kind}:\n${p.stdout.slice(-3000)}${p.stderr}`).toBe(0);
      }
    });

    it("refuses a concurrent run with the lock error and leaves the state intact", () => {
      const { concurrent, env } = reached(name, "concurrent");
      const c = concurrent!;
      const text = c.second.stdout + c.second.stderr;
      expect(c.second.code).toBe(1);
      expect(text).toContain("Error acquiring the state lock");
      // S3-native locking: the conditional write (If-None-Match: *) of the lock file failed.
      // Otherwise the lock table's conditional put did.
      const expected = env.backend.useLockfile
        ? { lockHeldBy: "s3 lock file", error: "PreconditionFailed" }
        : { lockHeldBy: "dynamodb", error: "ConditionalCheckFailedException" };
      expect(c.lockHeldBy).toBe(expected.lockHeldBy);
      expect(text).toContain(expected.error);
      expect(c.stateUnchanged).toBe(true);
      // Without a lock table there are no lock ids to read (an empty list).
      expect(c.lockIdsAfterRelease.every((id) => id.endsWith("-md5"))).toBe(true);
      expect(c.lockfileAfterRelease).toBe(404);
      expect(c.planAfterRelease).toBe(0);
    });

    it("renders a kubeconfig whose exec block yields a token for the emulated cluster", () => {
      const { kubeconfig, env, deploy } = reached(name, "kubeconfig");
      const k = kubeconfig!;
      expect(k.server).toMatch(/^https:\/\/[A-Za-z0-9.-]+\.eks\.amazonaws\.com\/?$/);
      expect(k.server).toBe(k.endpoint);
      expect(k.execCommand).toBe("aws");
      expect(k.execArgs.slice(0, 6)).toEqual(["eks", "get-token", "--cluster-name", `${env.project}-${name}-eks`, "--region", env.region]);
      expect(k.execArgs.slice(6)).toEqual([...(env.kubeconfig.roleArn ? ["--role-arn", env.kubeconfig.roleArn] : []), "--output", "json"]);
      expect(k.token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
      expect(k.presignedUrl.searchParams.get("Action")).toBe("GetCallerIdentity");
      expect(k.presignedUrl.searchParams.get("X-Amz-SignedHeaders")).toContain("x-k8s-aws-id");
      // With a role to assume, the token is signed with the role's session credentials.
      expect(k.presignedUrl.searchParams.has("X-Amz-Security-Token")).toBe(Boolean(env.kubeconfig.roleArn));
      expect(fs.statSync(k.file).mode & 0o777).toBe(0o600);
      expect(deploy).toBeDefined();
    });

    it("npm run plan against the deployed state shows no changes", () => {
      const { planned } = reached(name, "planned");
      expect(planned!.totals).toMatchObject({ create: 0, update: 0, replace: 0, destroy: 0 });
      expect(planned!.stacks.map((s) => s.stack)).toEqual([`${name}-backend`, `${name}-platform`]);
    });

    it("after a config change, npm run plan shows exactly that change", () => {
      const { changed } = reached(name, "changed");
      const s = changed!.summary;
      expect(s.totals).toMatchObject({ create: 0, update: 1, replace: 0, destroy: 0 });
      const [change] = s.stacks.flatMap((x) => x.changes);
      expect(change).toMatchObject({ stack: `${name}-platform`, address: "aws_cloudwatch_log_group.vpc_flow_logs", action: "update" });
      expect(change.attributes).toEqual([{ path: "retention_in_days", before: "365", after: "400" }]);
      expect(changed!.markdown).toContain("aws_cloudwatch_log_group.vpc_flow_logs");
    });

    // The production tier is destroyed as it is; the others are made ephemeral first (see destroy()).
    // One test per environment, titled by what its tier expects: none is skipped.
    const protectedTier = config.tier === "production";
    it(protectedTier ? "destroy keeps what is protected" : "destroy removes everything once the environment is made ephemeral", () =>
      protectedTier ? expectProtectedDestroy(name) : expectEphemeralDestroy(name),
    );
  });
});

/** Production tier: deletion protection and prevent_destroy hold, with Terraform's exact errors. */
async function expectProtectedDestroy(name: string): Promise<void> {
  const { destroyed, env, emu } = reached(name, "destroyed");
  const d = destroyed!;
  expect(d.mode).toBe("protected");
  const text = d.platform.stdout + d.platform.stderr;
  const tables = Object.keys(env.tables).map((t) => `${env.project}-${name}-${t}`);
  expect(d.platform.code).not.toBe(0);
  for (const table of tables) {
    expect(text).toContain(`Table '${table}' can't be deleted while DeletionProtectionEnabled is set to True`);
  }
  expect(d.platformLeft.filter((a) => a.startsWith("aws_dynamodb_table.")).length).toBe(tables.length);
  expect(d.backend.code).not.toBe(0);
  expect(d.backend.stdout + d.backend.stderr).toContain("Error: Instance cannot be destroyed");
  // cdktf abridges Terraform's diagnostics when the machine is busy: Terraform's own plan has them all.
  const plan = d.backendDestroyPlan!;
  expect(plan.code).toBe(1);
  const backendText = (plan.stdout + plan.stderr).replace(/\s+/g, " ");
  // The plan stops at the bucket and the lock table (the key, which they depend on, is never reached).
  for (const address of ["aws_s3_bucket.state_bucket", "aws_dynamodb_table.state_lock_table"]) {
    expect(backendText).toMatch(
      new RegExp(
        `Resource ${address.replace(/\./g, "\\.")} has lifecycle\\.prevent_destroy set, but the plan calls for this resource to be destroyed`,
      ),
    );
  }
  expect(backendText.match(/Error: Instance cannot be destroyed/g)).toHaveLength(2);
  // Nothing of the backend was destroyed: prevent_destroy fails the plan before any change.
  expect(d.backendLeft.length).toBe(reached(name, "deploy").deploy!.backend.resources);
  expect((await emu!.lockIds()).length).toBeGreaterThan(0);
}

/** Other tiers, made ephemeral: everything is destroyed, the state bucket and lock table too. */
async function expectEphemeralDestroy(name: string): Promise<void> {
  const { destroyed, env, emu } = reached(name, "destroyed");
  const d = destroyed!;
  expect(d.mode).toBe("ephemeral");
  expect(d.migrateBack!.backupFile).toBe(emu!.backendLocalState);
  expect(d.platform.code, d.platform.stdout.slice(-2000)).toBe(0);
  expect(d.platformLeft).toEqual([]);
  expect(d.backend.code, d.backend.stdout.slice(-2000)).toBe(0);
  expect(d.backendLeft).toEqual([]);
  expect(d.bucketStatus).toBe(404);
  await expect(emu!.lockIds()).rejects.toThrow(`DynamoDB Scan of ${lockTableName(env)} answered 400`);
}
