/**
 * npm run plan -- <env> [stack...] [--offline] [--caller-credentials] [--out <dir>] [--changed <git-ref>] [--detailed-exitcode]
 * npm run plan -- --changed <git-ref> [--offline] [--caller-credentials] [--out <dir>]
 *
 * Synthesizes, then for each stack of <env> (or the ones named: backend, platform, workloads or
 * their ids) runs terraform init, plan -out and show -json, and writes a Markdown review.
 * With AWS credentials: real plans against the environment's S3 backend (read-only, -lock=false).
 * With --offline, or when no credentials are found (said loudly): a preview against an empty state.
 * With --changed, only the stacks whose synthesized JSON differs from the ref's (every environment
 * when none is named); the others are listed as skipped.
 * Interrupted (SIGINT, SIGTERM), it stops Terraform and its plugins, removes the work folder and
 * exits 130 (143).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvs, outputDir, PolicyViolationError, PROJECT_ROOT, synthApp } from "../src/app";
import { compareOutputs, synthesizeRef } from "./plan/changed";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { codeSpan } from "./common/markdown";
import { planEnvironment } from "./plan/plan";
import { writeFileAtomic } from "./common/private-files";
import { installSignalHandlers } from "../src/lib/interrupts";
import { escapeJsonControl } from "../src/lib/text";
import { renderMarkdown, summarizePlans, type PlanJson } from "./plan/plan-summary";

const USAGE = `
usage: npm run plan -- <env> [stack...] [--offline] [--caller-credentials] [--out <dir>] [--changed <git-ref>] [--detailed-exitcode]
       npm run plan -- --changed <git-ref> [--offline] [--caller-credentials] [--out <dir>]

  <env>                 an environment of envs/ (with --changed: default every environment)
  stack...              backend, platform, workloads (or their ids); default: all of them
  --offline             preview against an empty state, without AWS (the default when no credentials are found)
  --caller-credentials  use the credentials as they are, without the config's assumeRole (CI plan roles)
  --out <dir>           where plans, plan JSON and the review go (default: plans/<env>; with several
                        environments, <dir>/<env>)
  --detailed-exitcode   as terraform plan's: exit 0 when nothing would change, 2 when something would
                        (drift, with the review written), 1 on an error
  --changed <git-ref>   plan only the stacks whose synthesized JSON differs from that commit's
`;

// Ctrl-C (or SIGTERM) stops Terraform and its plugins, removes the work folder, and exits 130 (143).
installSignalHandlers();

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), {
    options: {
      out: { type: "string" },
      changed: { type: "string" },
      offline: { type: "boolean" },
      "caller-credentials": { type: "boolean" },
      "detailed-exitcode": { type: "boolean" },
    },
  });
  const [envName, ...stacks] = positionals;
  const ref = values.changed;
  if (!envName && !ref) throw new UsageError("name the environment");
  const envs = await loadEnvs();
  if (envName && !envs.some((e) => e.name === envName))
    throw new UsageError(`no environment "${envName}" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`);

  const started = Date.now();
  const synthDir = outputDir();
  try {
    synthApp(envs, synthDir, { projectRoot: PROJECT_ROOT });
  } catch (err) {
    if (err instanceof PolicyViolationError) throw new CliError(err.message);
    throw err;
  }
  console.log(`synthesized ${envs.length} environments in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  // What to plan: the named environment's stacks, or (with --changed) only those that changed.
  let targets = (envName ? [envName] : envs.map((e) => e.name)).map((env) => ({ env, stacks }));
  if (ref) {
    let base;
    try {
      base = await synthesizeRef(PROJECT_ROOT, ref, synthDir);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    try {
      const { changed } = compareOutputs(synthDir, base.out);
      const skipped: string[] = [];
      targets = targets.flatMap((t) => {
        const chosen = changed.filter(
          (id) => id.startsWith(`${t.env}-`) && (t.stacks.length === 0 || t.stacks.some((k) => id === k || id === `${t.env}-${k}`)),
        );
        if (chosen.length === 0) skipped.push(t.env);
        return chosen.length > 0 ? [{ env: t.env, stacks: chosen }] : [];
      });
      console.log(
        `changed since ${ref}: ${changed.length > 0 ? changed.join(", ") : "nothing"}` +
          (skipped.length > 0 ? `; not planned, nothing changed: ${skipped.join(", ")}` : ""),
      );
    } finally {
      base.remove();
    }
  }

  const failures: string[] = [];
  let changes = false;
  const outFlag = values.out;
  const modes = { offline: values.offline, callerCredentials: values["caller-credentials"] };
  for (const target of targets) {
    const outDir = path.resolve(
      outFlag ? (targets.length > 1 || !envName ? path.join(outFlag, target.env) : outFlag) : path.join(PROJECT_ROOT, "plans", target.env),
    );
    const result = await planOne(target.env, target.stacks, outDir, synthDir, modes, started);
    failures.push(...result.failures);
    changes ||= result.changes;
  }
  if (failures.length > 0) throw new CliError(failures.join("\n"));
  return values["detailed-exitcode"] && changes ? 2 : 0;
});

/** Plans one environment's stacks and writes its review; returns Terraform's failures and whether anything would change. */
async function planOne(
  envName: string,
  stacks: string[],
  outDir: string,
  synthDir: string,
  modes: { readonly offline: boolean; readonly callerCredentials: boolean },
  started: number,
): Promise<{ failures: string[]; changes: boolean }> {
  const run = await planEnvironment({
    env: envName,
    stacks,
    offline: modes.offline,
    callerCredentials: modes.callerCredentials,
    synthDir,
    outDir,
    log: (l) => console.log(l),
  });
  const planned = run.plans.filter((p) => p.jsonFile);
  const failed = run.plans.filter((p) => p.failed);
  const notes = [
    run.mode === "offline" ? "Offline preview against an empty state: what a first deploy creates, not a diff against AWS." : "",
    failed.length > 0
      ? `**Not planned, Terraform failed:** ${failed.map((p) => codeSpan(p.stack)).join(", ")}; the error is in the run's log.`
      : "",
  ].filter(Boolean);
  const summary = summarizePlans(
    planned.map((p) => ({ stack: p.stack, plan: JSON.parse(fs.readFileSync(p.jsonFile!, "utf8")) as PlanJson, file: p.jsonFile })),
    `Plan: ${envName}${run.mode === "offline" ? " (offline preview)" : ""}`,
    notes.length > 0 ? notes.join(" ") : undefined,
  );
  const markdown = renderMarkdown(summary);
  writeFileAtomic(path.join(outDir, `${envName}.summary.md`), markdown);
  writeFileAtomic(path.join(outDir, `${envName}.summary.json`), `${escapeJsonControl(JSON.stringify(summary, null, 2))}\n`);
  const t = summary.totals;
  console.log(
    `${envName}: ${t.create} to create, ${t.update} to update, ${t.replace} to replace, ${t.destroy} to destroy${t.forget ? `, ${t.forget} to forget` : ""} in ${planned.length} stack(s); ` +
      `review: ${path.relative(process.cwd(), path.join(outDir, `${envName}.summary.md`))} (total ${((Date.now() - started) / 1000).toFixed(1)}s)`,
  );
  const changes = t.create + t.update + t.replace + t.destroy + t.forget > 0;
  return { failures: failed.map((p) => p.failed!), changes };
}
