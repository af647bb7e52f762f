/**
 * Making the project yours, for real: a scratch copy of the project is installed the way the jobs
 * that can get a cloud token install it (`npm ci --ignore-scripts`), and synthesizes byte for byte
 * what the project's own install does. Then every sample environment is deleted, one environment of
 * another project, account, region and CIDR is written by `npm run env:new`, the address contract is
 * updated with `npm run addresses:update`, and the whole `npm test` passes there. The tests never
 * depend on which environments envs/ holds, nor on any package's install script.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { runProcess, type ProcessRun } from "../../scripts/common/process";
import { getToolchain, testOutputDir } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("adopt");
const copy = path.join(out, "project");

/**
 * The project's files as git sees them (tracked, and new ones not ignored), copied into a
 * repository of their own, committed as a clone would have them; node_modules linked.
 */
function scratchCopy(): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f && fs.existsSync(path.join(PROJECT_ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(copy, f));
  }
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=adopt", "-c", "user.email=adopt@example.invalid", ...args], { cwd: copy, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "the project as cloned");
}

/** The environment without the outer test runner's and npm's variables. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && !k.startsWith("npm_")));
  return { ...env, FORCE_COLOR: "0" };
}

/** `npm run <args>` in the copy. */
function npm(args: string[], timeoutMs: number): Promise<ProcessRun> {
  return runProcess("npm", ["run", "--silent", ...args], { cwd: copy, env: cleanEnv(), timeoutMs });
}

/** Every file of a folder with its content's hash, by relative path. */
function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = path.join(rel, e.name);
      if (e.isDirectory()) walk(p);
      else
        out[p] = createHash("sha256")
          .update(fs.readFileSync(path.join(dir, p)))
          .digest("hex");
    }
  };
  walk("");
  return out;
}

describe.runIf(tc)("a team replaces the samples with its own environment", () => {
  it("installs without install scripts, synthesizes the same, and passes npm test with only an environment of npm run env:new", async () => {
    scratchCopy();
    const install = await runProcess("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: copy,
      env: cleanEnv(),
      timeoutMs: 600_000,
    });
    expect(install.code, install.stderr).toBe(0);
    // The same environments (the fixtures), synthesized by both installs: byte for byte the same.
    // Each output sits at the same place in its project, so paths relative to the project (a
    // kubeconfig file) are the same too.
    const outdirIn = (root: string) => path.join(root, ".test-output", "adopt-synth");
    const synth = (cwd: string) =>
      runProcess(process.execPath, ["--import", "tsx", "main.ts"], {
        cwd,
        env: { ...cleanEnv(), EKS_ENVS_DIR: path.join(cwd, "__tests__", "fixtures", "envs"), CDKTF_OUTDIR: outdirIn(cwd) },
        timeoutMs: 180_000,
      });
    const ours = await synth(PROJECT_ROOT);
    const theirs = await synth(copy);
    expect([ours.code, theirs.code], ours.stderr + theirs.stderr).toEqual([0, 0]);
    expect(treeOf(outdirIn(copy))).toEqual(treeOf(outdirIn(PROJECT_ROOT)));

    const samples = fs.readdirSync(path.join(copy, "envs"));
    for (const f of samples) fs.rmSync(path.join(copy, "envs", f));

    const created = await npm(
      ["env:new", "--", "contoso", "--account", "777777777777", "--region", "us-west-2", "--project", "contoso", "--capacity", "fargate"],
      120_000,
    );
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(fs.readdirSync(path.join(copy, "envs"))).toEqual(["contoso.ts"]);
    const file = fs.readFileSync(path.join(copy, "envs", "contoso.ts"), "utf8");
    expect(file).toContain('project: "contoso"');
    expect(file).toContain('region: "us-west-2"');
    expect(file).toMatch(/cidr: "10\.\d+\.0\.0\/16"/);

    const contract = await npm(["addresses:update"], 180_000);
    expect(contract.code, contract.stdout + contract.stderr).toBe(0);
    const addresses = JSON.parse(fs.readFileSync(path.join(copy, "__tests__", "contract", "addresses.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(Object.keys(addresses).sort()).toEqual(["contoso-backend", "contoso-platform", "contoso-workloads"]);

    const t0 = Date.now();
    const suite = await npm(["test"], 1_200_000);
    console.info(`[adopt] npm test in the scratch copy: exit ${suite.code} in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    const summary = suite.stdout.split("\n").filter((l) => /Test Files|Tests /.test(l));
    console.info(`[adopt] ${summary.join("\n[adopt] ")}`);
    expect(suite.code, `${suite.stdout.slice(-6000)}\n${suite.stderr.slice(-3000)}`).toBe(0);
    expect(summary.join("\n")).not.toMatch(/failed|skipped/);
  });
});
