/**
 * Plans for only what changed: the synthesized JSON of the working tree against a commit's,
 * synthesized by that commit's own code in a temporary git worktree. The base here is the working
 * tree itself as a commit object (`git stash create`, or HEAD on a clean checkout), and the change
 * is one setting in a copy of envs/: exactly the stacks it touches differ.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, loadEnvs, PROJECT_ROOT } from "../../src/app";
import { compareOutputs, synthesizeRef } from "../../src/tools/plan/changed";
import { getToolchain, testOutputDir } from "../helpers/terraform";

const out = testOutputDir("changed");
const tc = await getToolchain();
const git = (...args: string[]) => spawnSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 30_000 });
const base = git("stash", "create").stdout.trim() || git("rev-parse", "HEAD").stdout.trim();

/** envs/ with dev's control-plane log retention changed: a platform-only change. */
const envsDir = path.join(out, "envs");
function changedEnvs(): void {
  fs.cpSync(path.join(PROJECT_ROOT, "envs"), envsDir, { recursive: true });
  const dev = path.join(envsDir, "dev.ts");
  const text = fs.readFileSync(dev, "utf8");
  expect(text).toContain("logRetentionDays: 90");
  fs.writeFileSync(dev, text.replace("logRetentionDays: 90", "logRetentionDays: 180"));
}

function run(script: string, args: string[]) {
  const r = spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "scripts", script), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EKS_ENVS_DIR: envsDir, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("what changed since a commit", () => {
  let ref: Awaited<ReturnType<typeof synthesizeRef>>;

  beforeAll(async () => {
    changedEnvs();
    ref = await synthesizeRef(PROJECT_ROOT, base);
  }, 240_000);

  afterAll(() => ref?.remove());

  it("finds no change between the same code and config", async () => {
    const same = path.join(out, "same");
    buildApp(await loadEnvs(), same).app.synth();
    const none = compareOutputs(same, ref.out);
    expect(none.changed).toEqual([]);
    expect(none.unchanged.length).toBeGreaterThanOrEqual(6);
    expect(none.removed).toEqual([]);
  });

  it("builds the pull-request matrix from it, naming the environments skipped", () => {
    const r = run("ci.ts", ["matrix", "plan", "--changed", base]);
    expect(r.stderr).toBe("");
    const lines = Object.fromEntries(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(/=(.*)/s, 2) as [string, string]),
    );
    const matrix = JSON.parse(lines.matrix) as { include: { env: string; stacks: string }[] };
    expect(matrix.include.map((j) => [j.env, j.stacks])).toEqual([["dev", "platform"]]);
    const skipped = JSON.parse(lines.skipped) as string[];
    expect(skipped).not.toContain("dev");
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(lines.count).toBe("1");
  });

  it.runIf(tc)(
    "npm run plan -- --changed plans only the changed stack and says what it skipped",
    () => {
      const r = run("plan.ts", ["--changed", base, "--offline", "--out", path.join(out, "plans")]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^changed since [0-9a-f]+: dev-platform; not planned, nothing changed: /m);
      expect(r.stdout).toMatch(/^dev-platform: Plan: \d+ to add, 0 to change, 0 to destroy\./m);
      expect(r.stdout).not.toMatch(/^(dev-backend|prod-\w+|staging-\w+): Plan:/m);
      expect(fs.existsSync(path.join(out, "plans", "dev", "dev.summary.md"))).toBe(true);
    },
    120_000,
  );

  it("refuses a ref that is not a commit, with one line", async () => {
    await expect(synthesizeRef(PROJECT_ROOT, "no-such-branch-xyz")).rejects.toThrow(
      "--changed no-such-branch-xyz: no such commit in this repository (fetch it first, e.g. git fetch origin no-such-branch-xyz)",
    );
  });
});
