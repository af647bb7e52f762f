/**
 * Moves the `<env>-backend` stack's local state into the bucket that stack created.
 *
 * The stack starts with local state (its bucket does not exist yet). Once it is deployed and the
 * environment says `backend.backendStackState: "s3"`, this copies the local state to
 * `s3://<bucket>/<env>/<env>-backend.tfstate` with Terraform's own `init -migrate-state`, checks
 * the copy, and keeps the local file as a dated backup.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildApp } from "../../app";
import type { EnvConfig } from "../../config";
import { CliError } from "../cli";
import { backendLocalStatePath, stackId, stateBucketName, stateKey } from "../../lib/naming";
import { onInterrupt } from "../../lib/interrupts";
import { runTerraform, type TerraformRun } from "../terraform/terraform";

export interface MigrationOptions {
  readonly env: EnvConfig;
  readonly projectRoot: string;
  /** The synthesized stack folder of `<env>-backend` (with its S3 backend). */
  readonly stackDir: string;
  /** Extra `-backend-config` file (endpoints, credentials profile...). @default - none */
  readonly backendConfigFile?: string;
  /** Environment for terraform. @default process.env */
  readonly terraformEnv?: NodeJS.ProcessEnv;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /** Clock, for the backup name. @default Date.now */
  readonly now?: () => Date;
}

export interface MigrationResult {
  readonly bucket: string;
  readonly key: string;
  /** Lineage and serial of the state now in S3. */
  readonly lineage: string;
  readonly serial: number;
  /** Where the local state file was moved to (to S3), or the local state file (back to local). */
  readonly backupFile: string;
}

interface StateFile {
  lineage: string;
  serial: number;
  resources?: unknown[];
  outputs?: Record<string, unknown>;
}

/**
 * Checks that the environment can be migrated (it says "s3", and a non-empty local state exists),
 * before anything is synthesized or run. Returns the local state file; throws a CliError that says
 * what to do otherwise.
 */
export function assertMigratable(env: EnvConfig, projectRoot: string): { file: string; state: StateFile } {
  const envFile = `envs/${env.name}.ts`;
  if (env.backend.backendStackState !== "s3") {
    throw new CliError(`env "${env.name}": backend.backendStackState is "local"; set it to "s3" in ${envFile}, then run this again`);
  }
  const localFile = path.join(projectRoot, backendLocalStatePath(env.name));
  if (!fs.existsSync(localFile)) {
    const backups = fs.existsSync(path.dirname(localFile))
      ? fs.readdirSync(path.dirname(localFile)).filter((f) => f.startsWith(`${path.basename(localFile)}.migrated-`))
      : [];
    throw new CliError(
      backups.length > 0
        ? `env "${env.name}": already migrated (backup ${backups.sort().at(-1)}); nothing to do`
        : `env "${env.name}": no local state at ${backendLocalStatePath(env.name)}; deploy ${stackId(env.name, "backend")} first`,
    );
  }
  const state = readState(localFile);
  if ((state.resources ?? []).length === 0 && Object.keys(state.outputs ?? {}).length === 0) {
    throw new CliError(
      `env "${env.name}": the local state ${backendLocalStatePath(env.name)} is empty; deploy ${stackId(env.name, "backend")} first`,
    );
  }
  return { file: localFile, state };
}

/** Terraform in the backend stack's folder, failing with its output; and the -backend-config flag. */
function migrationTerraform(opts: Pick<MigrationOptions, "stackDir" | "terraformEnv" | "backendConfigFile">) {
  const tf = async (args: string[]): Promise<TerraformRun> => {
    const run = await runTerraform(args, opts.stackDir, opts.terraformEnv ?? process.env, 300_000);
    if (run.code !== 0) throw new CliError(`terraform ${args[0]} failed in ${opts.stackDir}:\n${run.stderr || run.stdout}`);
    return run;
  };
  const backendConfig = opts.backendConfigFile ? [`-backend-config=${path.resolve(opts.backendConfigFile)}`] : [];
  return { tf, backendConfig };
}

/** Migrates, or throws a CliError that says what to do. */
export async function migrateBackendState(opts: MigrationOptions): Promise<MigrationResult> {
  const { env, stackDir } = opts;
  const log = opts.log ?? (() => undefined);
  const { file: localFile, state: local } = assertMigratable(env, opts.projectRoot);
  const bucket = stateBucketName(env);
  const key = stateKey(env.name, "backend");
  const { tf, backendConfig } = migrationTerraform(opts);

  // 1. Point the working directory at the local state, so Terraform knows where it migrates from.
  const override = path.join(stackDir, "backend_override.tf.json");
  fs.writeFileSync(override, JSON.stringify({ terraform: { backend: { local: { path: path.relative(stackDir, localFile) } } } }));
  // Left behind, it would point every later run of this stack at the local state: removed on interrupt too.
  const forget = onInterrupt(() => fs.rmSync(override, { force: true }));
  try {
    log(`reading the local state (${backendLocalStatePath(env.name)}, serial ${local.serial})`);
    await tf(["init", "-reconfigure", "-input=false", "-no-color"]);
  } finally {
    fs.rmSync(override);
    forget();
  }
  // 2. Switch to the synthesized S3 backend and copy the state across.
  log(`copying it to s3://${bucket}/${key}`);
  await tf(["init", "-migrate-state", "-force-copy", "-input=false", "-no-color", ...backendConfig]);
  // 3. Read it back from S3 before touching the local file. Terraform gives the copy a lineage and
  //    serial of its own; what must match is what the state holds.
  const pulled = JSON.parse((await tf(["state", "pull"])).stdout) as StateFile;
  if (canonical(contentOf(pulled)) !== canonical(contentOf(local))) {
    throw new CliError(
      `the state in s3://${bucket}/${key} does not hold what the local state holds ` +
        `(${describe(pulled)} vs ${describe(local)}); the local file was left in place`,
    );
  }
  const stamp = (opts.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, "-");
  const backupFile = `${localFile}.migrated-${stamp}`;
  fs.renameSync(localFile, backupFile);
  log(`done; the local file is kept as ${path.relative(opts.projectRoot, backupFile)} (delete it once you are satisfied)`);
  return { bucket, key, lineage: pulled.lineage, serial: pulled.serial, backupFile };
}

