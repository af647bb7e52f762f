/**
 * Writing a generated folder (the synthesized `cdktf.out`) atomically: everything is written into a
 * staging folder next to it (same parent, so the same file system and a rename is atomic), and only
 * once complete is the staging folder renamed into place: the previous folder is renamed away, the
 * new one in, then the previous one is removed. A failure at any point (read-only folder, full
 * disk) leaves the previous folder as it was and no staging folder behind, and is reported as one
 * line that names the path, what failed and what to do.
 *
 * Terraform's working files are kept: those of the previous folder's folders at depth `mergeDepth`
 * (for cdktf.out: `stacks/<stack>/.terraform`, `.terraform.lock.hcl`, a local or `errored.tfstate`)
 * are moved into the same folders of the new one when it has them, so a synth keeps them and moving
 * them is a rename, not a copy. Nothing else is (an `*_override.tf.json` left by a killed run). Folders the new output no longer has (the
 * stacks of an environment removed or not selected) are dropped with the previous folder, so what
 * is there is exactly what was synthesized.
 *
 * When the folder cannot be renamed as a whole (it is a mount point, the file system root, or holds
 * the current directory), the staging folder goes inside it and its entries are swapped one by one
 * (folders first, files last), each entry still atomically.
 *
 * The whole write is synchronous: a SIGINT handler (see process.ts) runs only after it, so an
 * interrupt never leaves a half-swapped folder. A program without one dies at once on SIGINT and
 * may leave a staging folder (`.<name>.staging-<pid>-*` next to it) behind, as SIGKILL may: the
 * next write removes those whose process is gone.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "./errors";

/** The one-line report of a failed write; the previous folder is unchanged. */
export class OutputWriteError extends CliError {
  constructor(
    message: string,
    /** The errno code (EACCES, EROFS, ENOSPC, ENOTDIR...). */
    readonly code: string,
  ) {
    super(message);
    this.name = "OutputWriteError";
  }
}

export interface AtomicWriteOptions {
  /** How many levels of the previous folder keep the entries the new one lacks. @default 3 */
  readonly mergeDepth?: number;
  /** Another way out, for the advice: "or <elsewhere>". @default "choose another output folder" */
  readonly elsewhere?: string;
}

/**
 * Removes the staging folders `<prefix><pid>-<random>` in `dir` whose process is gone (killed
 * mid-write): never one of a write still running, in this process or another.
 */
