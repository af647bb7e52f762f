/**
 * Turns `terraform show -json` plans into a review: counts per stack, destructive changes first,
 * security-sensitive changes in their own section, and for each change the attributes it touches
 * (values only when short and not sensitive). Deterministic: the same plans give the same text.
 *
 * It reads only what it understands: a plan of JSON format 1.x (what Terraform 1.x writes; 1.11
 * writes "1.2") whose resource changes carry the action lists Terraform emits. Anything else is
 * refused with a PlanFormatError naming the file and the problem, rather than miscounted.
 *
 * A pull request controls what a plan holds (addresses, keys, values), so the Markdown shows every
 * value from a plan in a code span (`codeSpan`: no Markdown, HTML, link or @mention inside, control
 * characters as visible escapes), never as Markdown of its own.
 */
import * as fs from "node:fs";
import { escapeControl } from "../../src/lib/text";
import { codeSpan, plainText, tableLines } from "../common/markdown";

/** A `terraform show -json <plan>` document (the parts used here). */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly planned_values?: unknown;
  readonly resource_changes?: readonly ResourceChange[];
}

/** A document this review refuses to read; the message names the file and what is wrong. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFormatError";
  }
}

interface ResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
  readonly action_reason?: string;
}

/**
 * What a change counts as. `forget` (Terraform 1.7+ `removed` blocks with `destroy = false`, and the
 * old object of a `["create","forget"]` replacement) drops an object from the state and leaves it
 * in place: it is not a destroy. `read` is a data source read during apply.
 */
export type Action = "create" | "update" | "replace" | "destroy" | "forget" | "no-op" | "read";

/** Every action list Terraform writes in plan JSON (its `actions`), and what each counts as. */
const TERRAFORM_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['["no-op"]', "no-op"],
  ['["create"]', "create"],
  ['["read"]', "read"],
  ['["update"]', "update"],
  ['["delete"]', "destroy"],
  ['["forget"]', "forget"],
  ['["delete","create"]', "replace"],
  ['["create","delete"]', "replace"],
  ['["create","forget"]', "forget"],
]);

/** One changed attribute: its path, and its values when they may be shown. */
export interface AttributeChange {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  /** "sensitive", "known after apply", "nested deeper than ...", or undefined when the values are shown. */
  readonly note?: string;
}

export interface ChangeSummary {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** Terraform's own action list, e.g. ["delete","create"]. */
  readonly actions: readonly string[];
  /** Attributes an update or replace changes. */
  readonly attributes: AttributeChange[];
  /** Why a replace happens: the attributes that force it. */
  readonly replaceReasons: string[];
  /** Why this change matters for security, when it does. */
  readonly security?: string;
}

export interface StackSummary {
  readonly stack: string;
  readonly counts: Record<Action, number>;
  /** Every change except no-ops and reads, sorted. */
  readonly changes: ChangeSummary[];
}

/** A Kubernetes version change EKS refuses or that breaks the skew policy. */
export interface UpgradeProblem {
  readonly stack: string;
  readonly address: string;
  /** What is wrong, e.g. "Kubernetes 1.32 → 1.35 skips 1 minor version(s); ...". */
  readonly problem: string;
}

/** A node image change: the nodes of a group are replaced, drained first. */
export interface NodeRollout {
  readonly stack: string;
  readonly address: string;
  /** The node group's name (managed) or the launch template's (self-managed). */
  readonly group: string;
  readonly kind: "managed" | "self-managed";
  /** The release before and after: a managed `release_version`, or an AMI release tag like "v20260512". */
  readonly from: string;
  readonly to: string;
  /** How the nodes are replaced. */
  readonly how: string;
  /** The setting that paces it, e.g. `update_config.max_unavailable = 1`, when there is one. */
  readonly setting?: string;
}

