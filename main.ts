/**
 * The CDKTF app: validates every environment in envs/, then synthesizes its stacks.
 * Run by `npm run synth` (`node --import tsx main.ts`, the app alone: the cdktf CLI adds seconds of start-up
 * and writes the same `cdktf.out`) or by `npx cdktf synth` (see cdktf.json).
 *
 * The output folder (`$CDKTF_OUTDIR`, which `cdktf synth` sets, else `cdktf.out`) is written
 * atomically: into a staging folder next to it, renamed into place once every stack is written. A
 * folder that cannot be written (read-only, full disk) fails with one line and leaves the previous
 * output as it was.
 */
import "./src/boot";
import * as path from "node:path";
import { loadEnvs, PolicyViolationError, synthApp } from "./src/app";
import { OutputWriteError } from "./src/lib/output-dir";
import { installSignalHandlers } from "./src/lib/interrupts";

async function main(): Promise<number> {
  // Ctrl-C while loading exits at once (130); during the synchronous synth, right after it.
  installSignalHandlers();
  let envs;
  try {
    envs = await loadEnvs();
  } catch (err) {
    // An EnvConfigError's message lists every problem found; any other load failure prints its message the same way.
    process.stderr.write(`${(err as Error).message}\nNothing was synthesized.\n`);
    return 1;
  }
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
  let app;
  try {
    app = synthApp(envs, outdir, { elsewhere: "synthesize elsewhere (cdktf synth --output <dir>, or CDKTF_OUTDIR)" });
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
  // A report, not an error: on stdout, so `cdktf synth` does not label it [ERROR].
  process.stdout.write(`${app.policySummary().join("\n")}\n`);
  return 0;
}

void main().then((code) => (process.exitCode = code));
