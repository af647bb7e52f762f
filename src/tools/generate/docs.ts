/**
 * Documentation generated from the code, so it cannot drift: `npm run docs:update` writes it, a test
 * compares it with what is checked in.
 *
 * Each generated part sits between `<!-- <name>:start -->` and `<!-- <name>:end -->` markers in a
 * file under `docs/`; the text around the markers is written by hand. The generated parts:
 *
 * - `docs/configuration.md`: every field of the environment schema with its path, description and
 *   default, read from the JSDoc comments of `src/config/schema.ts` with the TypeScript compiler
 *   (zod keeps no comments at runtime). A field without a description fails the generator.
 * - `docs/policy.md`: the rule table of the policy pack (`ALL_RULES`).
 * - `docs/testing.md`: the emulator-gap table (every gap with why, and moto's patched defects).
 *
 * Every table goes through `markdownTable`, and every piece of source text through `inline`, so
 * Markdown is escaped once and the same way everywhere.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import * as ts from "typescript";
import type { z } from "zod";
import { PROJECT_ROOT } from "../../app";
import { EnvSchema } from "../../config/schema";
import { ALL_RULES } from "../../policy/rules";
import type { PolicyRule } from "../../policy/types";
import { EMULATOR_GAPS, type EmulatorGap } from "../emulator/emulator-gaps";
import { MOTO_PATCHES } from "../emulator/moto";
import { markdownTable, type Align } from "../markdown";
import { scopeOf, TYPES, type CiIamContext } from "../../lib/ci-iam";
import { githubSubjects, githubTrustPolicy } from "../../constructs/ci-roles";

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
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// The configuration reference

/** One field of the environment schema, as its source says it. */
export interface SchemaField {
  /** `eks.apiAccess.cidrs`; `<name>` stands for a key of a map, `[]` for each element of a list. */
  readonly path: string;
  /** Where its declaration is, by the named schema it sits in: `EksSchema.apiAccess.cidrs`. */
  readonly source: string;
  /** The JSDoc text (its own, else the one of the named schema it references). */
  readonly description?: string;
  /** The text of its `@default` tag. */
  readonly default?: string;
  /** The field has fields of its own (an object, or a map or list of objects). */
  readonly hasFields: boolean;
}

/** The environment schema's source file. */
const SCHEMA_FILE = path.join(PROJECT_ROOT, "src", "config", "schema.ts");

/** Zod builders whose value is an object, a map or a list; every other `z.*` call is a leaf. */
type Shape =
  | { kind: "object"; literal: ts.ObjectLiteralExpression; owner: string }
  | { kind: "record" | "array"; element: ts.Expression; owner: string }
  | { kind: "leaf" };

/**
 * Reads every field of the schema `root` (a `z.strictObject({...})` declared in `sourceText`) with
 * its JSDoc: property assignments, shorthand properties and spreads of shared property objects,
 * following references to the file's named schemas (`eks: EksSchema.prefault({})`) and through
 * maps (`<name>`) and lists (`[]`) of objects.
 */
