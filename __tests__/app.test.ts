/**
 * EksApp's synth: each stack is resolved once for the policy check and the files, unless an
 * aspect could still change it while cdktf writes it.
 */
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Aspects, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp, selectEnvs } from "../src/app";
import { fixtureEnvs, testEnv } from "./helpers/synth";

class TagVpcs implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof Vpc) node.addOverride("tags.AddedByAspect", "yes");
  }
}

function synthWith(aspect?: IAspect): { vpcTags: Record<string, string>; frozen: boolean } {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-app-")), "cdktf.out");
  const { app, stacks } = buildApp([testEnv()], outdir);
  const platform = stacks[0].platform;
  if (aspect) Aspects.of(platform).add(aspect);
  app.synth();
  const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "test-platform", "cdk.tf.json"), "utf8")) as {
    resource: { aws_vpc: { vpc: { tags: Record<string, string> } } };
  };
  return { vpcTags: json.resource.aws_vpc.vpc.tags, frozen: (platform as unknown as { frozen?: unknown }).frozen !== undefined };
}

describe("EksApp synth", () => {
  it("resolves each stack once when the stacks have no aspect", () => {
    const r = synthWith();
    expect(r.frozen).toBe(true);
    expect(r.vpcTags).not.toHaveProperty("AddedByAspect");
  });

  it("keeps the changes of any other aspect, which cdktf runs while writing", () => {
    const r = synthWith(new TagVpcs());
    expect(r.frozen).toBe(false);
    expect(r.vpcTags).toMatchObject({ AddedByAspect: "yes" });
  });
});

describe("EKS_ENVS: synthesize only some environments", () => {
  it("keeps the named environments in file order, all when unset, and refuses names that are not environments", async () => {
    const envs = await fixtureEnvs();
    expect(selectEnvs(envs, undefined)).toBe(envs);
    expect(selectEnvs(envs, "bravo, alpha").map((e) => e.name)).toEqual(["alpha", "bravo"]);
    expect(() => selectEnvs(envs, "nosuchenv")).toThrow(
      'EKS_ENVS names "nosuchenv", not an environment of envs/ (have: alpha, bravo, charlie)',
    );
    expect(() => selectEnvs(envs, "alpha,")).toThrow(`EKS_ENVS names an empty name, not an environment of envs/`);
    expect(() => selectEnvs(envs, " ")).toThrow("EKS_ENVS is set but names no environment");
  });
});
