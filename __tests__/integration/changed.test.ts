/**
 * Plans for only what changed: the synthesized JSON of the working tree against a commit's,
 * synthesized by that commit's own code in a temporary git worktree. The base here is the working
 * tree itself as a commit object (`git stash create`, or HEAD on a clean checkout) with the fixture
 * environments as its envs/ (a commit no branch points at), and the change is one setting in a
 * copy of them: exactly the stacks it touches differ.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, PROJECT_ROOT } from "../../src/app";
import { compareOutputs, synthesizeRef } from "../../scripts/plan/changed";
import { FIXTURE_ENVS_DIR, fixtureEnvs } from "../helpers/synth";
import { getToolchain, testOutputDir } from "../helpers/terraform";

const out = testOutputDir("changed");
const tc = await getToolchain();

/** Runs git in the project; fails with git's own message when it fails. */
function git(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 30_000, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

/** A commit object of `from` whose envs/ holds exactly the fixture environments (built in an index of its own). */
function withFixtureEnvs(from: string): string {
  const env = {
    GIT_INDEX_FILE: path.join(out, "base.index"),
    GIT_AUTHOR_NAME: "test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
  git(["read-tree", from], env);
  const previous = git(["ls-files", "--", "envs"], env).split("\n").filter(Boolean);
  if (previous.length > 0) git(["update-index", "--force-remove", "--", ...previous], env);
  for (const file of fs.readdirSync(FIXTURE_ENVS_DIR).filter((f) => f.endsWith(".ts"))) {
    const blob = git(["hash-object", "-w", "--", path.join(FIXTURE_ENVS_DIR, file)]);
    git(["update-index", "--add", "--cacheinfo", `100644,${blob},envs/${file}`], env);
  }
  return git(["commit-tree", git(["write-tree"], env), "-p", from, "-m", "the fixture environments as envs/"], env);
}

const base = withFixtureEnvs(
  spawnSync("git", ["stash", "create"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 30_000 }).stdout.trim() ||
    git(["rev-parse", "HEAD"]),
);

/** The fixture environments with alpha's control-plane log retention changed: a platform-only change. */
const envsDir = path.join(out, "envs");
function changedEnvs(): void {
  fs.cpSync(FIXTURE_ENVS_DIR, envsDir, { recursive: true });
  const alpha = path.join(envsDir, "alpha.ts");
  const text = fs.readFileSync(alpha, "utf8");
  const anchor = 'publicAccessCidrs: ["203.0.113.0/24"],';
  expect(text).toContain(anchor);
  expect(text).not.toContain("logRetentionDays");
  fs.writeFileSync(alpha, text.replace(anchor, `${anchor} logRetentionDays: 180,`));
}

function run(script: string, args: string[]) {
  const r = spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "scripts", script), ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      EKS_ENVS_DIR: envsDir,
      CDKTF_OUTDIR: path.join(out, "cdktf.out"),
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_PROFILE: "",
    },
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
    buildApp(await fixtureEnvs(), same).app.synth();
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
    expect(matrix.include.map((j) => [j.env, j.stacks])).toEqual([["alpha", "platform"]]);
    const skipped = JSON.parse(lines.skipped) as string[];
    expect(skipped).not.toContain("alpha");
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(lines.count).toBe("1");
  });

  it.runIf(tc)(
    "npm run plan -- --changed plans only the changed stack and says what it skipped",
    () => {
      const r = run("plan.ts", ["--changed", base, "--offline", "--out", path.join(out, "plans")]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^changed since [0-9a-f]+: alpha-platform; not planned, nothing changed: /m);
      expect(r.stdout).toMatch(/^alpha-platform: Plan: \d+ to add, 0 to change, 0 to destroy\./m);
      expect(r.stdout).not.toMatch(/^(alpha-backend|bravo-\w+|charlie-\w+): Plan:/m);
      expect(fs.existsSync(path.join(out, "plans", "alpha", "alpha.summary.md"))).toBe(true);
    },
    120_000,
  );

  it("refuses a ref that is not a commit, with one line", async () => {
    await expect(synthesizeRef(PROJECT_ROOT, "no-such-branch-xyz")).rejects.toThrow(
      "--changed no-such-branch-xyz: no such commit in this repository (fetch it first, e.g. git fetch origin no-such-branch-xyz)",
    );
  });
});
