/**
 * The helper of `.github/workflows/*.yml`:
 *
 *   tsx scripts/ci.ts matrix plan [--changed <ref>]   the plan matrix: envs with ci.planRoleArn (with
 *                                                 --changed, only the stacks whose synthesized JSON
 *                                                 differs from <ref>'s; `skipped=` lists the others)
 *   tsx scripts/ci.ts skipped-comment --skipped <json> --base <sha>
 *                                                 the comment naming the environments not planned
 *   tsx scripts/ci.ts matrix deploy [--env <e>]   the deploy matrix: envs with ci.deployRoleArn
 *   tsx scripts/ci.ts comment <env> --dir <d> --status success|failure [--run-url <u>] [--commit <sha>]
 *                                                 the pull-request comment of <env>, from the files in <d>
 *
 * `matrix` prints `matrix=<json>` and `count=<n>` lines for $GITHUB_OUTPUT.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp, loadEnvs, PROJECT_ROOT } from "../src/app";
import type { EnvConfig } from "../src/config";
import { compareOutputs, synthesizeRef } from "./plan/changed";
import { commentBody, deployMatrix, driftIssueBody, planMatrix, skippedCommentBody } from "./ci/ci";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";

const USAGE = `
usage: tsx scripts/ci.ts matrix plan [--changed <git-ref>]
       tsx scripts/ci.ts skipped-comment --skipped <json list> --base <sha>
       tsx scripts/ci.ts matrix deploy [--env <env>]
       tsx scripts/ci.ts comment <env> --dir <plans dir> --status success|failure [--run-url <url>] [--commit <sha>]
       tsx scripts/ci.ts drift-issue <env> --dir <plans dir> [--run-url <url>]
`;

/** The stacks whose synthesized JSON differs from `ref`'s (or that it does not have). */
async function changedSince(envs: readonly EnvConfig[], ref: string): Promise<string[]> {
  const current = fs.mkdtempSync(path.join(os.tmpdir(), "eks-ci-"));
  const base = await synthesizeRef(PROJECT_ROOT, ref);
  try {
    buildApp(envs, current).app.synth();
    return compareOutputs(current, base.out).changed;
  } finally {
    base.remove();
    fs.rmSync(current, { recursive: true, force: true });
  }
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), {
    options: {
      env: { type: "string" },
      dir: { type: "string" },
      status: { type: "string" },
      "run-url": { type: "string" },
      commit: { type: "string" },
      changed: { type: "string" },
      skipped: { type: "string" },
      base: { type: "string" },
    },
  });
  const [command, what, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  if (command === "matrix") {
    if (what !== "plan" && what !== "deploy") throw new UsageError('matrix takes "plan" or "deploy"');
    const envs = await loadEnvs();
    const ref = values.changed;
    if (ref && what !== "plan") throw new UsageError("--changed applies to the plan matrix only");
    let matrix;
    let skipped: string[] | undefined;
    try {
      if (what === "plan") {
        const planned = planMatrix(envs, ref ? await changedSince(envs, ref) : undefined);
        matrix = { include: planned.include };
        skipped = planned.skipped;
      } else matrix = deployMatrix(envs, values.env);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    process.stdout.write(
      `matrix=${JSON.stringify(matrix)}\ncount=${matrix.include.length}\n${skipped ? `skipped=${JSON.stringify(skipped)}\n` : ""}`,
    );
    return;
  }
  if (command === "skipped-comment") {
    const { skipped, base } = values;
    if (!skipped || !base) throw new UsageError("--skipped and --base are required");
    let list: unknown;
    try {
      list = JSON.parse(skipped);
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list) || !list.every((e) => typeof e === "string")) throw new UsageError("--skipped must be a JSON list of names");
    process.stdout.write(skippedCommentBody(list, base));
    return;
  }
  if (command === "comment") {
    if (!what) throw new UsageError("name the environment");
    const { dir, status } = values;
    if (!dir) throw new UsageError("--dir is required");
    if (status !== "success" && status !== "failure") throw new UsageError('--status must be "success" or "failure"');
    process.stdout.write(
      commentBody({
        env: what,
        ok: status === "success",
        summary: readIfExists(path.join(dir, `${what}.summary.md`)),
        audit: readIfExists(path.join(dir, "audit.md")),
        log: readIfExists(path.join(dir, "plan.log")),
        runUrl: values["run-url"],
        commit: values.commit,
      }),
    );
    return;
  }
  if (command === "drift-issue") {
    if (!what) throw new UsageError("name the environment");
    if (!values.dir) throw new UsageError("--dir is required");
    const summary = readIfExists(path.join(values.dir, `${what}.summary.md`));
    if (summary === undefined) throw new CliError(`no review ${path.join(values.dir, `${what}.summary.md`)}: the plan did not finish`);
    process.stdout.write(driftIssueBody({ env: what, summary, runUrl: values["run-url"] }));
    return;
  }
  throw new UsageError(command ? `unknown command ${command}` : "name a command: matrix, comment, skipped-comment or drift-issue");
});
