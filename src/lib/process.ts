/**
 * Running a command line tool (terraform, cdktf, kubectl, aws) as a child in its own process group,
 * bounded in time: on timeout the whole group is killed, so no provider plugin outlives its parent.
 */
import { spawn } from "node:child_process";

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
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      stderr += `\n(${command} ${args.join(" ")} killed after ${opts.timeoutMs} ms)`;
    }, opts.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ command, args, code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
}
