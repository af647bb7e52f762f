/**
 * The precompiled app (`scripts/run-main.cjs`, what `npm run synth` and cdktf.json run) writes
 * exactly what `main.ts` through tsx writes, and rebuilds its bundle when a source changes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { FIXTURE_ENVS_DIR } from "../helpers/synth";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "run-main-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function synth(args: string[], out: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR, CDKTF_OUTDIR: out, DEBUG: "", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

/** Every file under `dir` with its content, by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
  }
  return out;
}

describe("scripts/run-main.cjs", () => {
  it("writes the same output and report as main.ts through tsx", () => {
    const precompiled = synth(["scripts/run-main.cjs"], path.join(scratch, "a"));
    const viaTsx = synth(["--import", "tsx", "main.ts"], path.join(scratch, "b"));
    expect(precompiled).toBe(viaTsx);
    expect(precompiled).toMatch(/^policy: \d+ checks on 9 stacks: 0 errors/m);
    const a = tree(path.join(scratch, "a"));
    expect(Object.keys(a).filter((f) => f.endsWith("cdk.tf.json"))).toHaveLength(9);
    expect(a).toEqual(tree(path.join(scratch, "b")));
  });

  it("builds a new bundle when a source changes, and reuses it while none does", () => {
    // A copy of the app's sources with the project's node_modules linked in (as a git worktree of
    // --changed has it): its bundles go to its own .cache, and it reads its own sources.
    const copy = path.join(scratch, "copy");
    for (const entry of ["main.ts", "src", "scripts", "package.json", "cdktf.json"])
      fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(copy, entry), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const cache = path.join(copy, ".cache", "app");
    const bundles = () => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => /^main-[0-9a-f]{16}\.cjs$/.test(f)) : []);
    const run = (out: string) => synth([path.join(copy, "scripts", "run-main.cjs")], path.join(scratch, out));

    const first = run("c1");
    const before = bundles();
    expect(before).toHaveLength(1);
    // The copy is the project root: bravo's kubeconfig file lands in the copy's kubeconfigs/.
    const stack = path.join(scratch, "c1", "stacks", "bravo-platform");
    const json = JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8")) as {
      resource: { local_file: Record<string, { filename: string }> };
    };
    expect(path.resolve(stack, json.resource.local_file.kubeconfig_file.filename)).toBe(path.join(copy, "kubeconfigs", "bravo.yaml"));
    expect(run("c2")).toBe(first);
    expect(bundles()).toEqual(before);

    fs.appendFileSync(path.join(copy, "src", "lib", "text.ts"), "\n// a change\n");
    expect(run("c3")).toBe(first);
    const added = bundles().filter((b) => !before.includes(b));
    expect(added).toHaveLength(1);
    expect(fs.readFileSync(path.join(cache, added[0]), "utf8")).not.toMatch(/require\("tsx/);
  });
});