function removeOrphanedStaging(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    tryQuietly(() => fs.rmSync(path.join(dir, name), { recursive: true, force: true }));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Why `outdir` cannot be the synthesized output, or undefined: it must not be inside the project's
 * inputs (the environment files, the sources: a later synth would load or overwrite them) nor a
 * kernel file system (/proc, /sys, /dev), where writes never finish.
 */
export function outputDirProblem(outdir: string, inputs: readonly string[]): string | undefined {
  const final = path.resolve(outdir);
  const within = (dir: string) => {
    const rel = path.relative(path.resolve(dir), final);
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
  };
  for (const special of ["/proc", "/sys", "/dev"]) {
    if (within(special)) return `${final} is inside ${special}, a kernel file system; synthesize into a folder of your own`;
  }
  for (const input of inputs) {
    if (within(input) || !path.relative(final, path.resolve(input)).startsWith(".."))
      return `${final} would hold or replace ${path.resolve(input)}, which the synth reads; synthesize elsewhere (cdktf.out by default)`;
  }
  return undefined;
}

interface Move {
  readonly from: string;
  readonly to: string;
}

/**
 * Calls `write(staging)` to fill a fresh staging folder, then puts that folder in place of `target`.
 * Errors of `write` that are not file system errors (a policy violation, a bug) are rethrown as they
 * are; file system errors become an {@link OutputWriteError}. Either way nothing is left behind.
 */
export function writeDirAtomically(target: string, write: (staging: string) => void, opts: AtomicWriteOptions = {}): void {
  const final = resolveTarget(target);
  const parent = path.dirname(final);
  const mergeDepth = opts.mergeDepth ?? 3;
  let existed = false;
  let staging: string | undefined;
  const fail = (err: unknown): never => {
    throw describeFault(err, { final, parent, staging, existed, elsewhere: opts.elsewhere ?? "choose another output folder" });
  };

  let inside = false;
  try {
    makeFolders(parent);
    const current = lstatOrUndefined(final);
    existed = current?.isDirectory() ?? false;
    if (current && !current.isDirectory()) throw fsError("ENOTDIR", "open", final);
    if (current) fs.accessSync(final, fs.constants.W_OK);
    const cwd = path.resolve(process.cwd());
    inside =
      current !== undefined &&
      (final === path.parse(final).root || !path.relative(final, cwd).startsWith("..") || current.dev !== fs.statSync(parent).dev);
    // mkdir, not mkdtemp: the folder gets the usual mode (umask applied), or the previous folder's.
    // Its name holds this process's id, so a later write removes what a killed one left.
    const stagingParent = inside ? final : parent;
    const prefix = `${inside ? "" : `.${path.basename(final)}`}.staging-`;
    removeOrphanedStaging(stagingParent, prefix);
    staging = path.join(stagingParent, `${prefix}${process.pid}-${randomBytes(6).toString("hex")}`);
    fs.mkdirSync(staging);
    if (current && !inside) fs.chmodSync(staging, current.mode & 0o7777);
  } catch (err) {
    fail(err);
  }
  const stagingDir = staging!;
  const journal: Move[] = [];
  const displaced: string[] = [];
  let swapped = false;
  try {
    try {
      write(stagingDir);
    } catch (err) {
      // Only a failure to write the staging folder is a fault of the output folder; any other
      // error (a policy violation, a missing input file) is the writer's own, rethrown as it is.
      if (!isFsError(err) || !writesInto(err, stagingDir)) throw err;
      fail(err);
    }
    try {
      if (!inside) {
        swapDir(final, stagingDir, mergeDepth, journal, displaced);
      } else {
        const entries = fs.readdirSync(stagingDir, { withFileTypes: true });
        // Folders first, files (manifest.json) last: a reader that finds the new manifest finds its stacks.
        for (const entry of [...entries.filter((e) => e.isDirectory()), ...entries.filter((e) => !e.isDirectory())]) {
          const from = path.join(stagingDir, entry.name);
          const to = path.join(final, entry.name);
          if (entry.isDirectory()) swapDir(to, from, mergeDepth - 1, journal, displaced);
          else rename(from, to, journal);
        }
      }
      swapped = true;
    } catch (err) {
      for (const move of journal.reverse()) tryQuietly(() => fs.renameSync(move.to, move.from));
      fail(err);
    }
  } finally {
    // After a whole swap the staging folder is the output and nothing is left at its old path.
    tryQuietly(() => fs.rmSync(stagingDir, { recursive: true, force: true }));
    // The previous folders go only once the new one is in place (a failed rollback keeps them).
    if (swapped) for (const old of displaced) tryQuietly(() => fs.rmSync(old, { recursive: true, force: true }));
  }
}

/**
 * Puts `staged` (a complete folder) in place of `final`: moves over what only `final` has, renames
 * `final` away and `staged` in. Another writer may put its own folder in place meanwhile; it is then
 * displaced in turn (its kept entries moved over too), so the last one to finish wins.
 */
function swapDir(final: string, staged: string, mergeDepth: number, journal: Move[], displaced: string[]): void {
  for (let attempt = 0; ; attempt++) {
    if (lstatOrUndefined(final)) {
      carryOver(final, staged, mergeDepth, journal);
      const old = path.join(path.dirname(final), `.${path.basename(final)}.old-${randomBytes(6).toString("hex")}`);
      rename(final, old, journal);
      displaced.push(old);
    }
    try {
      rename(staged, final, journal);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt >= 5) throw err;
    }
  }
}

/** What Terraform itself keeps in a stack's folder between runs, carried into a new output. */
const TERRAFORM_WORKING_FILES = new Set([
  ".terraform",
  ".terraform.lock.hcl",
  "terraform.tfstate",
  "terraform.tfstate.backup",
  "errored.tfstate",
]);

/**
 * Moves Terraform's working files of `oldDir` that `newDir` lacks into `newDir` at the last of
 * `depth` levels, descending only into folders both have.
 */
