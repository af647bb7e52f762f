/**
 * Documentation generated from the code, so it cannot drift: `npm run docs:update` writes it, a test
 * compares it with what is checked in.
 *
 * Each generated part sits between `<!-- <name>:start -->` and `<!-- <name>:end -->` markers in a
 * file under `docs/`; the text around the markers is written by hand. The generated parts:
 *
 * - `docs/configuration.md`: every field of the environment schema with its path, description and
 *   default, read from the runtime schema (`.meta({ description })`, `.default()`, and `defaultText`
 *   for defaults the resolver computes). A field without a description fails the generator.
 * - `docs/env.schema.json`: the JSON Schema of an environment's input (`z.toJSONSchema`), whole.
 * - `docs/policy.md`: the rule table of the policy pack (`ALL_RULES`).
 * - `docs/testing.md`: the emulator-gap table (every gap with why, and moto's patched defects).
 *
 * Every table goes through `markdownTable`, and every piece of source text through `inline`, so
 * Markdown is escaped once and the same way everywhere.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { z } from "zod";
import { PROJECT_ROOT } from "../../src/app";
import { EnvSchema } from "../../src/config/schema";
import { ALL_RULES } from "../../src/policy/rules";
import type { PolicyRule } from "../../src/policy/types";
import { EMULATOR_GAPS, LOST_ANSWER_GAP, type EmulatorGap } from "../emulator/emulator-gaps";
import { MOTO_PATCHES } from "../emulator/moto";
import { markdownTable, type Align } from "../common/markdown";
import { scopeOf, TYPES, type CiIamContext } from "../../src/lib/ci-iam";
import { githubSubjects, githubTrustPolicy } from "../../src/constructs/ci-roles";

export { markdownTable, type Align };

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Source text (a JSDoc comment, a rule's title, a gap's reason) as inline Markdown: code spans
 * (`...`) are kept as they are; outside them, the characters Markdown would read as emphasis, HTML
 * or an escape are escaped (`*`, `<`, `\`, and `_` at a word boundary), so `"s3:*"` and
 * `<cluster>` show as written.
 */
export function inline(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*<]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => `\\${c}`)))
    .join("");
}

/** `text` with the generated part `name` (between its markers) replaced by `content`. */
export function withGeneratedSection(text: string, name: string, content: string, file = "the file"): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} ... ${end} section`);
  if (text.indexOf(start, from + 1) >= 0) throw new Error(`${file} has more than one ${start}`);
  return `${text.slice(0, from + start.length)}\n\n${content.trim()}\n\n${text.slice(to)}`;
}

// ---------------------------------------------------------------------------------------------
// The policy rule table

/** One row per rule of the pack: id, level, what it requires, how to fix it, the checks it mirrors. */
function policyRulesTable(rules: readonly PolicyRule[] = ALL_RULES): string {
  return markdownTable(
    ["rule", "level", "what it requires", "fix", "mirrors"],
    rules.map((r) => [r.id, r.level, inline(r.title), inline(r.fix), r.mirrors.length > 0 ? r.mirrors.join(", ") : "—"]),
  );
}

// ---------------------------------------------------------------------------------------------
// The emulator-gap table

/**
 * Every gap of the emulator, with why, and every defect of moto patched in its server process. Not
 * per environment: each emulated deploy prints what the gaps touched in its own stacks.
 */
function emulatorGapsTable(gaps: readonly EmulatorGap[] = EMULATOR_GAPS): string {
  return markdownTable(
    ["gap", "why"],
    [
      ...gaps.map((gap) => [
        `${gap.kind} \`${gap.type}\`${gap.attributes ? ` (${gap.attributes.map((a) => `\`${a}\``).join(", ")})` : ""}`,
        inline(gap.reason),
      ]),
      ...MOTO_PATCHES.map((p) => [`patched in moto: \`${p.patch}\``, inline(p.reason)]),
      [LOST_ANSWER_GAP.what, inline(LOST_ANSWER_GAP.reason)],
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// The configuration reference

/** What a field's `.meta()` says: zod's `description`, and `defaultText` for a default zod does not fill in. */
interface FieldMeta {
  readonly description?: string;
  /** A default the resolver computes (`- text`) or a literal with a remark, shown instead of zod's default. */
  readonly defaultText?: string;
}

