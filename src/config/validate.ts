/**
 * Validation of every environment at once. Nothing is constructed until this returns no errors.
 *
 * Each problem becomes one line: `env "<name>": <path> <what is wrong> (got <value>)`.
 */
import { type z } from "zod";
import { supportToday, supportWindow } from "../lib/eks-versions";
import { kubeconfigPath, lockTableName, stateBucketName } from "../lib/naming";
import { closest } from "../lib/suggest";
import { escapeControl } from "../lib/text";
import { ENV_RULES, type ConfigIssue } from "./rules";
import { nameCollisions, type NamedEnv } from "./name-checks";
import { natGatewayModeOf, resolveEnv, type EnvConfig } from "./resolve";
import { EnvSchema, type ParsedEnv } from "./schema";
import { overlapMessage, vpcClaim, vpcOverlapPairs } from "./vpc-overlaps";

/** One environment as found on disk: where it came from and what it exported. */
export interface EnvSource {
  /** Where the config came from, for messages: `envs/dev.ts`. */
  readonly source: string;
  readonly raw: unknown;
}

export interface ValidationResult {
  /** The validated environments, in input order; empty when there are errors. */
  readonly envs: EnvConfig[];
  /** One formatted line per problem, across all environments. */
  readonly errors: string[];
  /**
   * What is allowed but likely a mistake (VPCs of one account and region that overlap), formatted
   * like the errors; reported for the environments that parse, whether or not there are errors.
   */
  readonly warnings: string[];
}

