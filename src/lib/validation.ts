/**
 * Validation, in two parts.
 *
 * Construct invariants: a construct checks only what the environment config cannot see (facts it
 * computes itself, values its callers' code supplies). {@link requireValidProps} collects every
 * problem, then throws one error that names the construct, each prop, its value and what is allowed.
 *
 * Rules of the environment config (`src/config/rules/platform.ts`, `src/config/schema.ts`) that
 * are written in terms of their own values rather than of a whole environment, so a caller can
 * apply them to whatever it checks (the VPC it creates or an existing one; `npm run env:new`'s
 * options): each returns {@link Problem}s with paths relative to what it was given. Rules that
 * mention another field take a `refer` function that names it at the caller's path
 * (`eks.endpointPublicAccess`).
 */
import { contains, OPEN_TO_INTERNET_ADDRESSES, overlaps, parseCidr, publicAddressCount, RFC1918, specialRangeOf, type Cidr } from "./cidr";

/** One check: the prop, the value given, and the problem (undefined when the value is fine). */
export type PropCheck = readonly [prop: string, value: unknown, problem: string | false | undefined];

/** Thrown by constructs whose props are invalid. */
export class PropsError extends Error {
  constructor(
    readonly construct: string,
    readonly problems: readonly string[],
  ) {
    super(`${construct}: ${problems.join("; ")}`);
    this.name = "PropsError";
  }
}

/** Throws a {@link PropsError} listing every failed check; returns quietly when all pass. */
export function requireValidProps(construct: string, checks: readonly PropCheck[]): void {
  const problems = checks
    .filter(([, , problem]) => typeof problem === "string")
    .map(([prop, value, problem]) => `${prop} ${problem} (got ${JSON.stringify(value)})`);
  if (problems.length > 0) throw new PropsError(construct, problems);
}

/** What a shared rule found: where (relative to what it checked), the value there, and the problem. */
export interface Problem {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  readonly problem: string;
}

/** Names a field the way the caller's messages do (see the module comment). */
type Refer = (field: string) => string;

function problem(path: readonly (string | number)[], value: unknown, text: string): Problem {
  return { path, value, problem: text };
}

// --- Lists ---------------------------------------------------------------------------------

/** Entries that repeat an earlier one. Paths: `[i]`. */
export function listedTwiceProblems(items: readonly string[]): Problem[] {
  return items.flatMap((item, i) => (items.indexOf(item) < i ? [problem([i], item, "is listed twice")] : []));
}

// --- Network ---------------------------------------------------------------------------------

/** Public endpoint access CIDR ranges per cluster (Amazon EKS service quotas). */
const MAX_PUBLIC_ACCESS_CIDRS = 40;

const RFC1918_RANGES = "10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16";

/** Problems of CIDRs that do not parse, at their index. */
function syntaxProblems(texts: readonly string[]): Problem[] {
  return texts.flatMap((text, i) => {
    const c = parseCidr(text);
    return typeof c === "string" ? [problem([i], text, c)] : [];
  });
}

function parsed(text: string): Cidr | undefined {
  const c = parseCidr(text);
  return typeof c === "string" ? undefined : c;
}

/**
 * "Open to the internet" judged by coverage, not by a literal 0.0.0.0/0: one entry, or all of them
 * together, covering a /8 or more of public addresses. Special ranges are never client addresses.
 * Paths: `[i]` for an entry, `[]` for the list. `opens` says what the list would open.
 */
function openToInternetProblems(texts: readonly string[], opens: string): Problem[] {
  const out: Problem[] = [];
  const networks: Cidr[] = [];
  texts.forEach((text, i) => {
    const c = parsed(text);
    if (!c) return;
    const special = c.prefix >= 4 ? specialRangeOf(c) : undefined;
    if (special) out.push(problem([i], text, `is in the ${special}, never a client address`));
    else if (publicAddressCount([c]) >= OPEN_TO_INTERNET_ADDRESSES) out.push(problem([i], text, opens));
    else networks.push(c);
  });
  const together = publicAddressCount(networks);
  if (out.length === 0 && together >= OPEN_TO_INTERNET_ADDRESSES) {
    out.push(problem([], texts, `together cover ${together.toLocaleString("en-US")} public addresses (a /8 is 16,777,216): that ${opens}`));
  }
  return out;
}

