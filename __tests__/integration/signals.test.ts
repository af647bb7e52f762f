/**
 * Interrupting `npm run plan` for real: the script runs in a process group of its own, as from a
 * terminal; once a `terraform plan` of this run and its terraform-provider-aws plugin are running,
 * the script gets SIGINT (or SIGTERM). It must forward the signal to Terraform (which runs in
 * process groups of its own, out of reach of a terminal's Ctrl-C), remove its work folder and exit
 * 130 (143), with no terraform or plugin of the run left behind.
 *
 * The run's processes are found as descendants of the script (by ppid) while it runs, and checked
 * afterwards by pid, by process group and by working directory (inside the run's work folder):
 * an orphan would have lost its parent, not its group or its folder. Zombies (exited, waiting for
 * init to reap them) are not running processes and do not count.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { FIXTURE_ENVS_DIR } from "../helpers/synth";
import { getToolchain, testOutputDir } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("signals");

interface Proc {
  readonly pid: number;
  readonly pgid: number;
  readonly ppid: number;
  readonly stat: string;
  readonly args: string;
}

function ps(): Proc[] {
  const r = spawnSync("ps", ["-eo", "pid=,pgid=,ppid=,stat=,args="], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), ppid: Number(m[3]), stat: m[4], args: m[5] }));
}

function descendants(root: number, procs: readonly Proc[]): Proc[] {
  const found = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => p.pid !== root && found.has(p.pid));
}

function cwdOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const npmExecs = pkg.scripts.plan.startsWith("exec ");
if (!npmExecs)
  console.warn(
    `SKIPPING the signal through npm itself: package.json runs "plan" as "${pkg.scripts.plan}", without exec, so the shell npm starts does not forward signals`,
  );

/**
 * `when`: "planning" signals while the platform's `terraform plan` and its plugin run; "saved" once
 * that plan has saved its plan file, while it is shown (a stop that comes too late for Terraform).
 */
async function expectInterruptedPlan(
  how: "node" | "npm",
  signal: "SIGINT" | "SIGTERM",
  code: number,
  when: "planning" | "saved" = "planning",
): Promise<void> {
  const dir = path.join(out, `${how}-${signal}-${when}`);
  const work = path.join(dir, "work");
  // alpha, a fixture environment: its backend and platform stacks are planned.
  // The platform alone: its plan is seconds long, so the signal lands mid-plan (and nothing else is planned).
  const args = ["alpha", "platform", "--offline", "--out", dir];
  const env = { ...process.env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR, CDKTF_OUTDIR: path.join(dir, "cdktf.out") };
  const child =
    how === "node"
      ? spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "plan.ts"), ...args], {
          cwd: PROJECT_ROOT,
          env,
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn("npm", ["run", "--silent", "plan", "--", ...args], {
          cwd: PROJECT_ROOT,
          env,
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
        });
  const pid = child.pid!;
  let output = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => ((stderr += d.toString()), (output += d.toString())));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  const seen = new Map<number, Proc>();
  try {
    // A terraform plan of this run, and its provider plugin, both running (bounded: init comes first);
    // for "saved", then that plan gone, its plan file saved and `terraform show` of it running.
    let running: { plan: Proc; plugin: Proc } | undefined;
    let ready = false;
    for (const deadline = Date.now() + 90_000; !ready && Date.now() < deadline; await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`npm run plan exited (${child.exitCode}) before it was ${when}:\n${output}`);
      const mine = descendants(pid, ps());
      for (const p of mine) seen.set(p.pid, p);
      // The platform's plan (seconds long, not the backend's quick one), so the signal lands mid-plan.
      const plan = mine.find((p) => /^\S*terraform plan /.test(p.args) && p.args.includes("alpha-platform"));
      const plugin = plan && mine.find((p) => p.ppid === plan.pid && p.args.includes("terraform-provider-aws"));
      if (plan && plugin) running ??= { plan, plugin };
      if (when === "planning") ready = running !== undefined;
      else if (running) {
        const saved = /-out=(\S+)/.exec(running.plan.args)?.[1];
        const showing = mine.some((p) => /^\S*terraform show /.test(p.args) && p.args.includes("alpha-platform"));
        ready = showing && saved !== undefined && fs.existsSync(saved);
      }
    }
    if (!running || !ready) throw new Error(`the platform's terraform was not ${when} within 90 s:\n${output}`);
    if (when === "planning") expect(cwdOf(running.plugin.pid)?.startsWith(work), "the plugin runs in this run's work folder").toBe(true);

    const t0 = Date.now();
    process.kill(pid, signal);
    const exitCode = await Promise.race([exited, sleep(20_000).then(() => "still running after 20 s")]);
    const ms = Date.now() - t0;
    expect(exitCode, output).toBe(code);

    const ours = [...seen.values()].filter((p) => /terraform/.test(p.args));
    const groups = new Set(ours.map((p) => p.pgid));
    const left = ps().filter(
      (p) => !p.stat.startsWith("Z") && (seen.has(p.pid) || groups.has(p.pgid) || cwdOf(p.pid)?.startsWith(work) === true),
    );
    expect(left, "processes of the run still running").toEqual([]);
    expect(fs.existsSync(work), `${work} is left behind`).toBe(false);
    // An interrupted run leaves no plan to review or apply: Terraform writes its plan file in the
    // work folder (removed), and nothing reaches the review folder.
    const planFile = /-out=(\S+)/.exec(running.plan.args)?.[1];
    expect(planFile?.startsWith(work + path.sep), `terraform plans into the work folder: ${planFile}`).toBe(true);
    expect(
      fs.readdirSync(dir).filter((f) => f.startsWith("alpha-platform.") || f.startsWith("alpha.summary.")),
      "the interrupted stack's plan files and the review",
    ).toEqual([]);
    // The folder is named relative to the current directory (the project) when inside it.
    const removed = escape(path.relative(PROJECT_ROOT, work));
    expect(stderr).toMatch(
      new RegExp(`interrupted by ${signal}: stopped [12] running commands? \\(terraform\\) and removed ${removed}\\n$`),
    );
    console.info(`[signals] ${how} ${signal}: exit ${exitCode} ${ms} ms after the signal, ${ours.length} terraform processes seen`);
    // Terraform stops gracefully (seconds at most); after 10 s it would be killed.
    expect(ms).toBeLessThan(15_000);
  } finally {
    // Leftovers are killed by PID, and only while that PID still runs the same command.
    const now = new Map(ps().map((p) => [p.pid, p]));
    const kill = (target: number) => {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    };
    for (const p of seen.values()) if (now.get(p.pid)?.args === p.args) kill(p.pid);
    if (child.exitCode === null && child.signalCode === null) kill(pid);
  }
}

