/**
 * Overlapping VPCs of one account and region: a warning of validation (never an error), one line
 * per pair, formatted like the errors.
 */
import { describe, expect, it } from "vitest";
import { overlappingVpcs, validateEnvs, vpcClaimOfSource, type EnvInput, type VpcClaim } from "../../src/config";
import { baseInput, existingVpcInput } from "../helpers/synth";

const A = "111111111111";
const B = "222222222222";

function env(name: string, fields: Partial<EnvInput>): { source: string; raw: EnvInput } {
  return { source: `envs/${name}.ts`, raw: baseInput({ name, accountId: A, ...fields }) };
}

describe("VPC overlap warnings", () => {
  it("warns once, on the later environment, when two of one account and region overlap; still valid", () => {
    const result = validateEnvs([
      env("core", { vpc: { cidr: "10.10.0.0/16" } }),
      env("qa", { vpc: { cidr: "10.10.128.0/17" } }),
      env("uat", { vpc: { cidr: "10.20.0.0/16" } }),
    ]);
    expect(result.errors).toEqual([]);
    expect(result.envs.map((e) => e.name)).toEqual(["core", "qa", "uat"]);
    expect(result.warnings).toEqual([
      `env "qa": vpc.cidr overlaps 10.10.0.0/16 of envs/core.ts in account ${A} region eu-west-1; peering or a transit gateway between them would fail (got "10.10.128.0/17")`,
    ]);
  });

  it("counts the default CIDR, and names every earlier environment it overlaps", () => {
    const result = validateEnvs([env("core", {}), env("qa", {}), env("uat", { vpc: { cidr: "10.0.0.0/20" } })]);
    expect(result.warnings).toEqual([
      `env "qa": vpc.cidr overlaps 10.0.0.0/16 of envs/core.ts in account ${A} region eu-west-1; peering or a transit gateway between them would fail (got "10.0.0.0/16")`,
      `env "uat": vpc.cidr overlaps 10.0.0.0/16 of envs/core.ts in account ${A} region eu-west-1; peering or a transit gateway between them would fail (got "10.0.0.0/20")`,
      `env "uat": vpc.cidr overlaps 10.0.0.0/16 of envs/qa.ts in account ${A} region eu-west-1; peering or a transit gateway between them would fail (got "10.0.0.0/20")`,
    ]);
  });

  it("does not warn across accounts or regions, or when an environment names no account", () => {
    const result = validateEnvs([
      env("core", {}),
      env("other", { accountId: B }),
      env("us", { region: "us-east-2", availabilityZones: ["us-east-2a", "us-east-2b"] }),
      { source: "envs/anyacct.ts", raw: baseInput({ name: "anyacct" }) },
      { source: "envs/anyacct2.ts", raw: baseInput({ name: "anyacct2" }) },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it("does not warn about environments in one existing VPC (they share it on purpose), and names vpc.existing.cidr otherwise", () => {
    const shared = { existing: existingVpcInput({ discoveryTags: "present" }) };
    const result = validateEnvs([
      env("dev", { vpc: shared }),
      env("qa", { vpc: shared }),
      env("uat", { vpc: { cidr: "10.70.0.0/16" } }),
      env("int", { vpc: { existing: existingVpcInput({ vpcId: "vpc-0f0e0d0c0b0a09080", discoveryTags: "present" }) } }),
    ]);
    expect(result.errors).toEqual([]);
    const overlap = (what: string, other: string) =>
      `${what} overlaps 10.70.0.0/16 of envs/${other}.ts in account ${A} region eu-west-1; peering or a transit gateway between them would fail (got "10.70.0.0/16")`;
    expect(result.warnings).toEqual([
      `env "uat": ${overlap("vpc.cidr", "dev")}`,
      `env "uat": ${overlap("vpc.cidr", "qa")}`,
      `env "int": ${overlap("vpc.existing.cidr", "dev")}`,
      `env "int": ${overlap("vpc.existing.cidr", "qa")}`,
      `env "int": ${overlap("vpc.existing.cidr", "uat")}`,
    ]);
  });

  it("warns next to errors, for the environments that parse", () => {
    const result = validateEnvs([env("core", {}), env("qa", {}), env("bad", { tier: "huge" as "production" })]);
    expect(result.errors).toEqual(['env "bad": tier must be "development" or "production" (got "huge")']);
    expect(result.warnings).toHaveLength(1);
  });
});

describe("overlappingVpcs", () => {
  const claim = (name: string, accountId: string | undefined, region: string, cidr: string): VpcClaim => ({
    source: `envs/${name}.ts`,
    name,
    accountId,
    region,
    cidr,
  });
  const others = [
    claim("core", A, "eu-west-1", "10.0.0.0/16"),
    claim("big", A, "eu-west-1", "10.0.0.0/8"),
    claim("next", A, "eu-west-1", "10.1.0.0/16"),
    claim("other", B, "eu-west-1", "10.0.0.0/16"),
    claim("us", A, "us-east-2", "10.0.0.0/16"),
  ];

  it("finds the VPCs of the same account and region that share an address", () => {
    expect(overlappingVpcs({ accountId: A, region: "eu-west-1", cidr: "10.0.255.0/24" }, others).map((c) => c.name)).toEqual([
      "core",
      "big",
    ]);
    expect(overlappingVpcs({ accountId: A, region: "eu-west-1", cidr: "172.16.0.0/16" }, others)).toEqual([]);
    expect(overlappingVpcs({ accountId: undefined, region: "eu-west-1", cidr: "10.0.0.0/16" }, others)).toEqual([]);
  });

  it("reads the claim of an invalid environment section by section, with the default CIDR", () => {
    expect(vpcClaimOfSource({ source: "envs/x.ts", raw: { name: "xx", region: "eu-west-1", accountId: A, tier: "huge" } })).toEqual({
      ...claim("xx", A, "eu-west-1", "10.0.0.0/16"),
      source: "envs/x.ts",
    });
    expect(vpcClaimOfSource({ source: "envs/x.ts", raw: { name: "X", region: "eu-west-1", accountId: "1" } })).toEqual({
      ...claim("x", undefined, "eu-west-1", "10.0.0.0/16"),
      name: "envs/x.ts",
    });
    expect(vpcClaimOfSource({ source: "envs/x.ts", raw: { name: "x", region: "mars-1" } })).toBeUndefined();
    expect(vpcClaimOfSource({ source: "envs/x.ts", raw: { name: "x", region: "eu-west-1", vpc: { cidr: "nope" } } })).toBeUndefined();
  });
});