/** Thrown by `assertValidEnvs`; its message is the list of problems, one per line. */
export class EnvConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid environment configuration (${errors.length} problem${errors.length === 1 ? "" : "s"}):\n${errors.join("\n")}`);
    this.name = "EnvConfigError";
  }
}

/** Options of {@link validateEnvs}. */
export interface ValidateOptions {
  /** The date the EKS support windows are checked against (ISO). @default `EKS_TODAY`, else the machine's date */
  readonly today?: string;
}

/** The file each validated environment came from. */
const SOURCES = new WeakMap<EnvConfig, string>();

/** The file a validated environment came from (as the loader named it), if it came from one. */
export function sourceOf(env: EnvConfig): string | undefined {
  return SOURCES.get(env);
}

/** Validates every environment and the rules between them; never throws. */
export function validateEnvs(sources: readonly EnvSource[], opts: ValidateOptions = {}): ValidationResult {
  const errors: string[] = [];
  const envs: EnvConfig[] = [];
  const names = sources.map((s, i) => envLabel(s, i));

  const parsed: (ParsedEnv | undefined)[] = [];
  const resolved: (NamedEnv & { index: number })[] = [];
  sources.forEach((source, i) => {
    const { config, data, issues } = validateOne(source.raw);
    errors.push(...issues.map((issue) => formatIssue(names[i], issue)));
    if (config) {
      SOURCES.set(config, source.source);
      envs.push(config);
      resolved.push({ index: i, source: source.source, env: config });
    }
    parsed.push(data);
  });

  errors.push(...crossEnvIssues(sources, names, parsed));
  errors.push(...nameCollisions(resolved).map(({ index, issue }) => formatIssue(names[resolved[index].index], issue)));
  const warnings = crossEnvWarnings(sources, names, parsed);
  // The support windows depend on the date: errors and warnings of their own, never a schema rule.
  let today = opts.today;
  try {
    today ??= supportToday();
  } catch (err) {
    errors.push((err as Error).message);
  }
  parsed.forEach((env, i) => {
    if (!env || !today) return;
    const { error, warning } = supportWindow(env.eks.kubernetesVersion, env.eks.supportType, today);
    const at = { path: ["eks", "kubernetesVersion"], value: env.eks.kubernetesVersion };
    if (error) errors.push(formatIssue(names[i], { ...at, message: error }));
    if (warning) warnings.push(formatIssue(names[i], { ...at, message: warning }));
  });
  return errors.length > 0 ? { envs: [], errors, warnings } : { envs, errors, warnings };
}

/** Like `validateEnvs`, but throws `EnvConfigError` listing every problem. */
export function assertValidEnvs(sources: readonly EnvSource[], opts: ValidateOptions = {}): EnvConfig[] {
  const result = validateEnvs(sources, opts);
  if (result.errors.length > 0) throw new EnvConfigError(result.errors);
  return result.envs;
}

/** Validates one environment: the schema first, then every rule whose sections are valid. */
function validateOne(raw: unknown): { config?: EnvConfig; data?: ParsedEnv; issues: ConfigIssue[] } {
  const full = EnvSchema.safeParse(raw, { reportInput: true });
  const issues: ConfigIssue[] = full.success ? [] : full.error.issues.flatMap((i) => fromZodIssue(i, raw));

  // Parse each top-level section on its own, so rules can run on the sections that are valid.
  const sections: Partial<Record<keyof ParsedEnv, unknown>> = {};
  const valid = new Set<string>();
  if (full.success) {
    Object.assign(sections, full.data);
    Object.keys(EnvSchema.shape).forEach((k) => valid.add(k));
  } else if (isRecord(raw)) {
    for (const [key, schema] of Object.entries(EnvSchema.shape)) {
      const parsed = (schema as z.ZodType).safeParse(raw[key]);
      if (parsed.success) {
        sections[key as keyof ParsedEnv] = parsed.data;
        valid.add(key);
      }
    }
  }
  for (const rule of ENV_RULES) {
    if (rule.needs.every((k) => valid.has(k))) issues.push(...rule.check(sections as ParsedEnv));
  }
  return {
    config: full.success && issues.length === 0 ? resolveEnv(full.data) : undefined,
    data: full.success ? full.data : undefined,
    issues,
  };
}

/** Problems between environments: reused names, buckets and lock tables (from each env's one parse). */
function crossEnvIssues(sources: readonly EnvSource[], names: readonly string[], parsed: readonly (ParsedEnv | undefined)[]): string[] {
  const errors: string[] = [];
  const firstByName = new Map<string, number>();
  const firstByBucket = new Map<string, number>();
  const firstByTable = new Map<string, number>();
  const firstByKubeconfig = new Map<string, number>();
  const firstByOidcProvider = new Map<string, number>();
  const subnetUsers = new Map<string, { index: number; adds: boolean }>();
  const flowLogsOf = new Map<string, number[]>();
  sources.forEach((source, i) => {
    const env = parsed[i];
    if (!env) return; // its own problems are reported
    errors.push(...sharedDiscoveryTags(env, i, subnetUsers, sources).map((issue) => formatIssue(names[i], issue)));
    errors.push(...tooManyFlowLogs(env, i, flowLogsOf, sources).map((issue) => formatIssue(names[i], issue)));
    const claims: [Map<string, number>, string, (string | number)[], string][] = [
      [firstByName, env.name, ["name"], "environment name"],
      [firstByBucket, stateBucketName(env), env.backend.bucketName ? ["backend", "bucketName"] : ["project"], "state bucket"],
      [firstByTable, lockTableName(env), env.backend.lockTableName ? ["backend", "lockTableName"] : ["project"], "lock table"],
      [firstByKubeconfig, kubeconfigPath(env), ["kubeconfig", "path"], "kubeconfig file"],
    ];
    // An account has one IAM OIDC provider for GitHub: one environment creates it.
    if (env.ci.github?.oidcProvider === "create" && env.accountId)
      claims.push([firstByOidcProvider, env.accountId, ["ci", "github", "oidcProvider"], "GitHub OIDC provider"]);
    for (const [seen, value, path, what] of claims) {
      const first = seen.get(value);
      if (first === undefined) {
        seen.set(value, i);
        continue;
      }
      const message =
        path[0] === "name"
          ? `is already used by ${sources[first].source}; give the environment of ${source.source} a name of its own`
          : what === "GitHub OIDC provider"
            ? `"create" makes the GitHub OIDC provider of account ${value}, which ${sources[first].source} creates too (an account has one): set it to "existing" in ${source.source}`
            : `gives the ${what} "${value}", which ${sources[first].source} also uses; each environment needs its own: change it in ${source.source}`;
      errors.push(formatIssue(names[i], { path, value: valueAt(source.raw, path), message }));
      if (path[0] === "name") break; // the derived names then clash too; one line says it
    }
  });
  return errors;
}

/**
 * Subnets of an existing VPC that two environments use when either of them adds the subnets' EKS
 * discovery tags (`discoveryTags: "add"`): destroying that environment would remove the role tag
 * (`kubernetes.io/role/elb`, `internal-elb`) from under the other's load balancers. `seen`: subnet
 * id -> the first environment that uses it, and whether it adds the tags.
 */
function sharedDiscoveryTags(
  env: ParsedEnv,
  index: number,
  seen: Map<string, { index: number; adds: boolean }>,
  sources: readonly EnvSource[],
): ConfigIssue[] {
  const existing = env.vpc.existing;
  if (!existing) return [];
  const adds = existing.discoveryTags === "add";
  const out: ConfigIssue[] = [];
  for (const list of ["privateSubnets", "publicSubnets"] as const) {
    existing[list].forEach((subnet, i) => {
      const first = seen.get(subnet.id);
      if (first === undefined) seen.set(subnet.id, { index, adds });
      else if (first.index !== index && (first.adds || adds)) {
        out.push({
          path: ["vpc", "existing", list, i, "id"],
          value: subnet.id,
          message: `is also used by ${sources[first.index].source}, and ${first.adds ? "that environment" : "this one"} adds its EKS discovery tags (discoveryTags "add"): destroying it would remove the role tag from under the other's load balancers; tag shared subnets once outside both and set vpc.existing.discoveryTags: "present" in each`,
        });
      }
    });
  }
  return out;
}

