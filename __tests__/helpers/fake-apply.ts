/**
 * A saved state without an AWS account: what an apply of a create-only plan would leave behind,
 * built from the plan's known values, the synthesized configuration (references between resources
 * are evaluated against the state being built, so they stay consistent), and the provider schema
 * (types of what is only known after apply). Planning a changed configuration against it with
 * `-refresh=false` gives real update, replace and destroy plans from the real provider.
 */

type Json = Record<string, unknown>;

interface Block {
  attributes?: Record<string, { type: unknown; computed?: boolean }>;
  block_types?: Record<string, { nesting_mode: string; block: Block }>;
}

interface ResourceSchema {
  version: number;
  block: Block;
}

const AWS = "registry.terraform.io/hashicorp/aws";
const SIMPLE_REF = /^(data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+((\.[a-z0-9_]+)|(\[\d+\]))+$/;

export function fakeApply(stackJson: Json, plan: Json, schemas: Json): Json {
  const resourceSchemas = ((schemas.provider_schemas as Json)[AWS] as Json).resource_schemas as Record<string, ResourceSchema>;
  const changes = new Map(
    ((plan.resource_changes as Json[]) ?? []).filter((rc) => rc.mode === "managed").map((rc) => [rc.address as string, rc]),
  );
  const configs = new Map<string, Json>();
  for (const [type, byName] of Object.entries((stackJson.resource as Json) ?? {})) {
    for (const [name, body] of Object.entries(byName as Json)) configs.set(`${type}.${name}`, body as Json);
  }
  const dataValues = new Map<string, Json>();
  const prior = (((plan.prior_state as Json | undefined)?.values as Json | undefined)?.root_module as Json | undefined)?.resources as
    Json[] | undefined;
  for (const r of prior ?? []) if (r.mode === "data") dataValues.set(r.address as string, r.values as Json);

  const values = new Map<string, Json>();
  const filling = new Set<string>();

  const lookup = (ref: string): unknown => {
    const parts = ref.match(/^(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|[a-z0-9_]+\.[A-Za-z0-9_-]+)(.*)$/);
    if (!parts) return undefined;
    const [, address, rest] = parts;
    let cur: unknown = address.startsWith("data.") ? dataValues.get(address) : fill(address);
    for (const step of rest.match(/\.[a-z0-9_]+|\[\d+\]/g) ?? []) {
      if (cur === undefined || cur === null) return undefined;
      cur = step.startsWith("[") ? (cur as unknown[])[Number(step.slice(1, -1))] : (cur as Json)[step.slice(1)];
    }
    return cur;
  };

  /** A configuration value with every interpolation resolved, or undefined when it cannot be. */
  const evaluate = (expr: unknown): unknown => {
    if (Array.isArray(expr)) {
      const items = expr.map(evaluate);
      return items.some((i) => i === undefined) ? undefined : items;
    }
    if (typeof expr !== "string" || !expr.includes("${")) return expr;
    const whole = /^\$\{([^}]+)\}$/.exec(expr);
    if (whole && SIMPLE_REF.test(whole[1])) return lookup(whole[1]);
    let failed = false;
    const text = expr.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
      const v = SIMPLE_REF.test(inner) ? lookup(inner) : undefined;
      if (v === undefined || typeof v === "object") failed = true;
      return String(v);
    });
    return failed ? undefined : text;
  };

  /** A made-up value of a schema type (lists of objects get one element, so [0] references work). */
  const fake = (type: unknown, attr: string, prefix: string): unknown => {
    if (type === "string") {
      if (attr === "arn" || attr.endsWith("_arn")) return `arn:aws:fake:eu-west-1:111111111111:${prefix}`;
      if (/(url|issuer|endpoint)$/.test(attr)) return `https://${prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-")}.example.com`;
      // Launch template ids are checked by their form where node groups reference them: lt-<alphanumerics>.
      if (attr === "id" && prefix.startsWith("fake-aws_launch_template-")) return `lt-${prefix.replace(/[^A-Za-z0-9]/g, "")}`;
      // Identifiers other resources may reference get unique values; other computed strings stay empty.
      return attr === "id" || /(_id|name)$/.test(attr) ? `${prefix}-${attr}` : "";
    }
    if (type === "number") return 0;
    if (type === "bool") return false;
    if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) {
      const elem = type[1] as unknown;
      return Array.isArray(elem) && elem[0] === "object" ? [fake(elem, attr, `${prefix}0`)] : [];
    }
    if (Array.isArray(type) && type[0] === "map") return {};
    if (Array.isArray(type) && type[0] === "object") {
      return Object.fromEntries(Object.entries(type[1] as Record<string, unknown>).map(([f, t]) => [f, fake(t, f, `${prefix}-${attr}`)]));
    }
    return null;
  };

  /** A value from the plan, with its unknown parts taken from the configuration or made up. */
  const fillValue = (type: unknown, after: unknown, mask: unknown, config: unknown, attr: string, prefix: string): unknown => {
    if (mask === true) {
      const evaluated = config !== undefined ? evaluate(config) : undefined;
      return evaluated !== undefined ? evaluated : fake(type, attr, prefix);
    }
    if (Array.isArray(mask) && Array.isArray(after) && Array.isArray(type)) {
      const cfg = Array.isArray(config) ? config : [];
      return after.map((item, i) => fillValue(type[1], item, mask[i], cfg[i], attr, `${prefix}${i}`));
    }
    if (mask && typeof mask === "object" && after && typeof after === "object" && Array.isArray(type) && type[0] === "object") {
      const fields = type[1] as Record<string, unknown>;
      const cfg = (config && typeof config === "object" ? config : {}) as Json;
      return Object.fromEntries(
        Object.entries(fields).map(([f, t]) => [f, fillValue(t, (after as Json)[f], (mask as Json)[f], cfg[f], f, `${prefix}-${attr}`)]),
      );
    }
    return after ?? null;
  };

  const fillBlock = (block: Block, after: Json, unknown: Json, config: Json | undefined, prefix: string): Json => {
    const out: Json = {};
    for (const [attr, spec] of Object.entries(block.attributes ?? {})) {
      out[attr] = fillValue(spec.type, after[attr], unknown?.[attr], config?.[attr], attr, prefix);
    }
    for (const [name, nested] of Object.entries(block.block_types ?? {})) {
      const single = nested.nesting_mode === "single" || nested.nesting_mode === "group";
      const items = after[name] === undefined || after[name] === null ? [] : single ? [after[name]] : (after[name] as Json[]);
      const masks = single ? [unknown?.[name]] : ((unknown?.[name] as Json[] | undefined) ?? []);
      const cfg = config?.[name];
      const cfgItems = Array.isArray(cfg) ? (cfg as Json[]) : cfg ? [cfg as Json] : [];
      const filled = items.map((item, i) =>
        fillBlock(nested.block, item as Json, (masks[i] as Json) ?? {}, cfgItems[i], `${prefix}-${name}${i}`),
      );
      out[name] = single ? (filled[0] ?? null) : filled;
    }
    return out;
  };

  function fill(address: string): Json | undefined {
    const done = values.get(address);
    if (done) return done;
    const rc = changes.get(address);
    if (!rc || filling.has(address)) return undefined;
    filling.add(address);
    const schema = resourceSchemas[rc.type as string];
    const change = rc.change as Json;
    const result = fillBlock(
      schema.block,
      (change.after as Json) ?? {},
      (change.after_unknown as Json) ?? {},
      configs.get(address),
      `fake-${address.replace(/\./g, "-")}`,
    );
    values.set(address, result);
    filling.delete(address);
    return result;
  }

  const resources = [...changes.keys()].sort().map((address) => {
    const rc = changes.get(address)!;
    return {
      mode: "managed",
      type: rc.type,
      name: rc.name,
      provider: `provider["${AWS}"]`,
      instances: [
        {
          schema_version: resourceSchemas[rc.type as string].version,
          attributes: fill(address),
          sensitive_attributes: [],
          dependencies: [],
        },
      ],
    };
  });
  return {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: 1,
    lineage: "00000000-0000-4000-8000-000000000001",
    outputs: {},
    resources,
    check_results: null,
  };
}
