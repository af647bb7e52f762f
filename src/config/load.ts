/**
 * Finds and loads the environment files (`envs/*.ts`): each default-exports one environment config.
 *
 * A file that cannot be used is named with what to change, never with a stack trace: a syntax error
 * with its line, column and the compiler's message; a throw at import (of anything, not only an
 * Error) with the line it came from; a call of process.exit while loading; a file that exports
 * nothing; a FIFO or folder named like a file; and values that are not plain data (a BigInt, a
 * function, a cycle, a getter that throws, a class instance).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Module, { SourceMap, type SourceMapPayload } from "node:module";
import type * as Esbuild from "esbuild";
import { escapeControl } from "../lib/text";
import type { EnvSource } from "./validate";

/** The folder the app reads environments from: `$EKS_ENVS_DIR`, else `envs/` of the project. */
export function envsDir(projectRoot: string): string {
  const dir = process.env.EKS_ENVS_DIR;
  if (dir !== undefined && dir.trim() === "") {
    throw new Error("EKS_ENVS_DIR is set but empty; set it to the folder of the environment files, or unset it to use envs/");
  }
  return path.resolve(projectRoot, dir ?? "envs");
}

/**
 * Loads every `*.ts` / `*.js` / `*.json` file of `dir`, in name order. A file that fails to load is
 * reported with its path and what went wrong. Asynchronous for its callers (a failure is a
 * rejection), though loading is synchronous.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- see above
export async function loadEnvSources(dir: string): Promise<EnvSource[]> {
  let files: string[];
  try {
    files = envFileNames(dir);
  } catch (err) {
    throw new Error(`cannot read the environments folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  if (files.length === 0) throw new Error(`no environment files (*.ts) found in ${dir}; add one, e.g. envs/dev.ts`);
  const sources: EnvSource[] = [];
  const problems: string[] = [];
  // A FIFO would block the import forever, a socket or device fails obscurely: plain files only.
  const kinds = new Map(files.map((file) => [file, notAFile(path.join(dir, file))]));
  const compiled = compileAll(
    dir,
    files.filter((f) => !kinds.get(f) && !f.endsWith(".json")),
  );
  for (const file of files.sort()) {
    const full = path.join(dir, file);
    const source = path.relative(process.cwd(), full) || full;
    const kind = kinds.get(file);
    if (kind) {
      problems.push(`${source} is ${kind}, not a file; environment files are plain files: remove or rename it`);
      continue;
    }
    let mod: Record<string, unknown>;
    try {
      mod = importEnvFile(full, compiled.get(file));
    } catch (err) {
      problems.push(loadErrorMessage(err, full, source));
      continue;
    }
    // A CommonJS-compiled module may nest the default export once more.
    let raw: unknown = mod.default;
    if (isPlainObject(raw) && "default" in raw && Object.keys(raw).length <= 2) raw = raw.default;
    const problem =
      raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0 && Object.keys(mod).length <= 1)
        ? `${source} exports no environment: end it with export default { name: "...", ... } satisfies EnvInput`
        : plainDataProblem(raw);
    if (problem) problems.push(problem.startsWith(source) ? problem : `${source}: ${problem}`);
    else sources.push({ source, raw });
  }
  // Every file that cannot be used, one line each, before any is validated.
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return sources;
}

/**
 * The names of the environment files of `dir`, unsorted: `*.ts`, `*.js` and `*.json`, except
 * declaration files and files starting with "_" (shared helpers like `_app.ts`). Throws when the
 * folder cannot be read.
 */
export function envFileNames(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /\.(ts|js|json)$/.test(f) && !f.endsWith(".d.ts") && !f.startsWith("_"));
}

