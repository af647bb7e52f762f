/**
 * Karpenter's AWS side deploys: two fixture-like environments built from `alpha`, one running the
 * controller on its managed node group (`delta`), one on a Fargate profile (`echo`), each on an
 * emulated AWS of its own (moto on 127.0.0.1) that enforces IAM, through `npm run bootstrap`
 * acting as an identity holding exactly the generated CI deploy policy. Then the emulator holds
 * Karpenter's node role with the node groups' managed policies, the controller's IRSA role with
 * its policy, the interruption queue with its four EventBridge rules aimed at it, and the
 * controller's node group or Fargate profile; the node role's access entry is excluded as the
 * listed emulator gap it is; nothing was denied; and `npm run plan` as the plan identity shows no
 * changes. The in-cluster side (CRDs, chart, EC2NodeClass, NodePool) needs a real cluster: the unit
 * tests check its synthesized JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvConfig } from "../../src/config";
import type { EmulatedEnvironment } from "../../scripts/emulator/emulated-deploy";
import type { DeployObservations } from "../../scripts/emulator/emulated-workflow";
import { authorizations, type Authorization } from "../../scripts/emulator/moto";
import type { PlanSummary } from "../../scripts/plan/plan-summary";
import { runProcess } from "../../scripts/common/process";
import { karpenterFixture } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";
import { deployAsCi, emulatorToolchain, limited, planAgainstState, runScenario, Steps } from "./emulated";

const enabled = await emulatorToolchain();
const out = testOutputDir("karpenter-deploy");
const envs = [await karpenterFixture("nodeGroup"), await karpenterFixture("fargate")];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the aws CLI's answers

/** What the emulator holds of Karpenter after the deploy, read back with the aws CLI. */
interface Found {
  nodeRole: Json;
  nodeRolePolicies: string[];
  controllerRole: Json;
  controllerPolicy: Json;
  queueAttributes: Record<string, string>;
  rules: { name: string; targets: string[] }[];
  nodeGroup?: Json;
  fargateProfile?: Json;
}

interface Run {
  readonly steps: Steps;
  emu?: EmulatedEnvironment;
  deploy?: DeployObservations;
  found?: Found;
  authz?: Authorization[];
  planned?: PlanSummary;
}

/** `aws <args> --output json` on the emulator, as the deploy identity (the endpoint named: the CLI's SQS client ignores AWS_ENDPOINT_URL). */
async function aws(emu: EmulatedEnvironment, ...args: string[]): Promise<Json> {
  const run = await runProcess("aws", [...args, "--endpoint-url", emu.moto.endpoint, "--output", "json"], {
    cwd: emu.options.root,
    env: emu.processEnv,
    timeoutMs: 60_000,
  });
  if (run.code !== 0) throw new Error(`aws ${args.join(" ")} failed: ${run.stderr.trim()}`);
  return (run.stdout.trim() ? JSON.parse(run.stdout) : {}) as Json;
}

