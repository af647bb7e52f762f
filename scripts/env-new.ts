/**
 * npm run env:new -- <name> --account <12 digits> --region <region> [--capacity fargate|managed|auto] [--project <name>] [--cidr <cidr>]
 *
 * Writes envs/<name>.ts (the folder the app reads: $EKS_ENVS_DIR when set): a typed environment
 * with the region's zones, a VPC CIDR no other environment of its account and region overlaps, and
 * the project's secure defaults, validated with every existing environment and synthesized before
 * it is written. See scripts/env-new/.
 */
import "../src/boot";
import { PROJECT_ROOT } from "../src/app";
import { envsDir } from "../src/config";
import { runCli } from "./common/cli";
import { createEnv } from "./env-new/create";
import { capacitySummary } from "./env-new/generate";
import { parseEnvNewArgs, USAGE, wantsHelp } from "./env-new/options";

runCli(USAGE, async () => {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE.trim()}\n`);
    return;
  }
  const request = parseEnvNewArgs(argv);
  const created = await createEnv(request, envsDir(PROJECT_ROOT));
  const { name } = request;
  const commands: [string, string][] = [
    ["npm run synth", "validates every environment, then synthesizes"],
    ["npm run addresses:update", `records the new stacks' addresses; commit them with ${created.shown}`],
    [`npm run bootstrap -- ${name}`, "deploys it: the state backend first, then the rest"],
    [`npm run deploy:emulated -- ${name}`, "or tries it without an AWS account"],
  ];
  const width = Math.max(...commands.map(([c]) => c.length)) + 2;
  const lines = [
    `wrote ${created.shown}: ${capacitySummary(request.capacity)}; project ${created.project}, account ${request.accountId}, ` +
      `zones ${created.zones.join(", ")}, VPC ${created.cidr.cidr}. It validates with the other environments and synthesizes.`,
    ...created.notes.map((n) => `note: ${n}`),
    "",
    "Next:",
    `  1. Fill in the TODOs of ${created.shown}: the cluster admin role (kubeconfig and workloads use it too), then what it runs.`,
    ...commands.map(([c, why], i) => `  ${i < 3 ? `${i + 2}.` : "  "} ${c.padEnd(width)}${why}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
});
