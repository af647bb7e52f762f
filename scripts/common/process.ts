/**
 * Running a command line tool (terraform, cdktf, kubectl, aws) as a child in its own process group,
 * bounded in time: on timeout the whole group is killed, so no provider plugin outlives its parent.
 * Every child is registered with the interrupt handler (src/lib/interrupts.ts), which stops it on
 * SIGINT or SIGTERM.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { installSignalHandlers, interruptSignal, signalProcess, trackProcess } from "../../src/lib/interrupts";

/** The result of one command. */
export interface ProcessRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Written to the child's stdin, which is then closed. @default - stdin is closed at once */
  readonly input?: string;
  /** Called with each chunk of output as it arrives (progress, logs). @default - none */
  readonly onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  /**
   * How long it may take to stop on Ctrl-C before it is killed: a Terraform apply finishes the
   * operations in flight and writes its state. @default the program's grace period (10 s)
   */
  readonly graceMs?: number;
  /** Called with the child's pid once it runs (it leads a process group of its own). @default - none */
  readonly onSpawn?: (pid: number) => void;
}

/** Runs `command args`; never throws on a non-zero exit (only when the command cannot start). */
export function runProcess(command: string, args: readonly string[], opts: RunOptions): Promise<ProcessRun> {
  installSignalHandlers();
  // Shutting down: start nothing new, and never settle, so no caller goes on to its next step.
  if (interruptSignal()) return new Promise<never>(() => undefined);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    const untrack =
      child.pid === undefined
        ? () => undefined
        : trackProcess(child.pid, { group: true, label: path.basename(command), graceMs: opts.graceMs });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      opts.onOutput?.(text, "stdout");
    });
    child.stderr.on("data", (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      opts.onOutput?.(text, "stderr");
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
    const timer = setTimeout(() => {
      signalProcess({ pid: child.pid!, group: true }, "SIGKILL");
      stderr += `\n(${command} ${args.join(" ")} killed after ${opts.timeoutMs} ms)`;
    }, opts.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      untrack();
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      untrack();
      // Stopped by the interrupt handler, which exits the program: the caller must not go on.
      if (interruptSignal()) return;
      resolve({ command, args, code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
}