async function inspect(emu: EmulatedEnvironment): Promise<Found> {
  const cluster = emu.clusterName;
  // The queue's URL from the state (its id): the provider never calls GetQueueUrl, so the deploy identity may not either.
  const queue = await emu.terraformOk("platform", ["state", "show", "-no-color", "aws_sqs_queue.karpenter_interruption_queue"]);
  const queueUrl = /^\s*id\s*=\s*"([^"]+)"/m.exec(queue.stdout)![1];
  const rules = [];
  for (const event of ["rebalance", "scheduled-change", "spot-interruption", "state-change"]) {
    const name = (await aws(emu, "events", "describe-rule", "--name", `${cluster}-karpenter-${event}`)).Name as string;
    const targets = (await aws(emu, "events", "list-targets-by-rule", "--rule", name)).Targets as Json[];
    rules.push({ name, targets: targets.map((t) => t.Arn as string) });
  }
  const policies = (await aws(emu, "iam", "list-role-policies", "--role-name", `${cluster}-karpenter`)).PolicyNames as string[];
  const onFargate = emu.env.karpenter?.controllerOn === "fargate";
  return {
    nodeRole: (await aws(emu, "iam", "get-role", "--role-name", `${cluster}-karpenter-node`)).Role as Json,
    nodeRolePolicies: (
      (await aws(emu, "iam", "list-attached-role-policies", "--role-name", `${cluster}-karpenter-node`)).AttachedPolicies as Json[]
    )
      .map((p) => p.PolicyName as string)
      .sort(),
    controllerRole: (await aws(emu, "iam", "get-role", "--role-name", `${cluster}-karpenter`)).Role as Json,
    controllerPolicy: (await aws(emu, "iam", "get-role-policy", "--role-name", `${cluster}-karpenter`, "--policy-name", policies[0]))
      .PolicyDocument as Json,
    queueAttributes: (await aws(emu, "sqs", "get-queue-attributes", "--queue-url", queueUrl, "--attribute-names", "All"))
      .Attributes as Record<string, string>,
    rules,
    nodeGroup: onFargate
      ? undefined
      : ((await aws(emu, "eks", "describe-nodegroup", "--cluster-name", cluster, "--nodegroup-name", "karpenter")).nodegroup as Json),
    fargateProfile: onFargate
      ? ((await aws(emu, "eks", "describe-fargate-profile", "--cluster-name", cluster, "--fargate-profile-name", "karpenter"))
          .fargateProfile as Json)
      : undefined,
  };
}

async function scenario(env: EnvConfig): Promise<Run> {
  const run: Run = { steps: new Steps(env.name) };
  const step = <T>(name: string, fn: () => Promise<T>) => run.steps.step(name, fn);
  try {
    run.deploy = await deployAsCi(out, env, run);
    const emu = run.emu!;
    run.planned = await step("npm run plan", () => planAgainstState(emu, "plans", ["backend", "platform"], { asPlanRole: true }));
    // What the deploy and the plan did; the inspection's own reads (as the deploy identity) come after.
    run.authz = authorizations(emu.moto.logFile);
    run.found = await step("inspect", () => inspect(emu));
  } catch {
    // recorded in steps.failed; the tests name the step
  } finally {
    await run.emu?.stop();
    console.info(`[karpenter-deploy ${env.name}] ${run.steps.summary()}`);
  }
  return run;
}

const started = Date.now();
const runs = enabled
  ? limited(
      2,
      envs.map((env) => () => runScenario(() => scenario(env))),
    )
  : [];
void Promise.all(runs).then(() =>
  console.info(`[karpenter-deploy] ${runs.length} environments in ${((Date.now() - started) / 1000).toFixed(1)}s`),
);