/** Flow logs AWS allows per VPC (Amazon VPC quotas; it cannot be raised). */
const MAX_FLOW_LOGS_PER_VPC = 2;

/**
 * An existing VPC that more environments would log than AWS allows flow logs per VPC: the apply of
 * the last one would fail. `seen`: VPC id -> the environments that log it so far.
 */
function tooManyFlowLogs(env: ParsedEnv, index: number, seen: Map<string, number[]>, sources: readonly EnvSource[]): ConfigIssue[] {
  const vpcId = env.vpc.existing?.vpcId;
  if (vpcId === undefined || !env.vpc.flowLogs.enabled) return [];
  const logging = seen.get(vpcId) ?? [];
  seen.set(vpcId, [...logging, index]);
  if (logging.length < MAX_FLOW_LOGS_PER_VPC) return [];
  const others = logging.map((i) => sources[i].source).join(" and ");
  return [
    {
      path: ["vpc", "flowLogs", "enabled"],
      value: true,
      message: `would add a third flow log to ${vpcId}, which ${others} log already, and AWS allows ${MAX_FLOW_LOGS_PER_VPC} per VPC: set vpc.flowLogs.enabled: false here (one environment's flow log covers the whole VPC)`,
    },
  ];
}

/** What is allowed between environments but likely a mistake: VPCs of one account and region that overlap. */
function crossEnvWarnings(sources: readonly EnvSource[], names: readonly string[], parsed: readonly (ParsedEnv | undefined)[]): string[] {
  const claims = parsed.map((env, i) => (env ? vpcClaim(sources[i].source, env) : undefined));
  return [
    ...vpcOverlapPairs(claims).map(({ index, claim, other }) =>
      formatIssue(names[index], {
        path: claim.vpcId ? ["vpc", "existing", "cidr"] : ["vpc", "cidr"],
        value: claim.cidr,
        message: overlapMessage(other),
      }),
    ),
    ...elasticIpWarnings(sources, names, parsed),
  ];
}

/** Elastic IPs per region and account, by default (an adjustable quota, L-0263D0A3). */
const DEFAULT_ELASTIC_IP_QUOTA = 5;

/**
 * The NAT gateways' Elastic IPs of the environments sharing an account and region, against the
 * default quota: a warning on the environment that goes over it (AWS refuses the allocation then).
 */
function elasticIpWarnings(sources: readonly EnvSource[], names: readonly string[], parsed: readonly (ParsedEnv | undefined)[]): string[] {
  const used = new Map<string, { source: string; count: number }[]>();
  const out: string[] = [];
  parsed.forEach((env, i) => {
    if (!env || env.vpc.existing) return;
    const count = natGatewayModeOf(env) === "perAz" ? env.availabilityZones.length : 1;
    const where = `${env.accountId ?? "the same account"} in ${env.region}`;
    const list = used.get(where) ?? [];
    list.push({ source: sources[i].source, count });
    used.set(where, list);
    const total = list.reduce((n, e) => n + e.count, 0);
    if (total > DEFAULT_ELASTIC_IP_QUOTA && total - count <= DEFAULT_ELASTIC_IP_QUOTA)
      out.push(
        formatIssue(names[i], {
          path: ["vpc", "natGateways"],
          value: env.vpc.natGateways,
          message: `makes the NAT gateways of ${where} need ${total} Elastic IPs (${list.map((e) => `${e.source} ${e.count}`).join(", ")}), over the default quota of ${DEFAULT_ELASTIC_IP_QUOTA} per region: request more (Service Quotas, EC2 "EC2-VPC Elastic IPs") before deploying, or use natGateways "single" outside production`,
        }),
      );
  });
  return out;
}

