/**
 * npm run plan:summary -- <plan.json>... [--title <text>] [--json] [--out <file>]
 *
 * Summarizes `terraform show -json` plans for a pull-request comment: counts per stack,
 * destructive changes first, security-sensitive changes in their own section, changed attributes
 * (sensitive values never shown). Values from the plans are escaped: no control character in them
 * reaches the terminal raw. A file's stack is its name without .plan.json, or give
 * <stack>=<file>. --json prints the summary as JSON for bots.
 *
 * A file that is not a plan of JSON format 1.x (what Terraform 1.x writes), or whose resource
 * changes are malformed or carry actions Terraform does not write, is refused: one line on stderr
 * naming the file and the problem, exit status 1, nothing written.
 */
import * as path from "node:path";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { escapeJsonControl } from "../src/lib/text";
import { PlanFormatError, readPlanFile, renderMarkdown, summarizePlans } from "./plan/plan-summary";
import { writeOutputFile } from "./common/private-files";

const USAGE = `
usage: npm run plan:summary -- <plan.json>... [--title <text>] [--json] [--out <file>]

  <plan.json>     terraform show -json output; name it <stack>.plan.json, or pass <stack>=<file>
  --title <text>  heading of the review (default: "Plan")
  --json          print the summary as JSON instead of Markdown
  --out <file>    write to a file instead of stdout
`;

runCli(USAGE, () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), {
    options: { title: { type: "string" }, out: { type: "string" }, json: { type: "boolean" } },
  });
  if (positionals.length === 0) throw new UsageError("give at least one plan JSON file");
  const plans = positionals.map((arg) => {
    const [stack, file] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [path.basename(arg).replace(/(\.plan)?\.json$/, ""), arg];
    try {
      return { stack, file, plan: readPlanFile(file) };
    } catch (err) {
      if (err instanceof PlanFormatError) throw new CliError(err.message);
      throw err;
    }
  });
  const summary = summarizePlans(plans, values.title ?? "Plan");
  // Neither carries a raw control character: the Markdown escapes every value from the plans, and
  // JSON.stringify escapes C0 controls (escapeJsonControl the rest).
  const text = values.json ? `${escapeJsonControl(JSON.stringify(summary, null, 2))}\n` : renderMarkdown(summary);
  if (values.out) writeOutputFile(values.out, text);
  else process.stdout.write(text);
});
