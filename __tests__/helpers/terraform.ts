/**
 * The real Terraform toolchain for integration tests: the binary, the hashicorp/aws mirror, and
 * offline workspaces of synthesized stacks.
 *
 * On CI (`CI=true`) a missing binary or provider fails the run. Elsewhere the suites that need them
 * are not run, and say why.
 *
 * Interrupted (Ctrl-C, SIGTERM from the test runner, or the runner gone), a test worker forwards
 * the signal to every terraform it started and its provider plugins (they run in process groups of
 * their own), kills what is still running shortly after, removes the output folder of the suite
 * that was running, and exits 130 (143): see src/lib/interrupts.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, expect, onTestFinished } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { interruptOnDisconnect, removeOnInterrupt, setInterruptGrace } from "../../src/lib/interrupts";
import {
  canInstallFromRegistry,
  findAwsProviderMirror,
  findTerraform,
  OFFLINE_AWS_ENV,
  prepareOfflineWorkspace,
  REGISTRY_ONLY_PROVIDERS,
  runTerraform,
  terraformEnv,
  terraformVersion,
  writeCliConfig,
  type OfflineWorkspace,
  type TerraformRun,
} from "../../scripts/terraform/terraform";

// Vitest kills a worker 500 ms after its SIGTERM: stop terraform well within that. And vitest
// itself exits on SIGTERM without stopping its workers: a worker whose parent is gone stops too.
setInterruptGrace(250);
interruptOnDisconnect();

/**
 * Where integration tests write (git-ignored), one folder per suite. Removed if the run is
 * interrupted while the suite (or the test that asked for it) runs; kept for inspection after it.
 */
export function testOutputDir(suite: string): string {
  const dir = path.join(PROJECT_ROOT, ".test-output", suite);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const keep = removeOnInterrupt(dir);
  try {
    onTestFinished(keep); // asked for inside a test
  } catch {
    afterAll(keep); // at the top of a test file
  }
  return dir;
}

export interface Toolchain {
  readonly terraformVersion: string;
  /** The filesystem mirror hashicorp/aws comes from; undefined where the registry serves it. */
  readonly mirror?: string;
  /** CLI config: hashicorp/aws from the mirror (when there is one), others from the registry (when reachable). */
  readonly cliConfig: string;
  /** Providers that cannot be installed here and must be pruned for offline checks. */
  readonly unavailableProviders: readonly string[];
}

let toolchain: Promise<Toolchain | undefined> | undefined;

/**
 * Finds terraform and where hashicorp/aws 5.100.0 comes from (a filesystem mirror, else the
 * registry) once per test file; throws on CI when either is missing.
 */
export function getToolchain(): Promise<Toolchain | undefined> {
  toolchain ??= (async () => {
    const fail = (missing: string) => {
      const message = `real Terraform checks cannot run: ${missing}`;
      if (process.env.CI) throw new Error(`${message}. CI must have them.`);
      console.warn(`SKIPPING: ${message}`);
      return undefined;
    };
    if (!findTerraform()) return fail("the terraform binary is not on PATH");
    const mirror = findAwsProviderMirror();
    const dir = path.join(PROJECT_ROOT, ".test-output", "toolchain");
    fs.mkdirSync(dir, { recursive: true });
    const online = await canInstallFromRegistry(dir, mirror);
    if (!mirror && !online)
      return fail("hashicorp/aws 5.100.0 comes from neither a filesystem mirror (set TF_PROVIDER_MIRROR) nor the registry (unreachable)");
    return {
      terraformVersion: terraformVersion(),
      mirror,
      cliConfig: writeCliConfig(dir, mirror, online),
      unavailableProviders: online ? [] : [...REGISTRY_ONLY_PROVIDERS],
    };
  })();
  return toolchain;
}

/** Runs terraform offline (dummy credentials, CLI config) in `cwd`. */
export function tf(tc: Toolchain, cwd: string, args: string[], timeoutMs?: number): Promise<TerraformRun> {
  return runTerraform(args, cwd, terraformEnv(tc.cliConfig, OFFLINE_AWS_ENV), timeoutMs);
}

