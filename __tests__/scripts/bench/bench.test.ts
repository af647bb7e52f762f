/** The arithmetic of npm run bench: spreads, the line through the scaling runs, budgets, generated envs. */
import { describe, expect, it } from "vitest";
import { validateEnvs } from "../../../src/config";
import {
  checkBudgets,
  fitLine,
  generateEnvs,
  renderMarkdown,
  scaling,
  spread,
  summarize,
  type BenchReport,
} from "../../../scripts/bench/bench";
import { fixtureSources } from "../../helpers/synth";

const point = (envs: number, ms: number, mb: number) => ({ envs, wallMs: spread([ms]), rssMB: spread([mb]) });

describe("bench arithmetic", () => {
  it("takes median, min and max of odd and even counts", () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => spread([])).toThrow("no values to summarize");
  });

  it("fits a line and says how well it fits", () => {
    const exact = fitLine([
      [1, 600],
      [5, 800],
      [20, 1550],
    ]);
    expect(exact.slope).toBeCloseTo(50, 6);
    expect(exact.intercept).toBeCloseTo(550, 6);
    expect(exact.r2).toBeCloseTo(1, 9);
    expect(() => fitLine([[1, 1]])).toThrow("at least two points");
  });

  it("tells linear, quadratic and warming-up growth apart", () => {
    const linear = scaling([point(1, 700, 170), point(5, 900, 175), point(20, 1650, 190), point(50, 3150, 220)]);
    expect(linear.linear).toBe(true);
    expect(linear.wall.slope).toBeCloseTo(50, 0);
    expect(linear.segmentMsPerEnv).toEqual([50, 50, 50]);
    expect(linear.rss.slope).toBeCloseTo(1, 0);
    expect(linear.growth).toBe("linear");
    const quadratic = scaling([1, 5, 20, 50].map((n) => point(n, 600 + 2 * n * n, 170)));
    expect(quadratic).toMatchObject({ growth: "superlinear", linear: false });
    const warming = scaling([point(1, 750, 158), point(5, 910, 166), point(20, 1610, 175), point(50, 2220, 191)]);
    expect(warming).toMatchObject({ growth: "sublinear", linear: true });
  });

  it("judges only the budgets it has figures for", () => {
    const app = summarize("app", "direct synth", "node main.ts", [
      { ms: 700, rssMB: 170 },
      { ms: 1_600, rssMB: 320 },
      { ms: 1_700, rssMB: 330 },
    ]);
    const budgets = checkBudgets([app]);
    expect(budgets.filter((b) => b.ok === false).map((b) => b.what)).toEqual([
      "direct synth of envs/, wall",
      "direct synth of envs/, peak RSS",
    ]);
    expect(budgets.filter((b) => b.ok === undefined)).toHaveLength(7); // and no growth verdict without scaling runs
  });

  it("judges ratios: npm run synth against one terraform validate, one environment of 50 against one alone", () => {
    const m = (id: string, ms: number) => summarize(id, id, id, [{ ms, rssMB: 100 }]);
    const budgets = checkBudgets([
      m("npm-synth", 900),
      m("terraform-validate-backend", 2_000),
      m("select-1-of-50", 1_700),
      m("select-1-alone", 1_000),
    ]);
    const byWhat = Object.fromEntries(budgets.filter((b) => b.unit === "ratio").map((b) => [b.what, [b.actual, b.ok]]));
    expect(byWhat).toEqual({
      "npm run synth over one terraform validate of a backend stack, wall": [0.45, true],
      "synth of 1 environment of 50 (EKS_ENVS) over a project of that one, wall": [1.7, false],
    });
  });

  it("renders a Markdown report with the machine, the tables and the verdicts", () => {
    const results = [summarize("app", "direct synth", "node main.ts", [{ ms: 720, rssMB: 168 }])];
    const scale = scaling([point(1, 650, 160), point(5, 800, 166), point(20, 1350, 190)]);
    const report: BenchReport = {
      date: "2026-11-21",
      machine: { cpus: 2, cpuModel: "AMD EPYC", memoryGiB: 24, os: "Linux x64", node: "20.20.2", terraform: "1.11.4" },
      warmup: 1,
      runs: 1,
      results,
      scaling: scale,
      budgets: checkBudgets(results, scale),
    };
    const md = renderMarkdown(report);
    expect(md).toContain("2 cores (AMD EPYC), 24 GiB");
    expect(md).toContain("| direct synth | 1 | 0.72 s | 0.72 s | 0.72 s | 168 MB (168 MB-168 MB) |");
    expect(md).toContain("| 20 | 1.35 s |");
    expect(md).toMatch(/Marginal cost per environment: \*\*\d+ ms\*\*/);
    expect(md).toContain("| direct synth of envs/, wall | 1.50 s | 0.72 s | ok |");
  });
});

describe("generated environments", () => {
  it("makes any number of valid, distinct environments from templates (the fixture environments)", async () => {
    const templates = (await fixtureSources()).map((s) => s.raw as Record<string, unknown>);
    const names = templates.map((t) => t.name as string);
    const envs = generateEnvs(templates, 7);
    expect(envs.map((e) => e.name)).toEqual(
      Array.from({ length: 7 }, (_, i) => `${names[i % names.length]}${String(i + 1).padStart(3, "0")}`),
    );
    const result = validateEnvs(envs.map((raw, i) => ({ source: `gen/${i}.ts`, raw })));
    expect(result.errors).toEqual([]);
    expect(result.envs).toHaveLength(7);
    // The templates are not changed.
    expect(templates.map((t) => t.name)).toEqual(names);
  });
});
