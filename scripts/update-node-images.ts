/**
 * npm run images:update
 *
 * Reads the newest AL2023 EKS AMI release of each Kubernetes version from AWS's public SSM
 * parameters (`aws ssm get-parameters`, needs AWS credentials of any account) and rewrites
 * EKS_NODE_IMAGE_RELEASES in src/lib/eks-node-images.ts. The next plan shows every group that
 * follows the table rolling to its new release (docs/node-images.md).
 */
import { PROJECT_ROOT } from "../src/app";
import { parseArgs, runCli } from "./common/cli";
import { NODE_IMAGES_FILE, updateNodeImages } from "./images/node-images";

runCli("usage: npm run images:update", async () => {
  parseArgs(process.argv.slice(2), { allowPositionals: false });
  const changes = await updateNodeImages({ root: PROJECT_ROOT, env: process.env });
  if (changes.length === 0) console.log(`${NODE_IMAGES_FILE} is up to date`);
  for (const c of changes) console.log(`Kubernetes ${c.version}: ${c.from ?? "(not listed)"} -> ${c.to}`);
  if (changes.length > 0) console.log(`updated ${NODE_IMAGES_FILE}; the plan shows the node rollouts it makes`);
});
