/**
 * npm run bootstrap -- <env>
 *
 * From nothing to a deployed environment in one command, and the same command to bring it up to
 * date: the state backend (created with a local state file the first time, which then moves into
 * the bucket), then the platform and the workloads, each on its S3 backend. No edit of the
 * environment file between steps; an interrupted run continues where it stopped; a second run
 * changes nothing.
 */
import * as path from "node:path";
import { outputDir, PROJECT_ROOT, synthApp } from "../src/app";
import { installSignalHandlers } from "../src/lib/interrupts";
import { bootstrap } from "./deploy/bootstrap";
import { oneEnv, parseStacks, STACK_RUN_OPTIONS } from "./deploy/select";
import { CliError, parseArgs, runCli } from "./common/cli";
import { assertAwsCredentials } from "./terraform/credentials";
import { assertStateWriter } from "./deploy/state-writer";
import { deployTerraform, findTerraform } from "./terraform/terraform";
import { writeOutputFile } from "./common/private-files";

const USAGE = `
usage: npm run bootstrap -- <env> [--stacks platform,workloads] [--skip-synth] [--output <dir>] [--state-dir <dir>] [--report <file>] [--log-dir <dir>]

Deploys <env> from nothing, in order: the state backend (bucket, lock table, key; created with a
local state file the first time, which then moves into the bucket), the platform, the workloads.
Run it again to bring the environment up to date; an interrupted run continues where it stopped.
Needs AWS credentials for the environment's account (without: npm run deploy:emulated -- <env>).

  <env>               an environment of envs/
  --stacks <list>     the stacks after the backend, in order (default: platform,workloads)
  --skip-synth        deploy what --output already holds, as cdktf deploy --skip-synth does
  --output <dir>      the synthesized output (default: $CDKTF_OUTDIR, else cdktf.out)
  --log-dir <dir>     write each Terraform command's full output there
  --report <file>     also write what was done (steps, times, changes) as JSON
  --state-dir <dir>   where terraform-state/ goes while the state bucket does not exist (default: the project)
`;

installSignalHandlers();
// State files (the backend's local one, Terraform's backups) are readable by their owner only.
process.umask(0o077);

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), { options: STACK_RUN_OPTIONS });
  const stacks = parseStacks(values.stacks);
  const { env, all } = await oneEnv(positionals);
  await assertAwsCredentials("bootstrap", env.name);
  const note = await assertStateWriter(env);
  if (note) console.error(note);
  if (!findTerraform()) throw new CliError("terraform is not on PATH; install Terraform >= 1.10");
  const outdir = path.resolve(values.output ?? outputDir());
  if (!values["skip-synth"]) {
    synthApp(all, outdir, { projectRoot: PROJECT_ROOT });
    console.log(`synthesized into ${path.relative(process.cwd(), outdir) || outdir}`);
  }
  const tf = await deployTerraform(path.join(PROJECT_ROOT, ".terraform-cli"));
  const result = await bootstrap({
    env,
    synthDir: outdir,
    stateRoot: path.resolve(values["state-dir"] ?? PROJECT_ROOT),
    processEnv: tf.env,
    stacks,
    logDir: values["log-dir"],
    log: (l) => console.log(l),
  });
  if (values.report) writeOutputFile(values.report, `${JSON.stringify(result, null, 2)}\n`);
  const platformDir = path.relative(process.cwd(), path.join(outdir, "stacks", `${env.name}-platform`));
  console.log(`${env.name}: backend state ${result.backendState}; its outputs: terraform -chdir=${platformDir} output`);
});