/** Like `tf`, but fails the test with Terraform's own output when the command fails. */
export async function tfOk(tc: Toolchain, cwd: string, args: string[], timeoutMs?: number): Promise<TerraformRun> {
  const run = await tf(tc, cwd, args, timeoutMs);
  if (run.code !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${cwd} (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return run;
}

/**
 * An offline copy of a synthesized stack, pruned of providers that cannot be installed here (said
 * on the test output), initialised against the mirror.
 */
export async function initOffline(tc: Toolchain, stackDir: string, workDir: string): Promise<OfflineWorkspace> {
  const ws = prepareOfflineWorkspace(stackDir, workDir, tc.unavailableProviders);
  if (ws.pruned.removed.length > 0) {
    console.info(
      `[offline] ${path.basename(stackDir)}: providers ${ws.pruned.providers.join(", ")} cannot be installed here; pruned for this check only:\n  - ${ws.pruned.removed.join("\n  - ")}`,
    );
  }
  await tfOk(tc, ws.dir, ["init", "-input=false", "-no-color"]);
  return ws;
}

/**
 * The offline workspaces of the stacks of one synthesized output (`outdir`), each initialised once
 * under `workRoot`, whichever test asks first: the validate and plan checks of a stack share it.
 * `withoutBackend` stacks (HCP Terraform's `cloud` block, which cannot be reached from here) are
 * initialised with `-backend=false` instead of the local backend override.
 */
export function offlineWorkspaces(
  tc: Toolchain,
  outdir: string,
  workRoot: string,
  withoutBackend: (stack: string) => boolean = () => false,
): (stack: string) => Promise<OfflineWorkspace> {
  const made = new Map<string, Promise<OfflineWorkspace>>();
  return (stack) => {
    let ws = made.get(stack);
    if (!ws) {
      const stackDir = path.join(outdir, "stacks", stack);
      const workDir = path.join(workRoot, stack);
      ws = withoutBackend(stack)
        ? (async () => {
            const prepared = prepareOfflineWorkspace(stackDir, workDir, tc.unavailableProviders);
            fs.rmSync(path.join(prepared.dir, "backend_override.tf.json"));
            await tfOk(tc, prepared.dir, ["init", "-backend=false", "-input=false", "-no-color"]);
            return prepared;
          })()
        : initOffline(tc, stackDir, workDir);
      made.set(stack, ws);
    }
    return ws;
  };
}

/** Fails the test unless the workspace has hashicorp/aws 5.100.0 locked and `terraform validate` finds no error. */
export async function assertValidates(tc: Toolchain, ws: OfflineWorkspace): Promise<void> {
  const lock = fs.readFileSync(path.join(ws.dir, ".terraform.lock.hcl"), "utf8");
  expect(lock).toMatch(/provider "registry\.terraform\.io\/hashicorp\/aws" \{\n\s+version\s+= "5\.100\.0"/);
  const validate = await tfOk(tc, ws.dir, ["validate", "-json", "-no-color"]);
  const result = JSON.parse(validate.stdout) as {
    valid: boolean;
    error_count: number;
    diagnostics: { severity: string; summary: string }[];
  };
  expect(result.valid, JSON.stringify(result.diagnostics)).toBe(true);
  expect(result.error_count).toBe(0);
}

/** Plans a workspace offline, against an empty state, and returns what the plan changes. */
export async function planOffline(tc: Toolchain, ws: OfflineWorkspace): Promise<{ address: string; type: string; actions: string[] }[]> {
  const started = Date.now();
  // Terraform's machine-readable plan stream names every planned change: no `show` of a saved plan
  // (which loads the provider's schema a second time) is needed for addresses and actions.
  const run = await tfOk(tc, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-json"]);
  console.info(`[offline] ${path.basename(ws.dir)}: plan took ${Date.now() - started} ms`);
  const ACTIONS: Record<string, string[]> = {
    create: ["create"],
    update: ["update"],
    delete: ["delete"],
    replace: ["delete", "create"],
    read: ["read"],
    noop: ["no-op"],
    remove: ["forget"],
  };
  return run.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string; change?: { action: string; resource: { addr: string; resource_type: string } } })
    .filter((m) => m.type === "planned_change" && m.change)
    .map((m) => ({
      address: m.change!.resource.addr,
      type: m.change!.resource.resource_type,
      actions: ACTIONS[m.change!.action] ?? [m.change!.action],
    }));
}

/** The data source types of a workspace's stack that would call AWS at plan time: every one but aws_partition. */
export function dataSourcesNeedingAws(ws: OfflineWorkspace): string[] {
  const json = JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8")) as { data?: Record<string, unknown> };
  return Object.keys(json.data ?? {}).filter((type) => type !== "aws_partition");
}
