/**
 * Builds the stacks of every environment into a CDKTF App. `main.ts` calls this after validation;
 * tests and scripts call it too, so there is one wiring.
 */
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { App, Aspects, TerraformResource, TerraformStack, type AppConfig } from "cdktf";
import * as fs from "node:fs";
import * as path from "node:path";
import { ciIamContext, EnvConfigError, envsDir, loadEnvSources, sourceOf, validateEnvs, type EnvConfig } from "./config";
import { optOutSuppressions } from "./config/opt-outs";
import { deployPolicy, planPolicy, splitPolicy, unknownTypes } from "./lib/ci-iam";
import type { Statement } from "./lib/iam";
import { PROJECT_PATHS, type ProjectPaths } from "./constructs/kubeconfig";
import { writeDirAtomically } from "./lib/output-dir";
import { checkPolicy, formatViolation, type StackReport } from "./policy/pack";
import type { Suppression } from "./policy/suppressions";
import { BackendStack } from "./stacks/backend-stack";
import { EnvStack } from "./stacks/env-stack";
import { PROJECT_ROOT } from "./lib/project-root";
import { PlatformStack } from "./stacks/platform-stack";
import { ReadableStack } from "./stacks/readable-stack";
import { WorkloadsStack } from "./stacks/workloads-stack";

/** The project root: the folder holding `package.json` and `cdktf.json`. */
export { PROJECT_ROOT };

/**
 * The synthesized output folder: `$CDKTF_OUTDIR` (which `cdktf synth --output` sets for the app)
 * when set, else the project's `cdktf.out`. Every command reads and writes the same one.
 */
export function outputDir(): string {
  return path.resolve(process.env.CDKTF_OUTDIR || path.join(PROJECT_ROOT, "cdktf.out"));
}

/** The stacks of one environment, in deployment order. */
export interface EnvStacks {
  /** The state backend stack; absent on HCP Terraform (`backend.kind` "hcp"). */
  readonly backend?: BackendStack;
  readonly platform: PlatformStack;
  readonly workloads: WorkloadsStack;
}

/** The IAM policies of an environment's CI, derived from what its stacks define. */
export interface CiPolicies {
  /** What plans need: the state and the configuration a refresh reads. */
  readonly plan: Statement[];
  /** What deploys need: the identity Terraform runs as (`assumeRole.roleArn`, else the deploy role). */
  readonly deploy: Statement[];
  /** What the deploy role itself holds: the deploy policy, or with `assumeRole` only the way to it. */
  readonly deployRole: Statement[];
}

/** Every Terraform resource type the stacks define, plus those of the CI roles they will hold. */
function resourceTypes(env: EnvConfig, stacks: readonly TerraformStack[]): Set<string> {
  const types = new Set(
    stacks
      .flatMap((s) => s.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource))
      .map((r) => r.terraformResourceType),
  );
  if (env.ci.github) {
    for (const t of ["aws_iam_role", "aws_iam_policy", "aws_iam_role_policy_attachment"]) types.add(t);
    if (env.ci.github.oidcProvider === "create") types.add("aws_iam_openid_connect_provider");
  }
  return types;
}

/** The CI policies of one environment's stacks (`npm run ci:iam` prints them; `ci.github`'s roles hold them). */
export function ciPolicies(env: EnvConfig, stacks: EnvStacks): CiPolicies {
  const types = resourceTypes(env, allStacks(stacks));
  const unknown = unknownTypes(types);
  if (unknown.length > 0) throw new Error(`no CI permissions are known for ${unknown.join(", ")}: add them to TYPES in src/lib/ci-iam.ts`);
  const ctx = ciIamContext(env);
  const deploy = deployPolicy(types, ctx);
  const deployRole: Statement[] = env.assumeRole
    ? [{ Sid: "AssumeTheDeployer", Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: [env.assumeRole.roleArn] }]
    : deploy;
  return { plan: planPolicy(types, ctx), deploy, deployRole };
}

/** Thrown when policy rules fail; its message lists every violation. Nothing was written. */
export class PolicyViolationError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(`policy check failed (${violations.length} violation${violations.length === 1 ? "" : "s"}):\n${violations.join("\n")}`);
    this.name = "PolicyViolationError";
  }
}

/**
 * The App of this project: before writing any stack it runs `checkPolicy` on every stack with
 * policy options (`EnvStack.policy`, which `addEnvStacks` sets), so a violation fails synth with
 * nothing written (cdktf's own synth writes stacks one by one, and the CLI even continues past
 * error annotations).
 */
export class EksApp extends App {
  /** The policy reports of the last synth, by stack. */
  readonly policyReports: StackReport[] = [];

