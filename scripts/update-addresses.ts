/**
 * npm run addresses:update
 *
 * Records the Terraform addresses of every stack of the sample environments in
 * __tests__/contract/addresses.json, and regenerates the docs that list the sample stacks (the
 * emulator-gap table), so adding an environment is this one command. Run it only when an address change is intended, and pair each
 * rename with a `moved` block or `terraform state mv`, or Terraform destroys and recreates it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp, loadEnvs, PROJECT_ROOT } from "../src/app";
import { addressDiff, addressesOf } from "../src/tools/generate/addresses";
import { generatedDocs } from "../src/tools/generate/docs";
import { parseArgs, runCli } from "../src/tools/cli";

const USAGE =
  "usage: npm run addresses:update\n\nRecords the Terraform addresses of the sample environments (__tests__/contract/addresses.json) and regenerates docs/.";

runCli(USAGE, async () => {
  parseArgs(process.argv.slice(2), { allowPositionals: false });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "addresses-"));
  buildApp(await loadEnvs(), outdir).app.synth();
  const current = addressesOf(outdir);
  const file = path.join(PROJECT_ROOT, "__tests__", "contract", "addresses.json");
  const recorded = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string[]>) : {};
  const diff = addressDiff(recorded, current);
  fs.writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
  fs.rmSync(outdir, { recursive: true, force: true });
  console.log(diff.length === 0 ? "addresses unchanged" : `updated ${path.relative(process.cwd(), file)}:\n${diff.join("\n")}`);
  for (const doc of await generatedDocs()) {
    if (doc.after === doc.before) continue;
    fs.writeFileSync(path.join(PROJECT_ROOT, doc.file), doc.after);
    console.log(`updated ${doc.file}`);
  }
});
