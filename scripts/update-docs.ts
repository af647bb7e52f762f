/**
 * npm run docs:update
 *
 * Regenerates the parts of the README that come from the code: the emulator-gap table (which gap
 * touches how many resources of each sample stack). A test fails when the checked-in text is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/app";
import { runCli, UsageError } from "../src/lib/cli";
import { generatedGapsTable } from "../src/lib/docs";

runCli("usage: npm run docs:update", async () => {
  if (process.argv.length > 2) throw new UsageError(`unexpected argument ${process.argv[2]}`);
  const file = path.join(PROJECT_ROOT, "README.md");
  const before = fs.readFileSync(file, "utf8");
  const after = await generatedGapsTable(before);
  fs.writeFileSync(file, after);
  console.log(after === before ? "README.md is up to date" : "updated README.md");
});
