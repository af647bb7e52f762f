/**
 * A Helm chart of this project's own that renders one Kubernetes object given whole in its values.
 *
 * Custom resources whose CRD is installed in the same apply cannot be `kubernetes_manifest`
 * resources: the kubernetes provider reads the CRD's schema while planning, before the CRD release
 * exists (hashicorp/terraform-provider-kubernetes#1367), so a first deploy would fail at plan time.
 * Helm reads nothing before it installs, so the EC2NodeClass and NodePool are releases of this
 * chart, each depending on the release that installs their CRDs.
 *
 * The chart is written once per content into node_modules/.cache (like the bundled scripts) and
 * shipped with the stack as an asset; its files are fixed text, so the asset's hash is too.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../lib/project-root";

const CACHE_DIR = path.join(PROJECT_ROOT, "node_modules", ".cache", "cdktf-eks", "charts");

/** The chart's files by path. */
export const MANIFEST_CHART_FILES: Readonly<Record<string, string>> = {
  "Chart.yaml": [
    "apiVersion: v2",
    "name: manifest",
    "description: One Kubernetes object, given whole in the values (manifest), installed by the cdktf-eks stacks",
    "type: application",
    "version: 1.0.0",
    "",
  ].join("\n"),
  "templates/manifest.yaml": '{{ required "values.manifest is the object to install" .Values.manifest | toYaml }}\n',
};

/** The folder holding the chart (written on first use). */
export function manifestChartDir(): string {
  const hash = createHash("sha256");
  for (const [file, text] of Object.entries(MANIFEST_CHART_FILES)) hash.update(file).update(text);
  const dir = path.join(CACHE_DIR, `manifest-${hash.digest("hex").slice(0, 16)}`);
  if (!fs.existsSync(path.join(dir, "Chart.yaml"))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const [file, text] of Object.entries(MANIFEST_CHART_FILES)) {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.writeFileSync(path.join(tmp, file), text);
    }
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another synth wrote the same content first.
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(dir, "Chart.yaml"))) throw err;
    }
  }
  return dir;
}