  /**
   * Stack traces are never recorded in the metadata: they hold absolute paths of the machine that
   * ran synth, which would make `cdktf.out` differ between machines (and slow synth down).
   */
  constructor(config: AppConfig = {}) {
    super({ ...config, stackTraces: false });
  }

  override synth(): void {
    const stacks = this.node.findAll().filter((c) => TerraformStack.isStack(c));
    stacks.forEach((stack) => stack.prepareStack());
    // The configuration is final now: resolve each stack once for the policy check and the files.
    // Only when no aspect would run in synthesize() and change the stack after this point
    // (cdktf runs the aspects of the stack and what is in it; an App's own aspects never run).
    for (const stack of stacks) {
      if (stack instanceof ReadableStack && stack.node.findAll().every((c) => Aspects.of(c).all.length === 0)) stack.freeze();
    }
    this.policyReports.length = 0;
    const errors: string[] = [];
    const declared = new Set<Suppression>();
    const used = new Set<Suppression>();
    for (const stack of stacks) {
      if (!(stack instanceof EnvStack) || !stack.policy) continue;
      const report = checkPolicy(stack, stack.policy);
      this.policyReports.push(report);
      errors.push(...report.errors.map(formatViolation));
      stack.policy.suppressions?.forEach((s) => declared.add(s));
      report.suppressed.forEach((s) => used.add(s.suppression));
    }
    for (const s of declared) {
      if (!used.has(s))
        errors.push(`[${s.rule}] suppression on ${s.resource} (${s.source}) is not needed: nothing violates ${s.rule} there; remove it`);
    }
    if (errors.length > 0) throw new PolicyViolationError(errors);
    const session = { outdir: this.outdir, skipValidation: this.skipValidation, manifest: this.manifest };
    stacks.forEach((stack) => stack.synthesizer.synthesize(session));
    if (!this.skipValidation) {
      const problems = this.node.validate();
      if (problems.length > 0) throw new Error(`validation failed:\n  ${problems.join("\n  ")}`);
    }
    this.manifest.writeToFile();
  }

  /** Warnings and suppressions of the last synth, one line each, for the synth output. */
  policySummary(): string[] {
    const lines: string[] = [];
    let checked = 0;
    for (const r of this.policyReports) {
      checked += r.checked;
      for (const w of r.warnings) lines.push(`  warning ${formatViolation(w)}`);
      for (const s of r.suppressed)
        lines.push(`  suppressed [${s.rule.id}] ${s.stack} ${s.resource.address}: ${s.suppression.reason} (${s.suppression.source})`);
    }
    const warnings = this.policyReports.reduce((n, r) => n + r.warnings.length, 0);
    const suppressed = this.policyReports.reduce((n, r) => n + r.suppressed.length, 0);
    return [
      `policy: ${checked} checks on ${this.policyReports.length} stacks: 0 errors, ${warnings} warnings, ${suppressed} suppressed`,
      ...lines,
    ];
  }
}

/** Adds the stacks of one validated environment to `app`. */
export function addEnvStacks(app: App, env: EnvConfig, source = sourceOf(env) ?? `envs/${env.name}.ts`): EnvStacks {
  // On HCP Terraform the workspaces keep the state: there is no bucket to create.
  const backend = env.backend.kind === "s3" ? new BackendStack(app, env) : undefined;
  const platform = new PlatformStack(app, env);
  // Its state lives in the bucket the backend stack creates: `cdktf deploy '<env>-*'` goes in order.
  if (backend) platform.addDependency(backend);
  // Reads the platform's outputs (cluster endpoint, CA, OIDC provider) through remote state.
  const workloads = new WorkloadsStack(app, env, platform);
  const stacks = { backend, platform, workloads };
  // The workflows' roles, with policies derived from everything above.
  if (backend && env.ci.github) {
    const policies = ciPolicies(env, stacks);
    backend.addCiRoles({ plan: splitPolicy(policies.plan), deploy: splitPolicy(policies.deployRole) });
  }
  placeRoles(env, allStacks(stacks));
  // One set of policy options per environment, shared by its stacks: a suppression is needed if any
  // of them uses it. The config's explicit opt-outs come first, then what it suppresses itself.
  const existing = env.vpc.existing;
  const policy = {
    suppressions: [...optOutSuppressions(env, source), ...env.policy.suppressions.map((s) => ({ ...s, source }))],
    network: existing && {
      vpcId: existing.vpcId,
      privateSubnetIds: existing.privateSubnets.map((s) => s.id),
      publicSubnetIds: existing.publicSubnets.map((s) => s.id),
    },
  };
  for (const stack of allStacks(stacks)) stack.policy = policy;
  return stacks;
}

/**
 * Every IAM role, instance profile and managed policy the stacks create goes under the
 * environment's role path, and every role carries its permissions boundary: what the deploy policy
 * scopes IAM writes to.
 */
