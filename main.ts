/**
 * The CDKTF app: validates every environment in envs/, then synthesizes its stacks.
 * Run by `cdktf synth` (see cdktf.json) or directly: `npm run synth:app` (`node --import tsx main.ts`).
 */
import "./src/boot";
import { buildApp, loadEnvs, PolicyViolationError } from "./src/app";
import { EnvConfigError } from "./src/config";

async function main(): Promise<number> {
  let envs;
  try {
    envs = await loadEnvs();
  } catch (err) {
    if (err instanceof EnvConfigError) {
      process.stderr.write(`${err.message}\nNothing was synthesized.\n`);
      return 1;
    }
    process.stderr.write(`${(err as Error).message}\nNothing was synthesized.\n`);
    return 1;
  }
  const { app } = buildApp(envs);
  try {
    app.synth();
  } catch (err) {
    if (err instanceof PolicyViolationError) {
      process.stderr.write(`${err.message}\nNothing was synthesized.\n`);
      return 1;
    }
    throw err;
  }
  process.stderr.write(`${app.policySummary().join("\n")}\n`);
  return 0;
}

void main().then((code) => (process.exitCode = code));
