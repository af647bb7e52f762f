/**
 * Whatever envs/ holds deploys: each environment on an emulated AWS of its own (moto on
 * 127.0.0.1) that enforces IAM, through `npm run bootstrap` itself (the backend with local state, its
 * state pushed into the bucket it created, the platform on its S3 backend), acting as an identity
 * holding exactly the deploy policy CI gets (`npm run ci:iam`). Then a second bootstrap changes
 * nothing, `npm run plan` against the deployed state, acting as the plan identity with exactly the
 * plan policy, shows no changes (both: an empty second plan), the rendered kubeconfig yields a
 * token, nothing was denied, and a call outside the deploy policy is (enforcement was on). What moto cannot do is excluded explicitly
 * (scripts/emulator/emulator-gaps.ts) and printed with counts; the workloads stack needs a real
 * cluster and is checked by the unit tests and `terraform validate` instead.
 *
 * An environment with node groups (managed or self-managed) proves an in-place upgrade too, at no
 * cost of a deploy of its own: it is deployed one Kubernetes minor below its version (everything
 * above holds there), then `npm run upgrade`'s own code edits the environment file the deploy read
 * back to its version, and the platform is planned again against the deployed state, as the plan
 * identity. The cluster, every managed node group and every self-managed launch template and Auto
 * Scaling group must be updates in place, with nothing created, replaced or destroyed; the counts
 * are printed. moto cannot apply a version update, so that plan is the proof. The EKS add-ons are an
 * emulator gap (moto has no add-on API): they are not in the emulated state, so the plan cannot
 * show them; here the upgrade is checked to change only their `addon_version` in the synthesized
 * stack, and the integration tier has the real provider plan that change as an update in place
 * (`__tests__/integration/plan-summary.test.ts`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { authorizations, type Authorization } from "../../scripts/emulator/moto";
import { runProcess, type ProcessRun } from "../../scripts/common/process";
import { assertValidEnvs, envsDir, hasNodeGroups, loadEnvSources, resolveEnv, type EnvConfig } from "../../src/config";
import { supportToday } from "../../src/lib/eks-versions";
import { readStackFile, stackResources } from "../../src/lib/synthesized";
import { upgradeEnvironment, type UpgradeReport } from "../../scripts/upgrade/upgrade";
import type { DeployResult } from "../../scripts/deploy/bootstrap";
import { EmulatedEnvironment } from "../../scripts/emulator/emulated-deploy";
import { checkKubeconfig, type DeployObservations, type KubeconfigCheck } from "../../scripts/emulator/emulated-workflow";
import type { PlanSummary } from "../../scripts/plan/plan-summary";
import { testOutputDir } from "../helpers/terraform";
import { deployAsCi, emulatorToolchain, limited, planAgainstState, runScenario, Steps } from "./emulated";

const enabled = await emulatorToolchain();
const dir = envsDir(PROJECT_ROOT);
const loaded = await loadEnvSources(dir).then(
  (sources) => ({ envs: assertValidEnvs(sources), error: undefined }),
  (err: Error) => ({ envs: [] as EnvConfig[], error: err }),
);
const out = testOutputDir("envs-deploy");
// HCP Terraform keeps their state: no emulator stands in for it (they are validated and planned offline).
const deployable = loaded.envs.filter((e) => e.backend.kind === "s3");
/** The environments deployed one minor below their version, then upgraded: those with node groups. */
const upgradable = deployable.filter((e) => hasNodeGroups(e));

/** `env` one Kubernetes minor below its version. */
function previousMinor(env: EnvConfig): EnvConfig {
  const kubernetesVersion = `1.${Number(env.eks.kubernetesVersion.split(".")[1]) - 1}`;
  return resolveEnv({ ...env, eks: { ...env.eks, kubernetesVersion } });
}

interface Upgrade {
  readonly report: UpgradeReport;
  /** The environment file after the edit, as validation reads it. */
  readonly edited: EnvConfig;
  /** The platform stack's add-ons before and after (address -> arguments). */
  readonly addons: { before: Record<string, unknown>; after: Record<string, unknown> };
  readonly planned: PlanSummary;
}

