/**
 * Test helpers: the fixture environments, small environments of a test's own, and synthesized JSON
 * as plain objects. Nothing here reads the project's `envs/` (see project-envs.ts for that).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ExternalProvider } from "@cdktf/provider-external/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { Testing, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import * as fs from "node:fs";
import * as path from "node:path";
import { addEnvStacks, PROJECT_ROOT, type EnvStacks } from "../../src/app";
import type { Statement } from "../../src/lib/iam";
import { ReadableStack } from "../../src/stacks/readable-stack";
import { assertValidEnvs, loadEnvSources, type EnvConfig, type EnvInput, type EnvSource } from "../../src/config";

/**
 * The fixture environments (`__tests__/fixtures/envs/`): what the project's own tests build on, so
 * they never depend on which environments `envs/` holds. `alpha`: Fargate only, public endpoint,
 * the 2048 sample; `bravo`: production tier, self-managed and managed node groups, a private
 * endpoint, a role to assume, CI deploys; `charlie`: EKS Auto Mode.
 */
export const FIXTURE_ENVS_DIR = path.join(PROJECT_ROOT, "__tests__", "fixtures", "envs");

/** The fixture environments as their files export them. */
export function fixtureSources(): Promise<EnvSource[]> {
  return loadEnvSources(FIXTURE_ENVS_DIR);
}

/** The validated fixture environments. */
export async function fixtureEnvs(): Promise<EnvConfig[]> {
  return assertValidEnvs(await fixtureSources());
}

/** One validated fixture environment by name. */
export async function fixtureEnv(name: "alpha" | "bravo" | "charlie"): Promise<EnvConfig> {
  const env = (await fixtureEnvs()).find((e) => e.name === name);
  if (!env) throw new Error(`no fixture environment "${name}" in ${FIXTURE_ENVS_DIR}`);
  return env;
}

/**
 * A fixture-like environment with Karpenter, built from `alpha` (Fargate only, the load balancer
 * controller, the 2048 sample, tables, a CI plan role) under another name and VPC: `delta` runs the
 * controller on its node group, `echo` on Fargate; both let the NodePool take spot and on-demand.
 */
export async function karpenterFixture(controllerOn: "nodeGroup" | "fargate"): Promise<EnvConfig> {
  const alpha = (await fixtureSources()).find((s) => (s.raw as EnvInput).name === "alpha")!;
  const input = JSON.parse(JSON.stringify(alpha.raw)) as EnvInput;
  const [name, cidr] = controllerOn === "nodeGroup" ? ["delta", "10.60.0.0/16"] : ["echo", "10.70.0.0/16"];
  Object.assign(input, {
    name,
    tags: { CostCenter: `fixture-${name}` },
    vpc: { ...input.vpc, cidr },
    karpenter: { controllerOn, nodePool: { capacityTypes: ["spot", "on-demand"], cpuLimit: 64 } },
  });
  return assertValidEnvs([{ source: `karpenterFixture("${controllerOn}")`, raw: input }])[0];
}

/** The cluster admin of `baseInput`, also the role its workloads stack takes its token as. */
export const TEST_ADMIN = "arn:aws:iam::123456789012:role/platform-admin";

/**
 * The minimal environment every small input of a test starts from: a name, a project, a region and
 * two of its zones. It says nothing of cluster access (see `baseInput` and `withClusterAccess`).
 */
export const configBase = {
  name: "test",
  project: "fixture",
  region: "eu-west-1",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
};

/**
 * A valid minimal environment input (`configBase`); override fields per test. It has one cluster
 * admin, which the workloads stack authenticates as (both required), unless the overrides name their own.
 */
export function baseInput(overrides: Partial<EnvInput> = {}): EnvInput {
  return {
    ...configBase,
    ...overrides,
    eks: { admins: { platform: TEST_ADMIN }, ...overrides.eks },
    workloads: { roleArn: TEST_ADMIN, ...overrides.workloads },
  };
}

/** What `vpc.existing` of an environment file says. */
export type ExistingVpcInput = NonNullable<NonNullable<EnvInput["vpc"]>["existing"]>;

/**
 * `vpc.existing` of a test: the VPC 10.70.0.0/16 with a private and a public subnet in each of
 * eu-west-1a and eu-west-1b (the zones of `baseInput`), discovery tags added by the platform stack.
 */
