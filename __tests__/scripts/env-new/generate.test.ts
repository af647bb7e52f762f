import * as path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../src/app";
import type { EnvSource } from "../../../src/config";
import { CliError } from "../../../scripts/common/cli";
import {
  CIDR_SEQUENCE,
  chooseCidr,
  chooseProject,
  existingEnvs,
  renderEnvFile,
  sourceNaming,
  type ExistingEnvs,
} from "../../../scripts/env-new/generate";
import { CAPACITIES, type EnvNewRequest } from "../../../scripts/env-new/options";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";

/** An environment file's export with the fields env:new reads (only those, on purpose: not `configBase`). */
function env(source: string, fields: Record<string, unknown>): EnvSource {
  return { source: `envs/${source}.ts`, raw: { name: source, project: "acme", region: "eu-west-1", accountId: ACCOUNT, ...fields } };
}

const none: ExistingEnvs = existingEnvs([]);
const here = { accountId: ACCOUNT, region: "eu-west-1" };

describe("existingEnvs", () => {
  it("reads names, projects, VPCs (with the schema's default) and API networks, of invalid environments too", () => {
    const existing = existingEnvs([
      env("core", { vpc: { cidr: "10.10.0.0/16" }, eks: { apiAccess: { cidrs: ["10.99.0.0/24"] } } }),
      // Invalid (no zones, a bad tier), but its name, project and default VPC 10.0.0.0/16 still count.
      env("broken", { tier: "huge" }),
      { source: "envs/odd.ts", raw: "not an object" },
    ]);
    expect(existing).toEqual({
      names: [
        { source: "envs/core.ts", name: "core" },
        { source: "envs/broken.ts", name: "broken" },
      ],
      projects: ["acme", "acme"],
      vpcs: [
        { source: "envs/core.ts", name: "core", accountId: ACCOUNT, region: "eu-west-1", cidr: "10.10.0.0/16" },
        { source: "envs/broken.ts", name: "broken", accountId: ACCOUNT, region: "eu-west-1", cidr: "10.0.0.0/16" },
      ],
      apiNetworks: [{ source: "envs/core.ts", cidr: "10.99.0.0/24" }],
    });
    expect(sourceNaming("broken", existing)).toBe("envs/broken.ts");
    expect(sourceNaming("qa", existing)).toBeUndefined();
  });
});

describe("chooseProject", () => {
  it("takes the one every existing environment uses, or the one asked for", () => {
    const existing = existingEnvs([env("core", {}), env("live", {})]);
    expect(chooseProject(undefined, existing)).toBe("acme");
    expect(chooseProject("shop", existing)).toBe("shop");
  });

  it("requires --project when the existing environments disagree or there are none", () => {
    const mixed = existingEnvs([env("core", {}), env("live", { project: "shop" })]);
    expect(() => chooseProject(undefined, mixed)).toThrow(
      new CliError("--project is required: the existing environments use several projects (acme, shop)", 2),
    );
    expect(() => chooseProject(undefined, none)).toThrow("--project is required: there is no existing environment to take it from");
  });
});