/** The VPC CIDR's size and range (parse it first). */
export function vpcCidrProblem(vpc: Cidr): string | undefined {
  if (vpc.prefix < 16 || vpc.prefix > 28) return "must be between /16 and /28 (AWS's VPC size limits)";
  const special = specialRangeOf(vpc);
  return special && `is in the ${special}, which cannot be a VPC; use a private range like 10.0.0.0/16`;
}

/**
 * The subnet layout of a VPC: one public and one private subnet per zone, in zone order, each inside
 * the VPC, /16-/28, none overlapping another. Paths: `[list]` and `[list, i]`.
 */
export function subnetLayoutProblems(
  vpc: { readonly cidr: Cidr; readonly text: string },
  zones: number,
  lists: { readonly publicSubnetCidrs: readonly string[]; readonly privateSubnetCidrs: readonly string[] },
  refer: Refer,
): Problem[] {
  const out: Problem[] = [];
  const subnets: SubnetCidr[] = [];
  for (const key of ["publicSubnetCidrs", "privateSubnetCidrs"] as const) {
    const list = lists[key];
    if (list.length !== zones) out.push(problem([key], list, `must list one subnet per availability zone (${zones}), in zone order`));
    list.forEach((text, i) => subnets.push({ path: [key, i], name: `${key}[${i}]`, text }));
  }
  return [...out, ...subnetCidrProblems(vpc, subnets, refer)];
}

/** One subnet CIDR to check: where it is, how messages name it, and its text. */
interface SubnetCidr {
  readonly path: readonly (string | number)[];
  readonly name: string;
  readonly text: string;
}

/** Subnet CIDRs of one VPC: each inside it, /16-/28, none overlapping an earlier one. */
function subnetCidrProblems(vpc: { readonly cidr: Cidr; readonly text: string }, subnets: readonly SubnetCidr[], refer: Refer): Problem[] {
  const out: Problem[] = [];
  const valid: (SubnetCidr & { c: Cidr })[] = [];
  for (const s of subnets) {
    const c = parseCidr(s.text);
    if (typeof c === "string") out.push(problem(s.path, s.text, c));
    else if (!contains(vpc.cidr, c)) out.push(problem(s.path, s.text, `is outside the VPC ${vpc.text}`));
    else if (c.prefix < 16 || c.prefix > 28) out.push(problem(s.path, s.text, "must be between /16 and /28 (AWS's subnet size limits)"));
    else valid.push({ ...s, c });
  }
  valid.forEach((s, n) => {
    for (const other of valid.slice(0, n)) {
      if (overlaps(s.c, other.c)) out.push(problem(s.path, s.text, `overlaps ${refer(other.name)} ${other.text}`));
    }
  });
  return out;
}

// --- Existing networks -------------------------------------------------------------------------

/** `vpc-` and 8 (older) or 17 hex digits, as EC2 writes VPC ids. */
const VPC_ID_PATTERN = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** `subnet-` and 8 (older) or 17 hex digits, as EC2 writes subnet ids. */
const SUBNET_ID_PATTERN = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** A subnet of an existing VPC, as it is declared (nothing is looked up). */
interface DeclaredSubnet {
  readonly id: string;
  readonly zone: string;
  readonly cidr: string;
}

/** An existing VPC, as it is declared: its id, primary CIDR and subnets by role. */
export interface DeclaredVpc {
  readonly vpcId: string;
  readonly cidr: string;
  readonly privateSubnets: readonly DeclaredSubnet[];
  readonly publicSubnets: readonly DeclaredSubnet[];
}

