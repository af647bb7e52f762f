/**
 * npm run deploy:emulated -- <env> [--keep]
 *
 * Deploys <env> for real against an emulated AWS (moto on 127.0.0.1) through the steps of
 * `npm run bootstrap`: the backend with local state, its state pushed into the bucket it created,
 * the platform on its S3 backend; then a second plan of both (which must be empty) and a token from
 * the rendered kubeconfig. Nothing reaches AWS; the project's cdktf.out and terraform-state/ are
 * untouched (everything lives in .emulated/<env>/). With --keep the emulator stays up to be looked
 * at until Ctrl-C, which stops it and removes .emulated/<env>/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/app";
import { onInterrupt } from "../src/lib/interrupts";
import { stackId } from "../src/lib/naming";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { oneEnv } from "./deploy/select";
import { runEmulatedDeploy } from "./emulator/emulated-workflow";

const USAGE = `
usage: npm run deploy:emulated -- <env> [--keep]

Deploys <env>'s backend and platform against a local AWS emulator (moto), with the steps of
npm run bootstrap, then checks that a second plan is empty and that the kubeconfig yields a token.

  <env>    an environment of envs/
  --keep   leave the emulator running afterwards, to look at what was deployed; Ctrl-C stops it
           and removes .emulated/<env>/
`;

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), { options: { keep: { type: "boolean" } } });
  const { env } = await oneEnv(positionals);
  if (env.backend.kind === "hcp")
    throw new UsageError(
      `environment "${env.name}" keeps its state in HCP Terraform (backend.kind "hcp"), which the emulator cannot stand in for; deploy:emulated needs backend.kind "s3"`,
    );
  const root = path.join(PROJECT_ROOT, ".emulated", env.name);
  const report = await runEmulatedDeploy(env, { root, projectRoot: PROJECT_ROOT, keep: values.keep, log: (line) => console.log(line) });
  for (const line of report.summary) console.log(line);
  if (report.failures.length > 0) throw new CliError(report.failures.join("\n"));
  const emu = report.kept;
  if (!emu) return;

  onInterrupt(() => fs.rmSync(root, { recursive: true, force: true }), root);
  const rel = (p: string) => path.relative(process.cwd(), p) || ".";
  const stack = (kind: "backend" | "platform") => rel(emu.stackDir(kind));
  const url = emu.moto.endpoint;
  console.log(
    [
      "",
      `The emulator keeps running at ${url} (account ${emu.moto.accountId}, region ${env.region}). In another terminal:`,
      "",
      `  export AWS_ACCESS_KEY_ID=emulated AWS_SECRET_ACCESS_KEY=emulated AWS_DEFAULT_REGION=${env.region}`,
      `  aws --endpoint-url ${url} s3 ls`,
      `  aws --endpoint-url ${url} eks describe-cluster --name ${env.derived.names.cluster}`,
      `  aws --endpoint-url ${url} dynamodb list-tables`,
      `  aws --endpoint-url ${url} ec2 describe-subnets --query 'Subnets[].[SubnetId,CidrBlock,AvailabilityZone]'`,
      `  terraform -chdir=${stack("platform")} state list      # ${stackId(env.name, "platform")}'s state, in the emulated bucket`,
      `  terraform -chdir=${stack("platform")} output`,
      `  terraform -chdir=${stack("backend")} plan          # no changes`,
      `  kubectl --kubeconfig ${rel(path.join(root, env.derived.names.kubeconfigPath))} config view`,
      "",
      "The kubeconfig is the one the platform renders; kubectl can show it, and its exec block gets a token",
      "from the emulated STS, but there is no Kubernetes API server behind the emulated cluster, so",
      "kubectl get ... cannot work here. Terraform's logs of each step are in",
      `${rel(path.join(root, "logs"))}/.`,
      "",
      `Press Ctrl-C to stop the emulator and remove ${rel(root)}/.`,
    ].join("\n"),
  );
  // The emulator's process keeps this program alive; the interrupt handler stops it and runs the cleanup.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
});
