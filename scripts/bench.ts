/**
 * npm run bench -- [--only <ids>] [--runs <n>] [--heavy-runs <n>] [--warmup <n>] [--scale <sizes>] [--out <dir>] [--json] [--check]
 *
 * Times what the project costs on this machine: each measurement runs `--warmup` times unmeasured,
 * then `--runs` times under GNU time (wall time and the peak RSS of the largest process), and is
 * reported as median, min and max. Writes <out>/latest.{md,json} and prints the Markdown
 * (or the JSON with --json). --check exits 1 when a budget (docs/performance.md) is exceeded.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp, loadEnvs, PROJECT_ROOT } from "../src/app";
import { envsDir, loadEnvSources } from "../src/config";
import {
  checkBudgets,
  generateEnvs,
  renderMarkdown,
  scaling,
  summarize,
  type BenchReport,
  type Measurement,
  type Sample,
} from "./bench/bench";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { runProcess } from "./common/process";
import { installSignalHandlers, removeOnInterrupt } from "../src/lib/interrupts";
import { findTerraform, offlineTerraform, prepareOfflineWorkspace, runTerraform, terraformVersion } from "./terraform/terraform";

const IDS = [
  "app",
  "npm-synth",
  "cdktf-synth",
  "typecheck",
  "unit-tests",
  "terraform-validate",
  "terraform-plan",
  "scaling",
  "select",
] as const;

const USAGE = `
usage: npm run bench -- [--only <ids>] [--runs <n>] [--heavy-runs <n>] [--warmup <n>] [--scale <sizes>] [--out <dir>] [--json] [--check] [--record]

  --only <ids>        comma-separated, of: ${IDS.join(", ")} (default: all)
  --runs <n>          measured runs of each measurement (default 5)
  --heavy-runs <n>    measured runs of typecheck and unit-tests (default 3)
  --warmup <n>        unmeasured runs first (default 1)
  --scale <sizes>     environment counts of the scaling runs (default 1,5,20,50)
  --out <dir>         where latest.md and latest.json go (default bench-results/)
  --json              print the JSON report instead of the Markdown
  --check             exit 1 when a measured figure is over its budget
  --record            also write the report into docs/performance.md (its figures section)
`;

const TIME = "/usr/bin/time";

function positiveInt(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number of at least ${min} (got ${value})`);
  return n;
}

/**
 * Runs a command under GNU time, in its own process group (so an interrupt stops the command and
 * everything it started, see process.ts); fails with its output when it fails.
 */
