/**
 * The way out of an archived CDKTF, proven (docs/longevity.md): CDK Terrain (`cdktn`, the community
 * fork) is installed from the registry into a scratch folder under `cdktf` by an npm alias, next to
 * the project's own provider bindings, and the unchanged app synthesizes the fixture environments
 * there. The result must equal the project's own synth of the same environments file for file,
 * byte for byte, once exactly the differences listed in DIFFERENCES are normalised; each of them must
 * still occur, so the list in docs/longevity.md stays true in both directions.
 *
 * The scratch folder (`.test-output/cdk-terrain/app`):
 * - `package.json` with `"cdktf": "npm:cdktn@<version>"` and `constructs` inside cdktn's peer range
 *   (`>=10.6.0 <10.8.0`; the project pins 10.8.1): installed with no peer flag, as nothing else
 *   there declares peers;
 * - `node_modules/@cdktf/provider-*`: symlinks to the project's installed bindings (362 MB for aws
 *   alone: installing them takes seconds more, writes half a gigabyte and needs `--legacy-peer-deps`,
 *   since they declare `cdktf@^0.21.0`). Node runs with `--preserve-symlinks`, so their own
 *   `require("cdktf")` resolves from the scratch folder to cdktn; without it they load the project's
 *   cdktf 0.21.0 and synth fails on a cdktn-only method;
 * - copies of `main.ts`, `src/`, `scripts/` (the thumbprint program is bundled from there) and
 *   `tsconfig.json`. Everything else (tsx, esbuild, zod, yaml, typescript) resolves up the folder
 *   tree to the project's own install: the same versions the project synthesizes with.
 *
 * The npm cache stays in `.test-output/cdk-terrain-npm-cache` for the next run; the scratch folder
 * and both outputs are removed afterwards. Outside CI an unreachable registry skips the suite with a
 * warning; with `CI=true` it fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { runProcess, type ProcessRun } from "../../scripts/common/process";
import { FIXTURE_ENVS_DIR } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";

/** CDK Terrain under test, and a `constructs` inside its peer range. */
const CDKTN_VERSION = "0.24.0";
const CONSTRUCTS_FOR_CDKTN = "10.7.2";

interface PackageJson {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;
const project = readJson<PackageJson>(path.join(PROJECT_ROOT, "package.json"));
const CDKTF_VERSION = project.dependencies.cdktf;
const PROVIDERS = Object.keys(project.dependencies).filter((d) => d.startsWith("@cdktf/provider-"));

/**
 * Every difference between the two synths, each with its explanation and the rewrite that removes
 * it from cdktf's text (`fromCdktf`) and cdktn's (`fromCdktn`). A difference not listed here fails
 * the comparison; one listed here that no longer occurs fails too. docs/longevity.md lists the same.
 */
const DIFFERENCES = [
  {
    id: "library-version",
    explanation:
      "the library's own version, which cdktf writes into every cdk.tf.json (`//.metadata.version`) and into " +
      "manifest.json (`version`): the package.json version of the package that synthesized",
    fromCdktf: (text: string) => text.replaceAll(`"version": "${CDKTF_VERSION}"`, '"version": "<library version>"'),
    fromCdktn: (text: string) => text.replaceAll(`"version": "${CDKTN_VERSION}"`, '"version": "<library version>"'),
  },
  {
    id: "empty-array-or-object-layout",
    explanation:
      "layout of an empty array or object: cdktf 0.21.0 serializes with json-stable-stringify 1.3.0, which writes " +
      "`[` and `]` (`{` and `}`) on two lines; cdktn 0.24.0 with safe-stable-stringify 2.5.0, which writes `[]` (`{}`). " +
      "Both sort keys and indent by two spaces; the parsed JSON is the same",
    fromCdktf: (text: string) => text.replace(/\[\n\s*\]/g, "[]").replace(/\{\n\s*\}/g, "{}"),
    fromCdktn: (text: string) => text,
  },
] as const;
type DifferenceId = (typeof DIFFERENCES)[number]["id"];

/** Npm's codes and messages for a registry it cannot reach. */
const UNREACHABLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|network/i;

const out = testOutputDir("cdk-terrain");
const app = path.join(out, "app");
const npmCache = path.join(PROJECT_ROOT, ".test-output", "cdk-terrain-npm-cache");
const cdktfOut = path.join(out, "cdktf.out");
// At the same place in its project as the project's own output in the project, so paths the stacks
// hold relative to the project (a kubeconfig file) are the same in both.
const cdktnOut = path.join(app, path.relative(PROJECT_ROOT, cdktfOut));

/** The environment of every child: the fixture environments, all of them, no debug output. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.EKS_ENVS;
  delete env.DEBUG;
  delete env.CDKTF_OUTDIR;
  // Run under `npm run`, npm exports its own project's prefix: npm must not install there.
  for (const key of Object.keys(env)) {
    if (/^npm_(config_(local_)?prefix|config_global|package_|lifecycle_|command$)/i.test(key)) delete env[key];
  }
  return { ...env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR, ...extra };
}

const synthArgs = ["--import", "tsx", "main.ts"];

interface Setup {
  /** Why nothing could be checked (outside CI only). */
  skipped?: string;
  install?: ProcessRun;
  cdktf?: ProcessRun;
  cdktn?: ProcessRun;
  probe?: Record<string, string>;
  /** In how many files each listed difference was found. */
  occurrences?: Record<DifferenceId, number>;
  ms: Record<string, number>;
}
const setup: Setup = { ms: {} };