/** Turns a zod issue into our issues (one per unknown key). */
function fromZodIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigIssue[] {
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  const value = valueAt(raw, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(path);
      return issue.keys.map((key) => {
        const hint = closest(key, allowed);
        return {
          path: [...path, key],
          value: valueAt(raw, [...path, key]),
          message: `is not a known setting${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: ${allowed.join(", ")}`,
        };
      });
    }
    case "invalid_type":
      if (value === undefined) {
        const purpose = descriptionAt(path);
        return [{ path, value, message: purpose ? `is required: ${purpose}` : "is required" }];
      }
      if (!issue.message.startsWith("Invalid input")) return [{ path, value, message: issue.message }];
      return [{ path, value, message: `must be ${article(issue.expected)} ${issue.expected}` }];
    case "invalid_value":
      return [
        {
          path,
          value,
          message: issue.message.startsWith("Invalid")
            ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`
            : issue.message,
        },
      ];
    default:
      return [{ path, value, message: issue.message }];
  }
}

/** `env "dev": backend.bucketName makes ... (got "x")`. */
/** One problem as validation words it: `env "qa": eks.kubernetesVersion <message> (got "1.36")`. */
export function formatIssue(envName: string, issue: ConfigIssue): string {
  // Names, keys and values come from the user: control characters are escaped, one problem is one line.
  return escapeControl(`env ${JSON.stringify(envName)}: ${formatPath(issue.path)} ${issue.message} (got ${formatValue(issue.value)})`);
}

function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(config)";
  return path
    .map((p, i) => {
      if (typeof p === "number") return `[${p}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(p)) return i === 0 ? p : `.${p}`;
      return `[${JSON.stringify(p)}]`;
    })
    .join("");
}

function formatValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // a BigInt or a cycle: the loader refuses those, this keeps messages safe
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the deliberate last resort for what JSON cannot write (a function, a symbol, a BigInt, a cycle)
  text ??= String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function envLabel(source: EnvSource, index: number): string {
  const name = isRecord(source.raw) ? source.raw.name : undefined;
  if (typeof name === "string" && name.length > 0) return name;
  return source.source || `#${index + 1}`;
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === "number") cur = cur[p];
    else if (isRecord(cur)) cur = cur[String(p)];
    else return undefined;
  }
  return cur;
}

/** What the field at `path` is for, from the schema's metadata (`.meta({ description })`). */
function descriptionAt(path: readonly (string | number)[]): string | undefined {
  const parent = schemaAt(path.slice(0, -1));
  const def = unwrap(parent)?._zod.def as unknown as Record<string, unknown> | undefined;
  const field = def?.type === "object" ? (def.shape as Record<string, z.ZodType>)[String(path.at(-1))] : undefined;
  const meta = field?.meta() as { description?: string } | undefined;
  return meta?.description;
}

/** The schema at `path` (through objects, arrays and records), or undefined. */
function schemaAt(path: readonly (string | number)[]): z.core.$ZodType | undefined {
  let schema: z.core.$ZodType | undefined = EnvSchema;
  for (const p of path) {
    schema = unwrap(schema);
    const def = schema?._zod.def as unknown as Record<string, unknown> | undefined;
    if (!def) return undefined;
    if (def.type === "object") schema = (def.shape as Record<string, z.core.$ZodType>)[String(p)];
    else if (def.type === "array") schema = def.element as z.core.$ZodType;
    else if (def.type === "record") schema = def.valueType as z.core.$ZodType;
    else return undefined;
  }
  return schema;
}

/** The keys a strict object accepts at `path` of the schema. */
function allowedKeysAt(path: readonly (string | number)[]): string[] {
  const def = unwrap(schemaAt(path))?._zod.def as unknown as Record<string, unknown> | undefined;
  return def?.type === "object" ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let cur = schema;
  while (cur) {
    const def = cur._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (["optional", "default", "prefault", "nullable", "readonly", "catch"].includes(def.type) && def.innerType) cur = def.innerType;
    else if (def.type === "pipe" && def.in) cur = def.in;
    else break;
  }
  return cur;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
