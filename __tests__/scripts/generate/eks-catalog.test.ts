/**
 * The EKS tables' refresh on recorded responses: __tests__/fixtures/eks-responses holds responses
 * written from the EKS API reference (DescribeClusterVersions, DescribeAddonVersions), as the AWS
 * CLI prints them: versions 1.30 and 1.31 unsupported, 1.32-1.34 in extended support, 1.35 and a
 * new 1.36 in standard support, and add-on defaults of which vpc-cni's moved on.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../src/app";
import { EKS_ADDON_VERSIONS } from "../../../src/lib/eks-addons";
import { EKS_VERSIONS } from "../../../src/lib/eks-versions.generated";
import {
  defaultAddonVersion,
  parseClusterVersions,
  refreshEksTables,
  renderEksAddons,
  renderEksVersions,
  replayedAws,
  type EksApi,
} from "../../../scripts/generate/eks-catalog";

const FIXTURES = path.join(PROJECT_ROOT, "__tests__", "fixtures", "eks-responses");
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as Record<string, unknown>;
const recorded = replayedAws(FIXTURES);

/** The recorded responses, with some replaced (`undefined`: the recorded one). */
const withResponses =
  (replace: (args: readonly string[]) => unknown): EksApi =>
  (args) =>
    replace(args) === undefined ? recorded(args) : Promise.resolve(replace(args));

/** A DescribeAddonVersions response naming no default for any cluster version. */
const noDefault = (args: readonly string[]) => {
  const json = read(`describe-addon-versions/${args[2]}/${args[4]}.json`) as {
    addons: { addonVersions: { compatibilities: { defaultVersion: boolean }[] }[] }[];
  };
  for (const v of json.addons[0].addonVersions) for (const c of v.compatibilities) c.defaultVersion = false;
  return json;
};

describe("the generated EKS tables", () => {
  it.each([
    ["eks-versions.generated.ts", () => renderEksVersions(EKS_VERSIONS)],
    ["eks-addons.generated.ts", () => renderEksAddons(EKS_ADDON_VERSIONS)],
  ])("%s is exactly what npm run catalog:update writes for its data (no hand edits)", async (name, render) => {
    const file = path.join(PROJECT_ROOT, "src", "lib", name);
    const options = (await prettier.resolveConfig(file)) ?? {};
    expect(fs.readFileSync(file, "utf8")).toBe(await prettier.format(render(), { ...options, filepath: file }));
  });
});

describe("parseClusterVersions", () => {
  it("reads each version's support dates (UTC days) and whether EKS still supports it", () => {
    const versions = parseClusterVersions(read("describe-cluster-versions.json"));
    expect(versions.map((v) => [v.version, v.supported])).toEqual([
      ["1.30", false],
      ["1.31", false],
      ["1.32", true],
      ["1.33", true],
      ["1.34", true],
      ["1.35", true],
      ["1.36", true],
    ]);
    expect(versions.find((v) => v.version === "1.34")).toMatchObject({
      standardSupportEnds: "2026-12-02",
      extendedSupportEnds: "2027-12-02",
    });
  });

  it("takes AWS CLI v2's ISO 8601 timestamps and the deprecated status field too", () => {
    const [v] = parseClusterVersions({
      clusterVersions: [
        {
          clusterVersion: "1.35",
          status: "standard-support",
          endOfStandardSupportDate: "2027-03-27T00:00:00+00:00",
          endOfExtendedSupportDate: "2028-03-27T00:00:00Z",
        },
      ],
    });
    expect(v).toEqual({ version: "1.35", supported: true, standardSupportEnds: "2027-03-27", extendedSupportEnds: "2028-03-27" });
  });

  it("refuses a response it cannot read, naming the field and the value", () => {
    expect(() => parseClusterVersions({ versions: [] })).toThrow(
      "aws eks describe-cluster-versions: the response has no clusterVersions list",
    );
    expect(() => parseClusterVersions({ clusterVersions: [{ clusterVersion: "v1.35" }] })).toThrow(
      'clusterVersions[0].clusterVersion must be a version like "1.35", got "v1.35"',
    );
    expect(() => parseClusterVersions({ clusterVersions: [{ clusterVersion: "1.35", versionStatus: "BETA" }] })).toThrow(
      'clusterVersions[0] (1.35) has versionStatus "BETA"; expected STANDARD_SUPPORT, EXTENDED_SUPPORT or UNSUPPORTED',
    );
    expect(() =>
      parseClusterVersions({
        clusterVersions: [{ clusterVersion: "1.35", versionStatus: "STANDARD_SUPPORT", endOfStandardSupportDate: "soon" }],
      }),
    ).toThrow('clusterVersions[0].endOfStandardSupportDate must be a timestamp (epoch seconds or ISO 8601), got "soon"');
  });
});