/** The zones a set of subnets covers, in order, among the zones that are allowed. */
export function zonesCovered(subnets: readonly DeclaredSubnet[], zones: readonly string[]): string[] {
  return [...new Set(subnets.map((s) => s.zone).filter((z) => zones.includes(z)))];
}

/**
 * An existing VPC as declared, checked offline: the formats of its ids, its CIDR, each subnet in
 * one of `zones` with a CIDR inside the VPC's that overlaps no other, no subnet listed twice (nor
 * both private and public), and private subnets in two zones or more (EKS puts the control plane's
 * network interfaces in two). Paths: `["vpcId"]`, `["cidr"]`, `["privateSubnets"]`,
 * `[list, i, "id" | "zone" | "cidr"]`.
 */
export function existingVpcProblems(vpc: DeclaredVpc, zones: readonly string[], refer: Refer): Problem[] {
  const out: Problem[] = [];
  if (!VPC_ID_PATTERN.test(vpc.vpcId)) {
    out.push(problem(["vpcId"], vpc.vpcId, "must be a VPC id like vpc-0123456789abcdef0 (vpc- and 8 or 17 hex digits)"));
  }
  const vpcCidr = parseCidr(vpc.cidr);
  const vpcProblem = typeof vpcCidr === "string" ? vpcCidr : vpcCidrProblem(vpcCidr);
  if (vpcProblem) out.push(problem(["cidr"], vpc.cidr, vpcProblem));
  const seen = new Map<string, string>();
  const cidrs: SubnetCidr[] = [];
  for (const key of ["privateSubnets", "publicSubnets"] as const) {
    vpc[key].forEach((s, i) => {
      const name = `${key}[${i}]`;
      if (!SUBNET_ID_PATTERN.test(s.id)) {
        out.push(problem([key, i, "id"], s.id, "must be a subnet id like subnet-0123456789abcdef0 (subnet- and 8 or 17 hex digits)"));
      } else if (seen.has(s.id)) {
        const first = seen.get(s.id)!;
        out.push(
          problem(
            [key, i, "id"],
            s.id,
            first.startsWith(key)
              ? `is listed twice (also as ${refer(first)})`
              : `is also listed as ${refer(first)}: a subnet is private or public, not both`,
          ),
        );
      } else seen.set(s.id, name);
      if (!zones.includes(s.zone)) {
        out.push(
          problem(
            [key, i, "zone"],
            s.zone,
            `is not one of availabilityZones (${zones.join(", ")}): correct it, or add the zone to availabilityZones`,
          ),
        );
      }
      cidrs.push({ path: [key, i, "cidr"], name, text: s.cidr });
    });
  }
  if (typeof vpcCidr !== "string" && !vpcProblem) out.push(...subnetCidrProblems({ cidr: vpcCidr, text: vpc.cidr }, cidrs, refer));
  const privateZones = zonesCovered(vpc.privateSubnets, zones);
  if (privateZones.length < 2) {
    out.push(
      problem(
        ["privateSubnets"],
        privateZones,
        "must be in at least two availability zones: EKS puts the control plane's network interfaces in two, and nodes and Fargate pods run only in private subnets",
      ),
    );
  }
  return out;
}

/** The Kubernetes service CIDR: a private range EKS accepts, /12-/24. */
export function serviceIpv4CidrProblem(text: string): string | undefined {
  const c = parseCidr(text);
  if (typeof c === "string") return c;
  if (!RFC1918.some((r) => contains(r, c))) return `must be inside ${RFC1918_RANGES}`;
  if (c.prefix < 12 || c.prefix > 24) return "must be between /12 and /24";
  return undefined;
}

/** The public endpoint settings of a cluster. */
interface PublicEndpoint {
  readonly endpointPublicAccess?: boolean;
  readonly publicAccessCidrs?: readonly string[];
  readonly allowPublicAccessFromAnywhere?: boolean;
}

