/**
 * Builds the project's CRD chart of the AWS Load Balancer Controller (src/charts/aws-load-balancer-controller-crds)
 * from the controller's chart, unpacked (`helm pull eks/aws-load-balancer-controller --version <v> --untar`).
 *
 * Helm installs a chart's crds/ folder on the first install only and never upgrades it, so the
 * controller's CRDs would stay at the version first installed. The project's chart holds the same
 * files as templates, which Helm upgrades with the release. Each CRD gets
 * `helm.sh/resource-policy: keep`: uninstalling the release (a destroy, a rename) must never delete
 * the CRDs, which would delete every TargetGroupBinding and IngressClassParams with them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { CliError } from "../common/cli";

export const LBC_CRD_CHART_NAME = "aws-load-balancer-controller-crds";

const KEEP = "helm.sh/resource-policy: keep";

/** The chart's files by path, for the controller chart unpacked in `chartDir`. */
export function lbcCrdChartFiles(chartDir: string): Record<string, string> {
  const chartFile = path.join(chartDir, "Chart.yaml");
  const crdsDir = path.join(chartDir, "crds");
  if (!fs.existsSync(chartFile) || !fs.existsSync(crdsDir))
    throw new CliError(`${chartDir} is not an unpacked aws-load-balancer-controller chart: it needs Chart.yaml and crds/`);
  const chart = parse(fs.readFileSync(chartFile, "utf8")) as { name?: string; version?: string; appVersion?: string };
  if (chart.name !== "aws-load-balancer-controller" || !chart.version)
    throw new CliError(`${chartFile} is chart ${JSON.stringify(chart.name)}, not aws-load-balancer-controller with a version`);
  const files: Record<string, string> = {
    "Chart.yaml": [
      "apiVersion: v2",
      `name: ${LBC_CRD_CHART_NAME}`,
      `description: The CRDs of the aws-load-balancer-controller chart ${chart.version}, as templates so that Helm upgrades them (written by npm run crds:update)`,
      "type: application",
      `version: ${chart.version}`,
      `appVersion: ${chart.appVersion ?? chart.version}`,
      "",
    ].join("\n"),
  };
  const sources = fs.readdirSync(crdsDir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
  for (const file of sources.sort()) {
    const where = path.join(crdsDir, file);
    // The annotation goes in as text, so the files stay line for line the chart's (a reviewable diff).
    const text = fs
      .readFileSync(where, "utf8")
      .replace(/^metadata:\n(?: {2}annotations:\n)?/gm, (m) => `${m.endsWith("annotations:\n") ? m : `${m}  annotations:\n`}    ${KEEP}\n`);
    const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
    for (const doc of docs) {
      if (doc.errors.length > 0) throw new CliError(`${where}: ${doc.errors[0].message}`);
      if (doc.get("kind") !== "CustomResourceDefinition")
        throw new CliError(`${where} holds a ${String(doc.get("kind"))}; only CustomResourceDefinitions are expected`);
      if (doc.getIn(["metadata", "annotations", "helm.sh/resource-policy"]) !== "keep")
        throw new CliError(`${where}: a CRD's metadata is not at the top of its document, so it cannot be annotated`);
    }
    // A CRD's text must not read as a Helm template.
    if (text.includes("{{")) throw new CliError(`${where} contains "{{", which Helm would read as a template`);
    files[`templates/${file}`] = text;
  }
  if (sources.length === 0) throw new CliError(`${crdsDir} holds no CRD file`);
  return files;
}

/** Replaces the chart in `outDir` with `files` (written beside it, then renamed into place). */
export function writeChart(outDir: string, files: Readonly<Record<string, string>>): void {
  const tmp = `${outDir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
    fs.writeFileSync(path.join(tmp, file), text);
  }
  const old = `${outDir}.${process.pid}.old`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
  fs.renameSync(tmp, outDir);
  fs.rmSync(old, { recursive: true, force: true });
}