interface ZodDefLike {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly defaultValue?: unknown;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
const WRAPPERS = ["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"];

/**
 * A field's schema seen through its wrappers (`.optional()`, `.default()`, ...): the value's own
 * definition, whether it may be left out, the default zod fills in, and its metadata (the outermost
 * `.meta()` wins, so a field can describe a shared schema in its own words).
 */
function fieldOf(schema: z.ZodType): { def: ZodDefLike; optional: boolean; hasDefault: boolean; defaultValue: unknown; meta: FieldMeta } {
  let optional = false;
  let hasDefault = false;
  let defaultValue: unknown;
  const meta: { description?: string; defaultText?: string } = {};
  let cur = schema;
  for (;;) {
    const own = z.globalRegistry.get(cur) as FieldMeta | undefined;
    meta.description ??= own?.description;
    meta.defaultText ??= own?.defaultText;
    const def = defOf(cur);
    if (def.type === "optional") optional = true;
    if ((def.type === "default" || def.type === "prefault") && !hasDefault) {
      hasDefault = optional = true;
      defaultValue = def.defaultValue;
    }
    if (WRAPPERS.includes(def.type) && def.innerType) cur = def.innerType;
    else if (def.type === "pipe" && def.in) cur = def.in;
    else return { def, optional, hasDefault, defaultValue, meta };
  }
}

/** A field of the reference: its path, description and default as the reference shows them. */
export interface ReferenceField {
  /** `eks.apiAccess.cidrs`; `<name>` stands for a key of a map, `[]` for each element of a list. */
  readonly path: string;
  readonly description: string;
  /** Inline Markdown. */
  readonly default: string;
  readonly hasFields: boolean;
}

/**
 * Every field of `schema` (through objects, maps and lists of objects) with its description and
 * default, read from the runtime schema. Checked: every field has a description, and no required
 * field claims a default.
 */
export function referenceFields(schema: z.ZodType = EnvSchema): ReferenceField[] {
  const problems: string[] = [];
  const out: ReferenceField[] = [];
  const walk = (def: ZodDefLike, prefix: string): number => {
    if (def.type === "record") return walk(fieldOf(def.valueType!).def, `${prefix}.<name>`);
    if (def.type === "array") return walk(fieldOf(def.element!).def, `${prefix}[]`);
    if (def.type !== "object") return 0;
    for (const [key, value] of Object.entries(def.shape!)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const f = fieldOf(value);
      const at = out.length;
      out.push({ path, description: "", default: "", hasFields: false });
      const hasFields = walk(f.def, path) > 0;
      if (!f.meta.description) problems.push(`${path}: no description (add .meta({ description }) to it in src/config/schema.ts)`);
      if (!f.optional && f.meta.defaultText !== undefined) problems.push(`${path}: is required, but its metadata names a default`);
      const fromZod = () =>
        f.def.type === "object" && isEmptyObject(f.defaultValue) ? "the defaults of its fields" : `\`${oneLine(f.defaultValue)}\``;
      out[at] = {
        path,
        description: f.meta.description ?? "",
        default:
          f.meta.defaultText !== undefined
            ? defaultText(f.meta.defaultText, true)
            : f.hasDefault
              ? fromZod()
              : defaultText(undefined, f.optional),
        hasFields,
      };
    }
    return Object.keys(def.shape!).length;
  };
  walk(fieldOf(schema).def, "");
  if (problems.length > 0) throw new Error(`the configuration reference is incomplete:\n${problems.join("\n")}`);
  return out;
}

/** A value as JSON on one line, spaced as people write it: `["a", "b"]`. */
const oneLine = (v: unknown) =>
  JSON.stringify(v, null, 1)
    .replace(/\n\s*/g, " ")
    .replace(/([[{]) /g, "$1")
    .replace(/ ([\]}])/g, "$1");

const isEmptyObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/**
 * A default's text as inline Markdown: a leading literal (`"API"`, `365`, `[]`, `{ ... }`, `true`)
 * as code, followed by any remark; `- text` (no literal value) as the text. Without one: required
 * or optional.
 */
export function defaultText(tag: string | undefined, optional: boolean): string {
  if (tag === undefined) return optional ? "optional" : "required";
  if (tag.startsWith("- ")) return inline(tag.slice(2));
  const literal = /^("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|\[[^\]]*\]|\{[^}]*\})(.*)$/s.exec(tag);
  if (!literal) return inline(tag);
  return `\`${literal[1]}\`${literal[2] ? ` ${inline(literal[2])}` : ""}`;
}

/**
 * The configuration reference: the top-level fields in one table, then one section per top-level
 * object (with its description as the introduction) listing every field below it.
 */
export function configurationReference(schema: z.ZodType = EnvSchema): string {
  const fields = referenceFields(schema);
  const top = (f: ReferenceField) => !/[.[]/.test(f.path);
  const sentence = (text: string) => {
    const t = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?)]$/.test(t) ? t : `${t}.`;
  };
  const table = (rows: readonly ReferenceField[]) =>
    markdownTable(
      ["field", "description", "default"],
      rows.map((f) => [`\`${f.path}\``, inline(sentence(f.description)), f.default]),
    );
  const parts = ["## Top-level fields", table(fields.filter((f) => top(f) && !f.hasFields))];
  for (const section of fields.filter((f) => top(f) && f.hasFields)) {
    const below = fields.filter((f) => f.path.startsWith(`${section.path}.`) || f.path.startsWith(`${section.path}[]`));
    parts.push(`## \`${section.path}\``, `${inline(sentence(section.description))} Default: ${section.default}.`, table(below));
  }
  return parts.join("\n\n");
}

/** The JSON Schema of an environment's input, for editors and for checking a config exported as JSON. */
export function envJsonSchema(schema: z.ZodType = EnvSchema): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// The generated files

/** A file under `docs/` with generated parts: marker name → what goes between the markers. */
export interface GeneratedDoc {
  readonly file: string;
  readonly sections: Readonly<Record<string, () => string | Promise<string>>>;
}

// ---------------------------------------------------------------------------------------------
// The CI roles' IAM

/** A context of placeholders, so the scopes read as patterns. */
const PLACEHOLDERS: CiIamContext = {
  partition: "aws",
  account: "<account>",
  region: "<region>",
  prefix: "<project>-<env>",
  env: "<env>",
  cluster: "<project>-<env>-eks",
  stateBucket: "<project>-<env>-tfstate",
  lockTable: "<project>-<env>-tflock",
  rolePath: "<path>",
  clusterRoles: [],
};

/** Per resource type: what plans read and what deploys do, and on what. */
function ciIamTable(): string {
  const scopeText = (type: string) =>
    scopeOf(type, PLACEHOLDERS)
      .map((r) => `\`${r}\``)
      .join("<br>");
  return markdownTable(
    ["resource type", "plan (refresh) reads", "deploy also", "on (extra calls: see the code)"],
    Object.entries(TYPES).map(([type, t]) => [
      `\`${type}\``,
      t.read.map((a) => `\`${a}\``).join(" "),
      [...t.write, ...(t.also ?? []).flatMap((x) => x.actions)].map((a) => `\`${a}\``).join(" "),
      scopeText(type),
    ]),
  );
}

/** The trust policies of the roles `ci.github` creates, with placeholders. */
function ciTrustPolicies(): string {
  const provider = "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com";
  const subjects = githubSubjects("<owner>/<repo>", "<githubEnvironment>", false);
  const withWorkflow = githubSubjects("<owner>/<repo>", "<githubEnvironment>", true);
  const pretty = (doc: string) => JSON.stringify(JSON.parse(doc), null, 2);
  return [
    "The plan role (pull requests of the repository):",
    "",
    "```json",
    pretty(githubTrustPolicy(provider, subjects.plan)),
    "```",
    "",
    "The deploy role (jobs of the environment's GitHub environment; with `ci.github.workflowInSubject`, only",
    `\`deploy.yml\` on \`main\`: \`${withWorkflow.deploy}\`):`,
    "",
    "```json",
    pretty(githubTrustPolicy(provider, subjects.deploy)),
    "```",
  ].join("\n");
}

export const GENERATED_DOCS: readonly GeneratedDoc[] = [
  { file: "docs/ci.md", sections: { "ci-iam": () => ciIamTable(), "ci-trust": () => ciTrustPolicies() } },
  { file: "docs/configuration.md", sections: { "config-reference": () => configurationReference() } },
  { file: "docs/policy.md", sections: { "policy-rules": () => policyRulesTable() } },
  { file: "docs/testing.md", sections: { "emulator-gaps": async () => Promise.resolve(emulatorGapsTable()) } },
];

/** `text` (the file's current content) with its generated parts regenerated, formatted as `npm run lint` wants. */
export async function renderDoc(doc: GeneratedDoc, text: string, root: string = PROJECT_ROOT): Promise<string> {
  let out = text;
  for (const [name, generate] of Object.entries(doc.sections)) out = withGeneratedSection(out, name, await generate(), doc.file);
  const options = (await prettier.resolveConfig(path.join(root, doc.file))) ?? {};
  return prettier.format(out, { ...options, parser: "markdown" });
}

/** Files generated whole: the environment's JSON Schema. */
export const GENERATED_FILES: readonly { file: string; content: () => string }[] = [
  { file: "docs/env.schema.json", content: () => envJsonSchema() },
];

/** A generated file's content, formatted as `npm run lint` wants. */
export async function renderFile(file: string, content: string, root: string = PROJECT_ROOT): Promise<string> {
  const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
  return prettier.format(content, { ...options, filepath: file });
}

/** Every generated file: its content as checked in (empty when missing), and as `npm run docs:update` writes it. */
export async function generatedDocs(root: string = PROJECT_ROOT): Promise<{ file: string; before: string; after: string }[]> {
  const read = (file: string) => (fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), "utf8") : "");
  return Promise.all([
    ...GENERATED_DOCS.map(async (doc) => {
      const before = read(doc.file);
      return { file: doc.file, before, after: await renderDoc(doc, before, root) };
    }),
    ...GENERATED_FILES.map(async (g) => ({ file: g.file, before: read(g.file), after: await renderFile(g.file, g.content(), root) })),
  ]);
}
