/**
 * `terraform show -json` prints sensitive values in clear text, next to markers saying which ones
 * they are. `redactPlan` replaces every marked value with "(sensitive)", so the plan JSON can be kept
 * as a CI artifact that anyone with read access to the repository may download.
 *
 * It walks the whole document rather than the sections known today, so a section a newer
 * Terraform adds (deferred changes, say) is covered as long as it uses the same markers:
 * `before`/`after` with `before_sensitive`/`after_sensitive`, `values` with `sensitive_values`,
 * and `{ sensitive: true, value }` for outputs. Root variables declared sensitive are redacted too.
 */

/** What a redacted value becomes. */
export const REDACTED = "(sensitive)";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Applies a Terraform sensitivity mask: `true` redacts the whole value; an object or array mask
 * descends into the matching keys or indexes; anything else leaves the value as it is.
 */
export function applyMask(value: unknown, mask: unknown): unknown {
  if (mask === true) return value === null || value === undefined ? value : REDACTED;
  if (Array.isArray(mask) && Array.isArray(value)) return value.map((v, i) => applyMask(v, mask[i]));
  if (isObject(mask) && isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = applyMask(v, mask[k]);
    return out;
  }
  return value;
}

/** Value keys and the keys of their masks. */
const MASKED: [string, string][] = [
  ["before", "before_sensitive"],
  ["after", "after_sensitive"],
  ["values", "sensitive_values"],
];

function walk(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(walk);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = walk(v);
  for (const [value, mask] of MASKED) if (value in node && mask in node) out[value] = applyMask(node[value], node[mask]);
  if (node.sensitive === true && "value" in node) out.value = REDACTED;
  return out;
}

/** A copy of a `terraform show -json` plan with every value Terraform marks sensitive replaced. */
export function redactPlan<T>(plan: T): T {
  if (!isObject(plan)) return plan;
  const out = walk(plan) as Json;
  if (isObject(plan.variables)) {
    const declared = (((plan.configuration as Json | undefined)?.root_module as Json | undefined)?.variables ?? {}) as Record<string, Json>;
    out.variables = Object.fromEntries(
      Object.entries(plan.variables).map(([k, v]) => [k, declared[k]?.sensitive === true && isObject(v) ? { ...v, value: REDACTED } : v]),
    );
  }
  return out as T;
}
