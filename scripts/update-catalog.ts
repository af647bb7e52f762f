/**
 * npm run catalog:update [-- --responses <dir>]
 *
 * Regenerates the version catalogs:
 * - src/lib/aws-catalog.generated.ts (regions, zones, EC2 instance families) from the AWS data that
 *   botocore (the AWS CLI) and moto ship: run it after upgrading either; a test fails when the
 *   checked-in file is stale;
 * - with AWS credentials (any account: the calls read public EKS data), the EKS tables
 *   src/lib/eks-versions.generated.ts and eks-addons.generated.ts from `aws eks
 *   describe-cluster-versions` and `describe-addon-versions` (scripts/generate/eks-catalog.ts);
 *   `--responses <dir>` replays recorded responses instead.
 * Each file is written atomically, and only when it changes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { PROJECT_ROOT } from "../src/app";
import { EKS_ADDON_VERSIONS } from "../src/lib/eks-addons";
import { findCatalogSources, renderCatalog } from "./generate/aws-catalog-source";
import { awsCliApi, refreshEksTables, renderEksAddons, renderEksVersions, replayedAws } from "./generate/eks-catalog";
import { parseArgs, runCli } from "./common/cli";
import { writeFileAtomic } from "./common/private-files";
import { hasAwsCredentials, hasInstanceProfile } from "./terraform/credentials";

const USAGE = [
  "usage: npm run catalog:update [-- --responses <dir>]",
  "",
  "Regenerates src/lib/aws-catalog.generated.ts from botocore and moto, and, with AWS credentials, the EKS",
  "version and add-on tables from aws eks describe-cluster-versions and describe-addon-versions.",
  "  --responses <dir>  replay the AWS CLI's recorded responses from <dir> instead of calling AWS (docs/ci.md)",
].join("\n");

/** Writes `text`, formatted as `npm run lint` wants it, to src/lib/<name>; says whether it changed. */
async function write(name: string, text: string): Promise<void> {
  const file = path.join(PROJECT_ROOT, "src", "lib", name);
  const options = (await prettier.resolveConfig(file)) ?? {};
  const formatted = await prettier.format(text, { ...options, filepath: file });
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (formatted === before) {
    console.log(`${name} is up to date`);
    return;
  }
  writeFileAtomic(file, formatted, 0o644);
  console.log(`updated src/lib/${name}`);
}

runCli(USAGE, async () => {
  const { values } = parseArgs(process.argv.slice(2), { options: { responses: { type: "string" } }, allowPositionals: false });
  const api = values.responses
    ? replayedAws(path.resolve(values.responses))
    : hasAwsCredentials() || (await hasInstanceProfile())
      ? awsCliApi(process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1")
      : undefined;
  await write("aws-catalog.generated.ts", renderCatalog(findCatalogSources()));
  if (!api) {
    console.log(
      "EKS tables not refreshed: no AWS credentials found (export AWS_PROFILE=<profile>, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for any account), or replay recorded responses with --responses <dir>",
    );
    return;
  }
  const { tables, notes } = await refreshEksTables(EKS_ADDON_VERSIONS, api);
  for (const note of notes) console.log(note);
  await write("eks-versions.generated.ts", renderEksVersions(tables.versions));
  await write("eks-addons.generated.ts", renderEksAddons(tables.addons));
});
