/**
 * IPv4 CIDR arithmetic, computed at synth time so the synthesized JSON shows literal CIDRs.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

/** Dotted decimal without leading zeros (what Terraform's own parser accepts), and a prefix length. */
const CIDR_PATTERN = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(0|[1-9]\d?)$/;
const LOOSE_CIDR_PATTERN = /^\d+\.\d+\.\d+\.\d+\/\d+$/;

/** Parses `10.0.0.0/16`; returns a problem phrase instead when the text is not a valid network. */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR_PATTERN.exec(text);
  if (!m) {
    return LOOSE_CIDR_PATTERN.test(text)
      ? "must be written in canonical dotted decimal, without leading zeros, like 10.0.0.0/16"
      : "must be an IPv4 CIDR like 10.0.0.0/16";
  }
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return "must be an IPv4 CIDR like 10.0.0.0/16";
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (addr % size !== 0) return `has host bits set; the network address is ${format({ base: addr - (addr % size), prefix })}`;
  return { base: addr, prefix };
}

/** Like `parseCidr`, but throws on invalid input (for values already validated). */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") throw new Error(`${text} ${parsed}`);
  return parsed;
}

export function format(c: Cidr): string {
  const o = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
  return `${o.join(".")}/${c.prefix}`;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The `index`-th subnet of `newPrefix` inside `parent` (like Terraform's `cidrsubnet`). */
export function subnet(parent: Cidr, newPrefix: number, index: number): Cidr {
  if (newPrefix < parent.prefix || newPrefix > 32) throw new Error(`cannot cut /${newPrefix} subnets from ${format(parent)}`);
  const count = 2 ** (newPrefix - parent.prefix);
  if (index < 0 || index >= count) throw new Error(`${format(parent)} has only ${count} /${newPrefix} subnets, not ${index + 1}`);
  return { base: parent.base + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

/** Private ranges of RFC 1918 (what EKS accepts for the service CIDR). */
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(cidr);

/** Ranges that are never a network of hosts (RFC 6890): neither a VPC nor a client address. */
const SPECIAL_RANGES: readonly { readonly range: Cidr; readonly name: string }[] = [
  { range: cidr("0.0.0.0/8"), name: '"this network" range 0.0.0.0/8' },
  { range: cidr("127.0.0.0/8"), name: "loopback range 127.0.0.0/8" },
  { range: cidr("169.254.0.0/16"), name: "link-local range 169.254.0.0/16" },
  { range: cidr("224.0.0.0/4"), name: "multicast range 224.0.0.0/4" },
  { range: cidr("240.0.0.0/4"), name: "reserved range 240.0.0.0/4 (with the broadcast address)" },
];

/** The special range a network lies in (or overlaps), by name. */
export function specialRangeOf(c: Cidr): string | undefined {
  return SPECIAL_RANGES.find((s) => contains(s.range, c))?.name;
}

/** What is not the public internet: private (RFC 1918), shared (100.64.0.0/10) and special ranges. */
const NOT_PUBLIC: readonly Cidr[] = [...RFC1918, cidr("100.64.0.0/10"), ...SPECIAL_RANGES.map((s) => s.range)];

/** A public span of this many addresses (a /8) or more is "open to the internet". */
export const OPEN_TO_INTERNET_ADDRESSES = 2 ** 24;

/**
 * How many public internet addresses a set of networks covers together (overlaps counted once), so
 * "open to the world" is judged by coverage: 0.0.0.0/1 plus 128.0.0.0/1 is as open as 0.0.0.0/0.
 */
export function publicAddressCount(networks: readonly Cidr[]): number {
  const covered = union(networks.map((n) => [n.base, n.base + size(n)] as [number, number]));
  const excluded = union(NOT_PUBLIC.map((n) => [n.base, n.base + size(n)] as [number, number]));
  let total = 0;
  for (const [a, b] of covered) {
    total += b - a;
    for (const [x, y] of excluded) total -= Math.max(0, Math.min(b, y) - Math.max(a, x));
  }
  return total;
}

/** Sorted, merged half-open intervals. */
function union(intervals: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of [...intervals].sort((p, q) => p[0] - q[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The largest number of zones the computed layout supports. */
export const MAX_COMPUTED_ZONES = 7;

/**
 * The default subnet layout of a VPC: per zone one large private subnet (an eighth of the VPC each,
 * for nodes and pods, since the VPC CNI gives every pod a VPC address) and one small public subnet
 * (load balancers and NAT gateways), all public subnets cut from the last eighth.
 * For a /16: private 10.0.0.0/19, 10.0.32.0/19, ...; public 10.0.224.0/22, 10.0.228.0/22, ...
 */
export function defaultSubnetLayout(vpcCidr: string, zones: number): { private: string[]; public: string[] } {
  const vpc = cidr(vpcCidr);
  if (zones > MAX_COMPUTED_ZONES) throw new Error(`the computed layout supports at most ${MAX_COMPUTED_ZONES} zones`);
  if (vpc.prefix + 6 > 28) throw new Error(`${vpcCidr} is too small for the computed layout (public subnets would be smaller than /28)`);
  const publicBlock = subnet(vpc, vpc.prefix + 3, 7);
  return {
    private: Array.from({ length: zones }, (_, i) => format(subnet(vpc, vpc.prefix + 3, i))),
    public: Array.from({ length: zones }, (_, i) => format(subnet(publicBlock, vpc.prefix + 6, i))),
  };
}
