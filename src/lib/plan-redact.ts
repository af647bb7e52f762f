/**
 * `terraform show -json` prints sensitive values in clear text, next to markers saying which ones
 * they are. `redactPlan` replaces every marked value with "(sensitive)", so the plan JSON can be kept
 * as a CI artifact that anyone with read access to the repository may download.
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

/** A change (`before`/`after` with their `*_sensitive` masks) with its sensitive values replaced. */
function redactChange(change: unknown): unknown {
  if (!isObject(change)) return change;
  return {
    ...change,
    before: applyMask(change.before, change.before_sensitive),
    after: applyMask(change.after, change.after_sensitive),
  };
}

function redactOutputs(outputs: unknown): unknown {
  if (!isObject(outputs)) return outputs;
  const out: Json = {};
  for (const [name, o] of Object.entries(outputs)) {
    out[name] = isObject(o) && o.sensitive === true ? { ...o, value: REDACTED } : o;
  }
  return out;
}

/** A module of `planned_values` or `prior_state.values`: resources with `values` + `sensitive_values`. */
function redactModule(module: unknown): unknown {
  if (!isObject(module)) return module;
  const out: Json = { ...module };
  if (Array.isArray(module.resources)) {
    out.resources = module.resources.map((r: unknown) => (isObject(r) ? { ...r, values: applyMask(r.values, r.sensitive_values) } : r));
  }
  if (Array.isArray(module.child_modules)) out.child_modules = module.child_modules.map(redactModule);
  return out;
}

function redactValues(values: unknown): unknown {
  if (!isObject(values)) return values;
  return { ...values, outputs: redactOutputs(values.outputs), root_module: redactModule(values.root_module) };
}

/** A copy of a `terraform show -json` plan with every value Terraform marks sensitive replaced. */
export function redactPlan<T>(plan: T): T {
  if (!isObject(plan)) return plan;
  const out: Json = { ...plan };
  const mapChanges = (list: unknown) =>
    Array.isArray(list) ? list.map((rc) => (isObject(rc) ? { ...rc, change: redactChange(rc.change) } : rc)) : list;
  if ("resource_changes" in plan) out.resource_changes = mapChanges(plan.resource_changes);
  if ("resource_drift" in plan) out.resource_drift = mapChanges(plan.resource_drift);
  if (isObject(plan.output_changes)) {
    out.output_changes = Object.fromEntries(Object.entries(plan.output_changes).map(([k, c]) => [k, redactChange(c)]));
  }
  if ("planned_values" in plan) out.planned_values = redactValues(plan.planned_values);
  if (isObject(plan.prior_state)) out.prior_state = { ...plan.prior_state, values: redactValues(plan.prior_state.values) };
  if (isObject(plan.variables)) {
    const declared = (((plan.configuration as Json | undefined)?.root_module as Json | undefined)?.variables ?? {}) as Record<string, Json>;
    out.variables = Object.fromEntries(
      Object.entries(plan.variables).map(([k, v]) => [k, declared[k]?.sensitive === true && isObject(v) ? { ...v, value: REDACTED } : v]),
    );
  }
  return out as T;
}
