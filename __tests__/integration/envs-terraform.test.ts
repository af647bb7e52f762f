/**
 * Every stack of every environment of `envs/`, the samples or a team's own, against the real
 * Terraform and the real hashicorp/aws 5.100.0 provider: an offline plan (no AWS account, no
 * credentials, no network) of each backend and platform stack, which validates it and must create
 * exactly the addresses of the contract (`__tests__/contract/addresses.json`) with no data source
 * that needs AWS; init + validate of the others (workloads stacks, which need a cluster to plan).
 * Stacks on HCP Terraform, whose workspaces cannot be reached from here, are validated without their
 * backend and not planned.
 *
 * The only integration test that reads `envs/`; what the project's code does is proven on the
 * fixture environments (terraform-offline.test.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { assertValidEnvs } from "../../src/config";
import { STACK_KINDS, stackId } from "../../src/lib/naming";
import { projectEnvSources, recordedAddresses } from "../helpers/project-envs";
import {
  assertValidates,
  dataSourcesNeedingAws,
  getToolchain,
  offlineWorkspaces,
  planOffline,
  testOutputDir,
  type Toolchain,
} from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("envs-terraform");
const { sources, error } = await projectEnvSources();
const envs = sources.length > 0 ? assertValidEnvs(sources) : [];

const hcpStacks = new Set(envs.filter((e) => e.backend.kind === "hcp").flatMap((e) => STACK_KINDS.map((k) => stackId(e.name, k))));
const stacks = envs.flatMap((e) => STACK_KINDS.filter((k) => k !== "backend" || e.backend.kind === "s3").map((k) => stackId(e.name, k)));
const planned = stacks.filter((s) => !hcpStacks.has(s) && /-(backend|platform)$/.test(s));

describe.runIf(tc)("the environments of envs/ against the real Terraform, offline", () => {
  it("load, or the loader says in one line that there are none", () => {
    const found = error ? error.message : `${envs.length} environments`;
    expect(found).toMatch(error ? /^no environment files \(\*\.ts\) found in \S+; add one, e\.g\. / : /^[1-9]\d* environments$/);
  });

  const toolchain = tc as Toolchain;
  const outdir = path.join(out, "cdktf.out");
  const workspace = offlineWorkspaces(toolchain, outdir, path.join(out, "work"), (stack) => hcpStacks.has(stack));

  beforeAll(() => {
    buildApp(envs, outdir).app.synth();
  });

  // A plan validates the configuration first: the planned stacks are not validated twice.
  it.each(stacks.filter((s) => !planned.includes(s)))("%s: terraform init + validate pass against hashicorp/aws 5.100.0", async (stack) => {
    await assertValidates(toolchain, await workspace(stack));
  });

  it.each(planned)("%s: an offline plan creates exactly the address contract, with no data source needing AWS", async (stack) => {
    const ws = await workspace(stack);
    const changes = await planOffline(toolchain, ws);
    expect(fs.readFileSync(path.join(ws.dir, ".terraform.lock.hcl"), "utf8")).toMatch(
      /provider "registry\.terraform\.io\/hashicorp\/aws" \{\n\s+version\s+= "5\.100\.0"/,
    );
    const managed = changes.filter((c) => !c.address.startsWith("data."));
    expect(managed.every((c) => c.actions.join() === "create")).toBe(true);
    // Exactly the reviewed address contract: every resource of the stack, none pruned by accident.
    const contract = recordedAddresses()[stack] ?? [];
    const expected = contract.filter((a) => !a.startsWith("data.") && !ws.pruned.removed.includes(a));
    expect(managed.map((c) => c.address).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(5);
    // Only data sources computed locally may remain: nothing that calls AWS at plan time.
    expect(dataSourcesNeedingAws(ws)).toEqual([]);
  });
});
