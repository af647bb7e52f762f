/**
 * Helpers rules share: the resources of a synthesized stack, references between them, and IAM
 * policy documents that contain Terraform interpolations.
 */
import type { PolicyContext, SynthResource } from "./types";

type Json = Record<string, unknown>;

/** The resources of a synthesized stack (`cdk.tf.json` as an object). */
export function resourcesOf(stack: string, json: Json): SynthResource[] {
  const out: SynthResource[] = [];
  for (const [type, byName] of Object.entries((json.resource as Json | undefined) ?? {})) {
    for (const [name, body] of Object.entries(byName as Json)) {
      const { "//": meta, ...config } = body as Json;
      const path = ((meta as Json | undefined)?.metadata as Json | undefined)?.path;
      out.push({ type, name, address: `${type}.${name}`, config, path: typeof path === "string" ? path : `${stack}/${name}` });
    }
  }
  return out.sort((a, b) => a.address.localeCompare(b.address));
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[^}]+\}$/;

export function contextOf(stack: string, resources: readonly SynthResource[]): PolicyContext {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  return {
    stack,
    resources,
    resolve(reference: unknown) {
      if (typeof reference !== "string") return undefined;
      const m = REFERENCE.exec(reference);
      return m ? byAddress.get(`${m[1]}.${m[2]}`) : undefined;
    },
    referencing(type: string, target: SynthResource) {
      const needle = new RegExp(`\\$\\{${target.type}\\.${target.name.replace(/[-]/g, "\\-")}\\.`);
      return resources.filter((r) => r.type === type && needle.test(JSON.stringify(r.config)));
    },
  };
}

/** True when a value is (or contains) a Terraform expression, known only at plan or apply time. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
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

/** A string-or-list IAM field as a list. */
export function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Whether a subnet is public: its route table (through an association) has a route to an internet
 * gateway, or it assigns public IPs at launch.
 */
export function isPublicSubnet(subnet: SynthResource, ctx: PolicyContext): boolean {
  if (subnet.config.map_public_ip_on_launch === true) return true;
  for (const assoc of ctx.referencing("aws_route_table_association", subnet)) {
    const table = ctx.resolve(assoc.config.route_table_id);
    if (!table) continue;
    for (const route of blocks(table.config.route)) {
      if (ctx.resolve(route.gateway_id)?.type === "aws_internet_gateway") return true;
    }
    for (const route of ctx.referencing("aws_route", table)) {
      if (ctx.resolve(route.config.gateway_id)?.type === "aws_internet_gateway") return true;
    }
  }
  return false;
}

/**
 * Checks that every subnet id is a private subnet of this stack. Returns the problem, or undefined.
 * Ids that are not references to a subnet here cannot be verified, and say so.
 */
export function privateSubnetsProblem(ids: unknown, ctx: PolicyContext): string | undefined {
  const values = Array.isArray(ids) ? ids : [ids];
  if (values.length === 0) return "has no subnets";
  for (const id of values) {
    const subnet = ctx.resolve(id);
    if (!subnet || subnet.type !== "aws_subnet")
      return `uses subnet ${JSON.stringify(id)}, which is not a subnet of this stack and cannot be checked`;
    if (isPublicSubnet(subnet, ctx)) return `uses the public subnet ${subnet.address} (it routes to an internet gateway)`;
  }
  return undefined;
}
