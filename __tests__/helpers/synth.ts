/**
 * Test helpers: sample environments, and synthesized JSON as plain objects.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ExternalProvider } from "@cdktf/provider-external/lib/provider";
import { type App, Testing, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import * as path from "node:path";
import { addEnvStacks, PROJECT_ROOT, type EnvStacks } from "../../src/app";
import { ReadableStack } from "../../src/stacks/readable-stack";
import { assertValidEnvs, loadEnvSources, type EnvConfig, type EnvInput } from "../../src/config";

/** The validated sample environments of `envs/`. */
export async function sampleEnvs(): Promise<EnvConfig[]> {
  return assertValidEnvs(await loadEnvSources(path.join(PROJECT_ROOT, "envs")));
}

/** A valid minimal environment input; override fields per test. */
export function baseInput(overrides: Partial<EnvInput> = {}): EnvInput {
  return {
    name: "test",
    project: "acme",
    region: "eu-west-1",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    ...overrides,
  };
}

/** A validated environment from `baseInput(overrides)`. */
export function testEnv(overrides: Partial<EnvInput> = {}): EnvConfig {
  return assertValidEnvs([{ source: "test", raw: baseInput(overrides) }])[0];
}

/** A synthesized stack: sorted JSON without metadata, with validations run (as `cdktf synth` does). */
export type StackJson = {
  provider?: Record<string, Record<string, unknown>[]>;
  terraform: Record<string, unknown> & { backend?: Record<string, Record<string, unknown>> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
};

export function synthStack(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack, true)) as StackJson;
}

/** Every stack of one environment, synthesized. */
export function synthEnv(env: EnvConfig): { stacks: EnvStacks; json: Record<keyof EnvStacks, StackJson> } {
  const app = Testing.app() as App;
  const stacks = addEnvStacks(app, env);
  const json = Object.fromEntries(Object.entries(stacks).map(([k, s]) => [k, synthStack(s as TerraformStack)])) as Record<
    keyof EnvStacks,
    StackJson
  >;
  return { stacks, json };
}

/** The resources of one type in a synthesized stack, by name (empty when none). */
export function resourcesOf(json: StackJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
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
  build(stack);
  return synthStack(stack);
}
