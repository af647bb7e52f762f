/**
 * Files only their owner may read: plans (a `.tfplan` holds the full configuration and state),
 * their JSON, kubeconfigs. Folders are 0700, files 0600, and a file is replaced atomically (a
 * temporary file beside it, renamed over it), so no reader ever sees half of one.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Creates `dir` (and any missing parent) with mode 0700, and makes it 0700 if it exists. Throws an
 * Error naming the folder when its mode cannot be changed (a folder of another user, such as /tmp).
 */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    if ((fs.statSync(dir).mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
  } catch (err) {
    throw new Error(`cannot make ${dir} private (mode 0700): ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
}

/**
 * Writes `content` to `file` atomically with `mode` (default 0600): a temporary file in the same
 * folder, created exclusively (never through a link planted there), then renamed over `file`. A
 * symlink at `file` is replaced, not followed: give `linkTarget(file)` to update what it points to.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode, flag: "wx" });
    fs.chmodSync(tmp, mode); // the umask may have taken bits off
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The file that writing `file` should replace so that a symlink stays a link: `file` itself, or
 * the file at the end of its chain of links. Throws an Error when the chain ends nowhere.
 */
export function linkTarget(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return file; // nothing there yet
  }
  if (!stat.isSymbolicLink()) return file;
  try {
    return fs.realpathSync(file);
  } catch (err) {
    throw new Error(
      `${file} is a symlink to ${fs.readlinkSync(file)}, which cannot be followed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); create what it points to, or name another file`,
      { cause: err },
    );
  }
}

/**
 * Writes a file a command produces on request (`--out`, `--report`, a regenerated doc) atomically,
 * readable by all (0644): a kill never leaves half of it, and a failure names the file and the cause.
 */
export function writeOutputFile(file: string, content: string): void {
  try {
    writeFileAtomic(linkTarget(file), content, 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot write ${file}: ${code ? `${code} (${(err as Error).message.split(":")[0]})` : (err as Error).message}`, {
      cause: err,
    });
  }
}
