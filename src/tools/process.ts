/**
 * Running a command line tool (terraform, cdktf, kubectl, aws) as a child in its own process group,
 * bounded in time: on timeout the whole group is killed, so no provider plugin outlives its parent.
 * Every child is registered with the interrupt handler (src/lib/interrupts.ts), which stops it on
 * SIGINT or SIGTERM.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { installSignalHandlers, interruptSignal, signalProcess, trackProcess } from "../lib/interrupts";

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
}

/** Runs `command args`; never throws on a non-zero exit (only when the command cannot start). */
export function runProcess(command: string, args: readonly string[], opts: RunOptions): Promise<ProcessRun> {
  installSignalHandlers();
  // Shutting down: start nothing new, and never settle, so no caller goes on to its next step.
  if (interruptSignal()) return new Promise<never>(() => undefined);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    const untrack = child.pid === undefined ? () => undefined : trackProcess(child.pid, { group: true, label: path.basename(command) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
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
