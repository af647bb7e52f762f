/**
 * The app as `cdktf synth` runs it: a process that validates every environment first and writes
 * nothing unless all are valid.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/app";
import { baseInput, envFileText } from "./helpers/synth";

function runApp(
  envFiles: Record<string, string>,
  prepare: (envsDir: string) => void = () => undefined,
): { code: number | null; stdout: string; stderr: string; outdir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-main-"));
  const envs = path.join(dir, "envs");
  fs.mkdirSync(envs);
  for (const [name, text] of Object.entries(envFiles)) fs.writeFileSync(path.join(envs, name), text);
  prepare(envs);
  const outdir = path.join(dir, "cdktf.out");
  // Exactly the app command of cdktf.json, as cdktf-cli runs it.
  const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
  const run = spawnSync("sh", ["-c", app], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EKS_ENVS_DIR: envs, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, outdir };
}

/** An environment file of the shared minimal environment (with its cluster admin), fields overridden. */
const envFile = (fields: Parameters<typeof baseInput>[0]) => envFileText(baseInput(fields));
const good = envFile({ name: "one" });

describe("main.ts", () => {
  it("synthesizes every stack of every valid environment", () => {
    const { code, outdir } = runApp({ "one.ts": good });
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["one-backend", "one-platform", "one-workloads"]);
  });

  it("needs no Terraform to synthesize, moved blocks included (cdktf's own moves would run terraform version)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-main-noterraform-"));
    fs.writeFileSync(path.join(dir, "terraform"), `#!/bin/sh\necho called >> "${dir}/called"\nexit 1\n`, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, "envs"));
    // API access CIDRs: their rules carry moved blocks from earlier addresses.
    fs.writeFileSync(path.join(dir, "envs", "one.ts"), envFile({ name: "one", eks: { apiAccess: { cidrs: ["10.99.0.0/24"] } } }));
    const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
    const run = spawnSync("sh", ["-c", app], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        PATH: `${dir}${path.delimiter}${process.env.PATH}`,
        EKS_ENVS_DIR: path.join(dir, "envs"),
        CDKTF_OUTDIR: path.join(dir, "out"),
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, "called"))).toBe(false);
    const platform = JSON.parse(fs.readFileSync(path.join(dir, "out", "stacks", "one-platform", "cdk.tf.json"), "utf8")) as {
      moved?: { from: string; to: string }[];
    };
    expect(platform.moved).toContainEqual({
      from: "aws_vpc_security_group_ingress_rule.eks_api_from_cidr_0",
      to: "aws_vpc_security_group_ingress_rule.eks_api_from_cidr_10_99_0_0_24",
    });
  });

  it("reports every problem of every environment, exits non-zero and writes nothing", () => {
    const { code, stderr, outdir } = runApp({
      "one.ts": good,
      "qa.ts": envFile({ name: "qa", availabilityZones: ["eu-west-1a"], accountId: "42" }),
      "ops.ts": envFile({ name: "ops", project: "Fixture" }),
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      [
        "invalid environment configuration (3 problems):",
        'env "ops": project makes the state bucket name "Fixture-ops-tfstate" invalid: S3 bucket names allow only lowercase letters, digits and hyphens (got "Fixture")',
        'env "qa": accountId must be exactly 12 digits (got "42")',
        'env "qa": availabilityZones must list at least two zones: EKS needs subnets in two availability zones (got ["eu-west-1a"])',
        "Nothing was synthesized.",
        "",
      ].join("\n"),
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("names an environment file that does not load, without a stack trace", () => {
    const { code, stderr, outdir } = runApp({ "one.ts": good, "broken.ts": "export default { name: " });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^\S*broken\.ts:1:23: syntax error: Unexpected end of file\nNothing was synthesized\.\n$/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("names every environment file that cannot be used, with the line and what to change, in one run", () => {
    const { code, stderr, outdir } = runApp(
      {
        "a-syntax.ts": 'export default {\n  name: "a",\n  region: "eu-west-1" +,\n};\n',
        "b-typeerror.ts": 'const shared: any = undefined;\n\nexport default {\n  name: "b",\n  region: shared.region,\n};\n',
        "c-throws.ts": 'throw "not ready\\nyet";\n',
        "d-empty.ts": "export const notDefault = 1;\n",
        "e-bigint.ts": 'export default { name: "e", accountId: 111111111111n };\n',
        "f-cycle.ts": 'const env: Record<string, unknown> = { name: "f" };\nenv.self = { back: env };\nexport default env;\n',
        "g-getter.ts": 'export default { name: "g", get region(): string { throw new Error("no region yet"); } };\n',
        "h-function.ts": 'export default { name: "h", tags: { Owner: () => "me" } };\n',
        "i-date.ts": 'export default { name: "i", tags: { Since: new Date(0) } };\n',
        "j-exit.ts": 'process.exit(0);\nexport default { name: "j" };\n',
      },
      (envs) => {
        // Read, a FIFO would block the synth forever: it is refused without being opened.
        expect(spawnSync("mkfifo", [path.join(envs, "k-fifo.ts")]).status).toBe(0);
        fs.mkdirSync(path.join(envs, "l-folder.ts"));
      },
    );
    expect(code).toBe(1);
    const dir = path.relative(PROJECT_ROOT, path.join(outdir, "..", "envs"));
    expect(stderr.split("\n")).toEqual([
      `${dir}/a-syntax.ts:3:23: syntax error: Unexpected ","`,
      `${dir}/b-typeerror.ts (line 5:18) threw while loading: Cannot read properties of undefined (reading 'region'); fix the file, or run npm run typecheck for the compiler's view`,
      `${dir}/c-throws.ts threw a string while loading ("not ready\\nyet"); throw an Error with a message, or fix the file`,
      `${dir}/d-empty.ts exports no environment: end it with export default { name: "...", ... } satisfies EnvInput`,
      `${dir}/e-bigint.ts: accountId is a BigInt (111111111111n); write a number or a string`,
      `${dir}/f-cycle.ts: self.back refers back to itself (a cycle); write each value out`,
      `${dir}/g-getter.ts: region is a getter that throws (no region yet); write the value itself`,
      `${dir}/h-function.ts: tags.Owner is a function; write the value itself`,
      `${dir}/i-date.ts: tags.Since is a Date, not plain data; write a string, number, boolean, array or object`,
      `${dir}/j-exit.ts (line 1:9) threw while loading: called process.exit(0); an environment file only exports its configuration; fix the file, or run npm run typecheck for the compiler's view`,
      `${dir}/k-fifo.ts is a FIFO, not a file; environment files are plain files: remove or rename it`,
      `${dir}/l-folder.ts is a folder, not a file; environment files are plain files: remove or rename it`,
      "Nothing was synthesized.",
      "",
    ]);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it.each([
    ["inside the environments folder", (dir: string) => path.join(dir, "envs", "out"), "would hold or replace"],
    ["the environments folder itself", (dir: string) => path.join(dir, "envs"), "would hold or replace"],
    ["the project root", () => PROJECT_ROOT, "would hold or replace"],
    ["under /proc", () => "/proc/self/out", "is inside /proc, a kernel file system"],
  ])("refuses an output folder %s, writing nothing", (_label, outdirOf, problem) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-main-out-"));
    fs.mkdirSync(path.join(dir, "envs"));
    fs.writeFileSync(path.join(dir, "envs", "one.ts"), good);
    const outdir = outdirOf(dir);
    const before = fs.readdirSync(path.join(dir, "envs"));
    const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
    const run = spawnSync("sh", ["-c", app], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, EKS_ENVS_DIR: path.join(dir, "envs"), CDKTF_OUTDIR: outdir },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.startsWith(`${path.resolve(outdir)} ${problem}`), run.stderr).toBe(true);
    expect(run.stderr).toMatch(/\nNothing was synthesized\.\n$/);
    expect(fs.readdirSync(path.join(dir, "envs"))).toEqual(before);
  });

  it("refuses an empty EKS_ENVS_DIR instead of reading the project root", () => {
    const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
    const run = spawnSync("sh", ["-c", app], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, EKS_ENVS_DIR: " " },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      "EKS_ENVS_DIR is set but empty; set it to the folder of the environment files, or unset it to use envs/\nNothing was synthesized.\n",
    );
  });

  it("fails on a policy violation with the rule, writes nothing, and lists warnings and suppressions on success", () => {
    const stale = envFile({
      name: "one",
      policy: { suppressions: [{ rule: "EKS-001", resource: "aws_eks_cluster.eks", reason: "left over from the public beta" }] },
    });
    // The file is named as it is called, wherever it lives (here: the named one, not envs/one.ts).
    const failed = runApp({ "one-stale.ts": stale });
    const file = path.relative(PROJECT_ROOT, path.join(failed.outdir, "..", "envs", "one-stale.ts"));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      [
        "policy check failed (1 violation):",
        `[EKS-001] suppression on aws_eks_cluster.eks (${file}) is not needed: nothing violates EKS-001 there; remove it`,
        "Nothing was synthesized.",
        "",
      ].join("\n"),
    );
    expect(fs.existsSync(path.join(failed.outdir, "manifest.json"))).toBe(false);

    const passed = runApp({ "one.ts": good });
    // The summary is a report on stdout, once; nothing goes to stderr on success.
    expect(passed.stdout).toMatch(/^policy: \d+ checks on 3 stacks: 0 errors, 0 warnings, 0 suppressed\n$/);
    expect(passed.stderr).toBe("");
  });

  it("prints overlapping VPCs of one account and region as configuration warnings on stdout, and synthesizes", () => {
    const env = (name: string) => envFile({ name, project: "acme", accountId: "123456789012" });
    const { code, stdout, stderr, outdir } = runApp({ "core.ts": env("core"), "qa.ts": env("qa") });
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(
      /^config: 1 warning\n {2}warning env "qa": vpc\.cidr overlaps 10\.0\.0\.0\/16 of \S*core\.ts in account 123456789012 region eu-west-1; peering or a transit gateway between them would fail \(got "10\.0\.0\.0\/16"\)\npolicy: \d+ checks on 6 stacks: /,
    );
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual([
      "core-backend",
      "core-platform",
      "core-workloads",
      "qa-backend",
      "qa-platform",
      "qa-workloads",
    ]);
  });
});
