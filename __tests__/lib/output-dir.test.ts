/**
 * writeDirAtomically: the new folder replaces the old one only when complete, keeps what the
 * generator does not write (Terraform's files), and leaves nothing behind when the writer fails.
 * Real file system faults are in __tests__/integration/synth-faults.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { OutputWriteError, writeDirAtomically } from "../../src/lib/output-dir";

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

function write(dir: string, tree: Record<string, string>): void {
  for (const [file, text] of Object.entries(tree)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

const NEW = { "manifest.json": "new", "stacks/a/cdk.tf.json": "a2", "stacks/a/assets/h2/x.cjs": "x2" };

function previous(): { parent: string; outdir: string } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "output-dir-"));
  const outdir = path.join(parent, "cdktf.out");
  write(outdir, {
    "manifest.json": "old",
    "stacks/a/cdk.tf.json": "a1",
    "stacks/a/assets/h1/x.cjs": "x1",
    "stacks/a/.terraform/terraform.tfstate": "backend",
    "stacks/a/.terraform.lock.hcl": "lock",
    "stacks/a/errored.tfstate": "saved",
    // Left by a run killed with SIGKILL: Terraform would load it silently after every later synth.
    "stacks/a/backend_override.tf.json": '{"terraform":{"backend":{"local":{}}}}',
    "stacks/gone/cdk.tf.json": "g1",
    "notes.txt": "mine",
  });
  return { parent, outdir };
}

describe("writeDirAtomically", () => {
  it("replaces the folder, keeping Terraform's files in the stacks still written, and leaves no staging folder", () => {
    const { parent, outdir } = previous();
    writeDirAtomically(outdir, (staging) => write(staging, NEW));
    // A stack no longer synthesized (an environment removed or not selected) is gone, as is anything
    // else the writer does not write (an override file): the folder holds what was synthesized, and
    // Terraform's working files.
    expect(files(outdir)).toEqual({
      ...NEW,
      "stacks/a/.terraform/terraform.tfstate": "backend",
      "stacks/a/.terraform.lock.hcl": "lock",
      "stacks/a/errored.tfstate": "saved",
    });
    expect(fs.readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("rethrows an error of the writer as it is and leaves the previous folder and nothing else", () => {
    const { parent, outdir } = previous();
    const before = files(outdir);
    const boom = new Error("policy check failed");
    expect(() =>
      writeDirAtomically(outdir, (staging) => {
        write(staging, NEW);
        throw boom;
      }),
    ).toThrow(boom);
    expect(files(outdir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("reports a file system error of the writer in one line, as an OutputWriteError", () => {
    const { parent, outdir } = previous();
    const before = files(outdir);
    let error: unknown;
    try {
      writeDirAtomically(outdir, (staging) => {
        fs.writeFileSync(path.join(staging, "manifest.json"), "partial");
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", path: staging });
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toBe(
      `cannot write ${outdir}: no space is left on the disk of ${parent} (ENOSPC); free some space there, or choose another output folder. The previous output is unchanged.`,
    );
    expect(files(outdir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("rethrows a file system error about something else than the output (a missing input) as it is", () => {
    const { parent, outdir } = previous();
    const missing = path.join(parent, "no-such-input.ts");
    expect(() => writeDirAtomically(outdir, () => fs.readFileSync(missing))).toThrow(/^ENOENT: no such file or directory/);
    expect(fs.readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("replaces the target of a symbolic link and keeps the link", () => {
    const { parent, outdir } = previous();
    const link = path.join(parent, "link.out");
    fs.symlinkSync(outdir, link);
    writeDirAtomically(link, (staging) => write(staging, NEW));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).toBe("new");
    expect(fs.readdirSync(parent).sort()).toEqual(["cdktf.out", "link.out"]);
  });

  it("swaps entry by entry when the folder holds the current directory, and never moves that folder", () => {
    const { outdir } = previous();
    const cwd = process.cwd();
    process.chdir(outdir);
    try {
      writeDirAtomically(outdir, (staging) => write(staging, NEW));
    } finally {
      process.chdir(cwd);
    }
    expect(files(outdir)).toMatchObject({ ...NEW, "stacks/a/.terraform/terraform.tfstate": "backend", "notes.txt": "mine" });
    expect(fs.readdirSync(outdir).sort()).toEqual(["manifest.json", "notes.txt", "stacks"]);
  });

  it("creates missing parents and writes a folder that did not exist", () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "output-dir-"));
    const outdir = path.join(parent, "a", "b", "cdktf.out");
    writeDirAtomically(outdir, (staging) => write(staging, NEW));
    expect(files(outdir)).toEqual(NEW);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(["cdktf.out"]);
  });

  it("removes the staging folders of writers that died, never one of a writer still running", () => {
    const { parent, outdir } = previous();
    // A process that has exited: its pid is free (or another's; either way not a writer of ours).
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const orphan = path.join(parent, `.cdktf.out.staging-${dead}-0123456789ab`);
    const running = path.join(parent, `.cdktf.out.staging-${process.ppid}-0123456789ab`);
    const unrelated = path.join(parent, ".cdktf.out.staging-notours");
    for (const d of [orphan, running, unrelated]) write(d, { "manifest.json": "half" });
    writeDirAtomically(outdir, (staging) => write(staging, NEW));
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(running)).toBe(true);
    expect(fs.existsSync(unrelated)).toBe(true);
    expect(files(outdir)["manifest.json"]).toBe("new");
  });
});
