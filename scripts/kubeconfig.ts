/**
 * npm run kubeconfig -- <env> [--outputs <file>] [--out <path> | --merge [--kubeconfig <path>] [--use-context] | --print]
 *
 * Renders the kubeconfig of <env>'s cluster from the deployed <env>-platform stack's outputs and
 * writes it (mode 0600) to the environment's kubeconfig.path (default kubeconfigs/<env>.yaml), to
 * --out, or merges it into an existing kubeconfig only when --merge is given. Outputs come from
 * `terraform output -json` in cdktf.out/stacks/<env>-platform (after `npm run deploy`), or from
 * --outputs: a `cdktf output --outputs-file` or `terraform output -json` file.
 *
 * It refuses (one line, exit 1, nothing written) an endpoint that is not https:// and outputs of a
 * cluster other than the environment's own. A kubeconfig that is a symlink stays one: what it points
 * to is replaced (atomically, keeping its owner's permissions, never group or other access).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvs, outputDir, PROJECT_ROOT } from "../src/app";
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { checkKubeconfigInput, kubeconfigInputFromOutputs, mergeKubeconfig, renderKubeconfig } from "../src/lib/kubeconfig";
import { stackId } from "../src/lib/naming";
import { linkTarget, writeFileAtomic } from "./common/private-files";
import { runTerraform } from "./terraform/terraform";
import { parseJsonFrom } from "../src/lib/text";

const USAGE = `
usage: npm run kubeconfig -- <env> [--outputs <file>] [--out <path> | --merge [--kubeconfig <path>] [--use-context] | --print]

  <env>               an environment of envs/ whose platform stack is deployed
  --outputs <file>    read the platform outputs from this JSON file instead of terraform output
  --out <path>        write the kubeconfig here (default: the environment's kubeconfig.path)
  --merge             add the cluster to an existing kubeconfig (KUBECONFIG's first file or ~/.kube/config)
  --kubeconfig <path> the kubeconfig --merge updates
  --use-context       with --merge, also make the cluster the current context
  --print             print the kubeconfig instead of writing a file
`;

/**
 * Writes a kubeconfig atomically, creating its folder (0700) if needed. A symlink stays a link: the
 * file it ends at is replaced. An existing file keeps its owner's permissions and loses any group or
 * other access (a kubeconfig may hold other clusters' tokens); a new one is 0600. Returns the file
 * written.
 */
function writeKubeconfig(file: string, content: string): string {
  let target: string;
  try {
    target = linkTarget(file);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const owner = fs.existsSync(target) ? fs.statSync(target).mode & 0o700 : 0;
  writeFileAtomic(target, content, owner || 0o600);
  return target;
}

async function platformOutputs(env: string, outputsFile: string | undefined): Promise<unknown> {
  if (outputsFile) {
    try {
      return JSON.parse(fs.readFileSync(outputsFile, "utf8"));
    } catch (err) {
      throw new CliError(`cannot read the outputs file ${outputsFile}: ${(err as Error).message}`);
    }
  }
  const dir = path.join(outputDir(), "stacks", stackId(env, "platform"));
  if (!fs.existsSync(path.join(dir, ".terraform"))) {
    throw new CliError(
      `${stackId(env, "platform")} has not been deployed from this checkout (no ${path.relative(PROJECT_ROOT, dir)}/.terraform); deploy it first (npm run bootstrap -- ${env} the first time, then npm run deploy -- ${stackId(env, "platform")}), or pass --outputs <file>`,
    );
  }
  const run = await runTerraform(["output", "-json"], dir, { ...process.env, CHECKPOINT_DISABLE: "1" }, 120_000);
  if (run.code !== 0) throw new CliError(`terraform output failed in ${dir}:\n${run.stderr || run.stdout}`);
  return parseJsonFrom(run.stdout, `terraform output -json (in ${dir})`);
}

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), {
    options: {
      outputs: { type: "string" },
      out: { type: "string" },
      kubeconfig: { type: "string" },
      merge: { type: "boolean" },
      "use-context": { type: "boolean" },
      print: { type: "boolean" },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "name the environment" : "name exactly one environment");
  const modes = Object.entries({ out: values.out !== undefined, merge: values.merge, print: values.print })
    .filter(([, given]) => given)
    .map(([mode]) => mode);
  if (modes.length > 1) throw new UsageError(`--${modes.join(" and --")} exclude each other`);
  if ((values.kubeconfig !== undefined || values["use-context"]) && !values.merge) {
    throw new UsageError("--kubeconfig and --use-context go with --merge");
  }
  const envs = await loadEnvs();
  const env = envs.find((e) => e.name === positionals[0]);
  if (!env) throw new UsageError(`no environment "${positionals[0]}" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`);

  const outputs = await platformOutputs(env.name, values.outputs);
  let input;
  try {
    input = kubeconfigInputFromOutputs(outputs, stackId(env.name, "platform"), {
      region: env.region,
      authenticator: env.kubeconfig.authenticator,
      roleArn: env.kubeconfig.roleArn,
      profile: env.kubeconfig.profile,
    });
    checkKubeconfigInput(input, { env: env.name, clusterName: env.derived.names.cluster });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const rendered = renderKubeconfig(input);

  if (values.print) {
    process.stdout.write(rendered);
    return;
  }
  if (values.merge) {
    const target = values.kubeconfig || process.env.KUBECONFIG?.split(path.delimiter)[0] || path.join(os.homedir(), ".kube", "config");
    const existing = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    let merged: string;
    try {
      merged = mergeKubeconfig(existing, rendered, { useContext: values["use-context"] });
    } catch (err) {
      throw new CliError(`cannot merge into ${target}: ${(err as Error).message}`);
    }
    const written = writeKubeconfig(target, merged);
    console.log(
      `merged context "${input.clusterName}" into ${target}${written === target ? "" : ` (a symlink: updated ${written})`}${values["use-context"] ? " and made it current" : ""}`,
    );
    return;
  }
  const out = values.out ?? path.join(PROJECT_ROOT, env.derived.names.kubeconfigPath);
  const written = writeKubeconfig(out, rendered);
  console.log(
    `wrote ${out}${written === out ? "" : ` (a symlink: updated ${written})`} (mode ${(fs.statSync(written).mode & 0o777).toString(8).padStart(4, "0")}); use it with: export KUBECONFIG=${out}`,
  );
});
