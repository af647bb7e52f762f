/**
 * npm run catalog:update
 *
 * Regenerates src/lib/aws-catalog.generated.ts (regions, zones, EC2 instance families) from the AWS
 * data that botocore (the AWS CLI) and moto ship. Run it after upgrading either; a test fails when
 * the checked-in file is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { PROJECT_ROOT } from "../src/app";
import { findCatalogSources, renderCatalog } from "../src/tools/generate/aws-catalog-source";
import { parseArgs, runCli } from "../src/tools/cli";

runCli("usage: npm run catalog:update", async () => {
  parseArgs(process.argv.slice(2), { allowPositionals: false });
  const file = path.join(PROJECT_ROOT, "src", "lib", "aws-catalog.generated.ts");
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = await prettier.format(renderCatalog(findCatalogSources()), { ...options, filepath: file });
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  fs.writeFileSync(file, text);
  console.log(text === before ? "aws-catalog.generated.ts is up to date" : "updated src/lib/aws-catalog.generated.ts");
});
