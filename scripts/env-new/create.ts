/**
 * `npm run env:new`'s I/O: reads the existing environments with the project's loader, writes the new
 * file only after it validated together with them and synthesized, and never over a file.
 *
 * Decisions:
 * - An existing environment that loads but is invalid does not block a new one: its name, project
 *   and VPC still count (read section by section), its problems are left to `npm run synth`, and
 *   the new file only has to add no problem of its own. A file that does not load at all (a syntax
 *   error) blocks: nothing of it, not even its name or VPC, can be checked against.
 * - The new text is validated from a temporary copy with every existing environment (names,
 *   buckets, lock tables and kubeconfigs must not clash), then only its own stacks are synthesized
 *   (the policy pack runs), into a temporary folder.
 * - The write is a temporary file in the target folder linked to its name (a rename that never
 *   replaces a file, not even one created meanwhile), then removed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as prettier from "prettier";
import { buildApp, PolicyViolationError, PROJECT_ROOT } from "../../src/app";
import { envFileNames, loadEnvSources, validateEnvs, type EnvSource } from "../../src/config";
import { CliError } from "../common/cli";
import { chooseCidr, chooseProject, existingEnvs, renderEnvFile, sourceNaming, type CidrChoice } from "./generate";
import { chooseZones, type EnvNewRequest } from "./options";

/** What was written. */
export interface CreatedEnv {
  /** The absolute path of the new file. */
  readonly file: string;
  /** The file as messages name it: relative to the working directory. */
  readonly shown: string;
  readonly text: string;
  readonly project: string;
  readonly zones: readonly string[];
  readonly cidr: CidrChoice;
  /** What the user should know (existing environments with problems, CIDRs shared elsewhere), one line each. */
  readonly notes: readonly string[];
}

/** The file extensions the loader reads: a new `<name>.ts` must not sit next to a `<name>.js`. */
const ENV_FILE_EXTENSIONS = [".ts", ".js", ".json"];

/**
 * Writes `<dir>/<name>.ts` for `request`, `dir` being the folder the loader reads (`envsDir`).
 * Throws a CliError (exit 2 for a refused input, 1 otherwise) with nothing written.
 */
export async function createEnv(request: EnvNewRequest, dir: string): Promise<CreatedEnv> {
  const file = path.join(dir, `${request.name}.ts`);
  const shown = shownPath(file);
  for (const ext of ENV_FILE_EXTENSIONS) {
    const other = path.join(dir, `${request.name}${ext}`);
    if (fs.existsSync(other)) throw new CliError(`${shownPath(other)} already exists; pick another name, or edit that file`, 2);
  }

  const sources = await readExisting(dir);
  const existing = existingEnvs(sources);
  const taken = sourceNaming(request.name, existing);
  if (taken) throw new CliError(`the environment name "${request.name}" is already used by ${taken}; pick another name`, 2);

  const project = chooseProject(request.project, existing);
  const zones = chooseZones(request.region);
  const cidr = chooseCidr(request, request.cidr, existing);
  // From a folder other than envs/ (EKS_ENVS_DIR), the type import must still reach src/config.
  const relative = path
    .relative(path.resolve(dir), path.join(PROJECT_ROOT, "src", "config"))
    .split(path.sep)
    .join("/");
  const configImport = relative.startsWith(".") ? relative : `./${relative}`;
  const text = await formatLikeProject(renderEnvFile({ request, project, zones, cidr, configImport }));

  const before = validateEnvs(sources);
  const notes: string[] = [];
  if (before.errors.length > 0) {
    const n = before.errors.length;
    notes.push(
      `the existing environments have ${n} problem${n === 1 ? "" : "s"} (npm run synth lists ${n === 1 ? "it" : "them"}); their names and VPCs were still taken into account`,
    );
  }
  notes.push(...cidr.notes);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "env-new-"));
  try {
    await check(text, file, shown, sources, before.errors, path.join(work, "envs"), path.join(work, "cdktf.out"));
    writeNew(file, text);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { file, shown, text, project, zones, cidr, notes };
}

/** The existing environments of `dir`; none when it does not exist or holds no environment file. */
async function readExisting(dir: string): Promise<EnvSource[]> {
  let names: string[];
  try {
    names = envFileNames(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new CliError(`cannot read the environments folder ${dir}: ${(err as Error).message}`);
  }
  if (names.length === 0) return [];
  try {
    return await loadEnvSources(dir);
  } catch (err) {
    throw new CliError(
      `cannot load the existing environments, so the new one could not be checked against them:\n${(err as Error).message}\nFix or move that file, then run npm run env:new again. Nothing was written.`,
    );
  }
}

/**
 * Loads the new text with the project's loader from `copyDir`, validates it with every existing
 * environment (it must add no problem: theirs are theirs), and synthesizes its stacks into `outdir`.
 */
async function check(
  text: string,
  file: string,
  shown: string,
  sources: readonly EnvSource[],
  errorsBefore: readonly string[],
  copyDir: string,
  outdir: string,
): Promise<void> {
  fs.mkdirSync(copyDir, { recursive: true });
  fs.writeFileSync(path.join(copyDir, path.basename(file)), text);
  const [loaded] = await loadEnvSources(copyDir);
  const created: EnvSource = { source: shown, raw: loaded.raw };
  // In the loader's order (file names), so each cross-environment problem lands where synth reports it.
  const key = (s: EnvSource) => path.basename(s.source);
  const all = [...sources, created].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const result = validateEnvs(all);
  const added = result.errors.filter((e) => !errorsBefore.includes(e));
  if (added.length > 0) {
    throw new CliError(`the new environment would not be valid, so nothing was written:\n${added.join("\n")}`);
  }
  const env = validateEnvs([created]).envs[0];
  try {
    buildApp([env], outdir).app.synth();
  } catch (err) {
    if (err instanceof PolicyViolationError)
      throw new CliError(`the new environment would not synthesize, so nothing was written:\n${err.message}`);
    throw err;
  }
}

/** Formats the text with the project's prettier configuration, as `npm run format` would. */
async function formatLikeProject(text: string): Promise<string> {
  const filepath = path.join(PROJECT_ROOT, "envs", "new.ts");
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text, { ...options, filepath });
}

/** Writes `file` atomically and only if it does not exist yet. */
function writeNew(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text, { flag: "wx" });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new CliError(`${shownPath(file)} was created meanwhile; nothing was written`, 2);
    // A file system without hard links: a rename, which replaces nothing that exists now.
    if (fs.existsSync(file)) throw new CliError(`${shownPath(file)} was created meanwhile; nothing was written`, 2);
    fs.renameSync(tmp, file);
    return;
  } finally {
    if (fs.existsSync(tmp)) fs.rmSync(tmp);
  }
}

/** A path as messages show it: relative to the working directory when inside it, like the loader's. */
function shownPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}
