/**
 * npm run upgrade -- <env> [--to <minor>] [--dry-run]
 *
 * Moves an environment's cluster exactly one Kubernetes minor up: refuses what EKS would not do (a
 * target outside the version table or past its support window, a jump, a downgrade), lists the
 * versions that change with it, runs the offline checks, edits `kubernetesVersion` in the
 * environment's file, then runs `npm run plan -- <env>` when AWS credentials are found (or says to,
 * once they are). Exit 0 done, 1 refused or failed, 2 bad arguments.
 */
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/app";
import { envsDir } from "../src/config";
import { supportToday } from "../src/lib/eks-versions";
import { installSignalHandlers } from "../src/lib/interrupts";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { runProcess } from "./common/process";
import { hasAwsCredentials } from "./terraform/credentials";
import { upgradeEnvironment } from "./upgrade/upgrade";

const USAGE = `
usage: npm run upgrade -- <env> [--to <minor>] [--dry-run]

  <env>          an environment of envs/
  --to <minor>   the Kubernetes version to move to (default: the current one plus one minor);
                 one minor at a time, never down
  --dry-run      print the checks, the versions that change and the edit; write nothing

Order and what to watch: docs/upgrades.md.
`;

installSignalHandlers();

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), {
    options: { to: { type: "string" }, "dry-run": { type: "boolean" } },
  });
  if (positionals.length === 0) throw new UsageError("name the environment");
  if (positionals.length > 1) throw new UsageError("name exactly one environment");
  const env = positionals[0];
  let today: string;
  try {
    today = supportToday();
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const report = await upgradeEnvironment({
    env,
    to: values.to,
    dryRun: values["dry-run"],
    envsDir: envsDir(PROJECT_ROOT),
    today,
  });
  const out = (line = "") => console.log(line);
  out(`${env}: Kubernetes ${report.from} -> ${report.to}`);
  out("checks passed:");
  for (const c of report.checks) out(`  ${c}`);
  out(report.changes.length > 0 ? "changes with the version:" : "no add-on, image or node image version changes with it");
  for (const c of report.changes) out(`  ${c.what} ${c.name}: ${c.from} -> ${c.to}`);
  for (const w of report.warnings) out(`warning: ${w}`);
  const edit = report.edit;
  if (!("text" in edit)) {
    throw new CliError(`not edited: ${edit.instruction}; then run npm run plan -- ${env} and deploy`);
  }
  const where = `${report.file}:${edit.line}: ${edit.before} -> ${edit.after}`;
  if (values["dry-run"]) {
    out(`would edit ${where}`);
    out("dry run: nothing was written");
    return 0;
  }
  out(`edited ${where}`);
  if (!hasAwsCredentials()) {
    out(`no AWS credentials found: once they are, run npm run plan -- ${env} and review the plan before deploying (docs/upgrades.md)`);
    return 0;
  }
  // The same program as `npm run plan -- <env>`, reading the edited file.
  out(`planning: npm run plan -- ${env}`);
  const plan = await runProcess(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "plan.ts"), env], {
    cwd: process.cwd(),
    env: process.env,
    timeoutMs: 3_600_000,
    onOutput: (chunk, stream) => (stream === "stdout" ? process.stdout : process.stderr).write(chunk),
  });
  if (plan.code !== 0)
    throw new CliError(`npm run plan -- ${env} failed (exit ${plan.code}); the file is edited: fix the cause and run it again`);
  out(`review the plan (plans/${env}/${env}.summary.md) before deploying: npm run deploy -- '${env}-*'`);
  return 0;
});
