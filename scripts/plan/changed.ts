/**
 * Which stacks a change touches: the synthesized JSON of the working tree against that of a git ref.
 * Synth is byte-identical for the same code and config (a test proves it), so a stack whose folder
 * (cdk.tf.json and its assets) is the same at both is exactly a stack a plan would show no change in
 * from the code; a stack that is new, or whose folder differs, needs a plan.
 *
 * The ref is synthesized by its own code and environments, in a temporary git worktree that shares
 * this checkout's node_modules, with its own app command; the worktree is removed afterwards (also
 * when the program is interrupted).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runProcess } from "../common/process";
import { removeOnInterrupt } from "../../src/lib/interrupts";

export interface StackChanges {
  /** Stacks of the working tree that are new or differ from the ref, by id. */
  readonly changed: string[];
  /** Stacks that are the same at both. */
  readonly unchanged: string[];
  /** Stacks the ref had and the working tree no longer has. */
  readonly removed: string[];
}

/** Compares two synthesized outputs (`cdktf.out` folders) stack by stack. */
export function compareOutputs(current: string, base: string): StackChanges {
  // The manifest says what was synthesized (a folder can outlive its stack: Terraform's files are kept).
  const stacksOf = (out: string) => {
    const manifest = path.join(out, "manifest.json");
    if (!fs.existsSync(manifest)) return [];
    return Object.keys((JSON.parse(fs.readFileSync(manifest, "utf8")) as { stacks: Record<string, unknown> }).stacks);
  };
  const baseStacks = new Set(stacksOf(base));
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const stack of stacksOf(current).sort()) {
    const same = baseStacks.has(stack) && sameTree(path.join(current, "stacks", stack), path.join(base, "stacks", stack));
    (same ? unchanged : changed).push(stack);
  }
  const now = new Set([...changed, ...unchanged]);
  return { changed, unchanged, removed: [...baseStacks].filter((s) => !now.has(s)).sort() };
}

/** Whether two folders hold the same files with the same bytes (Terraform's own files ignored). */
function sameTree(a: string, b: string): boolean {
  const files = (dir: string, rel = ""): string[] =>
    fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
      const name = path.join(rel, e.name);
      if (e.name === ".terraform" || e.name === ".terraform.lock.hcl" || e.name.endsWith(".tfstate")) return [];
      return e.isDirectory() ? files(dir, name) : [name];
    });
  const fa = files(a).sort();
  const fb = files(b).sort();
  return (
    fa.length === fb.length && fa.every((f, i) => f === fb[i] && fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))))
  );
}

/**
 * Synthesizes `ref` of the repository at `root` into a temporary folder and returns it, with the
 * function that removes it. Throws with one line when the ref is unknown or does not synthesize.
 * Its output folder sits where `compareWith` sits in `root` (else at `cdktf.out`), so the paths
 * the stacks hold relative to the project (a kubeconfig file) compare equal.
 */
export async function synthesizeRef(
  root: string,
  ref: string,
  compareWith: string = path.join(root, "cdktf.out"),
): Promise<{ out: string; remove: () => void }> {
  const git = (args: string[], cwd = root) => runProcess("git", args, { cwd, env: process.env, timeoutMs: 60_000 });
  const commit = await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (commit.code !== 0)
    throw new Error(`--changed ${ref}: no such commit in this repository (fetch it first, e.g. git fetch origin ${ref})`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "eks-changed-"));
  const tree = path.join(work, "tree");
  const cancel = removeOnInterrupt(work);
  const remove = () => {
    fs.rmSync(work, { recursive: true, force: true });
    // Forget the worktree's registration now that its folder is gone.
    spawnSync("git", ["worktree", "prune"], { cwd: root, timeout: 30_000, stdio: "ignore" });
    cancel();
  };
  try {
    const add = await git(["worktree", "add", "--detach", "--quiet", tree, commit.stdout.trim()]);
    if (add.code !== 0) throw new Error(`--changed ${ref}: git worktree add failed: ${add.stderr.trim().split("\n")[0]}`);
    // The commit's own dependencies are the project's install (a link, unless the commit holds one).
    if (!fs.existsSync(path.join(tree, "node_modules")))
      fs.symlinkSync(path.join(root, "node_modules"), path.join(tree, "node_modules"), "dir");
    const inProject = path.relative(root, path.resolve(compareWith));
    const out = path.join(tree, inProject && !inProject.startsWith("..") && !path.isAbsolute(inProject) ? inProject : "cdktf.out");
    const { app } = JSON.parse(fs.readFileSync(path.join(tree, "cdktf.json"), "utf8")) as { app: string };
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: "1" };
    delete env.EKS_ENVS_DIR;
    delete env.EKS_ENVS;
    const synth = await runProcess("sh", ["-c", app], { cwd: tree, env, timeoutMs: 180_000 });
    if (synth.code !== 0 || !fs.existsSync(path.join(out, "manifest.json"))) {
      throw new Error(`--changed ${ref}: its code does not synthesize: ${(synth.stderr.trim() || synth.stdout.trim()).split("\n")[0]}`);
    }
    return { out, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
