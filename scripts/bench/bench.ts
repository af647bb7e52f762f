/**
 * The arithmetic and reporting of `npm run bench`: summaries of repeated runs, the line through
 * the scaling runs (marginal cost per environment, and whether growth is linear), the budgets, the
 * Markdown table, and the generated environments the scaling runs synthesize.
 */

/** One run of one measurement. */
export interface Sample {
  /** Wall time in milliseconds. */
  readonly ms: number;
  /** Peak resident set size of the largest process, in MB (GNU time's %M). */
  readonly rssMB: number;
}

/** Median, min and max of a list of numbers. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface Measurement {
  readonly id: string;
  readonly title: string;
  readonly command: string;
  readonly runs: number;
  readonly wallMs: Spread;
  readonly rssMB: Spread;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error("no values to summarize");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

export function summarize(id: string, title: string, command: string, samples: readonly Sample[]): Measurement {
  return { id, title, command, runs: samples.length, wallMs: spread(samples.map((s) => s.ms)), rssMB: spread(samples.map((s) => s.rssMB)) };
}

/** A least-squares line y = intercept + slope * x, and how well it fits (R²). */
export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  readonly r2: number;
}

export function fitLine(points: readonly (readonly [number, number])[]): LineFit {
  if (points.length < 2) throw new Error("a line needs at least two points");
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  if (sxx === 0) throw new Error("a line needs at least two different x values");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - (intercept + slope * x)) ** 2, 0);
  return { slope, intercept, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

/** The scaling runs: synth of N generated environments, for several N. */
export interface Scaling {
  readonly points: { readonly envs: number; readonly wallMs: Spread; readonly rssMB: Spread }[];
  readonly wall: LineFit;
  readonly rss: LineFit;
  /** Cost per added environment between consecutive sizes, in ms. */
  readonly segmentMsPerEnv: number[];
  /**
   * How the cost grows, from the cost per added environment of the first and the last step:
   * "superlinear" when the last step costs over 1.5× the first and over 1.25× the one before,
   * "sublinear" when it costs under two thirds of the first (a warmer JIT), else "linear".
   */
  readonly growth: "linear" | "sublinear" | "superlinear";
  /** The budget's "linear to 50 environments": no superlinear growth. */
  readonly linear: boolean;
}

export function scaling(points: Scaling["points"]): Scaling {
  const sorted = [...points].sort((a, b) => a.envs - b.envs);
  const wall = fitLine(sorted.map((p) => [p.envs, p.wallMs.median]));
  const rss = fitLine(sorted.map((p) => [p.envs, p.rssMB.median]));
  const segmentMsPerEnv = sorted.slice(1).map((p, i) => (p.wallMs.median - sorted[i].wallMs.median) / (p.envs - sorted[i].envs));
  const first = segmentMsPerEnv[0];
  const last = segmentMsPerEnv[segmentMsPerEnv.length - 1];
  const previous = segmentMsPerEnv[segmentMsPerEnv.length - 2] ?? first;
  const growth: Scaling["growth"] =
    last > 1.5 * Math.max(first, 1) && last > 1.25 * Math.max(previous, 1)
      ? "superlinear"
      : last < (2 / 3) * first
        ? "sublinear"
        : "linear";
  return { points: sorted, wall, rss, segmentMsPerEnv, growth, linear: growth !== "superlinear" };
}

/** A budget of the issue: a limit on one figure of one measurement. */
export interface Budget {
  readonly what: string;
  readonly limit: number;
  /** "x" marks a yes/no budget (actual 1: yes). */
  /** "ratio": the measurement over another one, e.g. npm run synth over one terraform validate. */
  readonly unit: "ms" | "MB" | "x" | "ratio";
  readonly actual?: number;
  readonly ok?: boolean;
}

/** a's median wall time over b's, when both were measured. */
function ratio(a: Measurement | undefined, b: Measurement | undefined): number | undefined {
  return a && b && b.wallMs.median > 0 ? a.wallMs.median / b.wallMs.median : undefined;
}

/** The budgets, checked against what was measured (unmeasured ones are left without a verdict). */
export function checkBudgets(results: readonly Measurement[], scale?: Scaling): Budget[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const budget = (what: string, limit: number, unit: Budget["unit"], actual: number | undefined): Budget =>
    actual === undefined ? { what, limit, unit } : { what, limit, unit, actual, ok: actual <= limit };
  return [
    budget("direct synth of envs/, wall", 1_500, "ms", byId.get("app")?.wallMs.median),
    budget("direct synth of envs/, peak RSS", 300, "MB", byId.get("app")?.rssMB.median),
    budget("cdktf synth of envs/, wall", 5_000, "ms", byId.get("cdktf-synth")?.wallMs.median),
    budget(
      "npm run synth over one terraform validate of a backend stack, wall",
      0.5,
      "ratio",
      ratio(byId.get("npm-synth"), byId.get("terraform-validate-backend")),
    ),
    budget(
      "synth of 1 environment of 50 (EKS_ENVS) over a project of that one, wall",
      1.5,
      "ratio",
      ratio(byId.get("select-1-of-50"), byId.get("select-1-alone")),
    ),
    budget("marginal synth cost per environment, wall", 150, "ms", scale?.wall.slope),
    budget("marginal synth cost per environment, peak RSS", 20, "MB", scale?.rss.slope),
    ...(scale
      ? [
          {
            what: `growth to ${scale.points[scale.points.length - 1].envs} environments: at most linear`,
            limit: 1,
            unit: "x" as const,
            actual: scale.linear ? 1 : 2,
            ok: scale.linear,
          },
        ]
      : []),
    budget("typecheck, wall", 10_000, "ms", byId.get("typecheck")?.wallMs.median),
    budget("unit tests, wall", 30_000, "ms", byId.get("unit-tests")?.wallMs.median),
  ];
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (v: number) => `${Math.round(v)} MB`;

/** The report for humans: a table per part, budgets with a verdict each. */
export function renderMarkdown(report: BenchReport): string {
  const lines = [
    `## Benchmark: ${report.date}`,
    "",
    `${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.machine.memoryGiB} GiB, ${report.machine.os}; Node ${report.machine.node}, Terraform ${report.machine.terraform}. ` +
      `${report.warmup} warm-up run(s), then ${report.runs} measured run(s) each; peak RSS is the largest process (GNU time).`,
    "",
  ];
  if (report.results.length > 0) {
    lines.push("| measurement | runs | wall median | min | max | peak RSS median (min-max) |", "| --- | --- | --- | --- | --- | --- |");
    for (const r of report.results) {
      lines.push(
        `| ${r.title} | ${r.runs} | ${s(r.wallMs.median)} | ${s(r.wallMs.min)} | ${s(r.wallMs.max)} | ${mb(r.rssMB.median)} (${mb(r.rssMB.min)}-${mb(r.rssMB.max)}) |`,
      );
    }
    lines.push("");
  }
  if (report.scaling) {
    const sc = report.scaling;
    lines.push(
      "### Scaling: direct synth of N generated environments",
      "",
      "| environments | wall median | min | max | peak RSS median |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const p of sc.points)
      lines.push(`| ${p.envs} | ${s(p.wallMs.median)} | ${s(p.wallMs.min)} | ${s(p.wallMs.max)} | ${mb(p.rssMB.median)} |`);
    lines.push(
      "",
      `Marginal cost per environment: **${Math.round(sc.wall.slope)} ms** and **${sc.rss.slope.toFixed(1)} MB** (least squares over the medians; R² ${sc.wall.r2.toFixed(3)} for time, ${sc.rss.r2.toFixed(3)} for memory). ` +
        `Per step: ${sc.segmentMsPerEnv.map((v) => `${Math.round(v)} ms`).join(", ")} per added environment. Growth is **${sc.growth}**${sc.growth === "sublinear" ? " (each added environment costs less than the ones before: within a linear budget)" : ""}.`,
      "",
    );
  }
  const judged = report.budgets.filter((b) => b.ok !== undefined);
  if (judged.length > 0) {
    lines.push("### Budgets", "", "| budget | limit | measured | |", "| --- | --- | --- | --- |");
    for (const b of judged) {
      if (b.unit === "x") {
        lines.push(`| ${b.what} | yes | ${b.ok ? "yes" : "no"} | ${b.ok ? "ok" : "**over**"} |`);
        continue;
      }
      const fmt = (v: number) =>
        b.unit === "ratio"
          ? `${v.toFixed(2)}x`
          : b.unit === "MB"
            ? b.limit < 100
              ? `${v.toFixed(1)} MB`
              : mb(v)
            : b.limit >= 1000
              ? s(v)
              : `${Math.round(v)} ms`;
      lines.push(`| ${b.what} | ${fmt(b.limit)} | ${fmt(b.actual!)} | ${b.ok ? "ok" : "**over**"} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly terraform: string;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: Machine;
  readonly warmup: number;
  readonly runs: number;
  readonly results: Measurement[];
  readonly scaling?: Scaling;
  readonly budgets: Budget[];
}

type Raw = Record<string, unknown>;

/**
 * `count` environments for the scaling runs, made from the sample configs in turn: each gets its
 * own name (`<template><n>`) and drops overrides of the names that must differ between
 * environments (state bucket, lock table, kubeconfig path).
 */
export function generateEnvs(templates: readonly Raw[], count: number): Raw[] {
  if (templates.length === 0) throw new Error("no environments to generate from");
  return Array.from({ length: count }, (_, i) => {
    const template = structuredClone(templates[i % templates.length]);
    const prefix = String(template.name).replace(/\d+$/, "").slice(0, 12);
    const env: Raw = { ...template, name: `${prefix}${String(i + 1).padStart(3, "0")}` };
    if (env.backend && typeof env.backend === "object") {
      const { bucketName: _b, lockTableName: _t, ...backend } = env.backend as Raw;
      env.backend = backend;
    }
    if (env.kubeconfig && typeof env.kubeconfig === "object") {
      const { path: _p, ...kubeconfig } = env.kubeconfig as Raw;
      env.kubeconfig = kubeconfig;
    }
    // An account has one GitHub OIDC provider: the first copy of a template creates it, later copies use it.
    const ci = env.ci as Raw | undefined;
    if (i >= templates.length && ci?.github && typeof ci.github === "object") {
      env.ci = { ...ci, github: { ...(ci.github as Raw), oidcProvider: "existing" } };
    }
    return env;
  });
}