/**
 * Who may reach a public API endpoint: a short list of public ranges, required when the endpoint
 * is public and never open to the internet without the explicit opt-out; no list when it is
 * private. Paths: `["publicAccessCidrs"]` and `["publicAccessCidrs", i]`.
 */
export function publicAccessProblems(e: PublicEndpoint, refer: Refer): Problem[] {
  const cidrs = e.publicAccessCidrs ?? [];
  const at = (p: Problem): Problem => problem(["publicAccessCidrs", ...p.path], p.value, p.problem);
  const out = syntaxProblems(cidrs).map(at);
  if (!e.endpointPublicAccess) {
    if (cidrs.length > 0) {
      out.push(
        problem(
          ["publicAccessCidrs"],
          cidrs,
          `only applies when ${refer("endpointPublicAccess")} is true; remove it or turn the public endpoint on`,
        ),
      );
    }
    return out;
  }
  if (cidrs.length > MAX_PUBLIC_ACCESS_CIDRS) {
    out.push(
      problem(
        ["publicAccessCidrs"],
        `${cidrs.length} CIDRs`,
        `must list at most ${MAX_PUBLIC_ACCESS_CIDRS} CIDRs (EKS quota per cluster); merge adjacent ranges`,
      ),
    );
  }
  if (cidrs.length === 0 && !e.allowPublicAccessFromAnywhere) {
    out.push(
      problem(
        ["publicAccessCidrs"],
        [],
        `must list who may reach the public endpoint (an empty list means 0.0.0.0/0); or keep ${refer("endpointPublicAccess")} false`,
      ),
    );
  }
  if (!e.allowPublicAccessFromAnywhere) {
    const opens = `opens the API endpoint to the internet; list your own ranges, or set ${refer("allowPublicAccessFromAnywhere")} as an explicit opt-out`;
    out.push(...openToInternetProblems(cidrs, opens).map(at));
  }
  cidrs.forEach((text, i) => {
    const c = parsed(text);
    if (c && RFC1918.some((r) => contains(r, c))) {
      out.push(
        problem(
          ["publicAccessCidrs", i],
          text,
          "is a private range; the public endpoint only sees public addresses (private clients use the private endpoint)",
        ),
      );
    }
  });
  return out;
}

/** Who may reach the nodes on port 22: at least one range, never the internet. Paths: `[]` and `[i]`. */
export function sshCidrsProblems(allowedCidrs: readonly string[]): Problem[] {
  const out = syntaxProblems(allowedCidrs);
  if (allowedCidrs.length === 0) out.push(problem([], [], "must list who may reach port 22; SSH is never open to all"));
  out.push(...openToInternetProblems(allowedCidrs, "opens SSH to the internet; list your own ranges"));
  return out;
}

// --- Compute ---------------------------------------------------------------------------------

/** A node group's size bounds. */
interface NodeGroupScaling {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
}

/** min <= desired <= max, the first violation only. Paths: `["minSize"]` or `["desiredSize"]`. */
export function scalingProblems(g: NodeGroupScaling): Problem[] {
  if (g.minSize > g.desiredSize) return [problem(["minSize"], g.minSize, `must not exceed desiredSize (${g.desiredSize})`)];
  if (g.desiredSize > g.maxSize) return [problem(["desiredSize"], g.desiredSize, `must not exceed maxSize (${g.maxSize})`)];
  return [];
}

/** Managed groups named like a self-managed group (their resources would share names). Paths: `[name]`. */
export function nodeGroupNameClashes(selfManaged: readonly string[], managed: readonly string[]): Problem[] {
  return managed
    .filter((name) => selfManaged.includes(name))
    .map((name) => problem([name], name, "is also the name of a self-managed group; node group names must be unique"));
}