export interface PlanSummary {
  readonly title: string;
  /** A line of Markdown of the caller's, shown under the title (names in it go in code spans). */
  readonly note?: string;
  readonly stacks: StackSummary[];
  readonly totals: Record<Action, number>;
  readonly destructive: ChangeSummary[];
  /** Objects Terraform stops managing and leaves in place. */
  readonly forgotten: ChangeSummary[];
  readonly security: ChangeSummary[];
  /** Kubernetes version changes EKS refuses or that break the skew policy. */
  readonly upgrades: UpgradeProblem[];
  /** Cluster changes EKS cannot undo (or refuses because they would undo one). */
  readonly oneWay: UpgradeProblem[];
  /** Node image changes, each rolling a group's nodes. */
  readonly rollouts: NodeRollout[];
}

/** The minor of "1.35" (NaN for anything else). */
function minor(version: unknown): number {
  const m = typeof version === "string" ? /^1\.(\d+)$/.exec(version) : null;
  return m ? Number(m[1]) : NaN;
}

/** The Kubernetes version a self-managed launch template's AMI parameter names. */
function templateVersion(after: unknown): string | undefined {
  const image = isObject(after) ? after.image_id : undefined;
  return typeof image === "string" ? /\/aws\/service\/eks\/optimized-ami\/(1\.\d+)\//.exec(image)?.[1] : undefined;
}

/**
 * What a plan does to Kubernetes versions that EKS refuses or the skew policy forbids: a control
 * plane moved more than one minor (or back), and nodes newer than the control plane they join.
 */
function upgradeProblems(stack: string, plan: PlanJson): UpgradeProblem[] {
  const out: UpgradeProblem[] = [];
  const problem = (address: string, text: string) => out.push({ stack, address, problem: text });
  const changes = (plan.resource_changes ?? []).filter((rc) => rc.mode !== "data");
  const clusters = changes.filter((rc) => rc.type === "aws_eks_cluster");
  for (const rc of clusters) {
    const before = (rc.change.before as Record<string, unknown> | null)?.version;
    const after = (rc.change.after as Record<string, unknown> | null)?.version;
    const step = minor(after) - minor(before);
    // Both versions are "1.<minor>" here (minor() is NaN otherwise, and so is the step).
    if (step > 1)
      problem(
        rc.address,
        `Kubernetes ${String(before)} → ${String(after)} skips ${step - 1} minor version(s); EKS upgrades the control plane one minor at a time (go to 1.${minor(before) + 1} first)`,
      );
    if (step < 0) problem(rc.address, `Kubernetes ${String(before)} → ${String(after)} is a downgrade, which EKS refuses`);
  }
  const controlPlane = clusters
    .map((rc) => (rc.change.after as Record<string, unknown> | null)?.version)
    .find((v) => typeof v === "string");
  if (!controlPlane) return out;
  for (const rc of changes) {
    const after = rc.change.after as Record<string, unknown> | null;
    const version =
      rc.type === "aws_eks_node_group" ? after?.version : rc.type === "aws_launch_template" ? templateVersion(after) : undefined;
    if (typeof version === "string" && minor(version) > minor(controlPlane)) {
      problem(rc.address, `nodes on Kubernetes ${version} would be newer than the control plane (${controlPlane}); nodes may not lead it`);
    }
  }
  return out;
}

/**
 * EKS authentication modes in the only order a cluster may move through them: from the aws-auth
 * ConfigMap towards access entries only, never back.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
 */
const AUTHENTICATION_MODES = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"];

/** The `access_config[0].authentication_mode` of a cluster's before or after value. */
function authenticationMode(value: unknown): string | undefined {
  const access = isObject(value) ? value.access_config : undefined;
  const first = Array.isArray(access) ? (access[0] as unknown) : undefined;
  const mode = isObject(first) ? first.authentication_mode : undefined;
  return typeof mode === "string" ? mode : undefined;
}

/**
 * Changes of a cluster's authentication mode, which EKS cannot undo: leaving CONFIG_MAP (or the
 * ConfigMap altogether, for API) is one-way, and a change back is refused. A replaced cluster is
 * a new cluster: its destroy is flagged on its own.
 */
