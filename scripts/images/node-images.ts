/**
 * `npm run images:update`: reads the newest AL2023 EKS AMI release of every Kubernetes version of
 * the table from AWS's public SSM parameters, with the AWS CLI, and rewrites the table in
 * src/lib/eks-node-images.ts. Run by hand, never during synth or plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EKS_NODE_IMAGE_RELEASES, imageReleaseProblem, recommendedReleaseParameter } from "../../src/lib/eks-node-images";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../src/lib/eks-versions";
import { CliError } from "../common/cli";
import { runProcess } from "../common/process";
import { hasAwsCredentials, hasInstanceProfile } from "../terraform/credentials";

/** The catalog file, relative to the project root. */
export const NODE_IMAGES_FILE = path.join("src", "lib", "eks-node-images.ts");

/** GetParameters takes at most this many names per call. */
const NAMES_PER_CALL = 10;

/**
 * The releases in an `aws ssm get-parameters --output json` answer for the recommended release of
 * each of `versions`. Fails naming every version whose parameter is missing or holds no release of
 * that version, so a table is never rewritten half-way.
 */
export function parseReleaseParameters(answers: readonly string[], versions: readonly string[]): Record<string, string> {
  const values = new Map<string, string>();
  for (const text of answers) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new CliError(`aws ssm get-parameters did not answer JSON: ${text.trim().split("\n")[0].slice(0, 200)}`);
    }
    const parameters = (doc as { Parameters?: unknown }).Parameters;
    if (!Array.isArray(parameters)) throw new CliError("aws ssm get-parameters answered without a Parameters list");
    for (const p of parameters as { Name?: unknown; Value?: unknown }[]) {
      if (typeof p.Name === "string" && typeof p.Value === "string") values.set(p.Name, p.Value.trim());
    }
  }
  const problems: string[] = [];
  const releases: Record<string, string> = {};
  for (const version of versions) {
    const name = recommendedReleaseParameter(version);
    const value = values.get(name);
    const problem = value === undefined ? "is not there (AWS publishes no AL2023 image for it yet?)" : imageReleaseProblem(value, version);
    if (problem) problems.push(`Kubernetes ${version}: ${name} ${problem}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`);
    else releases[version] = value!;
  }
  if (problems.length > 0) throw new CliError(`the node image table was left unchanged:\n${problems.join("\n")}`);
  return releases;
}

/** `source` (the catalog file) with its table's rows replaced by `releases`, in the order given. */
export function renderNodeImageTable(source: string, releases: Readonly<Record<string, string>>): string {
  const table = /(export const EKS_NODE_IMAGE_RELEASES: [^=]+= \{\n)[^}]*(\};)/;
  if (!table.test(source)) throw new CliError(`${NODE_IMAGES_FILE} has no EKS_NODE_IMAGE_RELEASES table to rewrite`);
  const rows = Object.entries(releases).map(([version, release]) => `  ${JSON.stringify(version)}: ${JSON.stringify(release)},\n`);
  return source.replace(table, (_m, head: string, tail: string) => `${head}${rows.join("")}${tail}`);
}

/** What to do without credentials: the parameters are public, any account's credentials read them. */
const NO_CREDENTIALS = [
  "npm run images:update reads AWS's public SSM parameters and needs AWS credentials (of any account), and none were found.",
  "Provide them the way the AWS CLI takes them, for example:",
  "  aws sso login --profile <profile> && export AWS_PROFILE=<profile>",
  "  export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... [AWS_SESSION_TOKEN=...]",
  `Nothing was changed; ${NODE_IMAGES_FILE} keeps its releases.`,
].join("\n");

/** One version's change of release. */
export interface ReleaseChange {
  readonly version: string;
  /** undefined for a version the table did not list. */
  readonly from: string | undefined;
  readonly to: string;
}

/**
 * Reads the newest release of every Kubernetes version the project supports (`eks-versions.ts`:
 * a version added there gets its row) and rewrites the table under `root`.
 * The AWS CLI (`aws`) takes its region, endpoint and credentials from `env`; the region defaults
 * to us-east-1 (the parameters are the same in every region).
 */
export async function updateNodeImages(opts: {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly aws?: string;
}): Promise<ReleaseChange[]> {
  if (!hasAwsCredentials(opts.env) && !(await hasInstanceProfile(opts.env))) throw new CliError(NO_CREDENTIALS);
  const versions = SUPPORTED_KUBERNETES_VERSIONS;
  const region = opts.env.AWS_REGION ?? opts.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const answers: string[] = [];
  for (let i = 0; i < versions.length; i += NAMES_PER_CALL) {
    const names = versions.slice(i, i + NAMES_PER_CALL).map(recommendedReleaseParameter);
    const run = await runProcess(
      opts.aws ?? "aws",
      ["ssm", "get-parameters", "--names", ...names, "--region", region, "--output", "json"],
      { cwd: opts.root, env: opts.env, timeoutMs: 60_000 },
    ).catch((err: Error) => {
      throw new CliError(`the AWS CLI could not be run (${err.message}); install it (pip install awscli) and try again`);
    });
    if (run.code !== 0) throw new CliError(`aws ssm get-parameters failed (exit ${run.code}): ${run.stderr.trim()}`);
    answers.push(run.stdout);
  }
  const releases = parseReleaseParameters(answers, versions);
  const file = path.join(opts.root, NODE_IMAGES_FILE);
  const before = fs.readFileSync(file, "utf8");
  const after = renderNodeImageTable(before, releases);
  if (after !== before) fs.writeFileSync(file, after);
  return versions
    .filter((v) => EKS_NODE_IMAGE_RELEASES[v] !== releases[v])
    .map((version) => ({ version, from: EKS_NODE_IMAGE_RELEASES[version], to: releases[version] }));
}