async function timed<T>(step: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await run();
  } finally {
    setup.ms[step] = Date.now() - started;
  }
}

function installCdktn(): Promise<ProcessRun> {
  fs.mkdirSync(app, { recursive: true });
  const pkg = {
    name: "cdk-terrain-check",
    private: true,
    dependencies: { cdktf: `npm:cdktn@${CDKTN_VERSION}`, constructs: CONSTRUCTS_FOR_CDKTN },
  };
  fs.writeFileSync(path.join(app, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const args = ["install", "--prefix", app, "--cache", npmCache, "--ignore-scripts", "--no-audit", "--no-fund"];
  return runProcess("npm", [...args, "--fetch-retries=1", "--no-update-notifier"], { cwd: app, env: childEnv(), timeoutMs: 180_000 });
}

/** The app next to cdktn: copies of the code, links to the project's provider bindings. */
function placeApp(): void {
  for (const entry of ["main.ts", "tsconfig.json", "src", "scripts"]) {
    fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(app, entry), { recursive: true });
  }
  fs.mkdirSync(path.join(app, "node_modules", "@cdktf"), { recursive: true });
  for (const provider of PROVIDERS) {
    fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, "node_modules", provider)), path.join(app, "node_modules", provider), "dir");
  }
}

/** Where `cdktf` and `constructs` resolve from the app and from each provider binding, as the synth resolves them. */
async function probeResolution(): Promise<Record<string, string>> {
  const script = `
    const path = require("node:path");
    const from = { app: process.cwd() };
    for (const p of ${JSON.stringify(PROVIDERS)}) from[p] = path.dirname(require.resolve(p + "/package.json"));
    from.cdktf = path.dirname(require.resolve("cdktf/package.json"));
    const found = {};
    for (const [who, dir] of Object.entries(from))
      for (const pkg of ["cdktf", "constructs"]) {
        const file = require.resolve(pkg + "/package.json", { paths: [dir] });
        const { name, version } = require(file);
        found[who + " -> " + pkg] = path.relative(process.cwd(), path.dirname(file)) + " (" + name + "@" + version + ")";
      }
    process.stdout.write(JSON.stringify(found));`;
  const run = await runProcess(process.execPath, ["--preserve-symlinks", "-e", script], { cwd: app, env: childEnv(), timeoutMs: 30_000 });
  if (run.code !== 0) throw new Error(`the resolution probe failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string>;
}

beforeAll(async () => {
  const started = Date.now();
  // The project's own synth runs while npm installs.
  const own = timed("cdktf synth", () =>
    runProcess(process.execPath, synthArgs, { cwd: PROJECT_ROOT, env: childEnv({ CDKTF_OUTDIR: cdktfOut }), timeoutMs: 180_000 }),
  );
  setup.install = await timed("npm install", installCdktn);
  setup.cdktf = await own;
  if (setup.install.code !== 0) {
    const output = setup.install.stderr + setup.install.stdout;
    if (UNREACHABLE.test(output) && !process.env.CI) {
      const why = output.split("\n").filter((l) => /error (code|FetchError|network)/.test(l));
      setup.skipped = `the npm registry cannot be reached, so CDK Terrain cannot be installed (${why.join("; ")})`;
      console.warn(`SKIPPING the CDK Terrain check: ${setup.skipped}`);
      return;
    }
    const ci = UNREACHABLE.test(output) ? " (the registry cannot be reached; CI must reach it)" : "";
    throw new Error(`npm install of cdktn ${CDKTN_VERSION} failed (exit ${setup.install.code})${ci}:\n${output}`);
  }
  placeApp();
  setup.probe = await timed("probe", probeResolution);
  setup.cdktn = await timed("cdktn synth", () =>
    runProcess(process.execPath, ["--preserve-symlinks", ...synthArgs], {
      cwd: app,
      env: childEnv({ CDKTF_OUTDIR: cdktnOut }),
      timeoutMs: 180_000,
    }),
  );
  setup.ms.setup = Date.now() - started;
});

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
  const ms = Object.entries(setup.ms).map(([step, t]) => `${step} ${(t / 1000).toFixed(1)} s`);
  const found = Object.entries(setup.occurrences ?? {}).map(([id, n]) => `${id} in ${n} files`);
  console.log(`CDK Terrain check: ${ms.join(", ")}${found.length > 0 ? `; differences: ${found.join(", ")}` : ""}`);
});

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string, rel = ""): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .sort();
}

/** The first differing line of two texts, for a readable failure. */
function firstDifference(a: string, b: string): string {
  const la = a.split("\n");
  const lb = b.split("\n");
  const i = la.findIndex((line, n) => line !== lb[n]);
  const at = i === -1 ? la.length : i;
  return `line ${at + 1}: cdktf ${JSON.stringify(la[at])}, cdktn ${JSON.stringify(lb[at])}`;
}

describe(`CDK Terrain (cdktn ${CDKTN_VERSION}) in place of cdktf ${CDKTF_VERSION}`, () => {
  it("installs from the registry under the cdktf name, with constructs in its peer range and no peer flag", ({ skip }) => {
    if (setup.skipped) skip(setup.skipped);
    expect(setup.install!.code).toBe(0);
    const installed = readJson<PackageJson>(path.join(app, "node_modules", "cdktf", "package.json"));
    expect({ name: installed.name, version: installed.version, peers: installed.peerDependencies }).toEqual({
      name: "cdktn",
      version: CDKTN_VERSION,
      peers: { constructs: ">=10.6.0 <10.8.0" },
    });
    // The app, every provider binding and cdktn itself load this cdktn and this constructs: no
    // module of the project's cdktf 0.21.0 takes part.
    const expected: Record<string, string> = {};
    for (const who of ["app", ...PROVIDERS, "cdktf"]) {
      expected[`${who} -> cdktf`] = `${path.join("node_modules", "cdktf")} (cdktn@${CDKTN_VERSION})`;
      expected[`${who} -> constructs`] = `${path.join("node_modules", "constructs")} (constructs@${CONSTRUCTS_FOR_CDKTN})`;
    }
    expect(setup.probe).toEqual(expected);
  });

  it("synthesizes the fixture environments to the same Terraform JSON, modulo exactly the listed differences", ({ skip }) => {
    if (setup.skipped) skip(setup.skipped);
    expect(setup.cdktf!.code, setup.cdktf!.stderr).toBe(0);
    expect(setup.cdktn!.code, setup.cdktn!.stderr).toBe(0);
    // The same report (the policy summary) and nothing on stderr: no warning from cdktn either.
    expect({ stdout: setup.cdktn!.stdout, stderr: setup.cdktn!.stderr }).toEqual({
      stdout: setup.cdktf!.stdout,
      stderr: setup.cdktf!.stderr,
    });

    const files = filesUnder(cdktfOut);
    expect(filesUnder(cdktnOut)).toEqual(files);
    const stacks = files.filter((f) => f.endsWith("cdk.tf.json"));
    expect(stacks.map((f) => f.split(path.sep)[1])).toEqual(
      ["alpha", "bravo", "charlie"].flatMap((e) => ["backend", "platform", "workloads"].map((k) => `${e}-${k}`)),
    );
    expect(files).toContain("manifest.json");

    const occurrences = Object.fromEntries(DIFFERENCES.map((d) => [d.id, 0])) as Record<DifferenceId, number>;
    const unexplained: string[] = [];
    for (const file of files) {
      const a = fs.readFileSync(path.join(cdktfOut, file));
      const b = fs.readFileSync(path.join(cdktnOut, file));
      if (!file.endsWith(".json")) {
        // The bundled thumbprint program (a TerraformAsset): copied as is by both.
        if (!a.equals(b)) unexplained.push(`${file}: the bytes differ`);
        continue;
      }
      let ta = a.toString("utf8");
      let tb = b.toString("utf8");
      for (const d of DIFFERENCES) {
        const [na, nb] = [d.fromCdktf(ta), d.fromCdktn(tb)];
        if (na !== ta || nb !== tb) occurrences[d.id] += 1;
        [ta, tb] = [na, nb];
      }
      if (ta !== tb) unexplained.push(`${file}: ${firstDifference(ta, tb)}`);
      // The version rewrite touched exactly the library's version, where cdktf writes it.
      const parsed = JSON.parse(ta) as { version?: string; "//"?: { metadata?: { version?: string } } };
      const version = file === "manifest.json" ? parsed.version : parsed["//"]?.metadata?.version;
      expect(version, file).toBe("<library version>");
      expect(ta.split('"version": "<library version>"').length - 1, file).toBe(1);
    }
    expect(unexplained, "differences the list in DIFFERENCES (and docs/longevity.md) does not explain").toEqual([]);
    // Each listed difference still occurs: the version in every JSON file, the layout somewhere.
    const jsonFiles = files.filter((f) => f.endsWith(".json")).length;
    setup.occurrences = occurrences;
    expect(occurrences).toEqual({ "library-version": jsonFiles, "empty-array-or-object-layout": expect.any(Number) as number });
    expect(occurrences["empty-array-or-object-layout"]).toBeGreaterThan(0);
  });

  it("typechecks the app's code against cdktn's types", async ({ skip }) => {
    if (setup.skipped) skip(setup.skipped);
    // Only the synth path (main.ts and what it imports); provider bindings' types resolve cdktn too.
    const config = { extends: "./tsconfig.json", compilerOptions: { incremental: false, preserveSymlinks: true }, include: ["main.ts"] };
    fs.writeFileSync(path.join(app, "tsconfig.cdktn.json"), JSON.stringify(config));
    const tsc = path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc");
    const run = await timed("tsc", () =>
      runProcess(process.execPath, [tsc, "-p", "tsconfig.cdktn.json", "--noEmit", "--listFiles"], {
        cwd: app,
        env: childEnv(),
        timeoutMs: 180_000,
      }),
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Every declaration file of cdktf it read is cdktn's, in the scratch folder.
    const read = run.stdout.split("\n").filter((f) => /[/\\]node_modules[/\\]cdktf[/\\]/.test(f));
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((f) => !f.startsWith(path.join(app, "node_modules", "cdktf") + path.sep))).toEqual([]);
  });
});