function oneWayChanges(stack: string, plan: PlanJson): UpgradeProblem[] {
  const out: UpgradeProblem[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data" || rc.type !== "aws_eks_cluster" || actionOf(rc.change.actions) !== "update") continue;
    const before = authenticationMode(rc.change.before);
    const after = authenticationMode(rc.change.after);
    if (!before || !after || before === after) continue;
    const from = AUTHENTICATION_MODES.indexOf(before);
    const to = AUTHENTICATION_MODES.indexOf(after);
    if (from < 0 || to < 0) continue;
    const change = `authentication mode ${before} → ${after}`;
    const problem = (text: string) => out.push({ stack, address: rc.address, problem: text });
    if (to < from) {
      problem(`${change} goes back, which EKS refuses: the mode only moves from CONFIG_MAP towards API`);
    } else if (after === "API") {
      problem(
        `${change} is one-way: EKS can never use the aws-auth ConfigMap again, and whoever it alone admits (roles, users, self-managed nodes) loses access; give each an access entry first`,
      );
    } else {
      problem(`${change} is one-way: EKS can never return the cluster to CONFIG_MAP`);
    }
  }
  return out;
}

/** The first element of a Terraform block list (`update_config[0]`), if an object. */
function firstBlock(value: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(value) ? (value[0] as unknown) : undefined;
  return isObject(first) ? first : undefined;
}

/**
 * The release a launch template's image names: the AMI release tag of a release's own public
 * parameter (`.../amazon-eks-node-al2023-x86_64-standard-1.35-v20260512/image_id`), "recommended"
 * for the parameter that follows the newest release, else the image id itself.
 */
function imageRelease(image: unknown): string | undefined {
  if (typeof image !== "string") return undefined;
  const tag = /\/amazon-eks-node-al2023-[^/]+-(v\d{8})\/image_id$/.exec(image)?.[1];
  if (tag) return tag;
  return /\/recommended\/image_id$/.test(image) ? "recommended" : image;
}

/** How a managed node group replaces its nodes: as its update_config says. */
function managedRollout(after: Record<string, unknown>): Pick<NodeRollout, "how" | "setting"> {
  const config = firstBlock(after.update_config);
  const percentage = config?.max_unavailable_percentage;
  if (typeof percentage === "number" && percentage > 0)
    return {
      how: `EKS replaces ${percentage}% of the nodes at a time, draining each first`,
      setting: `update_config.max_unavailable_percentage = ${percentage}`,
    };
  const count = typeof config?.max_unavailable === "number" && config.max_unavailable > 0 ? config.max_unavailable : 1;
  return { how: `EKS replaces ${count} node(s) at a time, draining each first`, setting: `update_config.max_unavailable = ${count}` };
}

/**
 * Node image changes in a plan: a managed node group whose `release_version` changes, and a
 * self-managed launch template whose image changes (its new version starts the instance refresh of
 * the autoscaling groups on it). Replacements are not listed here: they are destructive changes.
 */
function nodeRollouts(stack: string, plan: PlanJson): NodeRollout[] {
  const out: NodeRollout[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data" || actionOf(rc.change.actions) !== "update") continue;
    const before = isObject(rc.change.before) ? rc.change.before : {};
    const after = isObject(rc.change.after) ? rc.change.after : {};
    if (rc.type === "aws_eks_node_group") {
      const from = before.release_version;
      const to = after.release_version;
      if (typeof from !== "string" || typeof to !== "string" || from === to) continue;
      out.push({ stack, address: rc.address, group: String(after.node_group_name), kind: "managed", from, to, ...managedRollout(after) });
    } else if (rc.type === "aws_launch_template") {
      const from = imageRelease(before.image_id);
      const to = imageRelease(after.image_id);
      if (!from || !to || before.image_id === after.image_id) continue;
      out.push({
        stack,
        address: rc.address,
        group: String(after.name),
        kind: "self-managed",
        from,
        to,
        how: "a new launch template version starts an instance refresh of its autoscaling groups; the Node Termination Handler drains each node first",
        setting: "instance_refresh.strategy = Rolling",
      });
    }
  }
  return out;
}

