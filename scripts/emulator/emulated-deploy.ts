/**
 * Deploying an environment for real against an emulated AWS (a moto server on 127.0.0.1), through
 * the user's own command: `npm run bootstrap`'s steps (the backend with local state, its state
 * pushed into the bucket it created, then the platform on its S3 backend).
 *
 * The environment is synthesized into its own folder (`.emulated/<env>/`, never the project's
 * cdktf.out or terraform-state) and pointed at the emulator with override files only, next to each
 * synthesized stack:
 * - `provider_override.tf.json`: every service's endpoint, dummy credentials (allowed_account_ids and
 *   the role to assume stay: moto answers STS with the environment's account);
 * - `backend_override.tf.json`: the synthesized S3 backend plus the emulator's endpoints (bootstrap's
 *   temporary local copy of the backend stack replaces it with a local state file);
 * - `emulator_gaps_override.tf.json`: the emulator's gaps of `emulator-gaps.ts`, each with a reason.
 * Providers that cannot be installed on the machine (external, local, kubernetes, helm without
 * registry access) are pruned from the copy and reported, as in the offline checks.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { EnvConfig } from "../../src/config";
import { buildApp } from "../../src/app";
import type { DeployResult } from "../deploy/bootstrap";
import { policyDocument, type Statement } from "../../src/lib/iam";
import { CliError } from "../common/cli";
import { describeGaps, emulatorGapOverride, type GapOverride } from "./emulator-gaps";
import { asMotoChecks, startMoto, type MotoServer } from "./moto";
import { backendLocalStatePath, lockTableName, stackId, stateKey, type StackKind } from "../../src/lib/naming";
import { runProcess, type ProcessRun } from "../common/process";
import {
  canInstallFromRegistry,
  findAwsProviderMirror,
  pruneProviders,
  REGISTRY_ONLY_PROVIDERS,
  requiredProviders,
  terraformEnv,
  writeCliConfig,
  type PruneReport,
} from "../terraform/terraform";
import { blocks, readStackFile, type Json, type TerraformJson } from "../../src/lib/synthesized";

/** The account moto uses when the environment names none (moto's own default). */
const MOTO_DEFAULT_ACCOUNT = "123456789012";

/** Provider endpoint keys of every AWS service the stacks call (hashicorp/aws 5.100.0 names). */
export const EMULATED_SERVICES = [
  "autoscaling",
  "cloudwatch",
  "dynamodb",
  "ec2",
  "ecr",
  "eks",
  "elbv2",
  "events",
  "iam",
  "kms",
  "logs",
  "s3",
  "sqs",
  "ssm",
  "sts",
] as const;

/** Services the S3 backend calls. */
const BACKEND_SERVICES = ["s3", "dynamodb", "sts", "iam"] as const;

/** Dummy credentials: moto accepts any until it enforces IAM; they never leave the machine. */
const EMULATED_KEY = "emulated";

/** An access key of the emulator. */
export interface EmulatedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const DUMMY: EmulatedCredentials = { accessKeyId: EMULATED_KEY, secretAccessKey: EMULATED_KEY };

/** The provider override that sends every AWS call of a stack to the emulator. */
export function emulatorProviderOverride(stackJson: TerraformJson, endpoint: string): TerraformJson | undefined {
  if (blocks(stackJson.provider?.aws).length === 0) return undefined;
  return {
    provider: {
      // Credentials come from the environment of each command: whoever it acts as.
      aws: {
        // No AWS outside: skip only what needs the real one; STS answers the account id check.
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        s3_use_path_style: true,
        max_retries: 2,
        endpoints: [Object.fromEntries(EMULATED_SERVICES.map((s) => [s, endpoint]))],
      },
    },
  };
}

/** What the S3 backend needs on top of its synthesized block to use the emulator. */
function emulatorBackendSettings(endpoint: string): Json {
  return {
    endpoints: Object.fromEntries(BACKEND_SERVICES.map((s) => [s, endpoint])),
    use_path_style: true,
    skip_region_validation: true,
    skip_metadata_api_check: true,
  };
}

/**
 * The backend override of a stack with an S3 backend: an override's backend block replaces the
 * synthesized one whole, so it repeats it (bucket, key, lock table, role...) with the emulator's
 * settings added. Undefined for a stack with local state.
 */
export function emulatorBackendOverride(stackJson: TerraformJson, endpoint: string): TerraformJson | undefined {
  const s3 = stackJson.terraform?.backend?.s3;
  if (!s3) return undefined;
  return { terraform: { backend: { s3: { ...s3, ...emulatorBackendSettings(endpoint) } } } };
}