export function schemaFields(sourceText: string, root = "EnvSchema", fileName = "schema.ts"): SchemaField[] {
  const file = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declarations = new Map<string, ts.VariableDeclaration>();
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) declarations.set(d.name.text, d);
  }
  const where = (node: ts.Node) => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart());
    return `${fileName}:${line + 1}:${character + 1}`;
  };

  /** The named declaration an expression starts from, past method calls: `keyAttribute.optional()`. */
  const baseIdentifier = (expr: ts.Expression): string | undefined => {
    if (ts.isIdentifier(expr)) return declarations.has(expr.text) ? expr.text : undefined;
    if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
      const target = expr.expression.expression;
      if (ts.isIdentifier(target) && target.text === "z") return undefined;
      return baseIdentifier(target);
    }
    return undefined;
  };

  const shapeOf = (expr: ts.Expression, owner: string, seen: readonly string[] = []): Shape => {
    if (ts.isIdentifier(expr)) {
      const d = declarations.get(expr.text);
      if (!d) return { kind: "leaf" };
      if (seen.includes(expr.text)) throw new Error(`${where(expr)}: ${expr.text} refers to itself`);
      return shapeOf(d.initializer!, expr.text, [...seen, expr.text]);
    }
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)) {
      return shapeOf(expr.expression, owner, seen);
    }
    if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
      const target = expr.expression.expression;
      const method = expr.expression.name.text;
      if (ts.isIdentifier(target) && target.text === "z") {
        if (method === "strictObject" || method === "object" || method === "looseObject") {
          const [literal] = expr.arguments;
          if (!literal || !ts.isObjectLiteralExpression(literal))
            throw new Error(`${where(expr)}: z.${method} is given something other than an object literal`);
          return { kind: "object", literal, owner };
        }
        if (method === "record") return { kind: "record", element: expr.arguments[1], owner };
        if (method === "array") return { kind: "array", element: expr.arguments[0], owner };
        return { kind: "leaf" };
      }
      // `.optional()`, `.default(...)`, `.min(...)`: the same value, with a rule or a default.
      return shapeOf(target, owner, seen);
    }
    return { kind: "leaf" };
  };

  /** The fields under a value: its properties, or those of each element of a map or list. */
  const fieldsOf = (shape: Shape, prefix: string): SchemaField[] => {
    if (shape.kind === "leaf") return [];
    if (shape.kind === "object") return objectFields(shape.literal, prefix, shape.owner);
    return fieldsOf(shapeOf(shape.element, shape.owner), `${prefix}${shape.kind === "record" ? ".<name>" : "[]"}`);
  };

  const objectFields = (literal: ts.ObjectLiteralExpression, prefix: string, source: string): SchemaField[] => {
    const out: SchemaField[] = [];
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) {
        const name = ts.isIdentifier(property.expression) ? property.expression.text : undefined;
        const d = name ? declarations.get(name) : undefined;
        if (!d || !ts.isObjectLiteralExpression(d.initializer!))
          throw new Error(`${where(property)}: can only read a spread of a named object literal of fields`);
        out.push(...objectFields(d.initializer, prefix, name!));
        continue;
      }
      let key: string;
      let value: ts.Expression;
      if (ts.isPropertyAssignment(property)) {
        if (!ts.isIdentifier(property.name) && !ts.isStringLiteral(property.name))
          throw new Error(`${where(property)}: cannot read a computed property name`);
        key = property.name.text;
        value = property.initializer;
      } else if (ts.isShorthandPropertyAssignment(property)) {
        key = property.name.text;
        value = property.name;
      } else {
        throw new Error(`${where(property)}: cannot read a ${ts.SyntaxKind[property.kind]} in a schema object`);
      }
      const fieldPath = prefix ? `${prefix}.${key}` : key;
      const fieldSource = `${source}.${key}`;
      const own = jsDocOf(property);
      const referenced = baseIdentifier(value);
      const inherited = referenced ? jsDocOf(declarations.get(referenced)!) : {};
      // Fields of a named schema are named by it; those of an inline object by their parent.
      const children = fieldsOf(shapeOf(value, fieldSource), fieldPath);
      out.push({
        path: fieldPath,
        source: fieldSource,
        description: own.description ?? inherited.description,
        default: own.default,
        hasFields: children.length > 0,
      });
      out.push(...children);
    }
    return out;
  };

  const rootDeclaration = declarations.get(root);
  if (!rootDeclaration) throw new Error(`${fileName} declares no ${root}`);
  const rootShape = shapeOf(rootDeclaration.name as ts.Identifier, root);
  if (rootShape.kind !== "object") throw new Error(`${fileName}: ${root} is not a z.strictObject({...})`);
  return objectFields(rootShape.literal, "", root);
}

/** The description and `@default` of a node's JSDoc comment (the last one, if several). */
function jsDocOf(node: ts.Node): { description?: string; default?: string } {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs.at(-1);
  if (!doc) return {};
  const text = (comment: string | ts.NodeArray<ts.JSDocComment> | undefined) =>
    (ts.getTextOfJSDocComment(comment) ?? "").replace(/\s+/g, " ").trim() || undefined;
  const tag = doc.tags?.find((t) => t.tagName.text === "default");
  return { description: text(doc.comment), default: tag ? (text(tag.comment) ?? "") : undefined };
}

/** A field of the runtime schema: whether it may be left out, and whether zod then fills it in. */
export interface RuntimeField {
  readonly optional: boolean;
  readonly hasDefault: boolean;
}

