/**
 * The user's own entry point: `cdktf synth` through cdktf-cli, with the app command of cdktf.json,
 * here over the fixture environments (EKS_ENVS_DIR).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { STACK_KINDS } from "../../src/lib/naming";
import { FIXTURE_ENVS_DIR, fixtureEnvs } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";

const out = testOutputDir("cdktf-cli");

describe("cdktf synth (cdktf-cli)", () => {
  it("synthesizes every stack of every environment with no AWS account and no network", async () => {
    const outdir = path.join(out, "cdktf.out");
    const run = spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        EKS_ENVS_DIR: FIXTURE_ENVS_DIR,
        CHECKPOINT_DISABLE: "1",
        CI: "1",
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_PROFILE: "",
      },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    const envs = await fixtureEnvs();
    expect(Object.keys(manifest.stacks).sort()).toEqual(envs.flatMap((e) => STACK_KINDS.map((k) => `${e.name}-${k}`)).sort());
    for (const stack of Object.keys(manifest.stacks)) {
      expect(fs.existsSync(path.join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
    }
  });

  it("npm run synth runs the app alone and writes the very same cdktf.out, manifest included", () => {
    const cli = path.join(out, "cdktf.out");
    const direct = path.join(out, "npm.out");
    const run = spawnSync("npm", ["run", "--silent", "synth"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR, CDKTF_OUTDIR: direct },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const files = (dir: string, rel = ""): string[] =>
      fs
        .readdirSync(path.join(dir, rel), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]));
    const a = files(cli).sort();
    expect(files(direct).sort()).toEqual(a);
    expect(a).toContain("manifest.json");
    for (const f of a) expect(fs.readFileSync(path.join(direct, f)).equals(fs.readFileSync(path.join(cli, f))), f).toBe(true);
  });
});
