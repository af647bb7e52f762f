/**
 * Bundles a TypeScript program of `scripts/` into one self-contained CommonJS file that plain Node
 * runs, for programs that Terraform itself executes (the `external` data source).
 *
 * The bundle is content-addressed and cached under node_modules/.cache, so a synth after the first
 * reuses it without starting esbuild. The output holds no absolute path of this machine.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Esbuild from "esbuild";
import { PROJECT_ROOT } from "./project-root";

const CACHE_DIR = path.join(PROJECT_ROOT, "node_modules", ".cache", "cdktf-eks", "bundles");
const memo = new Map<string, string>();

/** Source files a script is built from (itself and the src/lib modules it imports, transitively). */
function sourcesOf(entry: string, seen = new Set<string>()): string[] {
  if (seen.has(entry)) return [];
  seen.add(entry);
  const text = fs.readFileSync(entry, "utf8");
  const deps = [...text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) => path.resolve(path.dirname(entry), `${m[1]}.ts`));
  return [entry, ...deps.filter(fs.existsSync).flatMap((d) => sourcesOf(d, seen))];
}

/** The path of the bundled program for `scripts/<name>.ts`, building it if its sources changed. */
export function bundleScript(name: string): string {
  const cached = memo.get(name);
  if (cached) return cached;
  const entry = path.join(PROJECT_ROOT, "scripts", `${name}.ts`);
  const hash = createHash("sha256");
  for (const file of sourcesOf(entry).sort()) hash.update(path.relative(PROJECT_ROOT, file)).update(fs.readFileSync(file));
  const dir = path.join(CACHE_DIR, `${name}-${hash.digest("hex").slice(0, 16)}`);
  const outfile = path.join(dir, `${name}.cjs`);
  if (!fs.existsSync(outfile)) {
    // Loaded only when a bundle must be built: esbuild is not on the synth path otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require("esbuild") as typeof Esbuild;
    const tmp = `${outfile}.${process.pid}.tmp`;
    fs.mkdirSync(dir, { recursive: true });
    esbuild.buildSync({
      entryPoints: [path.relative(PROJECT_ROOT, entry)],
      absWorkingDir: PROJECT_ROOT,
      bundle: true,
      platform: "node",
      target: "node18",
      format: "cjs",
      outfile: tmp,
      legalComments: "none",
      banner: { js: `#!/usr/bin/env node\n// Built from scripts/${name}.ts by the CDKTF app; do not edit.` },
      logLevel: "silent",
    });
    fs.renameSync(tmp, outfile);
  }
  memo.set(name, outfile);
  return outfile;
}
