/**
 * npm run backend:migrate -- <env> [--backend-config <file>] [--from-bucket]
 *
 * Moves the <env>-backend stack's local state (terraform-state/<env>-backend.tfstate) into the S3
 * bucket that stack created, once `backend.backendStackState` is "s3" in envs/<env>.ts; or, when the
 * file says "local" again and no local state exists, back from the bucket (to tear the environment
 * down: the backend stack is destroyed last, with local state). Needs terraform and AWS credentials
 * for the environment's account (as for `cdktf deploy`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvs, PROJECT_ROOT, synthApp } from "../src/app";
import {
  assertMigratable,
  migrateBackendState,
  migrateBackendStateToLocal,
  migrationDirection,
  synthesizedS3Backend,
} from "../src/tools/state/backend-migration";
import { parseArgs, runCli, UsageError } from "../src/tools/cli";
import { stackId } from "../src/lib/naming";
import { installSignalHandlers, removeOnInterrupt } from "../src/lib/interrupts";

const USAGE = `
usage: npm run backend:migrate -- <env> [--backend-config <file>] [--from-bucket]

Moves <env>-backend's local state into the bucket it created (the file says backendStackState "s3"),
or back from the bucket into the local file (the file says "local" again, to tear the environment down).
  <env>                     an environment of envs/
  --backend-config <file>   extra S3 backend settings passed to terraform init (optional)
  --from-bucket             move the state back even though no dated backup of a first migration is here
`;

// Ctrl-C (or SIGTERM) is forwarded to Terraform, which stops gracefully; then the temporary folder
// and override file are removed and the program exits 130 (143).
installSignalHandlers();

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), {
    options: { "backend-config": { type: "string" }, "from-bucket": { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name the environment" : "name exactly one environment");
  const envs = await loadEnvs();
  const env = envs.find((e) => e.name === positionals[0]);
  if (!env) throw new UsageError(`no environment "${positionals[0]}" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`);
  if (env.backend.kind === "hcp")
    throw new UsageError(
      `environment "${env.name}" keeps its state in HCP Terraform (backend.kind "hcp"): there is no backend stack state to migrate`,
    );
  const common = {
    env,
    projectRoot: PROJECT_ROOT,
    stackDir: path.join(PROJECT_ROOT, "cdktf.out", "stacks", stackId(env.name, "backend")),
    backendConfigFile: values["backend-config"],
    log: (line: string) => console.log(`${stackId(env.name, "backend")}: ${line}`),
  };
  if (migrationDirection(env, PROJECT_ROOT, values["from-bucket"]) === "to-local") {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backend-migrate-"));
    const forget = removeOnInterrupt(tmp);
    let s3Backend;
    try {
      s3Backend = synthesizedS3Backend(env, tmp);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      forget();
    }
    synthApp(envs, path.join(PROJECT_ROOT, "cdktf.out"));
    await migrateBackendStateToLocal({ ...common, s3Backend });
    return;
  }
  assertMigratable(env, PROJECT_ROOT); // before synthesizing anything
  synthApp(envs, path.join(PROJECT_ROOT, "cdktf.out"));
  await migrateBackendState(common);
});
