/**
 * The parts of `npm run images:update` that need no AWS: reading `aws ssm get-parameters` answers
 * (fixtures in the CLI's JSON output format: one with every version, one with gaps) and rewriting
 * the table in the catalog file. The command itself runs against moto in integration/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../src/app";
import { EKS_NODE_IMAGE_RELEASES } from "../../../src/lib/eks-node-images";
import { NODE_IMAGES_FILE, parseReleaseParameters, renderNodeImageTable } from "../../../scripts/images/node-images";

const fixture = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, "__tests__", "fixtures", "ssm", name), "utf8");
const VERSIONS = ["1.32", "1.33", "1.34", "1.35"];
const NEXT = { "1.32": "1.32.13-20260602", "1.33": "1.33.10-20260602", "1.34": "1.34.8-20260602", "1.35": "1.35.5-20260602" };

describe("images:update, offline parts", () => {
  it("reads the release of every version from the CLI's answer, split over several calls or not", () => {
    const answer = fixture("eks-release-versions.get-parameters.json");
    expect(parseReleaseParameters([answer], VERSIONS)).toEqual(NEXT);
    const doc = JSON.parse(answer) as { Parameters: unknown[] };
    const split = [0, 2].map((i) => JSON.stringify({ Parameters: doc.Parameters.slice(i, i + 2), InvalidParameters: [] }));
    expect(parseReleaseParameters(split, VERSIONS)).toEqual(NEXT);
  });

  it("refuses an answer with a missing parameter or another version's release, naming each, so nothing is half-updated", () => {
    expect(() => parseReleaseParameters([fixture("eks-release-versions-gaps.get-parameters.json")], VERSIONS)).toThrow(
      [
        "the node image table was left unchanged:",
        'Kubernetes 1.34: /aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/release_version is a release for Kubernetes 1.33, but the group\'s nodes run 1.34; use a 1.34.x release (got "1.33.10-20260602")',
        "Kubernetes 1.35: /aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version is not there (AWS publishes no AL2023 image for it yet?)",
      ].join("\n"),
    );
    expect(() => parseReleaseParameters(["<html>throttled</html>"], VERSIONS)).toThrow(
      "aws ssm get-parameters did not answer JSON: <html>throttled</html>",
    );
    expect(() => parseReleaseParameters(["{}"], VERSIONS)).toThrow("aws ssm get-parameters answered without a Parameters list");
  });

  it("rewrites only the table's rows of the catalog file, and nothing when the releases are the same", () => {
    const source = fs.readFileSync(path.join(PROJECT_ROOT, NODE_IMAGES_FILE), "utf8");
    expect(renderNodeImageTable(source, EKS_NODE_IMAGE_RELEASES)).toBe(source);
    const updated = renderNodeImageTable(source, NEXT);
    const changed = (a: string, b: string) => {
      const [x, y] = [a.split("\n"), b.split("\n")];
      return x.map((line, i) => [line, y[i]]).filter(([l, r]) => l !== r);
    };
    expect(updated.split("\n")).toHaveLength(source.split("\n").length);
    expect(changed(source, updated)).toEqual(
      VERSIONS.map((v) => [`  "${v}": "${EKS_NODE_IMAGE_RELEASES[v]}",`, `  "${v}": "${NEXT[v as keyof typeof NEXT]}",`]),
    );
    // A version new to the project gets a row; one dropped loses it.
    expect(renderNodeImageTable(source, { "1.35": NEXT["1.35"], "1.36": "1.36.1-20260602" })).toContain(
      `= {\n  "1.35": "1.35.5-20260602",\n  "1.36": "1.36.1-20260602",\n};`,
    );
    expect(() => renderNodeImageTable("export const OTHER = {};", NEXT)).toThrow("has no EKS_NODE_IMAGE_RELEASES table to rewrite");
  });
});
