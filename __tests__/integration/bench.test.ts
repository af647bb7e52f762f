/**
 * npm run bench, for real but small, over the fixture environments: the direct synth and a two-size
 * scaling run, measured by GNU time, reported as JSON and Markdown; bad arguments are refused with
 * the usage. What is measured is checked, not how fast it was: the budgets are
 * `npm run bench -- --check`'s (docs/performance.md), so a loaded machine fails no test here.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import type { BenchReport } from "../../scripts/bench/bench";
import { FIXTURE_ENVS_DIR } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";

const out = testOutputDir("bench");

function bench(args: string[]) {
  const r = spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "scripts", "bench.ts"), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run bench", () => {
  it("measures the direct synth and its growth with environments, under GNU time", () => {
    const r = bench(["--only", "app,scaling", "--runs", "2", "--warmup", "0", "--scale", "1,3", "--json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as BenchReport;
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.results.map((m) => m.id)).toEqual(["app"]);
    const app = report.results[0];
    expect(app.runs).toBe(2);
    // Real figures: a synth takes some time and memory (how much is for the budgets to judge).
    expect(app.wallMs.median).toBeGreaterThan(100);
    expect(app.rssMB.median).toBeGreaterThan(50);
    expect(app.wallMs.min).toBeLessThanOrEqual(app.wallMs.median);
    expect(app.wallMs.median).toBeLessThanOrEqual(app.wallMs.max);
    expect(report.scaling?.points.map((p) => p.envs)).toEqual([1, 3]);
    for (const p of report.scaling!.points) expect(p.wallMs.median).toBeGreaterThan(0);
    // The budgets (how the synth time grows with environments among them) come with the figures;
    // only --check fails on them.
    expect(report.budgets.find((b) => b.what === "direct synth of envs/, wall")?.actual).toBe(app.wallMs.median);
    expect(report.budgets.map((b) => b.what)).toContain("growth to 3 environments: at most linear");
    expect(r.stderr).toMatch(/^app: run 1\/2 \d+\.\d\d s \d+ MB$/m);
    expect(r.stderr).toMatch(/^scaling-3: run 2\/2 /m);
    const md = fs.readFileSync(path.join(out, "latest.md"), "utf8");
    expect(md).toContain(
      "| direct synth of the 3 environments of __tests__/fixtures/envs/ (9 stacks) (cdktf.json app, no cdktf-cli) | 2 |",
    );
    expect(md).toContain("### Scaling: direct synth of N generated environments");
    expect(JSON.parse(fs.readFileSync(path.join(out, "latest.json"), "utf8"))).toEqual(report);
  });

  it.each([
    [["--runs", "0"], /^error: --runs must be a whole number of at least 1 \(got 0\)\n\nusage: npm run bench/],
    [
      ["--only", "synth"],
      /^error: unknown measurement "synth"; use app, npm-synth, cdktf-synth, typecheck, unit-tests, terraform-validate, terraform-plan, scaling, select\n/,
    ],
    [["--scale", "5,5"], /^error: --scale needs at least two different sizes\n/],
  ])("refuses %j with the usage", (args, message) => {
    const r = bench(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
