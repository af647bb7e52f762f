/**
 * The CDKTF app: validates every environment in envs/, then synthesizes its stacks.
 * Run by `npm run synth` (the app alone: the cdktf CLI adds seconds of start-up and writes the same
 * `cdktf.out`) or by `npx cdktf synth`, both through `scripts/run-main.cjs`, which runs it
 * precompiled (`DEBUG=1`: through tsx, with .ts lines in stack traces). `node --import tsx main.ts`
 * runs it too.
 *
 * The output folder (`$CDKTF_OUTDIR`, which `cdktf synth` sets, else `cdktf.out`) is written
 * atomically: into a staging folder next to it, renamed into place once every stack is written. A
 * folder that cannot be written (read-only, full disk) fails with one line and leaves the previous
 * output as it was.
 */
import "./src/boot";
import * as path from "node:path";
import { loadEnvsWithWarnings, PolicyViolationError, PROJECT_ROOT, synthApp } from "./src/app";
import { envsDir } from "./src/config";
import { OutputWriteError, outputDirProblem } from "./src/lib/output-dir";
import { installSignalHandlers } from "./src/lib/interrupts";

const USAGE = `usage: npm run synth

Validates every environment of envs/ (or $EKS_ENVS_DIR), runs the policy pack, and writes the
Terraform JSON of their stacks to cdktf.out/ (or $CDKTF_OUTDIR), atomically.
  EKS_ENVS=dev,staging   synthesize only these environments (all are still validated)
`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(`error: npm run synth takes no arguments (got ${args.join(" ")})\n\n${USAGE}`);
    return 2;
  }
  // Ctrl-C while loading exits at once (130); during the synchronous synth, right after it.
  installSignalHandlers();
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
  let inputs: string[];
  try {
    inputs = [envsDir(PROJECT_ROOT), ...["src", "scripts", "__tests__", "node_modules"].map((d) => path.join(PROJECT_ROOT, d))];
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nNothing was synthesized.\n`);
    return 1;
  }
  const outdirProblem = outputDirProblem(outdir, inputs);
  if (outdirProblem) {
    process.stderr.write(`${outdirProblem}\nNothing was synthesized.\n`);
    return 1;
  }
  let envs, warnings;
  try {
    ({ envs, warnings } = await loadEnvsWithWarnings());
  } catch (err) {
    // An EnvConfigError's message lists every problem found; any other load failure prints its message the same way.
    process.stderr.write(`${(err as Error).message}\nNothing was synthesized.\n`);
    return 1;
  }
  let app;
  try {
    app = synthApp(envs, outdir, {
      elsewhere: "synthesize elsewhere (cdktf synth --output <dir>, or CDKTF_OUTDIR)",
      projectRoot: PROJECT_ROOT,
    });
  } catch (err) {
    if (err instanceof PolicyViolationError) {
      process.stderr.write(`${err.message}\nNothing was synthesized.\n`);
      return 1;
    }
    if (err instanceof OutputWriteError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  // A report, not an error: on stdout, so `cdktf synth` does not label it [ERROR]. Configuration
  // warnings (allowed, likely a mistake) come first, when there are any.
  const config =
    warnings.length > 0
      ? [`config: ${warnings.length} warning${warnings.length === 1 ? "" : "s"}`, ...warnings.map((w) => `  warning ${w}`)]
      : [];
  process.stdout.write(`${[...config, ...app.policySummary()].join("\n")}\n`);
  return 0;
}

void main().then((code) => (process.exitCode = code));
