/**
 * The command line of `npm run env:new`: what it takes, and every refusal of a bad value as one line
 * naming the option, the value and what is allowed (exit 2, nothing written).
 */
import { EnvSchema } from "../../src/config";
import { regionProblem, zonesOf } from "../../src/lib/aws-catalog";
import { parseCidr } from "../../src/lib/cidr";
import { didYouMean } from "../../src/lib/suggest";
import { vpcCidrProblem } from "../../src/lib/validation";
import { CliError, parseArgs, UsageError } from "../common/cli";

/** How the cluster runs pods. */
export const CAPACITIES = ["fargate", "managed", "auto"] as const;
export type Capacity = (typeof CAPACITIES)[number];

/**
 * One EKS managed node group: it runs every kind of workload (DaemonSets, EBS volumes, which
 * Fargate does not), costs no Auto Mode fee on top of EC2, and its size is plain in the file.
 */
export const DEFAULT_CAPACITY: Capacity = "managed";

/** Zones a new environment gets at most: three, the most a region reliably has. */
export const MAX_ZONES = 3;

export const USAGE = `
usage: npm run env:new -- <name> --account <12 digits> --region <region> [--capacity fargate|managed|auto]
                          [--project <name>] [--cidr <cidr>]

Writes envs/<name>.ts (or into $EKS_ENVS_DIR): a typed environment with the region's zones, a VPC
CIDR no other environment uses, a private API endpoint and the project's secure defaults, with TODOs
to fill in. It is validated with every existing environment and synthesized before it is written.

  <name>              the environment's name: 2-16 lowercase letters and digits, starting with a letter
  --account <id>      the AWS account id of the environment (12 digits)
  --region <region>   the AWS region, e.g. eu-west-1; the environment gets up to ${MAX_ZONES} of its zones
  --capacity <kind>   fargate: Fargate profiles only; managed: one EKS managed node group;
                      auto: EKS Auto Mode (default: ${DEFAULT_CAPACITY})
  --project <name>    the project prefix of every AWS name (default: the one every existing environment uses)
  --cidr <cidr>       the VPC CIDR, /16 to /22 (default: the first of 10.0.0.0/16, 10.1.0.0/16, ... 10.255.0.0/16
                      that overlaps no VPC of another environment); refused if it overlaps one in the same
                      account and region
  --help              print this help
`;

/** What a new environment is asked to be. */
export interface EnvNewRequest {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly capacity: Capacity;
  /** Undefined: the one the existing environments share. */
  readonly project?: string;
  /** Undefined: the first free CIDR of the sequence. */
  readonly cidr?: string;
}

/** A bad value: one line, exit 2. */
export function refusal(what: string, problem: string, value: unknown): CliError {
  return new CliError(`${what} ${problem} (got ${JSON.stringify(value)})`, 2);
}

/** Whether the arguments ask for the help (it wins over anything else on the line). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/**
 * The request of a command line. A malformed line (an unknown option, a missing name or required
 * option) is a UsageError (the usage follows); a bad value is a one-line CliError with exit code 2.
 */
export function parseEnvNewArgs(argv: readonly string[]): EnvNewRequest {
  const { values, positionals } = parseArgs(argv, {
    options: {
      account: { type: "string" },
      region: { type: "string" },
      capacity: { type: "string" },
      project: { type: "string" },
      cidr: { type: "string" },
    },
  });
  if (positionals.length === 0) throw new UsageError("name the new environment");
  if (positionals.length > 1) throw new UsageError(`name one environment (got ${positionals.map((p) => JSON.stringify(p)).join(", ")})`);
  if (values.account === undefined) throw new UsageError("--account is required: the 12-digit id of the environment's AWS account");
  if (values.region === undefined) throw new UsageError("--region is required: the AWS region of the environment, e.g. eu-west-1");

  const name = positionals[0];
  schemaRefusal("<name>", "name", name);
  schemaRefusal("--account", "accountId", values.account);
  const region = values.region;
  const problem = regionProblem(region);
  if (problem) throw refusal("--region", problem, region);
  chooseZones(region);
  const capacity = values.capacity ?? DEFAULT_CAPACITY;
  if (!(CAPACITIES as readonly string[]).includes(capacity)) {
    const allowed = CAPACITIES.map((c) => `"${c}"`);
    throw refusal(
      "--capacity",
      `must be ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}${didYouMean(capacity, CAPACITIES)}`,
      capacity,
    );
  }
  if (values.project !== undefined) schemaRefusal("--project", "project", values.project);
  if (values.cidr !== undefined) cidrRefusal(values.cidr);
  return {
    name,
    accountId: values.account,
    region,
    capacity: capacity as Capacity,
    ...(values.project !== undefined ? { project: values.project } : {}),
    ...(values.cidr !== undefined ? { cidr: values.cidr } : {}),
  };
}

/** Refuses a value the schema's field refuses, with the schema's own message. */
function schemaRefusal(what: string, field: "name" | "accountId" | "project", value: string): void {
  const parsed = EnvSchema.shape[field].safeParse(value);
  if (!parsed.success) throw refusal(what, parsed.error.issues[0].message, value);
}

/** Refuses a VPC CIDR that is not one, cannot be a VPC, or is too small for the computed subnets. */
function cidrRefusal(text: string): void {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw refusal("--cidr", parsed, text);
  const problem = vpcCidrProblem(parsed);
  if (problem) throw refusal("--cidr", problem, text);
  if (parsed.prefix > 22) throw refusal("--cidr", "is too small for the computed subnet layout: give a /16 to /22", text);
}

/**
 * The zones of a new environment: the region's first three from the catalog. A region with fewer
 * than two is refused (EKS needs subnets in two zones).
 */
export function chooseZones(region: string, zones: readonly string[] = zonesOf(region)): string[] {
  if (zones.length < 2) {
    throw refusal(
      "--region",
      `has ${zones.length === 0 ? "no zones" : `only the zone ${zones.join(", ")}`} in the catalog (src/lib/aws-catalog.generated.ts); EKS needs subnets in two zones`,
      region,
    );
  }
  return zones.slice(0, MAX_ZONES);
}
