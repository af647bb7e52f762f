/**
 * npm run backend:migrate -- <env> [--backend-config <file>]
 *
 * Moves the <env>-backend stack's local state (terraform-state/<env>-backend.tfstate) into the S3
 * bucket that stack created, once `backend.backendStackState` is "s3" in envs/<env>.ts. Needs
 * terraform and AWS credentials for the environment's account (as for `cdktf deploy`).
 */
import * as path from "node:path";
import { buildApp, loadEnvs, PROJECT_ROOT } from "../src/app";
import { assertMigratable, migrateBackendState } from "../src/lib/backend-migration";
import { parseArgs, runCli, UsageError } from "../src/lib/cli";
import { stackId } from "../src/lib/naming";

const USAGE = `
usage: npm run backend:migrate -- <env> [--backend-config <file>]

Moves <env>-backend's local state into the bucket it created.
  <env>                     an environment of envs/ whose backend.backendStackState is "s3"
  --backend-config <file>   extra S3 backend settings passed to terraform init (optional)
`;

runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), { valued: ["backend-config"] });
  if (args.positional.length !== 1)
    throw new UsageError(args.positional.length === 0 ? "name the environment" : "name exactly one environment");
  const envs = await loadEnvs();
  const env = envs.find((e) => e.name === args.positional[0]);
  if (!env) throw new UsageError(`no environment "${args.positional[0]}" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`);
  assertMigratable(env, PROJECT_ROOT); // before synthesizing anything
  const outdir = path.join(PROJECT_ROOT, "cdktf.out");
  buildApp(envs, outdir).app.synth();
  const backendConfig = args.flags.get("backend-config");
  await migrateBackendState({
    env,
    projectRoot: PROJECT_ROOT,
    stackDir: path.join(outdir, "stacks", stackId(env.name, "backend")),
    backendConfigFile: typeof backendConfig === "string" ? backendConfig : undefined,
    log: (line) => console.log(`${stackId(env.name, "backend")}: ${line}`),
  });
});
