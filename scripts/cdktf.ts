/**
 * npm run deploy -- <stack...> [cdktf options]     (cdktf deploy)
 * npm run diff -- <stack...> [cdktf options]       (cdktf diff)
 *
 * The cdktf CLI, with Terraform's providers found the way `npm run plan` finds them: hashicorp/aws
 * from a filesystem mirror when there is one (TF_PROVIDER_MIRROR, or Terraform's CLI configuration), every
 * other provider from its registry. Without registry access cdktf's own `terraform providers lock`
 * (which ignores mirrors) is skipped with --skip-provider-lock, said once. Signals reach cdktf and
 * Terraform; the exit code is cdktf's.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../src/app";
import { CliError, runCli, UsageError } from "./common/cli";
import { installSignalHandlers, trackProcess } from "../src/lib/interrupts";
import { assertAwsCredentials } from "./terraform/credentials";
import { deployTerraform } from "./terraform/terraform";

const USAGE = `
usage: npm run deploy -- <stack...> [cdktf deploy options]
       npm run diff -- <stack...> [cdktf diff options]

  <stack...>   stack ids or patterns, e.g. dev-backend or 'dev-*' (as cdktf takes them)
  Options are passed to cdktf unchanged (--auto-approve, --skip-synth, ...).
`;

installSignalHandlers();

runCli(
  USAGE,
  async () => {
    const [command, ...args] = process.argv.slice(2);
    if (command !== "deploy" && command !== "diff") throw new UsageError('the first argument is "deploy" or "diff"');
    // cdktf's own --help needs no AWS.
    if (!args.includes("--help") && !args.includes("-h"))
      await assertAwsCredentials(command, args.find((a) => !a.startsWith("-"))?.replace(/-(backend|platform|workloads|\*)$/, ""));
    let tf;
    try {
      tf = await deployTerraform(path.join(PROJECT_ROOT, ".terraform-cli"));
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const { env, mirror, online } = tf;
    const extra: string[] = [];
    if (mirror) console.error(`hashicorp/aws from the filesystem mirror ${mirror}${online ? "; other providers from their registry" : ""}`);
    if (!online && !args.includes("--skip-provider-lock")) {
      extra.push("--skip-provider-lock");
      console.error("no provider registry is reachable: --skip-provider-lock (cdktf's providers lock ignores filesystem mirrors)");
    }
    const cdktf = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
    // In the terminal's process group (cdktf deploy asks for approval on it); a signal sent to this
    // program alone is forwarded to cdktf, which stops Terraform.
    const child = spawn(cdktf, [command, ...args, ...extra], { cwd: PROJECT_ROOT, env, stdio: "inherit" });
    const forget = trackProcess(child.pid!, { group: false, label: "cdktf" });
    const code = await new Promise<number>((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 128 : 1))));
    forget();
    return code;
  },
  { passHelp: true },
);