/** What the emulated run did to one stack. */
export interface EmulatedStack {
  readonly stack: string;
  readonly dir: string;
  readonly gaps: GapOverride;
  readonly pruned: PruneReport;
}

/** Options of {@link EmulatedEnvironment.start}. */
export interface EmulatedEnvironmentOptions {
  /** Where the environment is synthesized and its local files live: `<root>/cdktf.out`, `<root>/terraform-state`... */
  readonly root: string;
  /** The project root (cdktf.json, node_modules/.bin/cdktf). */
  readonly projectRoot: string;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** Time limits (the emulator answers at once; waits are the provider's own, and a loaded machine's). */
const TERRAFORM_TIMEOUT_MS = 300_000;
const SCRIPT_TIMEOUT_MS = 1_200_000;

/**
 * One environment deployed on its own moto server. `start` launches the server; the caller runs the
 * steps in the user's order and `stop`s it (always, in a finally).
 */
export class EmulatedEnvironment {
  readonly outdir: string;
  /** The environment of every terraform, cdktf and aws command: mirror, emulator, no real AWS. */
  readonly processEnv: NodeJS.ProcessEnv;
  private readonly prune: string[];
  private readonly log: (line: string) => void;
  private scripts = 0;
  /** Whom the harness's own reads of the bucket and the lock table act as. */
  private probe: EmulatedCredentials = DUMMY;
  /** The plan identity, once `useCiIdentities` ran: what `planEnvironment` should act as. */
  planCredentials?: EmulatedCredentials;
  env: EnvConfig;

  private constructor(
    env: EnvConfig,
    readonly moto: MotoServer,
    readonly options: EmulatedEnvironmentOptions,
    cliConfig: string,
    prune: string[],
  ) {
    this.env = env;
    this.outdir = path.join(options.root, "cdktf.out");
    this.log = options.log ?? (() => undefined);
    this.prune = prune;
    this.processEnv = terraformEnv(cliConfig, {
      AWS_ACCESS_KEY_ID: EMULATED_KEY,
      AWS_SECRET_ACCESS_KEY: EMULATED_KEY,
      AWS_DEFAULT_REGION: env.region,
      AWS_REGION: env.region,
      // A safety net under the override files: any AWS SDK call (the aws CLI's included) goes to the emulator.
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_EC2_METADATA_DISABLED: "true",
      CI: "1",
      FORCE_COLOR: "0",
    });
    // Nothing of the caller's own AWS setup may apply (an empty AWS_PROFILE breaks the aws CLI).
    for (const name of [
      "AWS_SESSION_TOKEN",
      "AWS_PROFILE",
      "AWS_DEFAULT_PROFILE",
      "AWS_SHARED_CREDENTIALS_FILE",
      "AWS_CONFIG_FILE",
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_ROLE_ARN",
    ]) {
      delete this.processEnv[name];
    }
    this.processEnv.AWS_CONFIG_FILE = path.join(options.root, "aws-config");
    this.processEnv.AWS_SHARED_CREDENTIALS_FILE = path.join(options.root, "aws-credentials");
  }

  /**
   * Starts a moto server for `env` (its account) and prepares Terraform (the provider mirror).
   * With `iam`, the server can enforce IAM (`useCiIdentities`).
   */
  static async start(env: EnvConfig, options: EmulatedEnvironmentOptions & { readonly iam?: boolean }): Promise<EmulatedEnvironment> {
    fs.rmSync(options.root, { recursive: true, force: true });
    fs.mkdirSync(options.root, { recursive: true });
    const mirror = findAwsProviderMirror();
    const online = await canInstallFromRegistry(options.root, mirror);
    if (!mirror && !online)
      throw new CliError(
        "the emulated deploy needs hashicorp/aws 5.100.0 from a filesystem mirror (set TF_PROVIDER_MIRROR) or registry access",
      );
    const cliConfig = writeCliConfig(options.root, mirror, online);
    const moto = await startMoto({
      accountId: env.accountId ?? MOTO_DEFAULT_ACCOUNT,
      logFile: path.join(options.root, "moto.log"),
      iam: options.iam,
    });
    (options.log ?? (() => undefined))(`${env.name}: moto server ${moto.endpoint} (pid ${moto.pid}, account ${moto.accountId})`);
    return new EmulatedEnvironment(env, moto, options, cliConfig, online ? [] : [...REGISTRY_ONLY_PROVIDERS]);
  }

