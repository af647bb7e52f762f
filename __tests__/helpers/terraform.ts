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
import { afterAll, onTestFinished } from "vitest";
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
} from "../../src/tools/terraform/terraform";

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
  readonly mirror: string;
  /** CLI config: hashicorp/aws from the mirror, others from the registry (when reachable). */
  readonly cliConfig: string;
  /** Providers that cannot be installed here and must be pruned for offline checks. */
  readonly unavailableProviders: readonly string[];
}

let toolchain: Promise<Toolchain | undefined> | undefined;

/** Finds terraform and the provider mirror once per test file; throws on CI when either is missing. */
export function getToolchain(): Promise<Toolchain | undefined> {
  toolchain ??= (async () => {
    const missing: string[] = [];
    if (!findTerraform()) missing.push("the terraform binary is not on PATH");
    const mirror = findTerraform() ? findAwsProviderMirror() : undefined;
    if (findTerraform() && !mirror) missing.push("no filesystem mirror with hashicorp/aws 5.100.0 was found (set TF_PROVIDER_MIRROR)");
    if (missing.length > 0) {
      const message = `real Terraform checks cannot run: ${missing.join("; ")}`;
      if (process.env.CI) throw new Error(`${message}. CI must have them.`);
      console.warn(`SKIPPING: ${message}`);
      return undefined;
    }
    const dir = path.join(PROJECT_ROOT, ".test-output", "toolchain");
    fs.mkdirSync(dir, { recursive: true });
    const online = await canInstallFromRegistry(dir, mirror);
    const cliConfig = writeCliConfig(dir, mirror, online);
    return {
      terraformVersion: terraformVersion(),
      mirror: mirror!,
      cliConfig,
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

/** `terraform show -json` of a saved plan: the resource changes by address. */
export async function planChanges(
  tc: Toolchain,
  dir: string,
  planFile = "plan.out",
): Promise<{ address: string; type: string; actions: string[] }[]> {
  const show = await tfOk(tc, dir, ["show", "-json", planFile]);
  const plan = JSON.parse(show.stdout) as { resource_changes?: { address: string; type: string; change: { actions: string[] } }[] };
  return (plan.resource_changes ?? []).map((c) => ({ address: c.address, type: c.type, actions: c.change.actions }));
}
