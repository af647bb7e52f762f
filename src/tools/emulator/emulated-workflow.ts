/**
 * The user's deploy workflow of one environment, run against an emulated AWS and observed: what
 * was applied, excluded and pruned, whether the state lock was held during the platform's apply and
 * released after, whether a second plan is empty, and whether the rendered kubeconfig yields a token.
 * `npm run deploy:emulated` prints it; the apply tests assert on it.
 */
import * as fs from "node:fs";
import type { EnvConfig } from "../../config";
import { EmulatedEnvironment, type EmulatedEnvironmentOptions, type EmulatedStack } from "./emulated-deploy";
import type { MigrationResult } from "../state/backend-migration";
import { stateBucketName, stateKey, stackId, type StackKind } from "../../lib/naming";
import { runProcess } from "../process";

/** What one `cdktf deploy` did. */
export interface StackDeploy {
  readonly stack: string;
  readonly ms: number;
  /** Managed resources in the state afterwards. */
  readonly resources: number;
  /** Resources of the synthesized stack, and how many the emulator gaps excluded. */
  readonly total: number;
  readonly excluded: number;
}

/** What was seen of the platform's state lock while `cdktf deploy <env>-platform` ran. */
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
  readonly backend: StackDeploy;
  readonly migration: MigrationResult;
  readonly platform: StackDeploy;
  readonly lock: LockObservation;
}

/** Polls `probe` every 250 ms until `done` resolves; returns whether it ever answered true. */
async function watch(probe: () => Promise<boolean>, done: Promise<unknown>): Promise<boolean> {
  let finished = false;
  void done.finally(() => (finished = true));
  let seen = false;
  while (!finished && !seen) {
    seen = await probe().catch(() => false);
    if (!seen) await new Promise((r) => setTimeout(r, 250));
  }
  return seen;
}

async function stateResources(emu: EmulatedEnvironment, kind: StackKind): Promise<number> {
  const run = await emu.terraformOk(kind, ["state", "list"]);
  return run.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("data.")).length;
}

function deployed(emu: EmulatedEnvironment, stacks: EmulatedStack[], kind: StackKind, ms: number, resources: number): StackDeploy {
  const s = stacks.find((x) => x.stack === stackId(emu.env.name, kind))!;
  return { stack: s.stack, ms, resources, total: s.gaps.resources, excluded: s.gaps.excluded };
}

/**
 * The user's order: `<env>-backend` with local state, then `backend.backendStackState: "s3"` and
 * `backend:migrate`, then `<env>-platform` on the S3 backend, watching its lock.
 */
export async function deployInOrder(emu: EmulatedEnvironment, log: (line: string) => void = () => undefined): Promise<DeployObservations> {
  const env = emu.env;
  const local: EnvConfig = { ...env, backend: { ...env.backend, backendStackState: "local" } };
  let stacks = emu.synth(local);
  for (const line of EmulatedEnvironment.describe(stacks)) log(line);

  const backendRun = await emu.cdktfOk("deploy", "backend");
  const backend = deployed(emu, stacks, "backend", backendRun.ms, await stateResources(emu, "backend"));

  stacks = emu.synth({ ...env, backend: { ...env.backend, backendStackState: "s3" } });
  const migration = await emu.migrateBackend();

  const bucket = stateBucketName(env);
  const key = stateKey(env.name, "platform");
  const run = emu.cdktfOk("deploy", "platform");
  const [platformRun, dynamodbLockSeen, lockfileSeen] = await Promise.all([
    run,
    env.backend.dynamodbLock ? watch(async () => (await emu.lockIds()).includes(`${bucket}/${key}`), run) : Promise.resolve(false),
    env.backend.useLockfile ? watch(async () => (await emu.s3Get(bucket, `${key}.tflock`)).status === 200, run) : Promise.resolve(false),
  ]);
  const lock: LockObservation = {
    dynamodbLockSeen,
    lockfileSeen,
    lockIdsAfter: env.backend.dynamodbLock ? await emu.lockIds() : [],
    lockfileStatusAfter: (await emu.s3Get(bucket, `${key}.tflock`)).status,
  };
  const platform = deployed(emu, stacks, "platform", platformRun.ms, await stateResources(emu, "platform"));
  return { stacks, backend, migration, platform, lock };
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
}

/** Starts the emulator, deploys in order, plans again, checks the kubeconfig, and stops the emulator. */
export async function runEmulatedDeploy(
  env: EnvConfig,
  opts: EmulatedEnvironmentOptions & { readonly destroy?: boolean },
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
    deploy = await deployInOrder(emu, log);
    for (const s of [deploy.backend, deploy.platform]) {
      summary.push(
        `${s.stack}: ${s.resources} resources applied in ${(s.ms / 1000).toFixed(1)}s (${s.total} synthesized, ${s.excluded} excluded as emulator gaps)`,
      );
    }
    summary.push(`${stackId(env.name, "backend")}: state migrated to s3://${deploy.migration.bucket}/${deploy.migration.key}`);
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
      `kubeconfig ${kubeconfig.file}: server ${kubeconfig.server}, ${kubeconfig.execCommand} ${kubeconfig.execArgs.join(" ")} gave a token`,
    );
    if (opts.destroy) {
      const run = await emu.cdktf("destroy", "platform");
      summary.push(`${stackId(env.name, "platform")}: destroy exit ${run.code} (protected resources stay)`);
    }
  } catch (err) {
    failures.push((err as Error).message);
  } finally {
    await emu.stop();
  }
  summary.push(`total ${((Date.now() - started) / 1000).toFixed(1)}s; emulator log: ${emu.moto.logFile}`);
  if (fs.existsSync(emu.backendLocalState)) summary.push(`note: ${emu.backendLocalState} still exists`);
  return { deploy, secondPlan, kubeconfig, summary, failures };
}
