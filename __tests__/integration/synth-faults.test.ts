/**
 * The app writes cdktf.out atomically: real file system faults (read-only folders, a file where a
 * folder should be, a read-only file system, a full disk) fail with one line on stderr, exit 1,
 * leave the previous output byte-identical and no staging folder behind; a successful synth keeps
 * what Terraform put in the previous output.
 *
 * The app synthesizes the fixture environments (EKS_ENVS_DIR). Which fault stands for "read-only"
 * depends on who runs the tests: an ordinary user gets
 * `chmod 0555` (EACCES); root ignores modes, so root gets the immutable attribute (`chattr +i`,
 * EPERM), which binds root too. The read-only file system and the full disk are real tmpfs mounts
 * in a private mount namespace (`unshare -m` as root, `unshare -Urm` otherwise); where neither can
 * be made (no user namespaces, no mount permission), those cases are skipped and say why.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { FIXTURE_ENVS_DIR } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";

const out = testOutputDir("synth-faults");
const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
const ELSEWHERE = "synthesize elsewhere (cdktf synth --output <dir>, or CDKTF_OUTDIR)";
const isRoot = process.getuid?.() === 0;
/** The environments the app synthesizes here: the fixtures. */
const ENVS = { EKS_ENVS_DIR: FIXTURE_ENVS_DIR };
/** A stack of them, whose folder holds Terraform's files (.terraform) in a previous output. */
const DEPLOYED = "alpha-backend";

/** Runs the app command of cdktf.json, as cdktf-cli does, with CDKTF_OUTDIR set. */
function synth(outdir: string): { code: number | null; stderr: string } {
  const r = spawnSync("sh", ["-c", app], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...ENVS, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr };
}

