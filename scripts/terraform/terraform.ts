/**
 * Running the real Terraform binary against synthesized stacks, online or offline.
 *
 * Offline (no AWS account, possibly no internet) a stack is copied to a work folder and planned with
 * override files only: a local backend instead of S3, dummy credentials from the environment and the
 * provider's skip_* flags. Nothing fake ever enters the synthesized JSON in `cdktf.out`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runProcess, type ProcessRun } from "../common/process";
import { removeOnInterrupt } from "../../src/lib/interrupts";
import { block, blocks, readStackFile, valueText, type Json, type TerraformJson } from "../../src/lib/synthesized";
import { parseJsonFrom } from "../../src/lib/text";

/** Providers the stacks use besides hashicorp/aws: pruned (visibly) where the registry cannot be reached. */
export const REGISTRY_ONLY_PROVIDERS = ["external", "local", "kubernetes", "helm"] as const;

/** The hashicorp/aws version `@cdktf/provider-aws` 20.1.0 is generated for. */
const AWS_PROVIDER_VERSION = "5.100.0";

/** Environment variable naming a Terraform filesystem mirror that holds hashicorp/aws. */
const MIRROR_ENV = "TF_PROVIDER_MIRROR";

/** Terraform's implied local mirror folders on Unix, searched before anything else. */
function impliedMirrorDirs(): string[] {
  const home = os.homedir();
  const xdg = process.env.XDG_DATA_HOME ?? path.join(home, ".local", "share");
  return [
    path.join(home, ".terraform.d", "plugins"),
    path.join(xdg, "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
}

/** True when `dir` is a filesystem mirror holding hashicorp/aws at the pinned version. */
export function mirrorHasAws(dir: string): boolean {
  for (const host of safeReaddir(dir)) {
    const awsDir = path.join(dir, host, "hashicorp", "aws");
    if (fs.existsSync(path.join(awsDir, AWS_PROVIDER_VERSION))) return true; // unpacked layout
    if (safeReaddir(awsDir).some((f) => f.startsWith(`terraform-provider-aws_${AWS_PROVIDER_VERSION}_`))) return true; // packed
  }
  return false;
}

let cachedMirror: string | null | undefined;

/**
 * The `filesystem_mirror` paths of Terraform's own CLI configuration (`$TF_CLI_CONFIG_FILE`, else
 * `~/.terraformrc`): a machine set up for Terraform without registry access names its mirror there.
 */
export function cliConfigMirrors(env: NodeJS.ProcessEnv = process.env): string[] {
  const text = safeRead(env.TF_CLI_CONFIG_FILE || path.join(os.homedir(), ".terraformrc")) ?? "";
  return [...text.matchAll(/filesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
}

/**
 * Finds a filesystem mirror with hashicorp/aws 5.100.0: `$TF_PROVIDER_MIRROR`, then the mirrors of
 * Terraform's CLI configuration, then Terraform's implied local mirror folders. Returns undefined
 * when none holds it (Terraform then installs from the registry). Never a search of the disk and
 * never a hard-coded path of one machine.
 */
export function findAwsProviderMirror(): string | undefined {
  if (cachedMirror !== undefined) return cachedMirror ?? undefined;
  const fromEnv = process.env[MIRROR_ENV];
  if (fromEnv) {
    if (!mirrorHasAws(fromEnv)) {
      throw new Error(`${MIRROR_ENV}=${fromEnv} holds no hashicorp/aws ${AWS_PROVIDER_VERSION}; fix or unset it`);
    }
    return (cachedMirror = fromEnv);
  }
  cachedMirror = [...cliConfigMirrors(), ...impliedMirrorDirs()].find(mirrorHasAws) ?? null;
  return cachedMirror ?? undefined;
}

/** The terraform binary on PATH, or undefined. */
export function findTerraform(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "terraform");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Terraform's version (`1.11.4`). */
export function terraformVersion(): string {
  const out = execFileSync("terraform", ["version", "-json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  return parseJsonFrom<{ terraform_version: string }>(out, "terraform version -json").terraform_version;
}

/**
 * Writes a Terraform CLI config that installs hashicorp/aws from the mirror and, when `direct` is
 * true, every other provider from its registry. Returns its path.
 */
export function writeCliConfig(dir: string, mirror: string | undefined, direct: boolean): string {
  const blocks: string[] = [];
  if (mirror) blocks.push(`  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["hashicorp/aws"]\n  }`);
  if (direct || !mirror) blocks.push(mirror ? `  direct {\n    exclude = ["hashicorp/aws"]\n  }` : "  direct {}");
  const file = path.join(dir, "terraform.tfrc");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `provider_installation {\n${blocks.join("\n")}\n}\n`);
  return file;
}

/** The Terraform setup of the commands that change AWS (deploy, diff, bootstrap, teardown). */
export interface DeployTerraform {
  /** The environment of every terraform (and cdktf) command: the CLI config when a mirror is used. */
  readonly env: NodeJS.ProcessEnv;
  /** The filesystem mirror hashicorp/aws comes from, if any. */
  readonly mirror?: string;
  /** Whether the provider registry answers (else cdktf must skip its `terraform providers lock`). */
  readonly online: boolean;
}

/**
 * Terraform for the commands that change AWS: hashicorp/aws from a filesystem mirror when there is
 * one, every other provider from its registry. The CLI config is written into `dir`.
 */
export async function deployTerraform(dir: string): Promise<DeployTerraform> {
  const mirror = findAwsProviderMirror();
  fs.mkdirSync(dir, { recursive: true });
  const online = await canInstallFromRegistry(dir, mirror);
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  if (mirror) env.TF_CLI_CONFIG_FILE = writeCliConfig(dir, mirror, online);
  return { env, mirror, online };
}

/** The result of one terraform command. */
export type TerraformRun = ProcessRun;

/**
 * Runs `terraform <args>` in `cwd`, bounded by `timeoutMs`; never throws on a non-zero exit. On
 * SIGINT or SIGTERM, Terraform and its provider plugins get the signal (see process.ts).
 */
export function runTerraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<TerraformRun> {
  return runProcess("terraform", args, { cwd, env, timeoutMs });
}

/** The environment every terraform command gets: no checkpoint calls, no prompts, the CLI config. */
export function terraformEnv(cliConfigFile: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfigFile, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0", ...extra };
}

/**
 * Dummy credentials for an offline plan. They come from the environment, never from the
 * synthesized code; with the skip_* flags of `offlineProviderOverride` nothing calls AWS.
 */
export const OFFLINE_AWS_ENV: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: "offline-plan",
  AWS_SECRET_ACCESS_KEY: "offline-plan",
  AWS_SESSION_TOKEN: "",
  AWS_PROFILE: "",
  AWS_EC2_METADATA_DISABLED: "true",
};

/**
 * The provider override of an offline plan: skip every call to STS and IMDS, retry nothing, and,
 * since no account exists to compare with, drop `allowed_account_ids` and any role to assume.
 */
export function offlineProviderOverride(stackJson: TerraformJson): TerraformJson | undefined {
  const providers = blocks(stackJson.provider?.aws);
  if (providers.length === 0) return undefined;
  const override: Json = {
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    max_retries: 1,
    allowed_account_ids: null,
  };
  if (providers.some((p) => p.assume_role)) override.assume_role = [{ role_arn: "" }];
  return { provider: { aws: override } };
}

/** The backend override of an offline plan: a local state file in the work folder. */
const OFFLINE_BACKEND_OVERRIDE: TerraformJson = { terraform: { backend: { local: { path: "offline.tfstate" } } } };

/** What pruning did to a stack, for the test output. */
export interface PruneReport {
  readonly providers: string[];
  readonly removed: string[];
}

/**
 * Removes from a synthesized stack every block of the given providers (their resources, data
 * sources, provider configs and required_providers entries), the outputs that read them, and the
 * attributes of remaining blocks that reference them. Used only for offline checks where those
 * providers cannot be installed; returns what it removed so the caller can say so.
 */
export function pruneProviders(stackJson: TerraformJson, providers: readonly string[]): PruneReport {
  const removed: string[] = [];
  if (providers.length === 0) return { providers: [], removed };
  const owns = (type: string) => providers.includes(type.split("_")[0]);
  const prunedAddresses: string[] = [];

  for (const [section, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    const byType = stackJson[section];
    if (!byType) continue;
    for (const type of Object.keys(byType)) {
      if (!owns(type)) continue;
      for (const name of Object.keys(byType[type])) {
        prunedAddresses.push(`${prefix}${type}.${name}`);
        removed.push(`${prefix}${type}.${name}`);
      }
      delete byType[type];
    }
    if (Object.keys(byType).length === 0) delete stackJson[section];
  }
  const providerBlocks = stackJson.provider;
  const required = stackJson.terraform?.required_providers;
  for (const p of providers) {
    if (providerBlocks?.[p]) {
      delete providerBlocks[p];
      removed.push(`provider.${p}`);
    }
    if (required?.[p]) delete required[p];
  }

  const mentions = (value: unknown): boolean => {
    const text = JSON.stringify(value);
    return prunedAddresses.some((a) => new RegExp(`\\b${a.replace(/\./g, "\\.")}\\b`).test(text));
  };
  const outputs = stackJson.output;
  for (const name of Object.keys(outputs ?? {})) {
    if (mentions(outputs![name])) {
      delete outputs![name];
      removed.push(`output.${name} (reads a pruned block)`);
    }
  }
  for (const [section, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, byName] of Object.entries(stackJson[section] ?? {})) {
      for (const [name, attrs] of Object.entries(byName)) {
        for (const attr of Object.keys(attrs)) {
          if (attr === "//" || !mentions(attrs[attr])) continue;
          if (attr === "depends_on" && Array.isArray(attrs[attr])) {
            attrs[attr] = (attrs[attr] as string[]).filter((d) => !mentions(d));
            removed.push(`${prefix}${type}.${name}.depends_on entries on pruned blocks`);
          } else {
            delete attrs[attr];
            removed.push(`${prefix}${type}.${name}.${attr} (reads a pruned block)`);
          }
        }
      }
    }
  }
  return { providers: [...providers], removed };
}

/** The providers a synthesized stack requires, by local name (`aws`, `external`, ...). */
export function requiredProviders(stackJson: TerraformJson): string[] {
  return Object.keys(stackJson.terraform?.required_providers ?? {});
}

function safeRead(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Whether providers outside the mirror (hashicorp/external, local, kubernetes) can be installed from
 * their registry here. Probed once per process with a throwaway `terraform init`, bounded in time.
 */
export async function canInstallFromRegistry(workRoot: string, mirror: string | undefined): Promise<boolean> {
  const cached = process.env.TF_REGISTRY_REACHABLE;
  if (cached === "1" || cached === "0") return cached === "1";
  const dir = fs.mkdtempSync(path.join(workRoot, "registry-probe-"));
  const forget = removeOnInterrupt(dir);
  try {
    const cli = writeCliConfig(dir, mirror, true);
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { external: { source: "hashicorp/external", version: "2.3.5" } } } }),
    );
    const run = await runTerraform(["init", "-input=false", "-backend=false", "-no-color"], dir, terraformEnv(cli), 30_000);
    const reachable = run.code === 0;
    process.env.TF_REGISTRY_REACHABLE = reachable ? "1" : "0";
    return reachable;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    forget();
  }
}

/**
 * Copies a synthesized stack folder to `workDir` (keeping a previous `.terraform` there, so init
 * is fast the second time) and returns its parsed `cdk.tf.json`.
 */
export function copyStack(stackDir: string, workDir: string): TerraformJson {
  fs.mkdirSync(workDir, { recursive: true });
  for (const entry of fs.readdirSync(workDir)) {
    if (entry !== ".terraform" && entry !== ".terraform.lock.hcl") fs.rmSync(path.join(workDir, entry), { recursive: true, force: true });
  }
  for (const entry of fs.readdirSync(stackDir)) {
    if (entry === ".terraform" || entry.endsWith(".tfstate")) continue;
    fs.cpSync(path.join(stackDir, entry), path.join(workDir, entry), { recursive: true });
  }
  return readStackFile(stackDir);
}

/**
 * Makes a stack use the caller's credentials as they are: drops the role to assume from the AWS
 * providers, the S3 backend, the remote-state data sources and the `--role-arn` of the kubernetes
 * exec token (kubernetes and helm providers). For CI plan roles, which are read-only and must not assume the deploy role.
 * Returns where it dropped a role (empty when the stack assumes none).
 */
export function useCallerCredentials(stackJson: TerraformJson): string[] {
  const dropped: string[] = [];
  const raw = stackJson.provider ?? {};
  const providers = { aws: blocks(raw.aws), kubernetes: blocks(raw.kubernetes), helm: blocks(raw.helm) };
  for (const [i, p] of providers.aws.entries()) {
    if (p.assume_role) {
      delete p.assume_role;
      dropped.push(`provider aws${p.alias ? `.${valueText(p.alias)}` : providers.aws.length > 1 ? `[${i}]` : ""}`);
    }
  }
  const dropRoleArn = (exec: Json, where: string) => {
    const args = exec.args as string[] | undefined;
    const at = args?.indexOf("--role-arn") ?? -1;
    if (args && at >= 0) {
      args.splice(at, 2);
      dropped.push(`${where} (exec --role-arn)`);
    }
  };
  for (const p of providers.kubernetes) for (const exec of blocks(p.exec)) dropRoleArn(exec, "provider kubernetes");
  for (const p of providers.helm) {
    const exec = block(block(p.kubernetes)?.exec);
    if (exec) dropRoleArn(exec, "provider helm");
  }
  const s3 = stackJson.terraform?.backend?.s3;
  if (s3?.assume_role) {
    delete s3.assume_role;
    dropped.push("backend s3");
  }
  for (const [name, remote] of Object.entries(stackJson.data?.terraform_remote_state ?? {})) {
    const config = block(remote.config);
    if (config?.assume_role) {
      delete config.assume_role;
      dropped.push(`data.terraform_remote_state.${name}`);
    }
  }
  return dropped;
}

/** What offline Terraform runs need: the environment (CLI config, dummy credentials) and what to prune. */
export interface OfflineTerraform {
  readonly env: NodeJS.ProcessEnv;
  /** Providers that cannot be installed here (only hashicorp/aws comes from the mirror). */
  readonly prune: string[];
}

/**
 * Sets up offline Terraform runs in `dir`: hashicorp/aws from the filesystem mirror, other
 * providers from the registry when it answers (else they are pruned), dummy credentials. Fails
 * with `needs` in the message when neither the mirror nor the registry is there.
 */
export async function offlineTerraform(dir: string, needs: string): Promise<OfflineTerraform> {
  fs.mkdirSync(dir, { recursive: true });
  const mirror = findAwsProviderMirror();
  const online = await canInstallFromRegistry(dir, mirror);
  if (!mirror && !online)
    throw new Error(`${needs} needs hashicorp/aws 5.100.0 from a filesystem mirror (set TF_PROVIDER_MIRROR) or registry access`);
  return {
    env: terraformEnv(writeCliConfig(dir, mirror, online), { ...OFFLINE_AWS_ENV }),
    prune: online ? [] : [...REGISTRY_ONLY_PROVIDERS],
  };
}

/** An offline working copy of one synthesized stack, ready for `terraform init`. */
export interface OfflineWorkspace {
  readonly dir: string;
  /** What was pruned because its providers cannot be installed here (empty when nothing was). */
  readonly pruned: PruneReport;
}

/**
 * Copies `cdktf.out/stacks/<stack>` to `workDir`, prunes the blocks of `pruneProviders`, and adds
 * the offline override files. The synthesized stack itself is left untouched.
 */
export function prepareOfflineWorkspace(stackDir: string, workDir: string, prune: readonly string[]): OfflineWorkspace {
  const stackJson = copyStack(stackDir, workDir);
  const pruned = pruneProviders(
    stackJson,
    prune.filter((p) => requiredProviders(stackJson).includes(p)),
  );
  fs.writeFileSync(path.join(workDir, "cdk.tf.json"), JSON.stringify(stackJson, null, 2));
  const providerOverride = offlineProviderOverride(stackJson);
  if (providerOverride) fs.writeFileSync(path.join(workDir, "provider_override.tf.json"), JSON.stringify(providerOverride, null, 2));
  fs.writeFileSync(path.join(workDir, "backend_override.tf.json"), JSON.stringify(OFFLINE_BACKEND_OVERRIDE, null, 2));
  return { dir: workDir, pruned };
}