/**
 * The way back, for tearing an environment down: the file says `backend.backendStackState:
 * "local"` again, and this copies the backend stack's state from its bucket into the local file, so
 * the stack can destroy the bucket last. `s3Backend` is the stack's S3 backend block as `cdktf
 * synth` writes it with "s3" (where the state is now). The object in the bucket is left as it is.
 */
export async function migrateBackendStateToLocal(
  opts: MigrationOptions & { readonly s3Backend: Record<string, unknown> },
): Promise<MigrationResult> {
  const { env, stackDir } = opts;
  const log = opts.log ?? (() => undefined);
  const localFile = path.join(opts.projectRoot, backendLocalStatePath(env.name));
  if (env.backend.backendStackState !== "local") {
    throw new CliError(
      `env "${env.name}": backend.backendStackState is "s3"; the state is moved back to local only when the file says "local"`,
    );
  }
  if (fs.existsSync(localFile)) {
    throw new CliError(`env "${env.name}": the backend stack's state is already local (${backendLocalStatePath(env.name)}); nothing to do`);
  }
  const bucket = stateBucketName(env);
  const key = stateKey(env.name, "backend");
  const { tf, backendConfig } = migrationTerraform(opts);
  // 1. Point the working directory at the state in S3, where it migrates from.
  const override = path.join(stackDir, "backend_override.tf.json");
  fs.writeFileSync(override, JSON.stringify({ terraform: { backend: { s3: opts.s3Backend } } }));
  const forget = onInterrupt(() => fs.rmSync(override, { force: true }));
  let remote: StateFile;
  try {
    log(`reading the state in s3://${bucket}/${key}`);
    await tf(["init", "-reconfigure", "-input=false", "-no-color", ...backendConfig]);
    remote = JSON.parse((await tf(["state", "pull"])).stdout) as StateFile;
    if ((remote.resources ?? []).length === 0) {
      throw new CliError(`env "${env.name}": s3://${bucket}/${key} holds no resources; nothing to move back`);
    }
  } finally {
    fs.rmSync(override);
    forget();
  }
  // 2. Switch to the synthesized local backend and copy the state across.
  log(`copying it to ${backendLocalStatePath(env.name)}`);
  await tf(["init", "-migrate-state", "-force-copy", "-input=false", "-no-color"]);
  const local = readState(localFile);
  if (canonical(contentOf(local)) !== canonical(contentOf(remote))) {
    throw new CliError(
      `${backendLocalStatePath(env.name)} does not hold what s3://${bucket}/${key} holds (${describe(local)} vs ${describe(remote)})`,
    );
  }
  log(`done; the stack keeps its state in ${backendLocalStatePath(env.name)} again`);
  return { bucket, key, lineage: local.lineage, serial: local.serial, backupFile: localFile };
}

/**
 * The backend stack's S3 backend block as `cdktf synth` writes it once the file says "s3": what
 * {@link migrateBackendStateToLocal} reads the state from. Synthesized into `tmpDir`.
 */
export function synthesizedS3Backend(env: EnvConfig, tmpDir: string): Record<string, unknown> {
  const variant: EnvConfig = { ...env, ephemeral: false, backend: { ...env.backend, backendStackState: "s3" } };
  buildApp([variant], tmpDir).app.synth();
  const file = path.join(tmpDir, "stacks", stackId(env.name, "backend"), "cdk.tf.json");
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as { terraform: { backend: { s3: Record<string, unknown> } } };
  return json.terraform.backend.s3;
}

/**
 * Which way `backend:migrate` moves the state: back to the local file when the file says "local",
 * no local state exists and the state was moved into the bucket before (its dated backup is there,
 * or `fromBucket` says so); else into the bucket.
 */
export function migrationDirection(env: EnvConfig, projectRoot: string, fromBucket = false): "to-s3" | "to-local" {
  const localFile = path.join(projectRoot, backendLocalStatePath(env.name));
  if (env.backend.backendStackState !== "local" || fs.existsSync(localFile)) return "to-s3";
  const dir = path.dirname(localFile);
  const migratedBefore = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith(`${path.basename(localFile)}.migrated-`));
  return migratedBefore || fromBucket ? "to-local" : "to-s3";
}

/** Resources and outputs of a state, in a comparable form. */
function contentOf(state: StateFile): unknown {
  return { resources: state.resources ?? [], outputs: state.outputs ?? {} };
}

/** JSON with object keys sorted, so equal content gives equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function describe(state: StateFile): string {
  return `${(state.resources ?? []).length} resources, ${Object.keys(state.outputs ?? {}).length} outputs`;
}

function readState(file: string): StateFile {
  try {
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<StateFile>;
    if (typeof state.lineage !== "string" || typeof state.serial !== "number") throw new Error("no lineage or serial");
    return state as StateFile;
  } catch (err) {
    throw new CliError(`${file} is not a Terraform state file: ${(err as Error).message}`);
  }
}
