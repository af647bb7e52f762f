/**
 * VPCs of two environments in one account and region whose CIDRs overlap: AWS allows it, but VPC
 * peering and transit gateway routes between them would fail, so validation warns (it does not
 * refuse) and `npm run env:new` never picks such a CIDR. One implementation for both.
 */
import { overlaps, parseCidr } from "../lib/cidr";
import { EnvSchema, vpcCidrOf, type ParsedEnv } from "./schema";
import type { EnvSource } from "./validate";

/** The network facts of one environment that overlaps are judged by. */
export interface VpcClaim {
  /** Where the environment came from: `envs/dev.ts`. */
  readonly source: string;
  /** The environment's name (its source when the name is not valid). */
  readonly name: string;
  /** Unset when the environment names no account: it is then compared with no other. */
  readonly accountId: string | undefined;
  readonly region: string;
  /** The VPC CIDR, with the schema's default applied: the existing VPC's with `vpc.existing`. */
  readonly cidr: string;
  /** The existing VPC's id, with `vpc.existing`: environments that share one VPC overlap on purpose. */
  readonly vpcId?: string;
}

/** The claim of a parsed environment. */
export function vpcClaim(source: string, env: Pick<ParsedEnv, "name" | "accountId" | "region" | "vpc">): VpcClaim {
  return { source, name: env.name, accountId: env.accountId, region: env.region, cidr: vpcCidrOf(env.vpc), vpcId: env.vpc.existing?.vpcId };
}

/**
 * The claim of an environment as its file exports it, even an invalid one: its region, account
 * and VPC sections are parsed on their own (the VPC with its defaults). Undefined when its region
 * or VPC section is itself invalid.
 */
export function vpcClaimOfSource(source: EnvSource): VpcClaim | undefined {
  const raw = source.raw;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const fields = raw as Record<string, unknown>;
  const region = EnvSchema.shape.region.safeParse(fields.region);
  const vpc = EnvSchema.shape.vpc.safeParse(fields.vpc);
  if (!region.success || !vpc.success) return undefined;
  const account = EnvSchema.shape.accountId.safeParse(fields.accountId);
  const name = EnvSchema.shape.name.safeParse(fields.name);
  return {
    source: source.source,
    name: name.success ? name.data : source.source,
    accountId: account.success ? account.data : undefined,
    region: region.data,
    cidr: vpcCidrOf(vpc.data),
    vpcId: vpc.data.existing?.vpcId,
  };
}

/** What `sameAccountAndRegion` compares. */
type AccountAndRegion = { readonly accountId?: string; readonly region: string };

/**
 * Whether two environments are in one account and one region. Both must name their account: an
 * environment without `accountId` may be deployed to any account, so it is compared with none.
 */
export function sameAccountAndRegion(a: AccountAndRegion, b: AccountAndRegion): boolean {
  return a.accountId !== undefined && a.accountId === b.accountId && a.region === b.region;
}

/**
 * The claims of `others` in the account and region of `claim` whose VPC CIDR overlaps its own (not
 * those in the same existing VPC: they share it on purpose).
 */
export function overlappingVpcs(claim: Omit<VpcClaim, "source" | "name">, others: readonly VpcClaim[]): VpcClaim[] {
  const mine = parseCidr(claim.cidr);
  if (typeof mine === "string") return [];
  return others.filter((other) => {
    if (other === claim || !sameAccountAndRegion(claim, other)) return false;
    if (claim.vpcId !== undefined && claim.vpcId === other.vpcId) return false;
    const theirs = parseCidr(other.cidr);
    return typeof theirs !== "string" && overlaps(mine, theirs);
  });
}

/** What an overlap with `other` means, after the path: `overlaps 10.0.0.0/16 of envs/dev.ts in account ... region ...; ...`. */
export function overlapMessage(other: VpcClaim): string {
  return `overlaps ${other.cidr} of ${other.source} in account ${other.accountId} region ${other.region}; peering or a transit gateway between them would fail`;
}

/**
 * Every pair of environments in one account and region whose VPCs overlap, once: on the later of
 * the two (in the order given), naming the earlier.
 */
export function vpcOverlapPairs(claims: readonly (VpcClaim | undefined)[]): { index: number; claim: VpcClaim; other: VpcClaim }[] {
  const out: { index: number; claim: VpcClaim; other: VpcClaim }[] = [];
  claims.forEach((claim, index) => {
    if (!claim) return;
    const earlier = claims.slice(0, index).filter((c): c is VpcClaim => c !== undefined);
    for (const other of overlappingVpcs(claim, earlier)) out.push({ index, claim, other });
  });
  return out;
}