/** Code-point order: the same on every machine, whatever its locale. */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stack, address, then text. */
function byProblem(a: UpgradeProblem, b: UpgradeProblem): number {
  return byString(a.stack, b.stack) || byString(a.address, b.address) || byString(a.problem, b.problem);
}

const ACTION_ORDER: Action[] = ["destroy", "replace", "forget", "update", "create", "read", "no-op"];
/** The columns of the counts table, in order. */
const COUNT_COLUMNS: Action[] = ["create", "update", "replace", "destroy", "forget", "read", "no-op"];
const SHORT_VALUE = 60;

/** What Terraform's action list counts as; undefined for a list Terraform does not write. */
function actionOf(actions: readonly unknown[]): Action | undefined {
  return TERRAFORM_ACTIONS.get(JSON.stringify(actions));
}

const emptyCounts = (): Record<Action, number> => ({ create: 0, update: 0, replace: 0, destroy: 0, forget: 0, "no-op": 0, read: 0 });

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * Checks that `doc` is a plan this review reads, and returns it typed; throws a PlanFormatError
 * whose message starts with `source` (the file, or whatever names the plan) otherwise.
 */
export function validatePlan(doc: unknown, source: string): PlanJson {
  // One line, whatever the file holds: an address may hold a newline or an escape sequence.
  const bad = (what: string) => new PlanFormatError(escapeControl(`${source}: ${what}`));
  if (!isObject(doc)) throw bad(`not a Terraform plan: expected the JSON object terraform show -json writes, got ${kindOf(doc)}`);
  if (!("format_version" in doc)) throw bad("not a Terraform plan: no format_version (expected terraform show -json <planfile> output)");
  const version = doc.format_version;
  if (typeof version !== "string" || !/^1\.\d+$/.test(version)) {
    throw bad(`unsupported plan format_version ${JSON.stringify(version)}: this review reads format 1.x, which Terraform 1.x writes`);
  }
  const changes = doc.resource_changes;
  if (changes === undefined) {
    // Terraform leaves resource_changes out of a plan without resources, but always writes planned_values.
    if (!isObject(doc.planned_values)) {
      throw bad("not a Terraform plan: no resource_changes and no planned_values (terraform show -json of a state rather than a plan?)");
    }
    return doc;
  }
  if (!Array.isArray(changes)) throw bad(`not a Terraform plan: resource_changes is ${kindOf(changes)}, not an array`);
  changes.forEach((rc: unknown, i) => {
    const at = `resource_changes[${i}]`;
    if (!isObject(rc)) throw bad(`not a Terraform plan: ${at} is ${kindOf(rc)}, not an object`);
    if (typeof rc.address !== "string" || rc.address === "") throw bad(`not a Terraform plan: ${at} has no address`);
    const named = `${at} (${rc.address})`;
    if (typeof rc.type !== "string" || rc.type === "") throw bad(`not a Terraform plan: ${named} has no type`);
    if (!isObject(rc.change) || !Array.isArray(rc.change.actions)) throw bad(`not a Terraform plan: ${named} has no change.actions list`);
    if (actionOf(rc.change.actions) === undefined) {
      throw bad(
        `${named} has actions ${JSON.stringify(rc.change.actions)}, which this review does not know (it knows ${[...TERRAFORM_ACTIONS.keys()].join(", ")})`,
      );
    }
  });
  return doc;
}