function placeRoles(env: EnvConfig, stacks: readonly TerraformStack[]): void {
  const { rolePath, permissionsBoundaryArn } = env.iam;
  for (const c of stacks.flatMap((s) => s.node.findAll())) {
    if (c instanceof IamRole) {
      if (rolePath !== "/") c.path = rolePath;
      if (permissionsBoundaryArn) c.permissionsBoundary = permissionsBoundaryArn;
    } else if ((c instanceof IamInstanceProfile || c instanceof IamPolicy) && rolePath !== "/") {
      c.path = rolePath;
    }
  }
}

/** Every stack of the given stacks, in deployment order. */
function allStacks(stacks: EnvStacks): EnvStack[] {
  return [...(stacks.backend ? [stacks.backend] : []), stacks.platform, stacks.workloads];
}

/** Loads and validates the environments of `envs/` (or `$EKS_ENVS_DIR`); throws `EnvConfigError`. */
export async function loadEnvs(root: string = PROJECT_ROOT): Promise<EnvConfig[]> {
  return (await loadEnvsWithWarnings(root)).envs;
}

/**
 * Like `loadEnvs`, with the validation's warnings (one line each, about every environment): what
 * is allowed but likely a mistake, for the caller to print. Throws `EnvConfigError` on errors.
 */
export async function loadEnvsWithWarnings(root: string = PROJECT_ROOT): Promise<{ envs: EnvConfig[]; warnings: string[] }> {
  // Every file is read and validated (so names, buckets and lock tables still cannot clash), then
  // only the environments EKS_ENVS names are kept.
  const result = validateEnvs(await loadEnvSources(envsDir(root)));
  if (result.errors.length > 0) throw new EnvConfigError(result.errors);
  return { envs: selectEnvs(result.envs, process.env.EKS_ENVS), warnings: result.warnings };
}

/**
 * The environments `EKS_ENVS` names (`dev` or `dev,staging`), in their file order; all of them when
 * it is unset. Throws with one line for an empty list or a name that is not an environment.
 */
export function selectEnvs(envs: EnvConfig[], list: string | undefined): EnvConfig[] {
  if (list === undefined) return envs;
  const names = list.split(",").map((n) => n.trim());
  const have = envs.map((e) => e.name);
  if (names.every((n) => n === "")) {
    throw new Error(`EKS_ENVS is set but names no environment; name some (e.g. EKS_ENVS=${have[0] ?? "dev"}), or unset it for all`);
  }
  const unknown = names.filter((n) => n !== "" && !have.includes(n));
  if (unknown.length > 0 || names.includes("")) {
    const bad = unknown.length > 0 ? unknown.map((n) => JSON.stringify(n)).join(", ") : "an empty name";
    throw new Error(`EKS_ENVS names ${bad}, not an environment of envs/ (have: ${have.join(", ")})`);
  }
  return envs.filter((e) => names.includes(e.name));
}

/**
 * Builds an App with the stacks of every environment; synthesizes nothing. `paths` says where the
 * output ends up when `outdir` is a staging folder, and the project root that files the stacks
 * write (a kubeconfig) are relative to. @default - `outdir`, and its parent
 */
export function buildApp(
  envs: readonly EnvConfig[],
  outdir?: string,
  paths: Partial<ProjectPaths> = {},
): { app: EksApp; stacks: EnvStacks[] } {
  if (outdir) fs.mkdirSync(outdir, { recursive: true });
  const final = path.resolve(paths.outdir ?? outdir ?? "cdktf.out");
  const context = { [PROJECT_PATHS]: { outdir: final, root: path.resolve(paths.root ?? path.dirname(final)) } };
  const app = new EksApp(outdir ? { outdir, context } : { context });
  const stacks = envs.map((env) => addEnvStacks(app, env));
  return { app, stacks };
}

/**
 * Builds the App of `envs` and synthesizes it into `outdir` atomically: into a staging folder next
 * to it, renamed into place once every stack and the manifest are written. Throws what synth throws
 * (a `PolicyViolationError`, nothing written), or an `OutputWriteError` with one line when the
 * folder cannot be written (read-only, full disk); the previous output is then unchanged.
 * Terraform's files in the previous output (`.terraform`, lock files) are kept. The App's own
 * `outdir` names the staging folder, gone by then: read the output from `outdir`.
 */
export function synthApp(envs: readonly EnvConfig[], outdir: string, opts: { elsewhere?: string; projectRoot?: string } = {}): EksApp {
  let app: EksApp | undefined;
  writeDirAtomically(
    outdir,
    (staging) => {
      app = buildApp(envs, staging, { outdir, root: opts.projectRoot ?? path.dirname(path.resolve(outdir)) }).app;
      app.synth();
    },
    opts,
  );
  return app!;
}
