/**
 * npm run deploy:emulated -- <env> [--destroy]
 *
 * Deploys <env> for real against an emulated AWS (moto on 127.0.0.1), in the user's order:
 * `cdktf deploy <env>-backend` with local state, `backend:migrate` into the bucket it created,
 * `cdktf deploy <env>-platform` on its S3 backend; then a second plan of both (which must be empty)
 * and a token from the rendered kubeconfig. Nothing reaches AWS; the project's cdktf.out and
 * terraform-state/ are untouched (everything lives in .emulated/<env>/, and the server is stopped).
 */
import * as path from "node:path";
import { loadEnvs, PROJECT_ROOT } from "../src/app";
import { CliError, parseArgs, runCli, UsageError } from "../src/tools/cli";
import { runEmulatedDeploy } from "../src/tools/emulator/emulated-workflow";

const USAGE = `
usage: npm run deploy:emulated -- <env> [--destroy]

  <env>       an environment of envs/
  --destroy   afterwards, destroy the platform stack too (protected resources stay, as on AWS)
`;

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), { options: { destroy: { type: "boolean" } } });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name the environment" : "name exactly one environment");
  const envs = await loadEnvs();
  const env = envs.find((e) => e.name === positionals[0]);
  if (!env) throw new UsageError(`no environment "${positionals[0]}" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`);
  if (env.backend.kind === "hcp")
    throw new UsageError(
      `environment "${env.name}" keeps its state in HCP Terraform (backend.kind "hcp"), which the emulator cannot stand in for; deploy:emulated needs backend.kind "s3"`,
    );
  const report = await runEmulatedDeploy(env, {
    root: path.join(PROJECT_ROOT, ".emulated", env.name),
    projectRoot: PROJECT_ROOT,
    destroy: values.destroy,
    log: (line) => console.log(line),
  });
  for (const line of report.summary) console.log(line);
  if (report.failures.length > 0) throw new CliError(report.failures.join("\n"));
});