/** What a path is when it is not a regular file (following links): "a FIFO", "a folder"..., else undefined. */
function notAFile(full: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(full);
  } catch (err) {
    return `unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (st.isFile()) return undefined;
  if (st.isFIFO()) return "a FIFO";
  if (st.isDirectory()) return "a folder";
  if (st.isSocket()) return "a socket";
  return "a device";
}

/** An environment file compiled to CommonJS, with its source map. */
interface Compiled {
  readonly code: string;
  readonly map: SourceMap;
}

/**
 * Compiles the `.ts`/`.js` files `names` of `dir` with esbuild, each with the files it imports
 * (packages stay `require`s), in one build: one esbuild process for the whole folder. When that
 * build fails (a syntax error in one file), nothing is returned and each file is compiled on its
 * own, so the others still load; with `single`, the error is thrown instead.
 */
function compileAll(dir: string, names: readonly string[], single = false): Map<string, Compiled> {
  const out = new Map<string, Compiled>();
  if (names.length === 0) return out;
  // Loaded here, not at the top: only a synth that reads environment files needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof Esbuild;
  let files;
  try {
    ({ outputFiles: files } = esbuild.buildSync({
      entryPoints: [...names],
      absWorkingDir: dir,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: "node20",
      sourcemap: "external",
      sourcesContent: false,
      outdir: ".",
      write: false,
      logLevel: "silent",
    }));
  } catch (err) {
    if (single) throw err;
    return out;
  }
  const text = new Map(files.map((f) => [path.basename(f.path), f.text]));
  for (const name of names) {
    const js = `${name.replace(/\.(ts|js)$/, "")}.js`;
    const code = text.get(js);
    const map = text.get(`${js}.map`);
    if (code !== undefined && map !== undefined) out.set(name, { code, map: new SourceMap(JSON.parse(map) as SourceMapPayload) });
  }
  return out;
}

/**
 * Loads one file; its errors name their line through its source map. A `.ts` or `.js` file is
 * compiled by `compileAll` (unless given compiled), then run as a CommonJS module: the same with or
 * without a TypeScript loader in the process, so the app can run precompiled. A file that calls
 * `process.exit` while loading would end the run with its own code (0: a silent "success"): the
 * call throws instead, and the file is reported like any other that throws.
 */
function importEnvFile(full: string, compiled?: Compiled): Record<string, unknown> {
  if (full.endsWith(".json")) return { default: JSON.parse(fs.readFileSync(full, "utf8")) as unknown };
  const name = path.basename(full);
  const { code, map } = compiled ?? compileAll(path.dirname(full), [name], true).get(name)!;
  const exit = Object.getOwnPropertyDescriptor(process, "exit")!;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, never called unbound
  const prepare = Error.prepareStackTrace;
  process.exit = (code?: number | string | null) => {
    throw new Error(`called process.exit(${code ?? ""}); an environment file only exports its configuration`);
  };
  // Where in the file itself an error comes from, read from the raw call sites through the source
  // map: the same whoever else formats stack traces in this process (a test runner, Node's own maps).
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => {
    for (const site of sites.filter((s) => s.getFileName() === full)) {
      const entry = map.findEntry(site.getLineNumber()! - 1, site.getColumnNumber()! - 1);
      if ("originalSource" in entry && path.basename(entry.originalSource) === path.basename(full)) {
        origins.set(error, `${entry.originalLine + 1}:${entry.originalColumn + 1}`);
        break;
      }
    }
    if (prepare) return prepare(error, sites) as unknown;
    return `${String(error)}\n${sites.map((s) => `    at ${s.getFileName() ?? "<anonymous>"}:${s.getLineNumber()}:${s.getColumnNumber()}`).join("\n")}`;
  };
  try {
    const mod = new Module(full) as Module & { _compile(code: string, filename: string): void };
    mod.filename = full;
    mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(full));
    mod._compile(code, full);
    return mod.exports as Record<string, unknown>;
  } catch (err) {
    // V8 formats a stack on first read: read it while the hook above is in place.
    if (err instanceof Error) void err.stack;
    throw err;
  } finally {
    Object.defineProperty(process, "exit", exit);
    Error.prepareStackTrace = prepare;
  }
}

/** The `line:column` in its own file an error thrown while loading an environment file came from. */
const origins = new WeakMap<Error, string>();

/** `envs/x.ts:3:23: Unexpected ","` for a syntax error; `envs/x.ts:7:3 threw ...` for a throw. */
function loadErrorMessage(err: unknown, full: string, source: string): string {
  if (err instanceof Error) {
    // esbuild: "Build failed with 1 error:\nfile.ts:3:23: ERROR: Unexpected ","" (paths relative to the file's folder).
    const located = [...err.message.matchAll(/^(.*?):(\d+):(\d+): ERROR: (.*)$/gm)];
    if (located.length > 0) {
      const at = (m: RegExpMatchArray) => path.resolve(path.dirname(full), m[1]);
      const where = (m: RegExpMatchArray) => `${at(m) === full ? source : path.relative(process.cwd(), at(m))}:${m[2]}:${m[3]}`;
      return located.map((m) => `${where(m)}: syntax error: ${escapeControl(m[4])}`).join("; ");
    }
    const where = origins.get(err);
    return `${source}${where ? ` (line ${where})` : ""} threw while loading: ${oneLine(err.message)}; fix the file, or run npm run typecheck for the compiler's view`;
  }
  return `${source} threw a ${err === null ? "null" : typeof err} while loading (${oneLine(describe(err))}); throw an Error with a message, or fix the file`;
}

function describe(value: unknown): string {
  try {
    return typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

function oneLine(text: string): string {
  return escapeControl(text.split("\n")[0]);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Why a value is not plain data (what the schema and the JSON output can hold), with its path:
 * `eks.admins.ops is a function; write the value itself`.
 */
function plainDataProblem(value: unknown): string | undefined {
  const seen = new Set<object>();
  const walk = (v: unknown, at: string): string | undefined => {
    const where = at || "the default export";
    switch (typeof v) {
      case "string":
      case "number":
      case "boolean":
      case "undefined":
        return undefined;
      case "bigint":
        return `${where} is a BigInt (${v}n); write a number or a string`;
      case "function":
        return `${where} is a function; write the value itself`;
      case "symbol":
        return `${where} is a symbol; write a string`;
    }
    if (v === null) return undefined;
    const obj = v as object;
    if (seen.has(obj)) return `${where} refers back to itself (a cycle); write each value out`;
    if (!Array.isArray(obj) && !isPlainObject(obj)) {
      const kind = (Object.getPrototypeOf(obj) as { constructor?: { name?: string } } | null)?.constructor?.name ?? "object";
      return `${where} is a ${kind}, not plain data; write a string, number, boolean, array or object`;
    }
    seen.add(obj);
    for (const key of Object.keys(obj)) {
      const child = at ? (/^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`) : key;
      const desc = Object.getOwnPropertyDescriptor(obj, key)!;
      let childValue: unknown;
      if (desc.get) {
        try {
          childValue = desc.get.call(obj);
        } catch (err) {
          return `${escapeControl(child)} is a getter that throws (${oneLine(err instanceof Error ? err.message : describe(err))}); write the value itself`;
        }
      } else childValue = desc.value;
      const p = walk(childValue, Array.isArray(obj) ? `${at}[${key}]` : escapeControl(child));
      if (p) return p;
    }
    seen.delete(obj);
    return undefined;
  };
  return walk(value, "");
}