describe.runIf(enabled).each(envs.map((env, i) => [env.name, env.karpenter!.controllerOn, i] as const))(
  "%s (Karpenter's controller on %s), deployed on the emulator",
  (name, controllerOn, i) => {
    let run: Run;
    beforeAll(async () => {
      run = await runs[i];
    });
    afterAll(async () => {
      await run?.emu?.stop();
    });

    it("applies every Karpenter resource of the platform but the access entry, which is an explicit emulator gap", () => {
      const d = run.steps.need(run.deploy, "deploy");
      for (const s of [d.backend, d.platform]) expect(s.resources, s.stack).toBe(s.total - s.excluded);
      const platform = d.stacks.find((s) => s.stack === `${name}-platform`)!;
      const excluded = platform.gaps.applied.filter((a) => a.gap.kind === "excluded").flatMap((a) => a.addresses);
      expect(excluded.filter((a) => a.includes("karpenter"))).toEqual(["aws_eks_access_entry.karpenter_node_access_entry"]);
      console.info(
        [`[karpenter-deploy ${name}]`, ...platform.gaps.applied.map((a) => `  ${a.gap.kind} ${a.addresses.join(", ")}`)].join("\n"),
      );
    });

    it("holds the node role with the node groups' managed policies, and the controller's role trusted by kube-system/karpenter", () => {
      const f = run.steps.need(run.found, "inspection");
      expect(f.nodeRolePolicies).toEqual(["AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy"]);
      expect(JSON.stringify(f.nodeRole.AssumeRolePolicyDocument)).toContain("ec2.amazonaws.com");
      expect(JSON.stringify(f.controllerRole.AssumeRolePolicyDocument)).toContain("system:serviceaccount:kube-system:karpenter");
      const sids = (f.controllerPolicy.Statement as Json[]).map((s) => s.Sid as string);
      expect(sids).toContain("PassOnlyTheNodeRoleToEc2");
      const pass = (f.controllerPolicy.Statement as Json[]).find((s) => s.Sid === "PassOnlyTheNodeRoleToEc2")!;
      expect(pass.Resource).toBe(f.nodeRole.Arn);
      const queue = (f.controllerPolicy.Statement as Json[]).find((s) => s.Sid === "ReadItsInterruptionQueue")!;
      expect(queue.Resource).toBe(f.queueAttributes.QueueArn);
    });

    it("holds the interruption queue, encrypted, fed by its four rules and only by them", () => {
      const f = run.steps.need(run.found, "inspection");
      expect(f.queueAttributes).toMatchObject({ MessageRetentionPeriod: "300", SqsManagedSseEnabled: "true" });
      expect(f.rules.map((r) => r.name)).toEqual(
        ["rebalance", "scheduled-change", "spot-interruption", "state-change"].map((e) => `fixture-${name}-eks-karpenter-${e}`),
      );
      for (const r of f.rules) expect(r.targets, r.name).toEqual([f.queueAttributes.QueueArn]);
      const policy = JSON.parse(f.queueAttributes.Policy) as Json;
      expect(JSON.stringify(policy)).toContain("aws:SecureTransport");
    });

    it(`runs the controller on its ${controllerOn === "nodeGroup" ? "node group" : "Fargate profile"}`, () => {
      const f = run.steps.need(run.found, "inspection");
      const found = {
        nodeGroup: f.nodeGroup && {
          name: f.nodeGroup.nodegroupName as string,
          instanceTypes: f.nodeGroup.instanceTypes as string[],
          sizes: [(f.nodeGroup.scalingConfig as Json).minSize, (f.nodeGroup.scalingConfig as Json).maxSize] as number[],
        },
        fargateProfile: f.fargateProfile && {
          name: f.fargateProfile.fargateProfileName as string,
          selectors: f.fargateProfile.selectors as Json[],
        },
      };
      const onNodeGroup = { name: "karpenter", instanceTypes: ["t3.medium"], sizes: [2, 2] };
      const onFargate = { name: "karpenter", selectors: [{ namespace: "kube-system", labels: { "app.kubernetes.io/name": "karpenter" } }] };
      expect(found).toEqual(
        controllerOn === "nodeGroup"
          ? { nodeGroup: onNodeGroup, fargateProfile: undefined }
          : { nodeGroup: undefined, fargateProfile: onFargate },
      );
    });

    it("deploys and plans with exactly the generated CI policies, and a second plan shows no changes", () => {
      const authz = run.steps.need(run.authz, "authorizations");
      // The provider asks iam:GetUser who it is before it asks STS, and falls back when refused.
      const denied = authz.filter((a) => !a.allowed && a.action !== "iam:GetUser").map((a) => `${a.principal} ${a.action} ${a.resource}`);
      expect(denied).toEqual([]);
      expect(authz.some((a) => a.allowed && a.action === "sqs:CreateQueue")).toBe(true);
      const planned = run.steps.need(run.planned, "npm run plan");
      expect(planned.totals).toMatchObject({ create: 0, update: 0, replace: 0, destroy: 0 });
    });
  },
);
