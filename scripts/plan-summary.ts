/**
 * npm run plan:summary -- <plan.json>... [--title <text>] [--json] [--out <file>]
 *
 * Summarizes `terraform show -json` plans for a pull-request comment: counts per stack,
 * destructive changes first, security-sensitive changes in their own section, changed attributes
 * (sensitive values never shown). A file's stack is its name without .plan.json, or give
 * <stack>=<file>. --json prints the summary as JSON for bots.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError, parseArgs, runCli, UsageError } from "../src/lib/cli";
import { renderMarkdown, summarizePlans, type PlanJson } from "../src/lib/plan-summary";

const USAGE = `
usage: npm run plan:summary -- <plan.json>... [--title <text>] [--json] [--out <file>]

  <plan.json>     terraform show -json output; name it <stack>.plan.json, or pass <stack>=<file>
  --title <text>  heading of the review (default: "Plan")
  --json          print the summary as JSON instead of Markdown
  --out <file>    write to a file instead of stdout
`;

runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), { valued: ["title", "out"], switches: ["json"] });
  if (args.positional.length === 0) throw new UsageError("give at least one plan JSON file");
  const plans = args.positional.map((arg) => {
    const [stack, file] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [path.basename(arg).replace(/(\.plan)?\.json$/, ""), arg];
    let plan: PlanJson;
    try {
      plan = JSON.parse(fs.readFileSync(file, "utf8")) as PlanJson;
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message.split("\n")[0]}`);
    }
    if (typeof plan !== "object" || plan === null || !("format_version" in plan)) {
      throw new CliError(`${file} is not terraform show -json output (no format_version)`);
    }
    return { stack, plan };
  });
  const summary = summarizePlans(plans, (args.flags.get("title") as string | undefined) ?? "Plan");
  const text = args.flags.has("json") ? `${JSON.stringify(summary, null, 2)}\n` : renderMarkdown(summary);
  const out = args.flags.get("out") as string | undefined;
  if (out) fs.writeFileSync(out, text);
  else process.stdout.write(text);
});