/** Every file under `dir` with the hash of its bytes. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = createHash("sha256").update(fs.readFileSync(full)).digest("hex");
    }
  };
  walk(dir);
  return files;
}

/** Makes `dir` read-only for whoever runs the tests (see the header); returns how, and the undo. */
function makeReadOnly(dir: string): { code: string; undo: () => void } | undefined {
  if (!isRoot) {
    fs.chmodSync(dir, 0o555);
    return { code: "EACCES", undo: () => fs.chmodSync(dir, 0o755) };
  }
  const r = spawnSync("chattr", ["+i", dir], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  return { code: "EPERM", undo: () => void spawnSync("chattr", ["-i", dir]) };
}

/** Whether `makeReadOnly` can work here: tried once on a scratch folder. */
const readOnlyWorks = (() => {
  const probe = path.join(out, "read-only-probe");
  fs.mkdirSync(probe);
  const ro = makeReadOnly(probe);
  ro?.undo();
  fs.rmSync(probe, { recursive: true });
  if (!ro)
    console.warn(
      "SKIPPING the read-only folder cases: running as root, and chattr +i is not possible here (file system or CAP_LINUX_IMMUTABLE)",
    );
  return ro !== undefined;
})();
const readOnlyHow = isRoot ? "root: chattr +i, EPERM" : "chmod 0555, EACCES";

let golden: string;

beforeAll(() => {
  golden = path.join(out, "golden", "cdktf.out");
  const r = synth(golden);
  if (r.code !== 0) throw new Error(`the previous output could not be synthesized (exit ${r.code}):\n${r.stderr}`);
});

/** A folder holding a copy of a previous output, as `cdktf.out`. */
function withPrevious(name: string): { parent: string; outdir: string; before: Record<string, string> } {
  const parent = path.join(out, name);
  const outdir = path.join(parent, "cdktf.out");
  fs.cpSync(golden, outdir, { recursive: true });
  return { parent, outdir, before: tree(parent) };
}

describe("synth into a folder that cannot be written", () => {
  it.runIf(readOnlyWorks).each([
    ["parent folder", "read-only-parent", "parent"],
    ["output folder", "read-only-output", "output"],
  ] as const)(`fails on a read-only %s (${readOnlyHow}) and leaves the previous output as it was`, (_label, name, which) => {
    const { parent, outdir, before } = withPrevious(name);
    const readOnly = which === "parent" ? parent : outdir;
    const ro = makeReadOnly(readOnly)!;
    let r;
    try {
      r = synth(outdir);
    } finally {
      ro.undo();
    }
    expect(r.stderr).toBe(
      `cannot write ${outdir}: ${readOnly} is not writable (${ro.code}); make it writable, or ${ELSEWHERE}. The previous output is unchanged.\n`,
    );
    expect(r.code).toBe(1);
    expect(tree(parent)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("fails when the output's parent is a regular file (ENOTDIR), for any user", () => {
    const dir = path.join(out, "file-parent");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "not-a-folder");
    fs.writeFileSync(file, "keep me\n");
    const outdir = path.join(file, "cdktf.out");
    const r = synth(outdir);
    expect(r.stderr).toBe(
      `cannot write ${outdir}: ${file} is a file, not a folder (ENOTDIR); move it away, or ${ELSEWHERE}. Nothing was written.\n`,
    );
    expect(r.code).toBe(1);
    expect(fs.readFileSync(file, "utf8")).toBe("keep me\n");
    expect(fs.readdirSync(dir)).toEqual(["not-a-folder"]);
  });
});

describe("a successful synth", () => {
  it("replaces the output, keeps Terraform's files of the previous one, and leaves no staging folder", () => {
    const { parent, outdir } = withPrevious("replace");
    const tfDir = path.join(outdir, "stacks", DEPLOYED, ".terraform");
    fs.mkdirSync(tfDir, { recursive: true });
    fs.writeFileSync(path.join(tfDir, "terraform.tfstate"), "{}\n");
    fs.writeFileSync(path.join(outdir, "stacks", DEPLOYED, "cdk.tf.json"), "stale");
    const r = synth(outdir);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(parent)).toEqual(["cdktf.out"]);
    expect(fs.readFileSync(path.join(tfDir, "terraform.tfstate"), "utf8")).toBe("{}\n");
    const files = tree(outdir);
    delete files[`stacks/${DEPLOYED}/.terraform/terraform.tfstate`];
    expect(files).toEqual(tree(golden));
  });
});

const UNSHARE = ["unshare", ...(isRoot ? ["-m"] : ["-Urm"]), "--propagation", "private"];

/** Why no private tmpfs can be mounted here, or undefined when one can: tried once. */
const noTmpfs = (() => {
  const probe = spawnSync(UNSHARE[0], [...UNSHARE.slice(1), "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", out], { encoding: "utf8" });
  if (probe.status === 0) return undefined;
  const why = `no private tmpfs can be mounted here (${UNSHARE.join(" ")} mount: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()})`;
  console.warn(`SKIPPING the full disk and read-only file system cases: ${why}`);
  return why;
})();

/** Runs `tmpfs-fault.cjs` (a real tmpfs in a private mount namespace) with one fault. */
function inTmpfs(fault: "ENOSPC" | "EROFS" | "mountpoint"): TmpfsResult & { dir: string } {
  const dir = path.join(out, `tmpfs-${fault}`);
  fs.mkdirSync(dir, { recursive: true });
  const args = JSON.stringify({ dir, fault, previous: golden, app, env: ENVS, deployed: DEPLOYED });
  const r = spawnSync(UNSHARE[0], [...UNSHARE.slice(1), process.execPath, path.join(__dirname, "..", "helpers", "tmpfs-fault.cjs"), args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`tmpfs-fault.cjs failed (exit ${r.status}):\n${r.stderr}`);
  return { dir, ...(JSON.parse(r.stdout) as TmpfsResult) };
}

interface TmpfsResult {
  code: number | null;
  stderr: string;
  before: Record<string, string>;
  after: Record<string, string>;
  entries: string[];
  outEntries: string[];
}

describe.runIf(!noTmpfs)("synth on a real tmpfs", () => {
  it.each([
    ["a full disk", "ENOSPC", (dir: string) => `no space is left on the disk of ${dir} (ENOSPC); free some space there`],
    [
      "a read-only file system",
      "EROFS",
      (dir: string) => `${path.join(dir, "cdktf.out")} is on a read-only file system (EROFS); mount it read-write`,
    ],
  ] as const)("fails on %s (%s) and leaves the previous output byte-identical, with no staging folder", (_label, fault, problem) => {
    const result = inTmpfs(fault);
    const outdir = path.join(result.dir, "cdktf.out");
    expect(result.stderr).toBe(`cannot write ${outdir}: ${problem(result.dir)}, or ${ELSEWHERE}. The previous output is unchanged.\n`);
    expect(result.code).toBe(1);
    expect(result.after).toEqual(result.before);
    expect(result.entries).toEqual(["cdktf.out"]);
  });

  it("replaces an output folder that is itself a mount point entry by entry, keeping Terraform's files", () => {
    const result = inTmpfs("mountpoint");
    expect(result.code, result.stderr).toBe(0);
    expect(result.outEntries).toEqual(["manifest.json", "stacks"]);
    expect(result.after).toEqual(result.before);
    expect(result.after).toHaveProperty([`cdktf.out/stacks/${DEPLOYED}/.terraform/terraform.tfstate`]);
  });
});
