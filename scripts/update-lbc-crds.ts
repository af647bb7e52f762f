/**
 * npm run crds:update -- <unpacked chart dir>
 *
 * Rewrites src/charts/aws-load-balancer-controller-crds from the crds/ of the AWS Load Balancer
 * Controller chart unpacked in the given folder. Run it with every bump of
 * LOAD_BALANCER_CONTROLLER_CHART (src/lib/helm-charts.ts); a test fails until the versions match.
 */
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/app";
import { parseArgs, runCli, UsageError } from "./common/cli";
import { LBC_CRD_CHART_NAME, lbcCrdChartFiles, writeChart } from "./generate/lbc-crds";

const USAGE = [
  "usage: npm run crds:update -- <unpacked chart dir>",
  "",
  "Writes src/charts/aws-load-balancer-controller-crds from the CRDs of the aws-load-balancer-controller chart, e.g.:",
  "  helm pull aws-load-balancer-controller --repo https://aws.github.io/eks-charts --version <version> --untar --untardir /tmp/lbc",
  "  npm run crds:update -- /tmp/lbc/aws-load-balancer-controller",
].join("\n");

runCli(USAGE, () => {
  const { positionals } = parseArgs(process.argv.slice(2));
  if (positionals.length !== 1) throw new UsageError("give exactly one folder: the unpacked aws-load-balancer-controller chart");
  const files = lbcCrdChartFiles(path.resolve(positionals[0]));
  const out = path.join(PROJECT_ROOT, "src", "charts", LBC_CRD_CHART_NAME);
  writeChart(out, files);
  console.log(`wrote ${path.relative(process.cwd(), out)}: ${Object.keys(files).join(", ")}`);
});
