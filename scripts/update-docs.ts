/**
 * npm run docs:update
 *
 * Regenerates the parts of docs/ that come from the code: the configuration reference
 * (docs/configuration.md, from the schema's metadata) and its JSON Schema (docs/env.schema.json), the policy-rule table (docs/policy.md,
 * from the rule pack) and the emulator-gap table (docs/testing.md: which gap touches how many
 * resources of each sample stack). A test fails when the checked-in text is stale.
 */
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/app";
import { parseArgs, runCli } from "./common/cli";
import { generatedDocs } from "./generate/docs";
import { writeOutputFile } from "./common/private-files";

runCli("usage: npm run docs:update", async () => {
  parseArgs(process.argv.slice(2), { allowPositionals: false });
  for (const { file, before, after } of await generatedDocs()) {
    if (after !== before) writeOutputFile(path.join(PROJECT_ROOT, file), after);
    console.log(after === before ? `${file} is up to date` : `updated ${file}`);
  }
});