describe("chooseCidr", () => {
  it("starts the sequence at 10.0.0.0/16, one /16 at a time", () => {
    expect(CIDR_SEQUENCE.slice(0, 3)).toEqual(["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]);
    expect(CIDR_SEQUENCE).toHaveLength(256);
    expect(chooseCidr(here, undefined, none)).toEqual({ cidr: "10.0.0.0/16", how: "unused", notes: [] });
  });

  it("skips every CIDR another environment uses, in any account or region, and their API networks", () => {
    const existing = existingEnvs([
      env("core", {}), // the default 10.0.0.0/16
      env("live", { accountId: OTHER_ACCOUNT, vpc: { cidr: "10.1.0.0/16" }, eks: { apiAccess: { cidrs: ["10.2.128.0/24"] } } }),
      env("us", { region: "us-east-2", vpc: { cidr: "10.3.0.0/17" } }),
      env("big", { accountId: OTHER_ACCOUNT, region: "us-east-2", vpc: { cidr: "10.4.0.0/16" } }),
    ]);
    expect(chooseCidr(here, undefined, existing).cidr).toBe("10.5.0.0/16");
  });

  it("when every /16 is used somewhere, takes the first free in the same account and region", () => {
    const elsewhere = CIDR_SEQUENCE.slice(0, 200).map((cidr, i) => env(`x${i}`, { accountId: OTHER_ACCOUNT, vpc: { cidr } }));
    const existing = existingEnvs([
      ...elsewhere,
      env("rest", { accountId: OTHER_ACCOUNT, vpc: { cidr: "10.128.0.0/9" } }), // the VPC limit is /16, but it parses
      env("core", { vpc: { cidr: "10.0.0.0/16" } }),
    ]);
    const choice = chooseCidr(here, undefined, existing);
    expect(choice.cidr).toBe("10.1.0.0/16");
    expect(choice.how).toBe("free-here");
    expect(choice.notes).toEqual([
      `10.1.0.0/16 overlaps the VPC 10.1.0.0/16 of envs/x1.ts (account ${OTHER_ACCOUNT} region eu-west-1): allowed elsewhere, but the two can never be peered`,
    ]);
  });

  it.each([
    [
      "when no /16 is free in the account and region",
      env("all", { vpc: { cidr: "10.0.0.0/8" } }),
      undefined,
      new CliError(`every /16 of 10.0.0.0/8 overlaps a VPC of account ${ACCOUNT} in eu-west-1; give a CIDR with --cidr`),
    ],
    [
      "a requested CIDR that overlaps a VPC of the same account and region (exit 2)",
      env("core", { vpc: { cidr: "10.10.0.0/16" } }),
      "10.10.0.0/20",
      new CliError(
        `--cidr overlaps 10.10.0.0/16 of envs/core.ts in account ${ACCOUNT} region eu-west-1; peering or a transit gateway between them would fail; leave --cidr out to have a free one picked (got "10.10.0.0/20")`,
        2,
      ),
    ],
  ])("refuses %s", (_label, source, requested, error) => {
    expect(() => chooseCidr(here, requested, existingEnvs([source]))).toThrow(error);
  });

  it("allows a requested CIDR used in another account or region, with a note", () => {
    const existing = existingEnvs([
      env("other", { accountId: OTHER_ACCOUNT, vpc: { cidr: "10.10.0.0/16" } }),
      env("us", { region: "us-east-2", vpc: { cidr: "10.10.0.0/16" }, eks: { apiAccess: { cidrs: ["10.10.5.0/24"] } } }),
    ]);
    expect(chooseCidr(here, "10.10.0.0/16", existing)).toEqual({
      cidr: "10.10.0.0/16",
      how: "requested",
      notes: [
        `10.10.0.0/16 overlaps the VPC 10.10.0.0/16 of envs/other.ts (account ${OTHER_ACCOUNT} region eu-west-1): allowed elsewhere, but the two can never be peered`,
        `10.10.0.0/16 overlaps the VPC 10.10.0.0/16 of envs/us.ts (account ${ACCOUNT} region us-east-2): allowed elsewhere, but the two can never be peered`,
        "10.10.0.0/16 overlaps 10.10.5.0/24, which envs/us.ts lets reach its cluster (eks.apiAccess.cidrs)",
      ],
    });
  });
});

describe("renderEnvFile", () => {
  const request = (capacity: EnvNewRequest["capacity"], region = "eu-west-1"): EnvNewRequest => ({
    name: "qa",
    accountId: ACCOUNT,
    region,
    capacity,
  });
  const spec = (capacity: EnvNewRequest["capacity"], region = "eu-west-1") => ({
    request: request(capacity, region),
    project: "acme",
    zones: [`${region}a`, `${region}b`],
    cidr: { cidr: "10.0.0.0/16", how: "unused" as const, notes: [] },
  });

  it.each(CAPACITIES)("writes a %s environment already formatted as prettier formats the project", async (capacity) => {
    const text = renderEnvFile(spec(capacity));
    const filepath = path.join(PROJECT_ROOT, "envs", "qa.ts");
    const options = (await prettier.resolveConfig(filepath)) ?? {};
    expect(await prettier.format(text, { ...options, filepath })).toBe(text);
    expect(text.startsWith('import type { EnvInput } from "../src/config";\n')).toBe(true);
    expect(text.endsWith("} satisfies EnvInput;\n")).toBe(true);
  });

  it("writes the placeholder ARNs in the environment's account and partition, each with a TODO", () => {
    const text = renderEnvFile(spec("managed", "cn-north-1"));
    expect(text).toContain('platform: "arn:aws-cn:iam::123456789012:role/platform-admin"');
    expect(text).not.toContain("arn:aws:");
    expect(text.match(/\/\/ TODO: /g)).toHaveLength(3);
  });

  it("configures only the capacity asked for", () => {
    const [fargate, managed, auto] = CAPACITIES.map((c) => renderEnvFile(spec(c)));
    expect(fargate).toContain('apps: { selectors: [{ namespace: "default" }] }');
    expect(fargate).not.toMatch(/^\s*(nodeGroups|autoMode):/m);
    expect(managed).toMatch(/^ {2}nodeGroups: \{\n {4}managed: \{/m);
    expect(managed).not.toMatch(/^\s*(fargate|autoMode):/m);
    expect(auto).toContain('    autoMode: { nodePools: ["general-purpose", "system"] },');
    expect(auto).not.toMatch(/^\s*(fargate|nodeGroups):/m);
    // Auto Mode runs load balancing itself: no hint at the controller validation would refuse.
    expect(auto).not.toContain("loadBalancerController");
  });
});