interface ZodDefLike {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;

/**
 * The fields of the runtime schema by path (the same paths as `schemaFields`), to check that the
 * source walk found every field, and to tell required fields from optional ones.
 */
export function runtimeFields(schema: z.ZodType = EnvSchema): Map<string, RuntimeField> {
  const out = new Map<string, RuntimeField>();
  const unwrap = (s: z.ZodType) => {
    let optional = false;
    let hasDefault = false;
    let def = defOf(s);
    while (def.type === "optional" || def.type === "default" || def.type === "prefault" || def.type === "nonoptional") {
      if (def.type === "optional") optional = true;
      if (def.type === "default" || def.type === "prefault") hasDefault = optional = true;
      def = defOf(def.innerType!);
    }
    return { def, optional, hasDefault };
  };
  const walk = (s: z.ZodType, prefix: string) => {
    const { def } = unwrap(s);
    if (def.type === "object") {
      for (const [key, field] of Object.entries(def.shape!)) {
        const fieldPath = prefix ? `${prefix}.${key}` : key;
        const { optional, hasDefault } = unwrap(field);
        out.set(fieldPath, { optional, hasDefault });
        walk(field, fieldPath);
      }
    } else if (def.type === "record") walk(def.valueType!, `${prefix}.<name>`);
    else if (def.type === "array") walk(def.element!, `${prefix}[]`);
  };
  walk(schema, "");
  return out;
}

/**
 * The text the reference shows for fields whose schema comment has no description yet, by their
 * `source` (see `SchemaField`). Each entry belongs in the JSDoc comment of `src/config/schema.ts`;
 * once it is there, the entry is stale, and the generator says so until it is removed here.
 */
const SCHEMA_DESCRIPTIONS: Readonly<Record<string, string>> = {};

/** A field of the reference: its path, description and default as the reference shows them. */
export interface ReferenceField {
  readonly path: string;
  readonly description: string;
  /** Inline Markdown. */
  readonly default: string;
  readonly hasFields: boolean;
}

/**
 * The schema's fields with their descriptions, checked: the source walk and the runtime schema
 * agree on the fields, every field has a description (its JSDoc, else `descriptions`), every field
 * zod fills in has an `@default` tag, and no entry of `descriptions` is stale.
 */
export function referenceFields(
  fields: readonly SchemaField[],
  runtime: ReadonlyMap<string, RuntimeField>,
  descriptions: Readonly<Record<string, string>> = SCHEMA_DESCRIPTIONS,
): ReferenceField[] {
  const problems: string[] = [];
  const paths = new Set(fields.map((f) => f.path));
  for (const p of runtime.keys()) if (!paths.has(p)) problems.push(`${p}: in the schema, but not found in its source`);
  for (const f of fields) if (!runtime.has(f.path)) problems.push(`${f.path}: found in the source, but not in the schema`);
  const sources = new Set(fields.map((f) => f.source));
  for (const key of Object.keys(descriptions)) {
    if (!sources.has(key)) problems.push(`${key}: no such field (remove it from SCHEMA_DESCRIPTIONS)`);
  }
  const out: ReferenceField[] = [];
  for (const f of fields) {
    const fallback = descriptions[f.source];
    if (f.description && fallback !== undefined) {
      problems.push(`${f.path}: described in the schema now (remove ${f.source} from SCHEMA_DESCRIPTIONS)`);
    }
    const description = f.description ?? fallback;
    if (!description) problems.push(`${f.path}: no description (add a JSDoc comment to ${f.source} in src/config/schema.ts)`);
    const r = runtime.get(f.path);
    // An object zod fills in with `{}` needs no tag: its fields' rows say what it becomes.
    const filledIn = r?.hasDefault === true && f.default === undefined;
    if (filledIn && !f.hasFields) problems.push(`${f.path}: has a default, but no @default tag (${f.source})`);
    if (r && !r.optional && f.default !== undefined) problems.push(`${f.path}: is required, but has an @default tag (${f.source})`);
    out.push({
      path: f.path,
      description: description ?? "",
      default: filledIn ? "the defaults of its fields" : defaultText(f.default, r?.optional ?? true),
      hasFields: f.hasFields,
    });
  }
  if (problems.length > 0) throw new Error(`the configuration reference is incomplete:\n${[...new Set(problems)].join("\n")}`);
  return out;
}

/**
 * An `@default` tag as inline Markdown: a leading literal (`"API"`, `365`, `[]`, `{ ... }`, `true`)
 * as code, followed by any remark; `- text` (no literal value) as the text. Without a tag: required
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
export function configurationReference(
  source: string = fs.readFileSync(SCHEMA_FILE, "utf8"),
  runtime: ReadonlyMap<string, RuntimeField> = runtimeFields(EnvSchema),
  descriptions: Readonly<Record<string, string>> = SCHEMA_DESCRIPTIONS,
): string {
  const fields = referenceFields(schemaFields(source), runtime, descriptions);
  const top = (f: ReferenceField) => !/[.[]/.test(f.path);
  const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
  const table = (rows: readonly ReferenceField[]) =>
    markdownTable(
      ["field", "description", "default"],
      rows.map((f) => [`\`${f.path}\``, inline(f.description), f.default]),
    );
  const parts = ["## Top-level fields", table(fields.filter((f) => top(f) && !f.hasFields))];
  for (const section of fields.filter((f) => top(f) && f.hasFields)) {
    const below = fields.filter((f) => f.path.startsWith(`${section.path}.`) || f.path.startsWith(`${section.path}[]`));
    parts.push(`## \`${section.path}\``, `${sentence(inline(section.description))} Default: ${section.default}.`, table(below));
  }
  return parts.join("\n\n");
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

/** Every generated file: its content as checked in, and as `npm run docs:update` writes it. */
export async function generatedDocs(root: string = PROJECT_ROOT): Promise<{ file: string; before: string; after: string }[]> {
  return Promise.all(
    GENERATED_DOCS.map(async (doc) => {
      const before = fs.readFileSync(path.join(root, doc.file), "utf8");
      return { file: doc.file, before, after: await renderDoc(doc, before, root) };
    }),
  );
}
