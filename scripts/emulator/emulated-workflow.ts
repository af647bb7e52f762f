/**
 * One environment deployed against an emulated AWS through `npm run bootstrap`'s steps, and
 * observed: what was applied, excluded and pruned, whether the state lock was held during the
 * platform's apply and released after, whether a second plan is empty, and whether the rendered
 * kubeconfig yields a token. `npm run deploy:emulated` prints it; the e2e tests assert on it.
 */
import * as fs from "node:fs";
import type { EnvConfig } from "../../src/config";
import type { DeployResult } from "../deploy/bootstrap";
import { EmulatedEnvironment, type EmulatedEnvironmentOptions, type EmulatedStack } from "./emulated-deploy";
import { stateKey, stackId, type StackKind } from "../../src/lib/naming";
import { runProcess } from "../common/process";

/** What was applied of one stack. */
export interface StackDeploy {
  readonly stack: string;
  /** Managed resources in the state afterwards. */
  readonly resources: number;
  /** Resources of the synthesized stack, and how many the emulator gaps excluded. */
  readonly total: number;
  readonly excluded: number;
}

/** What was seen of the platform's state lock while bootstrap ran. */
export interface LockObservation {
  /** The DynamoDB lock item `<bucket>/<key>` existed during the run (dynamodbLock). */
  readonly dynamodbLockSeen: boolean;
  /** The S3 lock file `<key>.tflock` existed during the run (useLockfile). */
  readonly lockfileSeen: boolean;
  /** The lock table's items after the run (only the `-md5` digest items should remain). */
  readonly lockIdsAfter: string[];
  /** The S3 lock file after the run: 404 when released. */
  readonly lockfileStatusAfter: number;
}

export interface DeployObservations {
  readonly stacks: EmulatedStack[];
  readonly run: DeployResult;
  readonly backend: StackDeploy;
  readonly platform: StackDeploy;
  readonly lock: LockObservation;
}

/** Polls `probe` every 250 ms until `done` settles; returns whether it ever answered true. */
async function watch(probe: () => Promise<boolean>, done: Promise<unknown>): Promise<boolean> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  let seen = false;
  while (!finished && !seen) {
    seen = await probe().catch(() => false);
    if (!seen) await new Promise((r) => setTimeout(r, 250));
  }
  return seen;
}

/** Managed resources in a stack's state. */
export async function stateResources(emu: EmulatedEnvironment, kind: StackKind): Promise<number> {
  const run = await emu.terraformOk(kind, ["state", "list"]);
  return run.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("data.")).length;
}

function deployed(emu: EmulatedEnvironment, stacks: EmulatedStack[], kind: StackKind, resources: number): StackDeploy {
  const s = stacks.find((x) => x.stack === stackId(emu.env.name, kind))!;
  return { stack: s.stack, resources, total: s.gaps.resources, excluded: s.gaps.excluded };
}

/** Synthesizes the environment with the emulator's overrides and runs bootstrap, watching the platform's lock. */
export async function deployInOrder(emu: EmulatedEnvironment, log: (line: string) => void = () => undefined): Promise<DeployObservations> {
  const env = emu.env;
  const stacks = emu.synth(env);
  for (const line of EmulatedEnvironment.describe(stacks)) log(line);
  const bucket = env.derived.names.stateBucket;
  const key = stateKey(env.name, "platform");
  const running = emu.bootstrap();
  const [run, dynamodbLockSeen, lockfileSeen] = await Promise.all([
    running,
    env.backend.dynamodbLock ? watch(async () => (await emu.lockIds()).includes(`${bucket}/${key}`), running) : Promise.resolve(false),
    env.backend.useLockfile
      ? watch(async () => (await emu.s3Get(bucket, `${key}.tflock`)).status === 200, running)
      : Promise.resolve(false),
  ]);
  const lock: LockObservation = {
    dynamodbLockSeen,
    lockfileSeen,
    lockIdsAfter: env.backend.dynamodbLock ? await emu.lockIds() : [],
    lockfileStatusAfter: (await emu.s3Get(bucket, `${key}.tflock`)).status,
  };
  return {
    stacks,
    run,
    backend: deployed(emu, stacks, "backend", await stateResources(emu, "backend")),
    platform: deployed(emu, stacks, "platform", await stateResources(emu, "platform")),
    lock,
  };
}

/** What the rendered kubeconfig gave. */
export interface KubeconfigCheck {
  readonly file: string;
  /** The platform's `cluster_endpoint` output. */
  readonly endpoint: string;
  /** `kubectl config view --minify` of it. */
  readonly server: string;
  readonly execCommand: string;
  readonly execArgs: string[];
  /** The token the exec block printed (`k8s-aws-v1.` + a presigned STS GetCallerIdentity URL). */
  readonly token: string;
  /** That URL, decoded. */
  readonly presignedUrl: URL;
}

interface KubectlView {
  clusters: { cluster: { server: string } }[];
  users: { user: { exec: { command: string; args: string[]; env?: { name: string; value: string }[] | null } } }[];
}

