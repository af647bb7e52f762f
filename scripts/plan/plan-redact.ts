/**
 * `terraform show -json` prints sensitive values in clear text, next to markers saying which ones
 * they are. `redactPlan` replaces every marked value with "(sensitive)". `planArtifact` keeps only
 * what the review reads, redacted, so the plan JSON can be kept as a CI artifact that anyone with
 * read access to the repository may download: the markers do not cover everything (the
 * `configuration` section keeps literals unmarked: a password's `constant_value`, a provider's
 * `secret_key`, a sensitive variable's `default`), so whatever the review does not read is dropped.
 *
 * `redactPlan` walks the whole document rather than the sections known today, so a section a newer
 * Terraform adds (deferred changes, say) is covered as long as it uses the same markers:
 * `before`/`after` with `before_sensitive`/`after_sensitive`, `values` with `sensitive_values`,
 * and `{ sensitive: true, value }` for outputs. Root variables declared sensitive are redacted too.
 */

import { writeFileAtomic } from "../common/private-files";
import { parseJsonFrom } from "../../src/lib/text";
import type { Json } from "../../src/lib/synthesized";

/** What a redacted value becomes. */
export const REDACTED = "(sensitive)";

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

/** The top-level keys of a plan artifact: what the review reads (and output_changes, redacted). */
const ARTIFACT_KEYS = ["format_version", "terraform_version", "resource_changes", "output_changes"] as const;
/** What names a resource change. */
const CHANGE_IDENTITY = [
  "address",
  "previous_address",
  "module_address",
  "mode",
  "type",
  "name",
  "index",
  "deposed",
  "provider_name",
  "action_reason",
] as const;
/** What the review reads of a change: the actions, the values and their masks, what forces a replace. */
const CHANGE_FIELDS = ["actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive", "replace_paths"] as const;

function pick(from: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => k in from).map((k) => [k, from[k]]));
}

/**
 * The plan JSON that is kept beside the review (and uploaded by CI): `format_version`,
 * `terraform_version`, `resource_changes` (each change's address, type and mode, its actions,
 * before/after values with their sensitivity and unknown masks, and `replace_paths`) and
 * `output_changes`, with every value Terraform marks sensitive replaced. Everything else is dropped:
 * `configuration` (which holds sensitive literals unmarked), `variables`, `prior_state`,
 * `planned_values`, `resource_drift`, `relevant_attributes`, checks, generated import config.
 * A plan without resources gets an empty `resource_changes`, so the review still reads it.
 */
export function planArtifact(plan: Json): Json {
  const kept = pick(plan, ARTIFACT_KEYS);
  const changes = Array.isArray(plan.resource_changes) ? (plan.resource_changes as unknown[]) : [];
  kept.resource_changes = changes.map((rc) => {
    if (!isObject(rc)) return rc;
    const out = pick(rc, CHANGE_IDENTITY);
    if (isObject(rc.change)) out.change = pick(rc.change, CHANGE_FIELDS);
    return out;
  });
  return walk(kept) as Json;
}

/**
 * Writes the artifact of `terraform show -json` output (`showJson`) to `file`, mode 0600 (it is
 * written to a temporary file beside it first, then renamed: never half a file).
 */
export function writePlanArtifact(file: string, showJson: string): void {
  const plan = parseJsonFrom(showJson, "terraform show -json");
  if (!isObject(plan)) throw new Error(`terraform show -json printed ${Array.isArray(plan) ? "an array" : typeof plan}, not a plan`);
  writeFileAtomic(file, `${JSON.stringify(planArtifact(plan), null, 1)}\n`, 0o600);
}
