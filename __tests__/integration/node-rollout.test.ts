/**
 * A node image change planned by the real Terraform and AWS provider: `bravo` (a self-managed group,
 * a managed group, and here a managed group per zone) planned against the state a first apply would
 * leave, then again with every group on another release. The change is in place: the managed node
 * groups' `release_version`, and the launch template's `image_id`, whose new version the
 * autoscaling group follows (the provider starts an instance refresh when it changes). The review
 * lists each group's rollout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { resolveEnv, type EnvConfig } from "../../src/config";
import { ManagedGroupSchema } from "../../src/config/schema";
import { EKS_NODE_IMAGE_RELEASES } from "../../src/lib/eks-node-images";
import { renderMarkdown, summarizePlans, type PlanJson, type PlanSummary } from "../../scripts/plan/plan-summary";
import { prepareOfflineWorkspace } from "../../scripts/terraform/terraform";
import { fakeApply } from "../helpers/fake-apply";
import { fixtureEnv } from "../helpers/synth";
import { getToolchain, testOutputDir, tfOk, type Toolchain } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("node-rollout");
const fixture = await fixtureEnv("bravo");
const before: EnvConfig = resolveEnv({
  ...fixture,
  nodeGroups: {
    ...fixture.nodeGroups,
    managed: { ...fixture.nodeGroups.managed, stateful: ManagedGroupSchema.parse({ perZone: true, minSize: 1, desiredSize: 1 }) },
  },
});
const NEXT = "1.35.5-20260602";
/** Every group on the next release, as a refreshed table (or each group's imageRelease) would put them. */
const after: EnvConfig = resolveEnv({
  ...before,
  nodeGroups: {
    ...before.nodeGroups,
    selfManaged: Object.fromEntries(Object.entries(before.nodeGroups.selfManaged).map(([k, g]) => [k, { ...g, imageRelease: NEXT }])),
    managed: Object.fromEntries(Object.entries(before.nodeGroups.managed).map(([k, g]) => [k, { ...g, imageRelease: NEXT }])),
  },
});

let summary: PlanSummary;
/** What each resource's update touches in the baseline plan: `before` planned against its own made-up state. */
let baseline: Map<string, string[]>;

/**
 * `path` of every attribute each update or replace touches; but not a computed value the made-up
 * state holds as null that the provider plans as its empty value (a real state holds the empty value).
 */
const touched = (plan: PlanSummary) =>
  new Map(
    plan.stacks[0].changes.map((c) => [
      c.address,
      c.attributes
        .filter((a) => !(a.before === "null" && ["0", '""', "[]", "false"].includes(a.after ?? "")))
        .map((a) => `${a.path}${a.note ? ` (${a.note})` : ""}`),
    ]),
  );

describe.runIf(tc)("a node image change in a real plan", () => {
  const toolchain = tc as Toolchain;

  beforeAll(async () => {
    buildApp([before], path.join(out, "a")).app.synth();
    const work = path.join(out, "work");
    let ws = prepareOfflineWorkspace(path.join(out, "a", "stacks", "bravo-platform"), work, toolchain.unavailableProviders);
    await tfOk(toolchain, ws.dir, ["init", "-input=false", "-no-color"]);
    await tfOk(toolchain, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=create.tfplan"]);
    const createPlan = JSON.parse((await tfOk(toolchain, ws.dir, ["show", "-json", "create.tfplan"])).stdout) as Record<string, unknown>;
    const schema = JSON.parse((await tfOk(toolchain, ws.dir, ["providers", "schema", "-json"])).stdout) as Record<string, unknown>;
    const stack = JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
    const state = JSON.stringify(fakeApply(stack, createPlan, schema));
    const planAgainstState = async (plan: string): Promise<PlanSummary> => {
      fs.writeFileSync(path.join(ws.dir, "offline.tfstate"), state);
      await tfOk(toolchain, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", `-out=${plan}`]);
      const json = JSON.parse((await tfOk(toolchain, ws.dir, ["show", "-json", plan])).stdout) as PlanJson;
      return summarizePlans([{ stack: "bravo-platform", plan: json }], "Plan: bravo");
    };
    // The made-up state differs from a real one in details (empty computed values): the baseline
    // plan of the unchanged configuration shows them, so the change is what the second plan adds.
    baseline = touched(await planAgainstState("same.tfplan"));

    buildApp([after], path.join(out, "b")).app.synth();
    ws = prepareOfflineWorkspace(path.join(out, "b", "stacks", "bravo-platform"), work, toolchain.unavailableProviders);
    summary = await planAgainstState("change.tfplan");
  }, 300_000);

  it("changes only the release attributes, in place: nothing created, replaced or destroyed", () => {
    expect(summary.totals).toMatchObject({ create: 0, replace: 0, destroy: 0, forget: 0 });
    const added = [...touched(summary)].flatMap(([address, paths]) =>
      paths.filter((p) => !(baseline.get(address) ?? []).includes(p)).map((p) => `${address} ${p}`),
    );
    expect(added.sort()).toEqual([
      "aws_eks_node_group.workers_stateful-a_node_group release_version",
      "aws_eks_node_group.workers_stateful-b_node_group release_version",
      "aws_eks_node_group.workers_stateful-c_node_group release_version",
      "aws_eks_node_group.workers_system_node_group release_version",
      "aws_launch_template.workers_app_launch_template image_id",
    ]);
    // The new image makes a new template version, which the autoscaling group follows: the provider
    // starts an instance refresh whenever launch_template changes.
    const changes = touched(summary);
    expect(changes.get("aws_launch_template.workers_app_launch_template")).toContain("latest_version (known after apply)");
    expect(changes.get("aws_autoscaling_group.workers_app_autoscaling_group")).toContain("launch_template[0].version (known after apply)");
    const release = summary.stacks[0].changes.find((c) => c.address === "aws_eks_node_group.workers_system_node_group")!;
    expect(release.attributes).toContainEqual({
      path: "release_version",
      before: JSON.stringify(EKS_NODE_IMAGE_RELEASES["1.35"]),
      after: JSON.stringify(NEXT),
    });
  });

  it("lists a rollout per group, with the release before and after and how it rolls", () => {
    const current = EKS_NODE_IMAGE_RELEASES["1.35"];
    expect(summary.rollouts.map((r) => `${r.kind} ${r.group}: ${r.from} -> ${r.to}`)).toEqual([
      `managed stateful-a: ${current} -> ${NEXT}`,
      `managed stateful-b: ${current} -> ${NEXT}`,
      `managed stateful-c: ${current} -> ${NEXT}`,
      `managed system: ${current} -> ${NEXT}`,
      `self-managed fixture-bravo-eks-app: v${current.slice(-8)} -> v20260602`,
    ]);
    const md = renderMarkdown(summary);
    expect(md).toContain("> **Node rollouts** (5): a new node image replaces every node of these groups.");
    expect(md).toContain(
      `> - \`bravo-platform\` \`aws_eks_node_group.workers_system_node_group\`: managed node group \`system\` \`${current}\` → \`${NEXT}\`: EKS replaces 1 node(s) at a time, draining each first (\`update_config.max_unavailable = 1\`)`,
    );
    expect(md).toContain(
      `> - \`bravo-platform\` \`aws_launch_template.workers_app_launch_template\`: self-managed nodes of launch template \`fixture-bravo-eks-app\` \`v${current.slice(-8)}\` → \`v20260602\`: a new launch template version starts an instance refresh of its autoscaling groups; the Node Termination Handler drains each node first (\`instance_refresh.strategy = Rolling\`)`,
    );
  });
});
