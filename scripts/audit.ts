/**
 * npm run audit -- <env> [--out <file>]
 *
 * Synthesizes, then prints a compact inventory of <env>'s stacks from cdktf.out: resources by
 * type, public endpoints, IAM roles and their trust, ingress from CIDRs, and a Mermaid diagram of
 * the main resources and the links between stacks (GitHub renders it in a PR comment).
 */
import { loadEnvs, outputDir, PolicyViolationError, synthApp, PROJECT_ROOT } from "../src/app";
import { auditMarkdown } from "./audit/audit";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { writeOutputFile } from "./common/private-files";

const USAGE = `
usage: npm run audit -- <env> [--out <file>]

  <env>         an environment of envs/
  --out <file>  write the Markdown here instead of printing it
`;

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), { options: { out: { type: "string" } } });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name the environment" : "name exactly one environment");
  const envs = await loadEnvs();
  const env = positionals[0];
  if (!envs.some((e) => e.name === env))
    throw new UsageError(`no environment "${env}" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`);
  const outdir = outputDir();
  try {
    // Written atomically, as npm run synth writes it: a kill or a second run never leaves a mix.
    synthApp(envs, outdir, { projectRoot: PROJECT_ROOT });
  } catch (err) {
    if (err instanceof PolicyViolationError) throw new CliError(err.message);
    throw err;
  }
  const markdown = auditMarkdown(outdir, env);
  if (values.out) writeOutputFile(values.out, markdown);
  else process.stdout.write(markdown);
});
