/**
 * Runs the synth app against a real file system fault, inside a private mount namespace (started
 * by `unshare -m`, or `unshare -Urm` when not root), so the tmpfs it mounts is never seen outside
 * and goes away with this process. Prints one JSON object on stdout.
 *
 * argv[2] is JSON: { dir, fault, previous, app, env, deployed }
 *   dir       an empty folder; a tmpfs is mounted on it (fault "ENOSPC", "EROFS") or on dir/cdktf.out
 *             (fault "mountpoint": the output folder is itself a mount point)
 *   previous  a synthesized cdktf.out, copied in as the previous output
 *   app       the app command of cdktf.json, run with CDKTF_OUTDIR=dir/cdktf.out
 *   env       more environment variables for it (EKS_ENVS_DIR)
 *   deployed  a stack of the previous output that gets Terraform's files (.terraform/terraform.tfstate)
 *
 * ENOSPC: the tmpfs is shrunk to what the previous output uses plus 64 KiB, less than a new output.
 * EROFS: the tmpfs is remounted read-only. mountpoint: nothing fails; the output is replaced in place.
 * Remounts name the type and source (`mount -t tmpfs -o remount,... tmpfs <dir>`): inside a user
 * namespace the short form `mount -o remount,...` is refused.
 */
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const { dir, fault, previous, app, env, deployed } = JSON.parse(process.argv[2]);
const outdir = path.join(dir, "cdktf.out");
const mountAt = fault === "mountpoint" ? outdir : dir;

function tree(root) {
  const out = {};
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = createHash("sha256").update(fs.readFileSync(full)).digest("hex");
    }
  };
  walk(root);
  return out;
}

fs.mkdirSync(mountAt, { recursive: true });
execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountAt]);
try {
  fs.cpSync(previous, outdir, { recursive: true });
  // What a deployed stack folder holds that synth does not write: it must survive a synth.
  fs.mkdirSync(path.join(outdir, "stacks", deployed, ".terraform"), { recursive: true });
  fs.writeFileSync(path.join(outdir, "stacks", deployed, ".terraform", "terraform.tfstate"), "{}\n");
  const before = tree(dir);
  if (fault === "ENOSPC") {
    const s = fs.statfsSync(mountAt);
    const usedKiB = Math.ceil(((s.blocks - s.bfree) * s.bsize) / 1024);
    execFileSync("mount", ["-t", "tmpfs", "-o", `remount,size=${usedKiB + 64}k`, "tmpfs", mountAt]);
  } else if (fault === "EROFS") {
    execFileSync("mount", ["-t", "tmpfs", "-o", "remount,ro", "tmpfs", mountAt]);
  }
  const run = spawnSync("sh", ["-c", app], { env: { ...process.env, ...env, CDKTF_OUTDIR: outdir }, encoding: "utf8", timeout: 60_000 });
  const after = tree(dir);
  process.stdout.write(
    JSON.stringify({
      code: run.status,
      stderr: run.stderr,
      before,
      after,
      entries: fs.readdirSync(dir).sort(),
      outEntries: fs.readdirSync(outdir).sort(),
    }),
  );
} finally {
  spawnSync("umount", [mountAt]);
}