/** `npm run upgrade`'s edit of the file the deploy read, then a plan of the platform against the deployed state. */
async function upgradeAndPlan(emu: EmulatedEnvironment, to: string): Promise<Upgrade> {
  const addons = () =>
    Object.fromEntries(
      stackResources("", readStackFile(emu.stackDir("platform")))
        .filter((r) => r.type === "aws_eks_addon")
        .map((r) => [r.address, r.config]),
    );
  const before = addons();
  const report = await upgradeEnvironment({ env: emu.env.name, to, envsDir: emu.envsDir, today: supportToday() });
  if (!report.written) throw new Error(`npm run upgrade did not edit ${report.file}: ${JSON.stringify(report.edit)}`);
  // What the file says now (read afresh: an import would be the module cached before the edit).
  const file = path.resolve(report.file);
  const [edited] = assertValidEnvs([{ source: report.file, raw: JSON.parse(fs.readFileSync(file, "utf8")) as unknown }]);
  emu.synth(edited);
  const planned = await planAgainstState(emu, "upgrade-plans", ["platform"], { asPlanRole: true });
  return { report, edited, addons: { before, after: addons() }, planned };
}

interface Run {
  readonly steps: Steps;
  emu?: EmulatedEnvironment;
  probe?: ProcessRun;
  authz?: Authorization[];
  deploy?: DeployObservations;
  rerun?: DeployResult;
  kubeconfig?: KubeconfigCheck;
  planned?: PlanSummary;
  upgrade?: Upgrade;
}

async function scenario(target: EnvConfig): Promise<Run> {
  const upgrading = upgradable.includes(target);
  const env = upgrading ? previousMinor(target) : target;
  const run: Run = { steps: new Steps(env.name) };
  const step = <T>(name: string, fn: () => Promise<T>) => run.steps.step(name, fn);
  try {
    run.deploy = await deployAsCi(out, env, run);
    const emu = run.emu!;
    run.rerun = await step("bootstrap again", () => emu.bootstrap());
    run.kubeconfig = await step("kubeconfig", () => checkKubeconfig(emu));
    run.planned = await step("npm run plan", () => planAgainstState(emu, "plans", ["backend", "platform"], { asPlanRole: true }));
    if (upgrading) run.upgrade = await step("npm run upgrade", () => upgradeAndPlan(emu, target.eks.kubernetesVersion));
    // Enforcement is on: what the deploy policy does not grant is denied.
    run.probe = await step("probe", () =>
      runProcess("aws", ["sns", "list-topics"], { cwd: emu.options.root, env: emu.processEnv, timeoutMs: 60_000 }),
    );
    run.authz = authorizations(emu.moto.logFile);
  } catch {
    // recorded in steps.failed; the tests name the step
  } finally {
    await run.emu?.stop();
    console.info(`[envs-deploy ${env.name}] ${run.steps.summary()}`);
  }
  return run;
}

// Two environments deploy at a time: on a 2-core machine more make the emulator answer so late
// that the AWS SDK retries writes it already made.
const started = Date.now();
const runs = enabled
  ? limited(
      2,
      deployable.map((env) => () => runScenario(() => scenario(env))),
    )
  : [];
void Promise.all(runs).then(() =>
  console.info(`[envs-deploy] ${runs.length} environments in ${((Date.now() - started) / 1000).toFixed(1)}s`),
);

describe("envs/", () => {
  // An empty folder is a state a team passes through; the loader must say so in one line.
  it("holds environment files, or the loader says none was found", () => {
    const found = loaded.error ? loaded.error.message : `${loaded.envs.length} environments`;
    expect(found).toMatch(loaded.error ? /^no environment files \(\*\.ts\) found in .+; add one/ : /^[1-9]\d* environments$/);
  });
});

