/**
 * The one reader of synthesized Terraform JSON: the manifest and stacks of a `cdktf.out`, the
 * resources of a stack by type, nested blocks however cdktf wrote them, and IAM policy documents
 * that hold Terraform interpolations. Used by the policy pack, the audit, the plan, the address
 * contract and the generated docs alike.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A JSON object: a block's arguments, a policy statement. */
export type Json = Record<string, unknown>;

/** Blocks by type, then by name: the `resource` and `data` sections. */
export type BlocksByType = Record<string, Record<string, Json>>;

/**
 * Synthesized Terraform JSON (a `cdk.tf.json`, or an override file), typed as far as this project
 * reads it. Provider blocks are lists in `cdk.tf.json` and may be one object in an override file.
 */
export interface TerraformJson {
  terraform?: { backend?: Record<string, Json>; required_providers?: Record<string, Json>; [key: string]: unknown };
  provider?: Record<string, Json[] | Json>;
  resource?: BlocksByType;
  data?: BlocksByType;
  output?: Record<string, Json>;
  moved?: Json[];
  [section: string]: unknown;
}

/** A synthesized stack: its id and its parsed `cdk.tf.json`. */
export interface SynthesizedStack {
  readonly id: string;
  readonly json: TerraformJson;
}

/** One resource (or data source) of a stack. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  /** `type.name`, or `data.type.name` for a data source. */
  readonly address: string;
  /** Its arguments, without cdktf's `//` metadata. */
  readonly config: Json;
  /** Its construct path, from the metadata (`<stack>/<name>` when there is none). */
  readonly path: string;
}

/** The stack ids of a synthesized output and their stack files, from its `manifest.json`. */
export function readManifest(outdir: string): Record<string, { readonly synthesizedStackPath: string }> {
  const file = path.join(outdir, "manifest.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> }).stacks;
}

/** Every stack of a synthesized output (or those `filter` keeps), in id order. */
export function readStacks(outdir: string, filter: (id: string) => boolean = () => true): SynthesizedStack[] {
  return Object.entries(readManifest(outdir))
    .filter(([id]) => filter(id))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, info]) => ({
      id,
      json: JSON.parse(fs.readFileSync(path.join(outdir, info.synthesizedStackPath), "utf8")) as TerraformJson,
    }));
}

/** The parsed `cdk.tf.json` of a stack folder. */
export function readStackFile(stackDir: string): TerraformJson {
  return JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson;
}

/** The resources (or data sources) of a stack, sorted by address. */
export function stackResources(stack: string, json: TerraformJson, section: "resource" | "data" = "resource"): StackResource[] {
  const out: StackResource[] = [];
  for (const [type, byName] of Object.entries(json[section] ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const { "//": meta, ...config } = body;
      const metaPath = ((meta as Json | undefined)?.metadata as Json | undefined)?.path;
      const address = `${section === "data" ? "data." : ""}${type}.${name}`;
      out.push({ type, name, address, config, path: typeof metaPath === "string" ? metaPath : `${stack}/${name}` });
    }
  }
  return out.sort((a, b) => a.address.localeCompare(b.address));
}

/** A nested block that cdktf writes either as an object or as a one-element list. */
export function block(value: unknown): Json | undefined {
  if (Array.isArray(value)) return value[0] as Json | undefined;
  return value && typeof value === "object" ? (value as Json) : undefined;
}

/** A list of blocks, whichever way cdktf wrote it. */
export function blocks(value: unknown): Json[] {
  if (Array.isArray(value)) return value as Json[];
  return value && typeof value === "object" ? [value as Json] : [];
}

/**
 * Parses an IAM policy document that may hold Terraform interpolations (`${aws_x.y.arn}`,
 * `${replace(..., "https://", "")}`): each interpolation becomes the placeholder `TF_EXPR`, so
 * the JSON structure can be checked. Returns undefined when the text is not JSON.
 */
export function parsePolicyDocument(text: unknown): { Statement?: unknown } | undefined {
  if (typeof text !== "string") return undefined;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      // Skip to the matching brace, minding nested braces and quoted strings inside the expression.
      let depth = 0;
      let quoted = false;
      let j = i + 1;
      for (; j < text.length; j++) {
        const c = text[j];
        // Quotes inside the expression may appear raw ("https://") or JSON-escaped (\"https://\").
        if (c === "\\" && text[j + 1] === '"') {
          quoted = !quoted;
          j++;
        } else if (c === '"') quoted = !quoted;
        else if (quoted) continue;
        else if (c === "{") depth++;
        else if (c === "}" && --depth === 0) break;
      }
      out += "TF_EXPR";
      i = j;
    } else {
      out += text[i];
    }
  }
  try {
    return JSON.parse(out) as { Statement?: unknown };
  } catch {
    return undefined;
  }
}

/** The statements of a policy document as a list (a single statement object counts as one). */
export function statements(doc: { Statement?: unknown } | undefined): Json[] {
  if (!doc) return [];
  return Array.isArray(doc.Statement) ? (doc.Statement as Json[]) : doc.Statement ? [doc.Statement as Json] : [];
}

/**
 * A value of synthesized JSON as text for a message or a table: a scalar as `String` writes it,
 * an object or a list as JSON (never "[object Object]").
 */
export function valueText(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/** A string-or-list IAM field as a list. */
export function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