describe.runIf(tc)("interrupting npm run plan", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s stops terraform and its plugins, removes the work folder, exits %i (the script under node)", async (signal, code) => {
    await expectInterruptedPlan("node", signal, code);
  });

  it("SIGINT after Terraform saved its plan, while it is shown, leaves no plan file and no review either", async () => {
    await expectInterruptedPlan("node", "SIGINT", 130, "saved");
  });

  // npm forwards a signal to the `sh -c <script>` it starts; sh dies of SIGTERM without passing it
  // on (and sits out SIGINT), unless it has replaced itself with the script: `exec node --import tsx scripts/plan.ts`.
  it.runIf(npmExecs)("SIGTERM to npm itself reaches the script too (package.json runs it with exec)", async () => {
    await expectInterruptedPlan("npm", "SIGTERM", 143);
  });
});

describe("the interrupt handler", () => {
  it("kills a process group that ignores the signal once the grace period is over, then removes the work folder", async () => {
    const work = path.join(out, "stubborn", "work");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "..", "helpers", "interruptible.ts"), work, "500"], {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    let pgid: number | undefined;
    try {
      for (const deadline = Date.now() + 20_000; !pgid && Date.now() < deadline; await sleep(50)) {
        const m = /ready (\d+)/.exec(stdout);
        if (m) pgid = Number(m[1]);
        if (stdout.includes("never ready") || child.exitCode !== null) break;
      }
      if (!pgid) throw new Error(`the program did not start its group:\n${stdout}${stderr}`);
      const members = () => ps().filter((p) => p.pgid === pgid && !p.stat.startsWith("Z"));
      expect(members().length, "sh and its sleep").toBe(2);

      const t0 = Date.now();
      child.kill("SIGINT");
      const code = await Promise.race([exited, sleep(10_000).then(() => "still running after 10 s")]);
      const ms = Date.now() - t0;
      expect(code, stderr).toBe(130);
      expect(ms, "waited for the grace period, then killed").toBeGreaterThanOrEqual(500);
      expect(members()).toEqual([]);
      expect(fs.existsSync(work)).toBe(false);
      expect(stderr).toBe(`interrupted by SIGINT: stopped 1 running command (sh) and removed ${path.relative(PROJECT_ROOT, work)}\n`);
    } finally {
      // Leftovers by PID: the members of the group this test's program started.
      for (const p of pgid ? ps().filter((q) => q.pgid === pgid) : []) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
