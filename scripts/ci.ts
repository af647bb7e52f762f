/**
 * The helper of `.github/workflows/*.yml`:
 *
 *   tsx scripts/ci.ts matrix plan                 the plan matrix: envs with ci.planRoleArn
 *   tsx scripts/ci.ts matrix deploy [--env <e>]   the deploy matrix: envs with ci.deployRoleArn
 *   tsx scripts/ci.ts comment <env> --dir <d> --status success|failure [--run-url <u>] [--commit <sha>]
 *                                                 the pull-request comment of <env>, from the files in <d>
 *
 * `matrix` prints `matrix=<json>` and `count=<n>` lines for $GITHUB_OUTPUT.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvs } from "../src/app";
import { commentBody, deployMatrix, planMatrix } from "../src/lib/ci";
import { CliError, parseArgs, runCli, UsageError } from "../src/lib/cli";

const USAGE = `
usage: tsx scripts/ci.ts matrix plan
       tsx scripts/ci.ts matrix deploy [--env <env>]
       tsx scripts/ci.ts comment <env> --dir <plans dir> --status success|failure [--run-url <url>] [--commit <sha>]
`;

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), { valued: ["env", "dir", "status", "run-url", "commit"] });
  const [command, what, ...rest] = args.positional;
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  if (command === "matrix") {
    if (what !== "plan" && what !== "deploy") throw new UsageError('matrix takes "plan" or "deploy"');
    const envs = await loadEnvs();
    let matrix;
    try {
      matrix = what === "plan" ? planMatrix(envs) : deployMatrix(envs, (args.flags.get("env") as string | undefined) || undefined);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    process.stdout.write(`matrix=${JSON.stringify(matrix)}\ncount=${matrix.include.length}\n`);
    return;
  }
  if (command === "comment") {
    if (!what) throw new UsageError("name the environment");
    const dir = args.flags.get("dir") as string | undefined;
    const status = args.flags.get("status");
    if (!dir) throw new UsageError("--dir is required");
    if (status !== "success" && status !== "failure") throw new UsageError('--status must be "success" or "failure"');
    process.stdout.write(
      commentBody({
        env: what,
        ok: status === "success",
        summary: readIfExists(path.join(dir, `${what}.summary.md`)),
        audit: readIfExists(path.join(dir, "audit.md")),
        log: readIfExists(path.join(dir, "plan.log")),
        runUrl: args.flags.get("run-url") as string | undefined,
        commit: args.flags.get("commit") as string | undefined,
      }),
    );
    return;
  }
  throw new UsageError(command ? `unknown command ${command}` : "name a command: matrix or comment");
});
