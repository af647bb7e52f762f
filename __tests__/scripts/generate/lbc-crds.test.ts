import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lbcCrdChartFiles, writeChart } from "../../../scripts/generate/lbc-crds";

const CRD = (name: string, annotations = true) =>
  [
    "apiVersion: apiextensions.k8s.io/v1",
    "kind: CustomResourceDefinition",
    "metadata:",
    ...(annotations ? ["  annotations:", "    controller-gen.kubebuilder.io/version: v0.19.0"] : []),
    `  name: ${name}`,
    "spec:",
    "  versions:",
    "  - name: v1",
    "",
  ].join("\n");

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** An unpacked controller chart with the given crds/ files. */
function chartWith(crds: Record<string, string>, name = "aws-load-balancer-controller"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lbc-chart-"));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "crds"));
  fs.writeFileSync(path.join(dir, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: 3.6.0\nappVersion: v3.6.0\n`);
  for (const [f, text] of Object.entries(crds)) fs.writeFileSync(path.join(dir, "crds", f), text);
  return dir;
}

describe("lbcCrdChartFiles", () => {
  it("copies every CRD file as a template, line for line, adding only the keep annotation", () => {
    const source = `${CRD("a.elbv2.k8s.aws")}---\n${CRD("b.elbv2.k8s.aws", false)}`;
    const files = lbcCrdChartFiles(
      chartWith({
        "crds.yaml": source,
        "kustomization.yaml": "resources:\n- crds.yaml\n",
      }),
    );
    expect(Object.keys(files)).toEqual(["Chart.yaml", "templates/crds.yaml"]);
    expect(files["Chart.yaml"]).toContain("name: aws-load-balancer-controller-crds\n");
    expect(files["Chart.yaml"]).toContain("version: 3.6.0\nappVersion: v3.6.0\n");
    const lines = source.split("\n");
    const added = files["templates/crds.yaml"].split("\n").filter((l) => !lines.includes(l));
    expect(added).toEqual(["    helm.sh/resource-policy: keep", "    helm.sh/resource-policy: keep"]);
    // b had no annotations: it gets the mapping too.
    expect(files["templates/crds.yaml"]).toContain(
      "metadata:\n  annotations:\n    helm.sh/resource-policy: keep\n  name: b.elbv2.k8s.aws\n",
    );
  });

  it("refuses what is not the controller's chart, objects that are not CRDs, and text Helm would template", () => {
    expect(() => lbcCrdChartFiles("/nonexistent")).toThrow("/nonexistent is not an unpacked aws-load-balancer-controller chart");
    expect(() => lbcCrdChartFiles(chartWith({ "crds.yaml": CRD("a") }, "karpenter"))).toThrow(
      'is chart "karpenter", not aws-load-balancer-controller with a version',
    );
    expect(() => lbcCrdChartFiles(chartWith({ "crds.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n" }))).toThrow(
      "holds a ConfigMap; only CustomResourceDefinitions are expected",
    );
    expect(() => lbcCrdChartFiles(chartWith({ "crds.yaml": CRD("a").replace("name: v1", "name: '{{ x }}'") }))).toThrow(
      'contains "{{", which Helm would read as a template',
    );
    expect(() => lbcCrdChartFiles(chartWith({}))).toThrow("holds no CRD file");
  });
});

describe("writeChart", () => {
  it("replaces the whole chart folder, leaving no file of the old one and nothing beside it", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lbc-out-"));
    dirs.push(root);
    const out = path.join(root, "chart");
    writeChart(out, { "Chart.yaml": "old\n", "templates/gone.yaml": "x\n" });
    writeChart(out, { "Chart.yaml": "new\n", "templates/crds.yaml": "y\n" });
    expect(fs.readdirSync(root)).toEqual(["chart"]);
    expect(fs.readFileSync(path.join(out, "Chart.yaml"), "utf8")).toBe("new\n");
    expect(fs.readdirSync(path.join(out, "templates"))).toEqual(["crds.yaml"]);
  });
});