  async stop(): Promise<void> {
    await this.moto.stop();
  }

  /** The folder of the environment file the scripts read (`EKS_ENVS_DIR`). */
  get envsDir(): string {
    return path.join(this.options.root, "envs");
  }

  stackDir(kind: StackKind): string {
    return path.join(this.outdir, "stacks", stackId(this.env.name, kind));
  }

  /**
   * Synthesizes `env` (the environment as the user's file now says) into the emulated folder and
   * places the override files.
   */
  synth(env: EnvConfig = this.env): EmulatedStack[] {
    this.env = env;
    // The scripts read the environment from a file, as they do in the project: this one.
    fs.mkdirSync(this.envsDir, { recursive: true });
    // The configuration with every default filled in; what the resolver derives from it is not input.
    const { derived: _derived, ...input } = env;
    fs.writeFileSync(path.join(this.envsDir, `${env.name}.json`), `${JSON.stringify(input, null, 2)}\n`);
    buildApp([env], this.outdir).app.synth();
    const stacks: EmulatedStack[] = [];
    for (const kind of ["backend", "platform"] as const) {
      const dir = this.stackDir(kind);
      const file = path.join(dir, "cdk.tf.json");
      const stackJson = readStackFile(dir);
      const pruned = pruneProviders(
        stackJson,
        this.prune.filter((p) => requiredProviders(stackJson).includes(p)),
      );
      if (pruned.removed.length > 0) fs.writeFileSync(file, JSON.stringify(stackJson, null, 2));
      const write = (name: string, content: Json | undefined) => {
        const target = path.join(dir, name);
        if (content) fs.writeFileSync(target, `${JSON.stringify(content, null, 2)}\n`);
        else fs.rmSync(target, { force: true });
      };
      const gaps = emulatorGapOverride(stackJson);
      write("provider_override.tf.json", emulatorProviderOverride(stackJson, this.moto.endpoint));
      write("emulator_gaps_override.tf.json", gaps.override);
      write("backend_override.tf.json", emulatorBackendOverride(stackJson, this.moto.endpoint));
      stacks.push({ stack: stackId(env.name, kind), dir, gaps, pruned });
    }
    return stacks;
  }

  /** Lines describing what a synth excluded and pruned, for the log and the test output. */
  static describe(stacks: readonly EmulatedStack[]): string[] {
    return stacks.flatMap((s) => [
      ...describeGaps(s.stack, s.gaps),
      ...(s.pruned.removed.length > 0
        ? [`  pruned (providers ${s.pruned.providers.join(", ")} cannot be installed here): ${s.pruned.removed.join(", ")}`]
        : []),
    ]);
  }

  /**
   * `npm run bootstrap` itself, on what `synth` wrote (`--skip-synth`), with the emulator's
   * credentials and endpoints: the backend with local state, its state into its bucket, then the
   * platform (the workloads stack needs a real cluster). Its lines go to `log`; Terraform's
   * output to `logs/`. Throws with the end of its output when it fails.
   */
  async bootstrap(): Promise<DeployResult> {
    return this.script("bootstrap");
  }

  /** `npm run teardown` itself, against the emulator (the environment must be ephemeral). */
  async teardown(): Promise<DeployResult> {
    return this.script("teardown");
  }

