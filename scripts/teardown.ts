/**
 * npm run teardown -- <env>
 *
 * Removes an ephemeral environment completely: applies the file first (tables lose deletion
 * protection, the state bucket prevent_destroy), destroys the workloads and the platform, then the
 * state backend from a local copy of its state. Refuses an environment that is not ephemeral.
 */
import * as path from "node:path";
import { outputDir, PROJECT_ROOT, synthApp } from "../src/app";
import { installSignalHandlers } from "../src/lib/interrupts";
import { teardown } from "./deploy/bootstrap";
import { oneEnv, parseStacks, STACK_RUN_OPTIONS } from "./deploy/select";
import { CliError, parseArgs, runCli } from "./common/cli";
import { assertAwsCredentials } from "./terraform/credentials";
import { deployTerraform, findTerraform } from "./terraform/terraform";
import { writeOutputFile } from "./common/private-files";

const USAGE = `
usage: npm run teardown -- <env> [--stacks platform,workloads] [--skip-synth] [--output <dir>] [--state-dir <dir>] [--report <file>] [--log-dir <dir>]

Destroys every stack of <env> (workloads, platform, then the state backend with its bucket). The
environment file must say ephemeral: true; this applies that first, so nothing is protected.

  <env>               an environment of envs/
  --stacks <list>     the stacks after the backend (default: platform,workloads)
  --skip-synth        use what --output already holds
  --output <dir>      the synthesized output (default: $CDKTF_OUTDIR, else cdktf.out)
  --log-dir <dir>     write each Terraform command's full output there
  --report <file>     also write what was done (steps, times, changes) as JSON
  --state-dir <dir>   where terraform-state/ goes while the backend is destroyed (default: the project)
`;

installSignalHandlers();
// State files (the backend's local one, Terraform's backups) are readable by their owner only.
process.umask(0o077);

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), { options: STACK_RUN_OPTIONS });
  const stacks = parseStacks(values.stacks);
  const { env, source, all } = await oneEnv(positionals);
  const outdir = path.resolve(values.output ?? outputDir());
  const opts = { env, source, synthDir: outdir, stateRoot: path.resolve(values["state-dir"] ?? PROJECT_ROOT), stacks };
  // Not ephemeral: said before asking for credentials or synthesizing anything.
  if (!env.ephemeral) await teardown({ ...opts, processEnv: process.env });
  await assertAwsCredentials("teardown", env.name);
  if (!findTerraform()) throw new CliError("terraform is not on PATH; install Terraform >= 1.10");
  if (!values["skip-synth"]) synthApp(all, outdir, { projectRoot: PROJECT_ROOT });
  const tf = await deployTerraform(path.join(PROJECT_ROOT, ".terraform-cli"));
  const result = await teardown({ ...opts, processEnv: tf.env, logDir: values["log-dir"], log: (l) => console.log(l) });
  if (values.report) writeOutputFile(values.report, `${JSON.stringify(result, null, 2)}\n`);
});