export function existingVpcInput(overrides: Partial<ExistingVpcInput> = {}): Required<ExistingVpcInput> {
  return {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    cidr: "10.70.0.0/16",
    privateSubnets: [
      { id: "subnet-0a000000000000001", zone: "eu-west-1a", cidr: "10.70.0.0/19" },
      { id: "subnet-0a000000000000002", zone: "eu-west-1b", cidr: "10.70.32.0/19" },
    ],
    publicSubnets: [
      { id: "subnet-0b000000000000001", zone: "eu-west-1a", cidr: "10.70.224.0/22" },
      { id: "subnet-0b000000000000002", zone: "eu-west-1b", cidr: "10.70.228.0/22" },
    ],
    discoveryTags: "add",
    ...overrides,
  };
}

/** An environment file's text exporting `input`, for tests that load files as the app does. */
export function envFileText(input: unknown): string {
  return `export default ${JSON.stringify(input)};\n`;
}

/** A validated environment from `baseInput(overrides)`. */
export function testEnv(overrides: Partial<EnvInput> = {}): EnvConfig {
  return assertValidEnvs([{ source: "envs/test.ts", raw: baseInput(overrides) }])[0];
}

/** A synthesized stack: sorted JSON without metadata, with validations run (as `cdktf synth` does). */
export type StackJson = {
  provider?: Record<string, Record<string, unknown>[]>;
  terraform: Record<string, unknown> & { backend?: Record<string, Record<string, unknown>> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
  moved?: { from: string; to: string }[];
};

export function synthStack(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack, true)) as StackJson;
}

/** Removes cdktf's "//" metadata everywhere, as `Testing.synth` does. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, withoutMetadata(v)]),
    );
  }
  return value;
}

/**
 * Every stack of one environment, synthesized through a whole App (as `cdktf synth` does), so
 * cross-stack references become remote-state reads and outputs.
 */
export function synthEnv(env: EnvConfig): { stacks: EnvStacks; json: Record<keyof EnvStacks, StackJson> } {
  const app = Testing.app();
  const stacks = addEnvStacks(app, env);
  app.synth();
  const json = Object.fromEntries(
    Object.entries(stacks)
      .filter(([, s]) => s !== undefined)
      .map(([k, s]) => {
        const file = path.join(app.outdir, "stacks", (s as TerraformStack).node.id, "cdk.tf.json");
        return [k, withoutMetadata(JSON.parse(fs.readFileSync(file, "utf8")))];
      }),
  ) as Record<keyof EnvStacks, StackJson>;
  return { stacks, json };
}

/** The resources of one type in a synthesized stack, by name (empty when none). */
export function resourcesOf(json: StackJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** A policy document that a resource holds as JSON text (`policy`, `assume_role_policy`), parsed. */
export function policyOf(text: unknown): { Version?: string; Statement: Statement[] } {
  return JSON.parse(text as string) as { Version?: string; Statement: Statement[] };
}

/** The single resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: StackJson, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Terraform addresses (`type.name`) of every resource and data source of a synthesized stack. */
export function addresses(json: StackJson): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) for (const name of Object.keys(byName)) out.push(`${type}.${name}`);
  for (const [type, byName] of Object.entries(json.data ?? {})) for (const name of Object.keys(byName)) out.push(`data.${type}.${name}`);
  return out.sort();
}

/**
 * Synthesizes whatever `build` adds to a fresh stack with the project's readable addresses (what
 * `Testing.synthScope` does, but with the naming every real stack uses). Validations run.
 */
export function synthConstruct(build: (scope: Construct) => void): StackJson {
  const stack = new ReadableStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new ExternalProvider(stack, "external", {});
  new LocalProvider(stack, "local", {});
  new KubernetesProvider(stack, "kubernetes", {});
  new HelmProvider(stack, "helm", {});
  build(stack);
  return synthStack(stack);
}

/**
 * An environment input with the access every environment needs filled in when it says nothing of
 * it: a cluster admin, and that admin as the workloads stack's role (unless it assumes a role).
 * For tests of other rules; the access rules' own tests leave these out on purpose.
 */
export function withClusterAccess<T extends Record<string, unknown>>(input: T): T {
  const eks = (input.eks ?? {}) as Record<string, unknown>;
  const admins = (eks.admins as Record<string, string> | undefined) ?? { platform: TEST_ADMIN };
  const workloads = (input.workloads ?? {}) as Record<string, unknown>;
  const first = Object.values(admins)[0];
  const roleArn = workloads.roleArn ?? (input.assumeRole || !/^arn:aws:iam::\d{12}:role\//.test(first ?? "") ? undefined : first);
  return { ...input, eks: { ...eks, admins }, workloads: { ...workloads, ...(roleArn ? { roleArn } : {}) } };
}