  /** `npm run <command> -- <env> --skip-synth ...` as a child process; resolves with its report. */
  spawnScript(
    command: "bootstrap" | "teardown",
    opts: { readonly onLine?: (line: string) => void; readonly onSpawn?: (pid: number) => void } = {},
  ): { run: Promise<ProcessRun>; report: string } {
    const report = path.join(this.options.root, `${command}.${++this.scripts}.json`);
    fs.rmSync(report, { force: true });
    // Node itself with tsx's loader, not the tsx CLI: that relays a signal to its child and kills
    // the child if it does not confirm within 30 ms, which on a loaded machine orphans its Terraform.
    const args = [
      "--import",
      "tsx",
      path.join(this.options.projectRoot, "scripts", `${command}.ts`),
      this.env.name,
      "--skip-synth",
      "--stacks",
      "platform",
      "--output",
      this.outdir,
      "--state-dir",
      this.options.root,
      "--report",
      report,
      "--log-dir",
      path.join(this.options.root, "logs"),
    ];
    let pending = "";
    const run = runProcess(process.execPath, args, {
      cwd: this.options.projectRoot,
      env: { ...this.processEnv, EKS_ENVS_DIR: this.envsDir },
      timeoutMs: SCRIPT_TIMEOUT_MS,
      onOutput: (chunk) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) (opts.onLine ?? this.log)(line);
      },
      onSpawn: opts.onSpawn,
    });
    return { run, report };
  }

  private async script(command: "bootstrap" | "teardown"): Promise<DeployResult> {
    const { run, report } = this.spawnScript(command);
    const done = await run;
    if (done.code !== 0) throw new CliError(`npm run ${command} -- ${this.env.name} failed (exit ${done.code}):\n${tail(done)}`);
    return JSON.parse(fs.readFileSync(report, "utf8")) as DeployResult;
  }

  /**
   * Makes the emulator check IAM from now on, with CI's identities: a deploy identity holding exactly
   * `policies.deploy` (with `assumeRole`, a user that may only assume that role, which holds it), a
   * plan identity holding exactly `policies.plan`, and a probe identity the harness reads the state
   * bucket and lock table as. Terraform and the scripts then act as the deploy identity
   * (`planCredentials` is the plan one). The roles the workloads stack and the kubeconfig take their
   * cluster token as exist, trusting the deploy identity. Call before `synth`.
   */
  async useCiIdentities(policies: {
    readonly deploy: readonly (readonly Statement[])[];
    readonly plan: readonly (readonly Statement[])[];
  }): Promise<void> {
    const account = this.moto.accountId;
    const aws = async (...args: string[]) => {
      const run = await runProcess("aws", [...args, "--output", "json"], {
        cwd: this.options.root,
        env: this.processEnv,
        timeoutMs: 60_000,
      });
      if (run.code !== 0) throw new CliError(`aws ${args.slice(0, 2).join(" ")} failed on the emulator: ${run.stderr.trim()}`);
      return run.stdout.trim() ? (JSON.parse(run.stdout) as Record<string, Record<string, string>>) : {};
    };
    // moto cannot check resources and conditions the way AWS does: what it checks, see asMotoChecks.
    const checked = (docs: readonly (readonly Statement[])[]) => docs.map((d) => asMotoChecks(d));
    const user = async (name: string, given: readonly (readonly Statement[])[]) => {
      await aws("iam", "create-user", "--user-name", name);
      const docs = checked(given);
      for (const [i, doc] of docs.entries())
        await aws(
          "iam",
          "put-user-policy",
          "--user-name",
          name,
          "--policy-name",
          `${name}-${i + 1}`,
          "--policy-document",
          policyDocument(doc),
        );
      const key = (await aws("iam", "create-access-key", "--user-name", name)).AccessKey;
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey, arn: `arn:aws:iam::${account}:user/${name}` };
    };
    /** A role of `arn` (path and name from it) that `principal` may assume, holding `docs`. */
    const role = async (arn: string, principal: string, docs: readonly (readonly Statement[])[]) => {
      const [, pathAndName] = arn.split(":role");
      const name = pathAndName.slice(pathAndName.lastIndexOf("/") + 1);
      const rolePath = pathAndName.slice(0, pathAndName.lastIndexOf("/") + 1);
      const trust = policyDocument([{ Effect: "Allow", Principal: { AWS: principal }, Action: ["sts:AssumeRole", "sts:TagSession"] }]);
      await aws("iam", "create-role", "--role-name", name, "--path", rolePath, "--assume-role-policy-document", trust);
      for (const [i, doc] of checked(docs).entries())
        await aws(
          "iam",
          "put-role-policy",
          "--role-name",
          name,
          "--policy-name",
          `${name}-${i + 1}`,
          "--policy-document",
          policyDocument(doc),
        );
    };
    this.probe = await user("harness-probe", [[{ Effect: "Allow", Action: "*", Resource: "*" }]]);
    const deployer = this.env.assumeRole?.roleArn;
    const deploy = await user(
      "ci-deploy",
      deployer ? [[{ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: deployer }]] : policies.deploy,
    );
    if (deployer) await role(deployer, deploy.arn, policies.deploy);
    // The cluster-token roles (no permissions needed: a token is a signed GetCallerIdentity).
    const tokenRoles = new Set(
      [this.env.workloads.roleArn, this.env.kubeconfig.roleArn].filter((r): r is string => r !== undefined && r !== deployer),
    );
    for (const r of tokenRoles) await role(r, deployer ?? deploy.arn, []);
    const plan = await user("ci-plan", policies.plan);
    await this.moto.enforceIam();
    this.planCredentials = plan;
    this.processEnv.AWS_ACCESS_KEY_ID = deploy.accessKeyId;
    this.processEnv.AWS_SECRET_ACCESS_KEY = deploy.secretAccessKey;
  }

  /** The environment of a command that acts as the plan identity (`useCiIdentities`). */
  get planEnv(): NodeJS.ProcessEnv {
    const c = this.planCredentials ?? DUMMY;
    return { ...this.processEnv, AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey };
  }

  /** `terraform <args>` in a synthesized stack's folder. */
  terraform(kind: StackKind, args: string[], timeoutMs = TERRAFORM_TIMEOUT_MS): Promise<ProcessRun> {
    return runProcess("terraform", args, { cwd: this.stackDir(kind), env: this.processEnv, timeoutMs });
  }

  async terraformOk(kind: StackKind, args: string[]): Promise<ProcessRun> {
    const run = await this.terraform(kind, args);
    if (run.code !== 0)
      throw new CliError(`terraform ${args.join(" ")} in ${stackId(this.env.name, kind)} failed (exit ${run.code}):\n${tail(run)}`);
    return run;
  }

  /** The local state file of the backend stack (while its bucket does not exist). */
  get backendLocalState(): string {
    return path.join(this.options.root, backendLocalStatePath(this.env.name));
  }

  /** `terraform plan -detailed-exitcode`: 0 no changes, 2 changes (the plan text is in stdout). */
  async planExitCode(kind: StackKind): Promise<ProcessRun> {
    await this.terraformOk(kind, ["init", "-input=false", "-no-color"]);
    return this.terraform(kind, ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"]);
  }

  /** The outputs of a deployed stack. */
  async outputs(kind: StackKind): Promise<Record<string, unknown>> {
    const run = await this.terraformOk(kind, ["output", "-json"]);
    return Object.fromEntries(Object.entries(JSON.parse(run.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
  }

  /** The kubeconfig the platform stack rendered, written where the platform writes it (mode 0600). */
  async writeKubeconfig(): Promise<string> {
    const { kubeconfig } = await this.outputs("platform");
    const file = path.join(this.options.root, this.env.derived.names.kubeconfigPath);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, String(kubeconfig), { mode: 0o600 });
    return file;
  }

  /** The state object of a stack in the emulated bucket, or undefined. */
  stateObject(kind: StackKind): Promise<{ status: number; body: string }> {
    return this.s3Get(this.env.derived.names.stateBucket, stateKey(this.env.name, kind));
  }

  /** GET an S3 object from the emulator (path style). */
  s3Get(bucket: string, key: string): Promise<{ status: number; body: string }> {
    return request(
      this.moto.endpoint,
      "GET",
      `/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`,
      undefined,
      this.authorization("s3"),
    );
  }

  /** The LockID items of the lock table (DynamoDB Scan). */
  async lockIds(): Promise<string[]> {
    const res = await request(this.moto.endpoint, "POST", "/", JSON.stringify({ TableName: lockTableName(this.env) }), {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": "DynamoDB_20120810.Scan",
      ...this.authorization("dynamodb"),
    });
    if (res.status !== 200) throw new Error(`DynamoDB Scan of ${lockTableName(this.env)} answered ${res.status}: ${res.body}`);
    return ((JSON.parse(res.body) as { Items: { LockID: { S: string } }[] }).Items ?? []).map((i) => i.LockID.S).sort();
  }

  /** A signed-looking request's headers: moto checks that a request is signed, not the signature. */
  private authorization(service: string): Record<string, string> {
    return {
      Authorization: `AWS4-HMAC-SHA256 Credential=${this.probe.accessKeyId}/20260101/${this.env.region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      "X-Amz-Date": "20260101T000000Z",
      "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
    };
  }

  /** The cluster name of the environment. */
  get clusterName(): string {
    return this.env.derived.names.cluster;
  }
}

/** What a failed command said: the last 20 lines of its output, then its errors (the last 100 lines). */
function tail(run: ProcessRun): string {
  const last = (text: string, lines: number) => text.trim().split("\n").slice(-lines).join("\n");
  return `${last(run.stdout, 20)}\n${last(run.stderr, 100)}`.trim();
}

/** One HTTP request to the emulator, bounded in time. */
function request(
  endpoint: string,
  method: string,
  pathname: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const url = new URL(pathname, endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, timeout: 10_000, headers: { ...headers, ...(body ? { "Content-Length": String(Buffer.byteLength(body)) } : {}) } },
      (res) => {
        let data = "";
        res.on("data", (d: Buffer) => (data += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.href} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}
