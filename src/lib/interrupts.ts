/**
 * The one registry of what a program must undo when it is interrupted: the process
 * groups still running and the cleanups (work folders to remove). On SIGINT, SIGTERM or SIGHUP the handler
 * forwards the signal to every live group (a child in its own group does not get the terminal's
 * Ctrl-C), waits a grace period for them to stop, kills what is left, runs the cleanups, and exits
 * with 128 + the signal number (130, 143). A second signal skips the grace period. Exiting any
 * other way with children still running sends them SIGTERM.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A child process the interrupt handler stops: a whole process group (its leader's pid) or one process. */
interface Tracked {
  readonly pid: number;
  readonly group: boolean;
  readonly label?: string;
  /** How long it may take to stop after the signal. @default the program's grace period */
  readonly graceMs?: number;
}

interface Cleanup {
  readonly run: () => void;
  /** Named in the interrupt message (a folder that was removed). */
  readonly label?: string;
}

const tracked = new Set<Tracked>();
const cleanups = new Set<Cleanup>();
let interruptedBy: NodeJS.Signals | undefined;
let installed = false;
let graceMs = 10_000;
/** Set by a second signal: stop waiting for the children to exit on their own. */
let hurry = false;

/**
 * Registers a running child so the interrupt handler stops it: `group: true` for a child spawned
 * with `detached: true` (its pid is its process group id, and the whole group is signalled).
 * Returns the function that forgets it (call it once the child has exited).
 */
export function trackProcess(
  pid: number,
  opts: { readonly group: boolean; readonly label?: string; readonly graceMs?: number },
): () => void {
  installSignalHandlers();
  const entry: Tracked = { pid, ...opts };
  tracked.add(entry);
  return () => void tracked.delete(entry);
}

/**
 * Registers `cleanup` to run when the program is interrupted, after every tracked child is gone;
 * the latest registered runs first. Returns the function that unregisters it (call it once the
 * cleanup is no longer needed, e.g. when the work is done and the folder removed or kept on purpose).
 */
export function onInterrupt(cleanup: () => void, label?: string): () => void {
  installSignalHandlers();
  const entry: Cleanup = { run: cleanup, label };
  cleanups.add(entry);
  return () => void cleanups.delete(entry);
}

/** Removes `dir` (recursively) if the program is interrupted; returns the function that cancels that. */
export function removeOnInterrupt(dir: string): () => void {
  return onInterrupt(() => fs.rmSync(dir, { recursive: true, force: true }), dir);
}

/**
 * How long the interrupt handler waits for the children to exit after forwarding the signal,
 * before it kills them (SIGKILL). Terraform stops gracefully on SIGINT and SIGTERM; 10 s by default.
 */
export function setInterruptGrace(ms: number): void {
  graceMs = ms;
}

/** The signal being handled, once the program is shutting down. */
export function interruptSignal(): NodeJS.Signals | undefined {
  return interruptedBy;
}

/** Installs the SIGINT, SIGTERM and SIGHUP handlers (once; later calls do nothing). */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  // SIGHUP: the terminal went away (a closed SSH session); stop as cleanly as on SIGTERM.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void interrupt(signal));
  // Exiting any other way (process.exit, a crash) with children still running: they get SIGTERM,
  // which Terraform answers by stopping its plugins and itself, so none runs on unobserved.
  process.on("exit", () => {
    for (const child of tracked) signalProcess(child, "SIGTERM");
  });
}

let watchingParent = false;

/**
 * For a child started with an IPC channel (a test runner's worker): when the parent goes away
 * without signalling it (a test runner that exits on SIGTERM at once), act as on SIGTERM, so the
 * process groups it started do not keep running. Does nothing without an IPC channel.
 */
export function interruptOnDisconnect(): void {
  if (watchingParent || !process.connected) return;
  watchingParent = true;
  installSignalHandlers();
  process.once("disconnect", () => void interrupt("SIGTERM"));
}

async function interrupt(signal: NodeJS.Signals): Promise<void> {
  const forwarded = signal === "SIGHUP" ? "SIGTERM" : signal;
  if (interruptedBy) {
    // A second Ctrl-C: passed on too (Terraform then exits at once), and the wait is cut short.
    hurry = true;
    for (const child of tracked) signalProcess(child, forwarded);
    return;
  }
  interruptedBy = signal;
  const children = [...tracked];
  // Terraform stops gracefully on SIGINT and SIGTERM; a hang-up is passed on as SIGTERM.
  for (const child of children) signalProcess(child, forwarded);
  // An apply finishes what it is doing and writes its state: that may take minutes.
  await waitUntilGone(children, Math.max(...children.map((c) => c.graceMs ?? graceMs), graceMs), true);
  if (anyAlive(children)) {
    for (const child of children) signalProcess(child, "SIGKILL");
    await waitUntilGone(children, 2_000, false);
  }
  const removed: string[] = [];
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup.run();
      if (cleanup.label) removed.push(displayPath(cleanup.label));
    } catch {
      // the others still run
    }
  }
  // Silent when there was nothing to undo (a test runner stopping its idle workers with SIGTERM).
  const done = [
    children.length > 0
      ? `stopped ${children.length} running command${children.length === 1 ? "" : "s"} (${[...new Set(children.map((c) => c.label ?? `pid ${c.pid}`))].join(", ")})`
      : "",
    removed.length > 0 ? `removed ${removed.join(", ")}` : "",
  ].filter(Boolean);
  if (done.length > 0) process.stderr.write(`interrupted by ${signal}: ${done.join(" and ")}\n`);
  process.exit(128 + os.constants.signals[signal]);
}

/** Polls until every child is gone, `ms` at most (or, when `skippable`, until a second signal). */
async function waitUntilGone(children: readonly Tracked[], ms: number, skippable: boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (anyAlive(children) && Date.now() < deadline && !(skippable && hurry)) await new Promise((r) => setTimeout(r, 25));
}

/** Sends `signal` to a child (its whole process group when `group`); a child already gone is fine. */
export function signalProcess(child: { readonly pid: number; readonly group: boolean }, signal: NodeJS.Signals): void {
  try {
    process.kill(child.group ? -child.pid : child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Whether any of the processes (or any process of the groups) still runs. Zombies do not count: an
 * orphaned plugin that has exited waits for init to reap it, which in some containers never happens.
 */
function anyAlive(children: readonly Tracked[]): boolean {
  const signalled = children.filter((child) => {
    try {
      process.kill(child.group ? -child.pid : child.pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  if (signalled.length === 0) return false;
  const live = liveProcesses();
  if (!live) return true; // no /proc: the signal test above is all there is
  return signalled.some((child) => live.some((p) => (child.group ? p.pgid === child.pid : p.pid === child.pid)));
}

/** The processes of this machine that are not zombies, from /proc (Linux); undefined elsewhere. */
function liveProcesses(): { pid: number; pgid: number }[] | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return undefined;
  }
  const live: { pid: number; pgid: number }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] !== "Z" && fields[0] !== "X") live.push({ pid: Number(entry), pgid: Number(fields[2]) });
  }
  return live;
}

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}