/** Selectors per Fargate profile (Amazon EKS service quotas). */
const MAX_FARGATE_SELECTORS = 5;
/** Label pairs per Fargate profile selector (Amazon EKS service quotas). */
const MAX_FARGATE_SELECTOR_LABELS = 5;

/** A Fargate profile has 1-5 selectors. */
export function fargateSelectorCountProblem(selectors: readonly unknown[]): string | undefined {
  return selectors.length < 1 || selectors.length > MAX_FARGATE_SELECTORS ? `must have 1-${MAX_FARGATE_SELECTORS} selectors` : undefined;
}

/**
 * One Fargate selector: a Kubernetes namespace name (with `*` and `?` wildcards) and at most five
 * labels. Paths: `["namespace"]` and `["labels"]`.
 */
export function fargateSelectorProblems(s: { readonly namespace: string; readonly labels?: Readonly<Record<string, string>> }): Problem[] {
  const out: Problem[] = [];
  if (s.namespace === "") out.push(problem(["namespace"], s.namespace, "must not be empty"));
  else if (!/^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$/.test(s.namespace) || s.namespace.length > 63) {
    out.push(problem(["namespace"], s.namespace, "must be a Kubernetes namespace name (lowercase, digits, '-'; '*' and '?' wildcards)"));
  }
  if (Object.keys(s.labels ?? {}).length > MAX_FARGATE_SELECTOR_LABELS) {
    out.push(problem(["labels"], s.labels, `must have at most ${MAX_FARGATE_SELECTOR_LABELS} labels`));
  }
  return out;
}

// --- Data and keys ---------------------------------------------------------------------------

/**
 * A table's (or index's) capacity: both units with PROVISIONED billing, neither with
 * PAY_PER_REQUEST. Paths: `["readCapacity"]` or `["writeCapacity"]`.
 */
export function capacityProblems(
  billingMode: "PAY_PER_REQUEST" | "PROVISIONED",
  c: { readonly readCapacity?: number; readonly writeCapacity?: number },
): Problem[] {
  const provisioned = billingMode === "PROVISIONED";
  if (provisioned && (c.readCapacity === undefined || c.writeCapacity === undefined)) {
    return [
      problem([c.readCapacity === undefined ? "readCapacity" : "writeCapacity"], undefined, "is required with billingMode PROVISIONED"),
    ];
  }
  if (!provisioned && (c.readCapacity !== undefined || c.writeCapacity !== undefined)) {
    const field = c.readCapacity !== undefined ? "readCapacity" : "writeCapacity";
    return [problem([field], c[field], "only applies with billingMode PROVISIONED; remove it for PAY_PER_REQUEST")];
  }
  return [];
}

/** Log group encryption with a customer-managed key needs the account id for the key's policy. */
export function logKmsEncryptionProblem(e: { readonly logKmsEncryption: boolean; readonly accountId?: string }): string | undefined {
  return e.logKmsEncryption && !e.accountId
    ? "needs accountId: the log key's policy names the account's CloudWatch Logs service"
    : undefined;
}

/** `<registry>/<path>[:<tag>]@sha256:<64 hex>`: an image name as OCI references spell it, pinned by digest. */
const IMAGE_DIGEST_REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/;

/**
 * Why a container image reference is not pinned by digest, or undefined. A tag alone (`:latest`,
 * `:1.0`) can be moved to other content; a digest cannot. A tag may stay before the digest, as
 * documentation (the runtime pulls by digest).
 */
export function imageDigestProblem(image: string): string | undefined {
  if (IMAGE_DIGEST_REFERENCE.test(image)) return undefined;
  if (!/@sha256:/.test(image)) {
    return "must be pinned by digest, <repository>@sha256:<64 hex digits>: a tag can be moved to other content (find the digest with `crane digest <image>:<tag>` or `docker buildx imagetools inspect <image>:<tag>`)";
  }
  return "must be an image reference like registry.example.com/team/2048@sha256:<64 lowercase hex digits> (a tag may stand before the @)";
}
