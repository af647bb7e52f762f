/**
 * Runs the CDKTF app (`main.ts`) precompiled: `npm run synth` and `cdktf synth` (cdktf.json) start
 * here. Loading the app through a TypeScript loader costs about 0.4 s per synth (the loader's
 * start-up, and its hooks on every one of the hundreds of cdktf and provider modules): instead, the
 * app's own code (main.ts and src/) is bundled once by esbuild into one CommonJS file, packages
 * left as `require`s, cached under .cache/app/ by the hash of its sources, and run by
 * plain Node. Environment files are compiled as they are loaded (src/config/load.ts).
 *
 * With DEBUG set it runs main.ts through tsx instead, so stack traces point at the .ts lines.
 */
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

// esbuild's synchronous calls (this bundle, environment files, the thumbprint program) then run its
// binary as a child that exits before the call returns, instead of a worker thread's service
// process that outlives the synth. Read once, when esbuild is first loaded.
process.env.ESBUILD_WORKER_THREADS ??= "0";

const ROOT = path.resolve(__dirname, "..");
const MAIN = path.join(ROOT, "main.ts");
// In the project itself, not under node_modules: that may be a link to another checkout's (a git
// worktree's), and Node runs a module from its real path, where the project root is found.
const CACHE = path.join(ROOT, ".cache", "app");
/** Bundles of other sources are removed after a day (never at once: another synth may be loading one). */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** Every .ts file under `dir`. */
function tsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** The bundle of the current sources, built when there is none yet. */
function bundle() {
  const hash = createHash("sha256");
  for (const file of [MAIN, ...tsFiles(path.join(ROOT, "src"))].sort()) {
    hash.update(path.relative(ROOT, file)).update("\0").update(fs.readFileSync(file));
  }
  const outfile = path.join(CACHE, `main-${hash.digest("hex").slice(0, 16)}.cjs`);
  if (fs.existsSync(outfile)) return outfile;
  fs.mkdirSync(CACHE, { recursive: true });
  const now = Date.now();
  for (const name of fs.readdirSync(CACHE)) {
    const old = path.join(CACHE, name);
    if (now - fs.statSync(old).mtimeMs > KEEP_MS) fs.rmSync(old, { force: true });
  }
  const tmp = `${outfile}.${process.pid}.tmp`;
  require("esbuild").buildSync({
    entryPoints: [path.relative(ROOT, MAIN)],
    absWorkingDir: ROOT,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: tmp,
    legalComments: "none",
    logLevel: "silent",
  });
  fs.renameSync(tmp, outfile);
  return outfile;
}

if (process.env.DEBUG) {
  require("tsx/cjs");
  require(MAIN);
} else {
  require(bundle());
}