describe("defaultAddonVersion", () => {
  it("picks the version marked default for that cluster version, not the newest", () => {
    expect(defaultAddonVersion(read("describe-addon-versions/1.35/vpc-cni.json"), "vpc-cni", "1.35")).toBe("v1.21.1-eksbuild.5");
    expect(defaultAddonVersion(read("describe-addon-versions/1.32/coredns.json"), "coredns", "1.32")).toBe("v1.11.4-eksbuild.24");
    expect(defaultAddonVersion(read("describe-addon-versions/1.33/coredns.json"), "coredns", "1.33")).toBe("v1.12.4-eksbuild.1");
  });

  it("names none when AWS marks none, and refuses two", () => {
    expect(defaultAddonVersion(noDefault(["", "", "1.35", "", "vpc-cni"]), "vpc-cni", "1.35")).toBeUndefined();
    const two = read("describe-addon-versions/1.35/vpc-cni.json") as {
      addons: { addonVersions: { compatibilities: { defaultVersion: boolean }[] }[] }[];
    };
    for (const v of two.addons[0].addonVersions) for (const c of v.compatibilities) c.defaultVersion = true;
    expect(() => defaultAddonVersion(two, "vpc-cni", "1.35")).toThrow(
      "aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name vpc-cni: more than one default version (v1.22.0-eksbuild.1, v1.21.1-eksbuild.5, v1.21.1-eksbuild.3)",
    );
  });
});

describe("refreshEksTables", () => {
  it("updates dates and defaults, and adds a version AWS supports once every add-on has a default for it", async () => {
    const { tables, notes } = await refreshEksTables(EKS_ADDON_VERSIONS, recorded);
    expect(notes).toEqual(["added Kubernetes 1.36"]);
    expect(Object.keys(tables.versions)).toEqual([...Object.keys(EKS_VERSIONS), "1.36"]);
    expect(tables.versions["1.36"]).toEqual({ standardSupportEnds: "2028-01-28", extendedSupportEnds: "2029-01-28" });
    expect(tables.addons["1.36"]).toEqual({
      "vpc-cni": "v1.21.1-eksbuild.5",
      "kube-proxy": "v1.36.0-eksbuild.1",
      coredns: "v1.13.2-eksbuild.1",
      "eks-pod-identity-agent": "v1.3.10-eksbuild.2",
      "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
      "metrics-server": "v0.8.1-eksbuild.4",
    });
    expect(tables.addons["1.32"]).toEqual({ ...EKS_ADDON_VERSIONS["1.32"], "vpc-cni": "v1.21.1-eksbuild.5" });
  });

  it("does not add a version while an add-on has no default for it", async () => {
    const api = withResponses((args) => (args[2] === "1.36" && args[4] === "metrics-server" ? noDefault(args) : undefined));
    const { tables, notes } = await refreshEksTables(EKS_ADDON_VERSIONS, api);
    expect(notes).toEqual(["not added Kubernetes 1.36: AWS names no default version of metrics-server for it yet"]);
    expect(Object.keys(tables.addons)).toEqual(Object.keys(EKS_ADDON_VERSIONS));
    expect(Object.keys(tables.versions)).toEqual(Object.keys(EKS_ADDON_VERSIONS));
  });

  it("keeps an add-on's version where AWS names no default, and drops versions AWS no longer supports", async () => {
    const api = withResponses((args) => {
      if (args[0] === "describe-cluster-versions") {
        const json = read("describe-cluster-versions.json") as { clusterVersions: { clusterVersion: string; versionStatus: string }[] };
        json.clusterVersions.find((v) => v.clusterVersion === "1.32")!.versionStatus = "UNSUPPORTED";
        return { clusterVersions: json.clusterVersions.filter((v) => v.clusterVersion !== "1.33") };
      }
      return args[2] === "1.35" && args[4] === "coredns" ? noDefault(args) : undefined;
    });
    const { tables, notes } = await refreshEksTables(EKS_ADDON_VERSIONS, api);
    expect(notes).toEqual([
      "dropped Kubernetes 1.32: AWS lists it as unsupported",
      "dropped Kubernetes 1.33: AWS no longer lists it",
      `kept coredns ${EKS_ADDON_VERSIONS["1.35"].coredns} for Kubernetes 1.35: AWS names no default version for it`,
      "added Kubernetes 1.36",
    ]);
    expect(Object.keys(tables.addons)).toEqual(["1.34", "1.35", "1.36"]);
    expect(tables.addons["1.35"].coredns).toBe(EKS_ADDON_VERSIONS["1.35"].coredns);
  });
});

describe("replayedAws", () => {
  it("says which recorded response is missing", async () => {
    expect(() => replayedAws("/nonexistent")).toThrow("--responses /nonexistent holds no describe-cluster-versions.json");
    await expect(async () =>
      recorded(["describe-addon-versions", "--kubernetes-version", "1.99", "--addon-name", "vpc-cni"]),
    ).rejects.toThrow(
      `no recorded response for aws eks describe-addon-versions --kubernetes-version 1.99 --addon-name vpc-cni: ${FIXTURES}/describe-addon-versions/1.99/vpc-cni.json is missing`,
    );
  });
});
