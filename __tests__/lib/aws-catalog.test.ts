import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { architecturesOf, instanceTypeProblem, partitionOf, regionProblem, zonesOf } from "../../src/lib/aws-catalog";
import { findCatalogSources, renderCatalog, type CatalogSources } from "../../scripts/generate/aws-catalog-source";

/** moto and botocore come with the project's required tools (moto's server, the AWS CLI). */
function sources(): CatalogSources | undefined {
  try {
    return findCatalogSources();
  } catch (err) {
    if (process.env.CI) throw new Error("python3 with moto and botocore is required on CI", { cause: err });
    return undefined;
  }
}
const src = sources();

describe("the AWS catalog", () => {
  it.runIf(src)("is what botocore's region list and moto's EC2 data give (run npm run catalog:update after upgrading either)", async () => {
    const file = path.join(PROJECT_ROOT, "src", "lib", "aws-catalog.generated.ts");
    const options = (await prettier.resolveConfig(file)) ?? {};
    expect(fs.readFileSync(file, "utf8")).toBe(await prettier.format(renderCatalog(src!), { ...options, filepath: file }));
  });

  it("answers regions, zones and partitions", () => {
    expect(partitionOf("eu-west-1")).toBe("aws");
    expect(partitionOf("cn-northwest-1")).toBe("aws-cn");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
    expect(zonesOf("us-east-1")).toEqual(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]);
    expect(zonesOf("eu-west-1")).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(regionProblem("eu-west-1")).toBeUndefined();
    expect(regionProblem("us-east-7")).toMatch(/^is not an AWS region \(did you mean "us-east-1"\?\); us- regions: us-east-1, /);
  });

  it("knows each family's architecture and sizes, and never suggests the refused type", () => {
    expect(architecturesOf("m7g.large")).toEqual(["arm64"]);
    expect(architecturesOf("a1.medium")).toEqual(["arm64"]);
    expect(architecturesOf("m5.large")).toEqual(["x86_64"]);
    expect(architecturesOf("m5.huge")).toBeUndefined();
    expect(instanceTypeProblem("m5.large")).toBeUndefined();
    for (const bad of ["m5.lrage", "t3.4xlarge", "m9.large", "mm5.large", "M5.LARGE"]) {
      const problem = instanceTypeProblem(bad)!;
      expect(problem).toMatch(/^(is not an EC2 instance type|must be an EC2 instance type)/);
      expect(problem).not.toContain(`"${bad}"`);
    }
  });
});