/** Writes the platform's kubeconfig output, reads it with kubectl, and runs its exec block for a token. */
export async function checkKubeconfig(emu: EmulatedEnvironment): Promise<KubeconfigCheck> {
  const file = await emu.writeKubeconfig();
  const endpoint = String((await emu.outputs("platform")).cluster_endpoint);
  const view = await runProcess("kubectl", ["--kubeconfig", file, "config", "view", "--minify", "-o", "json"], {
    cwd: emu.options.root,
    env: emu.processEnv,
    timeoutMs: 30_000,
  });
  if (view.code !== 0) throw new Error(`kubectl config view failed: ${view.stderr}`);
  const config = JSON.parse(view.stdout) as KubectlView;
  const exec = config.users[0].user.exec;
  const execEnv = Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value]));
  const tokenRun = await runProcess(exec.command, exec.args, {
    cwd: emu.options.root,
    env: { ...emu.processEnv, ...execEnv },
    timeoutMs: 60_000,
  });
  if (tokenRun.code !== 0) throw new Error(`${exec.command} ${exec.args.join(" ")} failed: ${tokenRun.stderr}`);
  const token = (JSON.parse(tokenRun.stdout) as { status: { token: string } }).status.token;
  const presignedUrl = new URL(Buffer.from(token.replace(/^k8s-aws-v1\./, ""), "base64url").toString("utf8"));
  return { file, endpoint, server: config.clusters[0].cluster.server, execCommand: exec.command, execArgs: exec.args, token, presignedUrl };
}

export interface EmulatedReport {
  readonly deploy?: DeployObservations;
  /** `terraform plan -detailed-exitcode` of each stack after the deploy (0 = no changes). */
  readonly secondPlan: Partial<Record<StackKind, number>>;
  readonly kubeconfig?: KubeconfigCheck;
  readonly summary: string[];
  readonly failures: string[];
  /** The running environment when `keep` was asked for (stop it yourself); else undefined (stopped). */
  readonly kept?: EmulatedEnvironment;
}

/**
 * Starts the emulator, bootstraps the environment, plans again, checks the kubeconfig, and stops
 * the emulator unless `keep` is set and everything passed.
 */
export async function runEmulatedDeploy(
  env: EnvConfig,
  opts: EmulatedEnvironmentOptions & { readonly keep?: boolean },
): Promise<EmulatedReport> {
  const log = opts.log ?? (() => undefined);
  const failures: string[] = [];
  const summary: string[] = [];
  const secondPlan: Partial<Record<StackKind, number>> = {};
  const started = Date.now();
  const emu = await EmulatedEnvironment.start(env, opts);
  let deploy: DeployObservations | undefined;
  let kubeconfig: KubeconfigCheck | undefined;
  try {
    log(`${env.name}: bootstrap (the steps of npm run bootstrap) against the emulator; terraform logs in ${emu.options.root}/logs/`);
    deploy = await deployInOrder(emu, log);
    for (const s of [deploy.backend, deploy.platform]) {
      summary.push(`${s.stack}: ${s.resources} resources applied (${s.total} synthesized, ${s.excluded} excluded as emulator gaps)`);
    }
    summary.push(`${stackId(env.name, "backend")}: state in s3://${env.derived.names.stateBucket}/${stateKey(env.name, "backend")}`);
    const l = deploy.lock;
    if (env.backend.dynamodbLock)
      summary.push(
        `lock table: lock ${l.dynamodbLockSeen ? "held" : "NOT SEEN"} during the platform apply; after: ${JSON.stringify(l.lockIdsAfter)}`,
      );
    if (env.backend.useLockfile)
      summary.push(`S3 lock file: ${l.lockfileSeen ? "held" : "NOT SEEN"} during the platform apply; after: HTTP ${l.lockfileStatusAfter}`);
    for (const kind of ["backend", "platform"] as const) {
      const plan = await emu.planExitCode(kind);
      secondPlan[kind] = plan.code;
      summary.push(`${stackId(env.name, kind)}: second plan ${plan.code === 0 ? "has no changes" : `exit ${plan.code}`}`);
      if (plan.code !== 0)
        failures.push(
          `${stackId(env.name, kind)}: the second plan is not empty (exit ${plan.code}):\n${plan.stdout.slice(-4000)}${plan.stderr}`,
        );
    }
    kubeconfig = await checkKubeconfig(emu);
    summary.push(
      `kubeconfig ${kubeconfig.file}: server ${kubeconfig.server}; ${kubeconfig.execCommand} ${kubeconfig.execArgs.join(" ")} gave a token`,
    );
    if (fs.existsSync(emu.backendLocalState)) failures.push(`${emu.backendLocalState} still exists after bootstrap`);
  } catch (err) {
    failures.push((err as Error).message);
  }
  summary.push(`total ${((Date.now() - started) / 1000).toFixed(1)}s; emulator log: ${emu.moto.logFile}`);
  if (opts.keep && failures.length === 0) return { deploy, secondPlan, kubeconfig, summary, failures, kept: emu };
  await emu.stop();
  return { deploy, secondPlan, kubeconfig, summary, failures };
}
