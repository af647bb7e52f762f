/**
 * Whatever environments `envs/` holds, the samples or a team's own: every file validates, alone and
 * next to the others; its stacks synthesize with no policy error; and their Terraform addresses are
 * the recorded contract (`__tests__/contract/addresses.json`, written by `npm run addresses:update`).
 * The only unit tests that read `envs/`: every other test builds its own environments.
 *
 * Terraform addresses are a contract: state is keyed by them. A renamed construct fails here, with
 * what to do.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp, type EksApp } from "../../src/app";
import { assertValidEnvs, validateEnvs, type EnvConfig, type EnvSource } from "../../src/config";
import { STACK_KINDS, stackId } from "../../src/lib/naming";
import { addressDiff, addressesOf } from "../../scripts/generate/addresses";
import { CONTRACT_FILE, projectEnvSources, recordedAddresses } from "../helpers/project-envs";

const { sources, error } = await projectEnvSources();
const contract = path.relative(process.cwd(), CONTRACT_FILE);

/**
 * What an address change means and what to do, each address once. Stacks the contract does not
 * know yet (a new environment) are only to be recorded; a change of a recorded stack may be a
 * rename, which Terraform would carry out by destroying and recreating the resource.
 */
function explain(diff: string[], recorded: Record<string, string[]>): string {
  if (diff.length === 0) return "";
  const stackOf = (line: string) => line.split(" ")[1];
  const added = diff.filter((l) => !(stackOf(l) in recorded));
  const changed = diff.filter((l) => stackOf(l) in recorded);
  const lines: string[] = [];
  if (added.length > 0) {
    const stacks = [...new Set(added.map(stackOf))];
    lines.push(
      `New stacks, not in the address contract yet: ${stacks
        .map((s) => added.filter((l) => stackOf(l) === s).length)
        .map((n, i) => `${stacks[i]} (${n} address${n === 1 ? "" : "es"})`)
        .join(", ")}.`,
      `Record them in ${contract} with: npm run addresses:update`,
    );
  }
  if (changed.length > 0) {
    lines.push(
      "Terraform addresses changed. State is keyed by address: a removed (-) address that reappears under a new (+) one is",
      "DESTROYED and RECREATED on the next apply (an EKS cluster, a state bucket, a table with data).",
      ...changed,
      "If the change is intended: for each rename add a `moved` block (or run `terraform state mv`) so nothing is recreated,",
      `then record the new list in ${contract} with: npm run addresses:update`,
    );
  }
  return lines.join("\n");
}

/** Each environment's stacks, synthesized once (alone: one environment's problem does not hide another's). */
const synthesized = new Map<EnvSource, { env: EnvConfig; app: EksApp; outdir: string }>();
function synthOf(source: EnvSource): { env: EnvConfig; app: EksApp; outdir: string } {
  let result = synthesized.get(source);
  if (!result) {
    const env = assertValidEnvs([source])[0];
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "envs-")), "cdktf.out");
    const { app } = buildApp([env], outdir);
    app.synth();
    result = { env, app, outdir };
    synthesized.set(source, result);
  }
  return result;
}

/** The stacks an environment named `name` can have, whether or not it has them. */
const stacksOf = (name: string) => STACK_KINDS.map((kind) => stackId(name, kind));

describe("the environments of envs/", () => {
  // An empty folder is a state a team passes through: the loader must say so in one line.
  it("load, or the loader says in one line that there are none and how to add one", () => {
    const found = error ? error.message : `${sources.length} environment files`;
    expect(found).toMatch(error ? /^no environment files \(\*\.ts\) found in \S+; add one, e\.g\. / : /^[1-9]\d* environment files$/);
  });

  it("validate together: no two share a name, a state bucket, a lock table or a kubeconfig file", () => {
    expect(validateEnvs(sources).errors).toEqual([]);
  });

  describe.each(sources)("$source", (source) => {
    it("validates", () => {
      expect(validateEnvs([source]).errors).toEqual([]);
    });

    it("synthesizes every stack, the policy pack finding no error", () => {
      const { app, outdir } = synthOf(source);
      expect(app.policyReports.flatMap((r) => r.errors)).toEqual([]);
      const stacks = fs.readdirSync(path.join(outdir, "stacks")).sort();
      expect(stacks.length).toBeGreaterThanOrEqual(2);
      expect(app.policyReports.map((r) => r.stack).sort()).toEqual(stacks);
    });

    it(`keeps the Terraform addresses recorded in the address contract`, () => {
      const { env, outdir } = synthOf(source);
      const mine = new Set(stacksOf(env.name));
      const recorded = Object.fromEntries(Object.entries(recordedAddresses()).filter(([stack]) => mine.has(stack)));
      const current = addressesOf(outdir);
      // The explanation is the whole failure message: each address in it once.
      expect(explain(addressDiff(recorded, current), recorded)).toBe("");
      expect(Object.values(current).flat().length).toBeGreaterThan(10);
    });

    it("moves state only onto addresses it keeps: each moved block's target is recorded, its origin is not", () => {
      const { outdir } = synthOf(source);
      for (const stack of fs.readdirSync(path.join(outdir, "stacks"))) {
        const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
          moved?: { from: string; to: string }[];
        };
        const recorded = new Set(recordedAddresses()[stack] ?? []);
        for (const m of json.moved ?? []) {
          expect(recorded.has(m.to), `${stack}: moved to ${m.to}`).toBe(true);
          expect(recorded.has(m.from), `${stack}: moved from ${m.from}`).toBe(false);
        }
      }
    });
  });

  it("records no stack of an environment that envs/ no longer holds", () => {
    const known = new Set(sources.flatMap((s) => stacksOf(String((s.raw as { name?: unknown }).name))));
    const stale = Object.fromEntries(Object.entries(recordedAddresses()).filter(([stack]) => !known.has(stack)));
    expect(
      Object.keys(stale).length === 0
        ? ""
        : `${contract} records stacks of no environment of envs/: ${Object.keys(stale).join(", ")}; run npm run addresses:update`,
    ).toBe("");
  });
});

describe("the address contract's failure message", () => {
  it("reports a rename as a removal and an addition, per stack, and says what to do", () => {
    const diff = addressDiff(
      { "one-platform": ["aws_eks_cluster.eks", "aws_vpc.vpc"] },
      { "one-platform": ["aws_eks_cluster.cluster", "aws_vpc.vpc"] },
    );
    expect(diff).toEqual(["- one-platform aws_eks_cluster.eks", "+ one-platform aws_eks_cluster.cluster"]);
    const message = explain(diff, { "one-platform": ["aws_eks_cluster.eks", "aws_vpc.vpc"] });
    expect(message).toContain("DESTROYED and RECREATED");
    expect(message).toContain("npm run addresses:update");
    expect(message.split("aws_eks_cluster.cluster").length - 1).toBe(1);
  });

  it("asks to record a new environment's stacks, without a word of destruction", () => {
    const diff = addressDiff({}, { "qa-backend": ["aws_s3_bucket.state_bucket"], "qa-platform": ["aws_eks_cluster.eks", "aws_vpc.vpc"] });
    expect(explain(diff, {})).toBe(
      `New stacks, not in the address contract yet: qa-backend (1 address), qa-platform (2 addresses).\nRecord them in ${contract} with: npm run addresses:update`,
    );
  });
});
