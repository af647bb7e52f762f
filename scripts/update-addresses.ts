/**
 * npm run addresses:update
 *
 * Records the Terraform addresses of every stack of the environments of envs/ in
 * __tests__/contract/addresses.json: after adding an environment, and when an address change is
 * intended (pair each rename with a `moved` block or `terraform state mv`, or Terraform destroys
 * and recreates the resource).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as prettier from "prettier";
import { buildApp, loadEnvs, PROJECT_ROOT } from "../src/app";
import { addressDiff, addressesOf } from "./generate/addresses";
import { parseArgs, runCli } from "./common/cli";
import { writeOutputFile } from "./common/private-files";

const USAGE =
  "usage: npm run addresses:update\n\nRecords the Terraform addresses of every stack of the environments of envs/ in __tests__/contract/addresses.json.";

runCli(USAGE, async () => {
  parseArgs(process.argv.slice(2), { allowPositionals: false });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "addresses-"));
  buildApp(await loadEnvs(), outdir).app.synth();
  const current = addressesOf(outdir);
  const file = path.join(PROJECT_ROOT, "__tests__", "contract", "addresses.json");
  const recorded = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string[]>) : {};
  const diff = addressDiff(recorded, current);
  // Formatted as npm run lint wants it: a stack with few addresses (a workloads stack with nothing
  // to install) fits on one line.
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeOutputFile(file, await prettier.format(JSON.stringify(current, null, 2), { ...options, parser: "json" }));
  fs.rmSync(outdir, { recursive: true, force: true });
  console.log(diff.length === 0 ? "addresses unchanged" : `updated ${path.relative(process.cwd(), file)}:\n${diff.join("\n")}`);
});