async function timed(command: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; label: string }): Promise<Sample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-time-"));
  const forget = removeOnInterrupt(dir);
  try {
    const report = path.join(dir, "time.txt");
    const started = process.hrtime.bigint();
    const run = await runProcess(TIME, ["-f", "%e %M", "-o", report, ...command], { cwd: opts.cwd, env: opts.env, timeoutMs: 600_000 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const text = fs.existsSync(report) ? fs.readFileSync(report, "utf8").trim() : "";
    if (run.code !== 0) {
      const output = `${run.stdout}${run.stderr}`;
      throw new CliError(
        `${opts.label}: \`${command.join(" ")}\` failed (exit ${run.code}):\n${output.trim().split("\n").slice(-20).join("\n")}`,
      );
    }
    const kb = Number(text.split(/\s+/).pop());
    if (!Number.isFinite(kb)) throw new CliError(`${opts.label}: GNU time reported no peak RSS (${JSON.stringify(text)})`);
    return { ms, rssMB: kb / 1024 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    forget();
  }
}

// Ctrl-C (or SIGTERM) stops the command being measured, removes the work folders, exits 130 (143).
installSignalHandlers();

runCli(USAGE, async () => {
  const { values } = parseArgs(process.argv.slice(2), {
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      "heavy-runs": { type: "string" },
      warmup: { type: "string" },
      scale: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
      check: { type: "boolean" },
      record: { type: "boolean" },
    },
    allowPositionals: false,
  });
  const only = (values.only?.split(",") ?? [...IDS]).map((s) => s.trim());
  for (const id of only) if (!IDS.some((known) => known === id)) throw new UsageError(`unknown measurement "${id}"; use ${IDS.join(", ")}`);
  const runs = positiveInt("runs", values.runs, 5);
  const heavyRuns = positiveInt("heavy-runs", values["heavy-runs"], 3);
  const warmup = positiveInt("warmup", values.warmup, 1, 0);
  const sizes = (values.scale ?? "1,5,20,50").split(",").map((v) => positiveInt("scale", v, 1));
  if (new Set(sizes).size < 2) throw new UsageError("--scale needs at least two different sizes");
  if (!fs.existsSync(TIME)) throw new CliError(`${TIME} (GNU time) is missing; it measures peak memory. Install it: apt-get install time`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  removeOnInterrupt(work);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const app = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string }).app;
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  const results: Measurement[] = [];
  // What "the environments" are in the titles: counted, never typed.
  const projectEnvs = await loadEnvs();
  const stackCount = buildApp(projectEnvs).stacks.reduce((n, e) => n + (e.backend ? 3 : 2), 0);
  const ofEnvs = `the ${projectEnvs.length} environments of ${path.relative(PROJECT_ROOT, envsDir(PROJECT_ROOT)) || "."}/ (${stackCount} stacks)`;

  /** Warm-up runs, then measured runs, of one command. */
  const measure = async (id: string, title: string, command: string[], n: number, env: NodeJS.ProcessEnv = baseEnv, cwd = PROJECT_ROOT) => {
    const samples: Sample[] = [];
    for (let i = 0; i < warmup + n; i++) {
      const sample = await timed(command, { cwd, env, label: id });
      if (i >= warmup) samples.push(sample);
      log(
        `${id}: ${i < warmup ? "warm-up" : `run ${i - warmup + 1}/${n}`} ${(sample.ms / 1000).toFixed(2)} s ${Math.round(sample.rssMB)} MB`,
      );
    }
    return summarize(id, title, command.join(" "), samples);
  };
  const synthEnv = (outdir: string, extra: NodeJS.ProcessEnv = {}) => ({ ...baseEnv, CDKTF_OUTDIR: outdir, ...extra });

  if (only.includes("app")) {
    results.push(
      await measure(
        "app",
        `direct synth of ${ofEnvs} (cdktf.json app, no cdktf-cli)`,
        ["sh", "-c", app],
        runs,
        synthEnv(path.join(work, "app.out")),
      ),
    );
  }
  if (only.includes("npm-synth")) {
    // What users type: npm run synth runs the app directly, without the cdktf CLI's start-up.
    results.push(
      await measure(
        "npm-synth",
        `npm run synth of ${ofEnvs}`,
        ["npm", "run", "--silent", "synth"],
        runs,
        synthEnv(path.join(work, "npm.out")),
      ),
    );
  }
  if (only.includes("cdktf-synth")) {
    const cdktf = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
    results.push(await measure("cdktf-synth", `cdktf synth of ${ofEnvs}`, [cdktf, "synth", "--output", path.join(work, "cli.out")], runs));
  }
  if (only.includes("typecheck"))
    results.push(await measure("typecheck", "npm run typecheck", ["npm", "run", "--silent", "typecheck"], heavyRuns));
  if (only.includes("unit-tests"))
    results.push(await measure("unit-tests", "unit tests (npm run test:unit)", ["npm", "run", "--silent", "test:unit"], heavyRuns));

  if (only.includes("terraform-validate") || only.includes("terraform-plan") || only.includes("npm-synth")) {
    if (!findTerraform()) throw new CliError("terraform is not on PATH; the Terraform measurements need it");
    let offline;
    try {
      offline = await offlineTerraform(work, "the Terraform measurements");
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const first = (await loadEnvs())[0];
    const outdir = path.join(work, "tf.out");
    buildApp([first], outdir).app.synth();
    const stack = `${first.name}-platform`;
    const ws = prepareOfflineWorkspace(path.join(outdir, "stacks", stack), path.join(work, "tf-work"), offline.prune);
    const env = offline.env;
    const init = await runTerraform(["init", "-input=false", "-no-color"], ws.dir, env, 300_000);
    if (init.code !== 0) throw new CliError(`terraform init of ${stack} failed:\n${init.stderr}${init.stdout}`);
    // The yardstick of npm run synth: one terraform validate of a backend stack.
    const backendStack = `${first.name}-backend`;
    const backendWs = prepareOfflineWorkspace(path.join(outdir, "stacks", backendStack), path.join(work, "tf-backend"), offline.prune);
    const backendInit = await runTerraform(["init", "-input=false", "-no-color"], backendWs.dir, env, 300_000);
    if (backendInit.code !== 0) throw new CliError(`terraform init of ${backendStack} failed:\n${backendInit.stderr}${backendInit.stdout}`);
    results.push(
      await measure(
        "terraform-validate-backend",
        `terraform validate of ${backendStack} (offline)`,
        ["terraform", "validate", "-no-color"],
        runs,
        env,
        backendWs.dir,
      ),
    );
    if (only.includes("terraform-validate")) {
      results.push(
        await measure(
          "terraform-validate",
          `terraform validate of ${stack} (offline)`,
          ["terraform", "validate", "-no-color"],
          runs,
          env,
          ws.dir,
        ),
      );
    }
    if (only.includes("terraform-plan")) {
      const plan = ["terraform", "plan", "-input=false", "-lock=false", "-no-color", "-out=bench.tfplan"];
      results.push(await measure("terraform-plan", `terraform plan of ${stack} (offline, empty state)`, plan, runs, env, ws.dir));
    }
  }

  let scale: BenchReport["scaling"];
  if (only.includes("scaling")) {
    const templates = (await loadEnvSources(envsDir(PROJECT_ROOT))).map((s) => s.raw as Record<string, unknown>);
    const points: NonNullable<BenchReport["scaling"]>["points"] = [];
    for (const n of [...new Set(sizes)].sort((a, b) => a - b)) {
      const dir = path.join(work, `envs-${n}`);
      fs.mkdirSync(dir, { recursive: true });
      for (const env of generateEnvs(templates, n)) {
        fs.writeFileSync(path.join(dir, `${String(env.name)}.ts`), `export default ${JSON.stringify(env, null, 2)};\n`);
      }
      const m = await measure(
        `scaling-${n}`,
        `${n} environments`,
        ["sh", "-c", app],
        runs,
        synthEnv(path.join(work, `scale-${n}.out`), { EKS_ENVS_DIR: dir }),
      );
      points.push({ envs: n, wallMs: m.wallMs, rssMB: m.rssMB });
      fs.rmSync(path.join(work, `scale-${n}.out`), { recursive: true, force: true });
    }
    scale = scaling(points);
  }
  if (only.includes("select")) {
    // EKS_ENVS: one environment of 50 against a project of just that one (every file is still read).
    const templates = (await loadEnvSources(envsDir(PROJECT_ROOT))).map((s) => s.raw as Record<string, unknown>);
    const all = generateEnvs(templates, 50);
    const many = path.join(work, "select-50");
    const alone = path.join(work, "select-1");
    fs.mkdirSync(many, { recursive: true });
    fs.mkdirSync(alone, { recursive: true });
    for (const env of all) fs.writeFileSync(path.join(many, `${String(env.name)}.ts`), `export default ${JSON.stringify(env, null, 2)};\n`);
    fs.copyFileSync(path.join(many, `${String(all[0].name)}.ts`), path.join(alone, `${String(all[0].name)}.ts`));
    const one = String(all[0].name);
    results.push(
      await measure(
        "select-1-alone",
        `synth of a project with 1 environment`,
        ["sh", "-c", app],
        runs,
        synthEnv(path.join(work, "sel1.out"), { EKS_ENVS_DIR: alone }),
      ),
      await measure(
        "select-1-of-50",
        `synth of 1 environment of 50 (EKS_ENVS=${one})`,
        ["sh", "-c", app],
        runs,
        synthEnv(path.join(work, "sel50.out"), { EKS_ENVS_DIR: many, EKS_ENVS: one }),
      ),
    );
  }

  const report: BenchReport = {
    date: new Date().toISOString().slice(0, 10),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.versions.node,
      terraform: findTerraform() ? terraformVersion() : "not installed",
    },
    warmup,
    runs,
    results,
    scaling: scale,
    budgets: checkBudgets(results, scale),
  };
  fs.rmSync(work, { recursive: true, force: true });
  const markdown = renderMarkdown(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const outDir = path.resolve(values.out ?? path.join(PROJECT_ROOT, "bench-results"));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "latest.md"), markdown);
  fs.writeFileSync(path.join(outDir, "latest.json"), json);
  if (values.record) {
    const doc = path.join(PROJECT_ROOT, "docs", "performance.md");
    const text = fs.readFileSync(doc, "utf8");
    const [start, end] = ["<!-- bench:start -->", "<!-- bench:end -->"];
    if (!text.includes(start) || !text.includes(end)) throw new CliError(`${doc} has no ${start} ... ${end} section to record into`);
    const figures = markdown.replace(/^## /m, "### ");
    const updated = `${text.slice(0, text.indexOf(start) + start.length)}\n\n${figures.trim()}\n\n${text.slice(text.indexOf(end))}`;
    // Formatted as the lint expects, so a recorded file passes `npm run lint` as written.
    const prettier = await import("prettier");
    fs.writeFileSync(doc, await prettier.format(updated, { ...(await prettier.resolveConfig(doc)), filepath: doc }));
    log(`recorded in ${path.relative(process.cwd(), doc)}`);
  }
  process.stdout.write(values.json ? json : markdown);
  const over = report.budgets.filter((b) => b.ok === false);
  if (values.check && over.length > 0) {
    const v = (n: number, unit: string) => (unit === "ratio" ? `${n.toFixed(2)}x` : `${Math.round(n)} ${unit}`);
    throw new CliError(`over budget: ${over.map((b) => `${b.what} ${v(b.actual!, b.unit)} > ${v(b.limit, b.unit)}`).join("; ")}`);
  }
});