function carryOver(oldDir: string, newDir: string, depth: number, journal: Move[]): void {
  if (depth <= 0) return;
  for (const name of fs.readdirSync(oldDir)) {
    const from = path.join(oldDir, name);
    const to = path.join(newDir, name);
    const there = lstatOrUndefined(to);
    if (!there) {
      if (depth > 1) continue; // a folder no longer generated: dropped
      // Only Terraform's own working files: an override file a killed run left (a local backend,
      // emulator endpoints) would otherwise ride along into every later synth, silently.
      if (!TERRAFORM_WORKING_FILES.has(name)) continue;
      try {
        rename(from, to, journal);
      } catch (err) {
        // Gone meanwhile: another writer moved it into its own output.
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    } else if (there.isDirectory() && lstatOrUndefined(from)?.isDirectory()) {
      carryOver(from, to, depth - 1, journal);
    }
  }
}

function rename(from: string, to: string, journal: Move[]): void {
  fs.renameSync(from, to);
  journal.push({ from, to });
}

/** The folder to replace: a symbolic link is followed, so the link stays and its target is replaced. */
function resolveTarget(target: string): string {
  const abs = path.resolve(target);
  try {
    if (fs.lstatSync(abs).isSymbolicLink()) return fs.realpathSync(abs);
  } catch {
    // does not exist (yet), or a dangling link: written as it is named
  }
  return abs;
}

/** `mkdir -p`, one level at a time: a recursive mkdirSync reports ENOENT for a read-only disk. */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || !fs.statSync(d).isDirectory()) throw err;
    }
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function tryQuietly(f: () => void): void {
  try {
    f();
  } catch {
    // best effort
  }
}

function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return (
    err instanceof Error &&
    typeof (err as NodeJS.ErrnoException).code === "string" &&
    typeof (err as NodeJS.ErrnoException).syscall === "string"
  );
}

/**
 * Whether a file system error is about a path in `dir` (or, for a copy, its destination). One
 * without a path (`write` on an open file: ENOSPC) is about the files being written.
 */
function writesInto(err: NodeJS.ErrnoException & { dest?: string }, dir: string): boolean {
  if (err.path === undefined && err.dest === undefined) return true;
  return [err.path, err.dest].some((p) => p !== undefined && within(path.resolve(p), dir));
}

function fsError(code: string, syscall: string, p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${p}'`), { code, syscall, path: p });
}

function within(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function existingAncestor(p: string): string {
  let dir = p;
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** The nearest existing ancestor of `p` (or `p` itself) that is not a folder, if any. */
function nonFolderAncestor(p: string): string | undefined {
  for (let dir = p; ; dir = path.dirname(dir)) {
    try {
      if (!fs.statSync(dir).isDirectory()) return dir;
    } catch {
      // does not exist: look further up
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The one line for a failed write: the path, what failed, what to do, and what was left. */
function describeFault(
  err: unknown,
  ctx: { final: string; parent: string; staging?: string; existed: boolean; elsewhere: string },
): OutputWriteError {
  if (!isFsError(err)) return err as OutputWriteError; // rethrown as it is
  const code = err.code!;
  // Paths inside the staging folder (or of its creation) mean nothing to the user: name its parent.
  const stagingParent = ctx.staging ? path.dirname(ctx.staging) : ctx.parent;
  // A rename fails for want of its folder; a path that does not exist is named by its nearest ancestor.
  const errPath = err.path ? (err.syscall === "rename" ? path.dirname(path.resolve(err.path)) : path.resolve(err.path)) : undefined;
  const where =
    !errPath || (ctx.staging && within(errPath, ctx.staging)) || path.basename(errPath).includes(".staging-")
      ? stagingParent
      : existingAncestor(errPath);
  let fault: string;
  let fix: string;
  switch (code) {
    case "EACCES":
    case "EPERM":
      fault = `${where} is not writable (${code})`;
      fix = "make it writable";
      break;
    case "EROFS":
      fault = `${where} is on a read-only file system (EROFS)`;
      fix = "mount it read-write";
      break;
    case "ENOSPC":
      fault = `no space is left on the disk of ${where} (ENOSPC)`;
      fix = "free some space there";
      break;
    case "EDQUOT":
      fault = `the disk quota for ${where} is used up (EDQUOT)`;
      fix = "free some space there";
      break;
    case "ENOTDIR":
    case "EEXIST": {
      const file = nonFolderAncestor(errPath ?? ctx.final) ?? where;
      fault = `${file} is a file, not a folder (${code === "EEXIST" ? "ENOTDIR" : code})`;
      fix = "move it away";
      break;
    }
    default:
      fault = `${err.syscall} failed on ${where} (${code})`;
      fix = "check that folder";
  }
  const left = ctx.existed ? "The previous output is unchanged." : "Nothing was written.";
  return new OutputWriteError(
    `cannot write ${ctx.final}: ${fault}; ${fix}, or ${ctx.elsewhere}. ${left}`,
    code === "EEXIST" ? "ENOTDIR" : code,
  );
}
