/**
 * Terraform addresses are a contract: state is keyed by them. This keeps the sorted address list of
 * every stack of the sample environments; renaming a construct fails here, with what to do.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp, PROJECT_ROOT } from "../../../src/app";
import { addressDiff, addressesOf } from "../../../src/tools/generate/addresses";
import { sampleEnvs } from "../../helpers/synth";

const recordedFile = path.join(PROJECT_ROOT, "__tests__", "contract", "addresses.json");

function explain(diff: string[]): string {
  return [
    "Terraform addresses changed. State is keyed by address: a removed (-) address that reappears under a new (+) one is",
    "DESTROYED and RECREATED on the next apply (an EKS cluster, a state bucket, a table with data).",
    ...diff,
    "If the change is intended: for each rename add a `moved` block (or run `terraform state mv`) so nothing is recreated,",
    "then record the new list with: npm run addresses:update",
  ].join("\n");
}

describe("address contract", () => {
  it("keeps the recorded Terraform addresses of every sample stack", async () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "addresses-")), "cdktf.out");
    buildApp(await sampleEnvs(), outdir).app.synth();
    const recorded = JSON.parse(fs.readFileSync(recordedFile, "utf8")) as Record<string, string[]>;
    const diff = addressDiff(recorded, addressesOf(outdir));
    expect(diff, explain(diff)).toEqual([]);
    expect(Object.values(recorded).flat().length).toBeGreaterThan(150);
  });

  it("reports a rename as a removal and an addition, per stack", () => {
    const diff = addressDiff(
      { "dev-platform": ["aws_eks_cluster.eks", "aws_vpc.vpc"] },
      { "dev-platform": ["aws_eks_cluster.cluster", "aws_vpc.vpc"] },
    );
    expect(diff).toEqual(["- dev-platform aws_eks_cluster.eks", "+ dev-platform aws_eks_cluster.cluster"]);
    expect(explain(diff)).toContain("DESTROYED and RECREATED");
  });
});