describe.runIf(enabled).each(deployable.map((env, i) => [env.name, i] as const))("%s, deployed on the emulator", (name, i) => {
  let run: Run;
  beforeAll(async () => {
    run = await runs[i];
  });
  afterAll(async () => {
    await run?.emu?.stop();
  });

  it("bootstraps from nothing: the backend with local state, its state into its bucket, then the platform on S3", () => {
    const d = run.steps.need(run.deploy, "deploy");
    const env = run.emu!.env;
    console.info([`[envs-deploy ${name}]`, ...EmulatedEnvironment.describe(d.stacks)].join("\n"));
    expect(d.run.backendState).toBe("created");
    // Everything that is not an explicit emulator gap was applied.
    for (const s of [d.backend, d.platform]) expect(s.resources, s.stack).toBe(s.total - s.excluded);
    const applies = d.run.steps.filter((s) => s.step.startsWith("apply"));
    expect(applies.map((s) => [s.stack, s.step, s.changes?.added])).toEqual([
      [`${name}-backend`, "apply (local state)", d.backend.resources],
      [`${name}-platform`, "apply", d.platform.resources],
    ]);
    // Nothing is left of the local phase: the state file and the temporary copy are gone.
    expect(fs.existsSync(run.emu!.backendLocalState)).toBe(false);
    expect(fs.readdirSync(run.emu!.stackDir("backend")).filter((f) => f.endsWith(".tf.json") && f.includes("local"))).toEqual([]);
    // The platform's lock was taken during its apply and released after.
    expect(d.lock.dynamodbLockSeen || d.lock.lockfileSeen).toBe(true);
    expect(d.lock.lockfileStatusAfter).toBe(404);
    expect(d.lock.lockIdsAfter.every((id) => id.endsWith("-md5"))).toBe(true);
    expect(d.lock.lockIdsAfter.length).toBe(env.backend.dynamodbLock ? 2 : 0);
  });

  it("changes nothing when bootstrap runs again", () => {
    const again = run.steps.need(run.rerun, "second bootstrap");
    expect(again.backendState).toBe("already in the bucket");
    const applies = again.steps.filter((s) => s.step === "apply");
    expect(applies.map((s) => s.stack)).toEqual([`${name}-backend`, `${name}-platform`]);
    for (const s of applies) expect(s.changes, s.stack).toEqual({ added: 0, changed: 0, destroyed: 0 });
  });

  it("renders a kubeconfig whose exec block yields a token for the emulated cluster", () => {
    const k = run.steps.need(run.kubeconfig, "kubeconfig");
    const env = run.emu!.env;
    expect(k.server).toBe(k.endpoint);
    expect(k.execArgs.slice(0, 6)).toEqual(["eks", "get-token", "--cluster-name", run.emu!.clusterName, "--region", env.region]);
    expect(k.token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect(k.presignedUrl.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(fs.statSync(k.file).mode & 0o777).toBe(0o600);
  });

  it("deploys and plans with exactly the generated CI policies: nothing is denied but a call outside them", () => {
    const authz = run.steps.need(run.authz, "authorizations");
    const probe = run.steps.need(run.probe, "probe");
    expect(probe.code).not.toBe(0);
    expect(probe.stderr).toMatch(/AccessDenied|not authorized/);
    // The provider asks iam:GetUser who it is before it asks STS and falls back when refused: the
    // one refusal that is expected (the policies do not grant it, and need not).
    const denied = authz.filter((a) => !a.allowed && a.action !== "iam:GetUser").map((a) => `${a.principal} ${a.action} ${a.resource}`);
    expect(denied).toEqual([expect.stringMatching(/ sns:ListTopics /)]);
    const byService = new Map<string, number>();
    for (const a of authz) byService.set(a.action.split(":")[0], (byService.get(a.action.split(":")[0]) ?? 0) + 1);
    console.info(
      `[envs-deploy ${name}] IAM checks by service: ${[...byService]
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    // Both identities were checked: the deploy one (or the role it assumes) and the plan one.
    expect(authz.filter((a) => /:user\/ci-deploy$|:assumed-role\//.test(a.principal)).length).toBeGreaterThan(100);
    expect(authz.filter((a) => a.principal.endsWith(":user/ci-plan")).length).toBeGreaterThan(10);
  });

  it("npm run plan against the deployed state shows no changes", () => {
    const planned = run.steps.need(run.planned, "npm run plan");
    expect(planned.totals).toMatchObject({ create: 0, update: 0, replace: 0, destroy: 0 });
    expect(planned.stacks.map((s) => s.stack)).toEqual([`${name}-backend`, `${name}-platform`]);
  });
});

describe.runIf(enabled).each(upgradable.map((env) => [env.name, deployable.indexOf(env)] as const))(
  "%s, deployed one minor below its version and upgraded",
  (name, i) => {
    let run: Run;
    beforeAll(async () => {
      run = await runs[i];
    });

    it("npm run upgrade edits the file to the environment's version, listing what changes", () => {
      const { report, edited } = run.steps.need(run.upgrade, "upgrade");
      const version = deployable[i].eks.kubernetesVersion;
      expect([report.from, report.to, edited.eks.kubernetesVersion]).toEqual([
        previousMinor(deployable[i]).eks.kubernetesVersion,
        version,
        version,
      ]);
      expect(report.changes.filter((c) => c.what === "node group").length).toBeGreaterThan(0);
      console.info(
        `[envs-deploy ${name}] npm run upgrade ${report.from} -> ${report.to}: ${report.changes.map((c) => `${c.what} ${c.name}`).join("; ")}`,
      );
    });

    it("plans the cluster, its node groups and their launch templates and Auto Scaling groups as updates in place, nothing replaced or destroyed", () => {
      const { report, planned } = run.steps.need(run.upgrade, "upgrade");
      const changes = planned.stacks.flatMap((s) => s.changes);
      const t = planned.totals;
      console.info(
        `[envs-deploy ${name}] upgrade plan ${report.from} -> ${report.to}: ${t.update} update, ${t.replace} replace, ${t.destroy} destroy, ${t.create} create (${changes.map((c) => c.address).join(", ")})`,
      );
      expect(t).toMatchObject({ create: 0, replace: 0, destroy: 0, forget: 0 });
      expect(planned.upgrades).toEqual([]);
      const byAddress = new Map(changes.map((c) => [c.address, c]));
      const platform = readStackFile(run.emu!.stackDir("platform"));
      const wanted = stackResources("", platform)
        .filter(
          (r) =>
            ["aws_eks_cluster", "aws_eks_node_group", "aws_autoscaling_group"].includes(r.type) ||
            (r.type === "aws_launch_template" && r.config.image_id !== undefined),
        )
        .map((r) => r.address);
      expect(wanted.length).toBeGreaterThan(1);
      for (const address of wanted) expect(byAddress.get(address)?.action, address).toBe("update");
      const cluster = byAddress.get("aws_eks_cluster.eks")!;
      expect(cluster.attributes.find((a) => a.path === "version")).toMatchObject({
        before: JSON.stringify(report.from),
        after: JSON.stringify(report.to),
      });
      // Nothing else changes with the version.
      expect([...byAddress.keys()].sort()).toEqual([...wanted].sort());
    });

    it("changes only the add-ons' versions (the emulator has no add-on API: checked on the synthesized stacks)", () => {
      const { report, addons } = run.steps.need(run.upgrade, "upgrade");
      expect(Object.keys(addons.after)).toEqual(Object.keys(addons.before));
      const changed = Object.keys(addons.after).filter((a) => JSON.stringify(addons.after[a]) !== JSON.stringify(addons.before[a]));
      for (const a of changed) {
        const { addon_version: after, ...rest } = addons.after[a] as Record<string, unknown>;
        const { addon_version: before, ...restBefore } = addons.before[a] as Record<string, unknown>;
        expect(rest, a).toEqual(restBefore);
        expect(before, a).not.toBe(after);
      }
      expect(changed.length).toBe(report.changes.filter((c) => c.what === "add-on").length);
    });
  },
);