/** Reads and checks a `terraform show -json` plan file; every failure is a one-line PlanFormatError naming the file. */
export function readPlanFile(file: string): PlanJson {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PlanFormatError(`cannot read ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // Without the excerpt of the input V8 quotes: a plan may hold secrets in clear text.
    const reason = (err as Error).message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "").replace(/\s+/g, " ");
    throw new PlanFormatError(`${file}: not JSON (${reason})`);
  }
  return validatePlan(doc, file);
}

/** Whether a Terraform mask (true, or nested objects/arrays of them) marks the value at `path` itself. */
function markedAt(mask: unknown, path: readonly (string | number)[]): boolean {
  let cur = mask;
  for (const p of path) {
    if (cur === true) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur === true;
}

/** Whether the mask marks the value at `path` or anything inside it (for values shown whole). */
function markedWithin(mask: unknown, path: readonly (string | number)[]): boolean {
  let cur = mask;
  for (const p of path) {
    if (cur === true) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return containsTrue(cur);
}

/** How deep the review descends into an attribute; deeper values are compared whole (and a provider's values are never this deep). */
const MAX_DEPTH = 32;

function containsTrue(v: unknown, depth = 0): boolean {
  if (v === true) return true;
  // A mask nested deeper than any value the review descends into: treated as marking (sensitive stays hidden).
  if (depth > MAX_DEPTH) return true;
  if (v && typeof v === "object") return Object.values(v).some((x) => containsTrue(x, depth + 1));
  return false;
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const text = sameJson(v);
  return text !== undefined && text.length <= SHORT_VALUE ? text : undefined;
}

/** JSON.stringify, or undefined for a value it cannot write (nested past the engine's stack). */
function sameJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The attribute paths that differ between before and after (maps and same-length lists descended). */
function diff(change: ResourceChange["change"]): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (before: unknown, after: unknown, path: (string | number)[]) => {
    const unknown = markedAt(change.after_unknown, path);
    if (path.length >= MAX_DEPTH) {
      const same = sameJson(before ?? null);
      if (same !== undefined && same === sameJson(after ?? null)) return;
      out.push({ path: formatPath(path), note: `nested deeper than ${MAX_DEPTH} levels: read it in the plan` });
      return;
    }
    if (isObject(before) && isObject(after) && !unknown) {
      for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) walk(before[key], after[key], [...path, key]);
      return;
    }
    if (
      Array.isArray(before) &&
      Array.isArray(after) &&
      before.length === after.length &&
      !unknown &&
      before.some((b) => b !== null && typeof b === "object")
    ) {
      before.forEach((b, i) => walk(b, after[i], [...path, i]));
      return;
    }
    if (!unknown && sameJson(before ?? null) === sameJson(after ?? null)) return;
    if (unknown && before === undefined) return; // a computed attribute of something new
    const sensitive = markedWithin(change.before_sensitive, path) || markedWithin(change.after_sensitive, path);
    if (sensitive) out.push({ path: formatPath(path), note: "sensitive" });
    else if (unknown) out.push({ path: formatPath(path), before: show(before), note: "known after apply" });
    else out.push({ path: formatPath(path), before: show(before ?? null), after: show(after ?? null) });
  };
  walk(change.before ?? {}, change.after ?? {}, []);
  return out;
}

const SECURITY: [RegExp, string][] = [
  [/^aws_iam_openid_connect_provider$/, "IAM identity provider"],
  [/^aws_iam_/, "IAM"],
  [/^aws_(default_)?security_group(_rule)?$|^aws_vpc_security_group_(ingress|egress)_rule$/, "security group"],
  [/^aws_kms_/, "KMS"],
  [/^aws_s3_bucket_(policy|public_access_block|ownership_controls|acl)$/, "bucket access"],
  [/^aws_ecr_repository_policy$/, "registry access"],
  [/^aws_eks_access_(entry|policy_association)$/, "cluster access"],
];

/** Why a change is security-sensitive, or undefined. */
function securityReason(type: string, address: string, attributes: AttributeChange[], action: Action): string | undefined {
  for (const [pattern, what] of SECURITY) if (pattern.test(type)) return what;
  if (type === "aws_eks_cluster") {
    const touched = attributes.filter((a) => /^(vpc_config|access_config|encryption_config)/.test(a.path));
    if (action === "create" || action === "replace" || action === "destroy") return "cluster endpoint, access and encryption";
    if (touched.length > 0) return `cluster ${[...new Set(touched.map((a) => a.path.split(/[.[]/)[0]))].join(", ")}`;
  }
  if (/^kubernetes_config_map_v1(_data)?$/.test(type) && address.includes("aws_auth")) return "cluster access (aws-auth)";
  return undefined;
}

/** Summarizes one stack's plan (checked first: a PlanFormatError names `source`, by default the stack). */
export function summarizeStack(stack: string, plan: PlanJson, source = `plan of ${stack}`): StackSummary {
  validatePlan(plan, source);
  const counts = emptyCounts();
  const changes: ChangeSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const action = actionOf(rc.change.actions)!;
    counts[action]++;
    // Data sources only count (a read during apply); the change list is about managed objects.
    if (rc.mode === "data" || action === "no-op" || action === "read") continue;
    const attributes = action === "update" || action === "replace" ? diff(rc.change) : [];
    const replaceReasons = (rc.change.replace_paths ?? []).map(formatPath).sort();
    changes.push({
      stack,
      address: rc.address,
      type: rc.type,
      action,
      actions: [...rc.change.actions],
      attributes,
      replaceReasons,
      security: securityReason(rc.type, rc.address, attributes, action),
    });
  }
  changes.sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) || byString(a.address, b.address));
  return { stack, counts, changes };
}

/**
 * Summarizes the plans of several stacks (sorted by stack name). Each plan is checked first; give
 * `file` so that a PlanFormatError names it.
 */
export function summarizePlans(
  plans: readonly { stack: string; plan: PlanJson; file?: string }[],
  title: string,
  note?: string,
): PlanSummary {
  const stacks = plans.map((p) => summarizeStack(p.stack, p.plan, p.file)).sort((a, b) => byString(a.stack, b.stack));
  const totals = emptyCounts();
  for (const s of stacks) for (const a of Object.keys(totals) as Action[]) totals[a] += s.counts[a];
  const all = stacks.flatMap((s) => s.changes);
  return {
    title,
    note,
    stacks,
    totals,
    destructive: all.filter((c) => c.action === "destroy" || c.action === "replace"),
    forgotten: all.filter((c) => c.action === "forget"),
    security: all.filter((c) => c.security !== undefined),
    upgrades: plans.flatMap((p) => upgradeProblems(p.stack, p.plan)).sort(byProblem),
    oneWay: plans.flatMap((p) => oneWayChanges(p.stack, p.plan)).sort(byProblem),
    rollouts: plans
      .flatMap((p) => nodeRollouts(p.stack, p.plan))
      .sort((a, b) => byString(a.stack, b.stack) || byString(a.address, b.address)),
  };
}

/** A value from the plan, as a code span. */
const code = codeSpan;

function describeChange(c: ChangeSummary): string {
  if (c.action === "replace") {
    const because = c.replaceReasons.length > 0 ? `forced by ${c.replaceReasons.map(code).join(", ")}` : "";
    // What is only known after apply is noise on a replacement: everything new is.
    const known = c.attributes.filter((a) => a.note !== "known after apply");
    const attrs = known.length > 0 ? describeAttributes(known) : "";
    return [because, attrs].filter(Boolean).join("; ");
  }
  if (c.action === "forget") {
    return c.actions.includes("create")
      ? "replaced: a new object is created, the old one is left in place and no longer managed"
      : "removed from the state, left in place (not destroyed)";
  }
  return c.action === "update" ? describeAttributes(c.attributes) : "";
}

function describeAttributes(attrs: AttributeChange[]): string {
  const shown = attrs.slice(0, 6).map((a) => {
    if (a.note) return `${code(a.path)} (${a.note})`;
    if (a.before !== undefined && a.after !== undefined) return `${code(a.path)}: ${code(a.before)} → ${code(a.after)}`;
    return code(a.path);
  });
  return attrs.length > 6 ? `${shown.join(", ")} and ${attrs.length - 6} more` : shown.join(", ");
}

/** Rows beyond `limit` fold into a `<details>` block (GitHub renders it; terminals show it plainly). */
function table(header: string[], rows: string[][], limit: number): string[] {
  if (rows.length <= limit) return tableLines(header, rows);
  return [
    ...tableLines(header, rows.slice(0, limit)),
    "",
    `<details><summary>${rows.length - limit} more</summary>`,
    "",
    ...tableLines(header, rows.slice(limit)),
    "",
    "</details>",
  ];
}

/** The review as GitHub Markdown (also readable as plain text). */
export function renderMarkdown(summary: PlanSummary, options: { rowLimit?: number } = {}): string {
  const limit = options.rowLimit ?? 25;
  const out: string[] = [`## ${plainText(summary.title)}`, ""];
  if (summary.note) out.push(`> ${summary.note}`, "");
  if (summary.upgrades.length > 0) {
    out.push(`> [!CAUTION]`, `> **Kubernetes versions EKS will refuse** (${summary.upgrades.length}):`);
    for (const u of summary.upgrades) out.push(`> - ${code(u.stack)} ${code(u.address)}: ${plainText(u.problem)}`);
    out.push("");
  }
  if (summary.oneWay.length > 0) {
    out.push(`> [!CAUTION]`, `> **One-way cluster changes** (${summary.oneWay.length}): EKS cannot undo them.`);
    for (const u of summary.oneWay) out.push(`> - ${code(u.stack)} ${code(u.address)}: ${plainText(u.problem)}`);
    out.push("");
  }
  if (summary.rollouts.length > 0) {
    const n = summary.rollouts.length;
    out.push(
      `> [!IMPORTANT]`,
      `> **Node rollouts** (${n}): a new node image replaces every node of ${n === 1 ? "this group" : "these groups"}.`,
    );
    for (const r of summary.rollouts) {
      const what = r.kind === "managed" ? "managed node group" : "self-managed nodes of launch template";
      const setting = r.setting ? ` (${code(r.setting)})` : "";
      out.push(
        `> - ${code(r.stack)} ${code(r.address)}: ${what} ${code(r.group)} ${code(r.from)} → ${code(r.to)}: ${plainText(r.how)}${setting}`,
      );
    }
    out.push("");
  }
  const t = summary.totals;
  if (summary.destructive.length > 0) {
    out.push(
      `> [!WARNING]`,
      `> **${summary.destructive.length} destructive change${summary.destructive.length === 1 ? "" : "s"}** (${t.destroy} destroy, ${t.replace} replace): review them first.`,
    );
    for (const c of summary.destructive.slice(0, limit)) {
      const why = c.action === "replace" && c.replaceReasons.length > 0 ? `, forced by ${c.replaceReasons.map(code).join(", ")}` : "";
      out.push(`> - ${code(c.stack)} ${code(c.address)}: **${c.action}**${why}`);
    }
    if (summary.destructive.length > limit) out.push(`> - and ${summary.destructive.length - limit} more`);
    out.push("");
  } else {
    out.push("No resource is destroyed or replaced.", "");
  }
  if (summary.forgotten.length > 0) {
    const n = summary.forgotten.length;
    out.push(`> [!NOTE]`, `> **${n} resource${n === 1 ? "" : "s"} forgotten**: removed from the state and left in place, not destroyed.`);
    for (const c of summary.forgotten.slice(0, limit)) out.push(`> - ${code(c.stack)} ${code(c.address)}`);
    if (n > limit) out.push(`> - and ${n - limit} more`);
    out.push("");
  }
  out.push(
    ...table(
      ["stack", ...COUNT_COLUMNS],
      summary.stacks.map((s) => [code(s.stack), ...COUNT_COLUMNS.map((a) => String(s.counts[a]))]),
      limit,
    ),
    "",
  );
  out.push(`### Security-sensitive changes (${summary.security.length})`, "");
  if (summary.security.length === 0) out.push("None.", "");
  else
    out.push(
      ...table(
        ["stack", "address", "action", "what"],
        summary.security.map((c) => [code(c.stack), code(c.address), c.action, plainText(c.security ?? "")]),
        limit,
      ),
      "",
    );
  for (const s of summary.stacks) {
    out.push(`### ${code(s.stack)}`, "");
    if (s.changes.length === 0) {
      out.push("No changes.", "");
      continue;
    }
    out.push(
      ...table(
        ["address", "action", "changes"],
        s.changes.map((c) => [code(c.address), c.action, describeChange(c)]),
        limit,
      ),
      "",
    );
  }
  return `${out.join("\n").trimEnd()}\n`;
}
