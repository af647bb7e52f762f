/** Edge cases of the plan review on small hand-written plans (the real plans are in integration/). */
import { describe, expect, it } from "vitest";
import { renderMarkdown, summarizePlans, summarizeStack, type PlanJson } from "../../src/lib/plan-summary";

const rc = (address: string, actions: string[], change: Record<string, unknown> = {}) => ({
  address,
  mode: "managed",
  type: address.split(".")[0],
  change: { actions, ...change },
});

describe("plan summary", () => {
  it("maps Terraform's actions to create, update, replace, destroy, no-op and ignores data reads", () => {
    const plan: PlanJson = {
      format_version: "1.2",
      resource_changes: [
        rc("aws_s3_bucket.a", ["create"]),
        rc("aws_s3_bucket.b", ["update"], { before: {}, after: {} }),
        rc("aws_s3_bucket.c", ["delete", "create"]),
        rc("aws_s3_bucket.d", ["create", "delete"]),
        rc("aws_s3_bucket.e", ["delete"]),
        rc("aws_s3_bucket.f", ["no-op"]),
        { ...rc("data.aws_partition.p", ["read"]), mode: "data" },
      ],
    };
    expect(summarizeStack("s", plan).counts).toEqual({ create: 1, update: 1, replace: 2, destroy: 1, "no-op": 1, read: 0 });
  });

  it("never prints a sensitive value, before or after", () => {
    const plan: PlanJson = {
      format_version: "1.2",
      resource_changes: [
        rc("aws_db_instance.db", ["update"], {
          before: { password: "old-secret", tags: { team: "a" } },
          after: { password: "new-secret", tags: { team: "b" } },
          before_sensitive: { password: true },
          after_sensitive: { password: true },
        }),
      ],
    };
    const summary = summarizePlans([{ stack: "s", plan }], "Plan");
    expect(summary.stacks[0].changes[0].attributes).toEqual([
      { path: "password", note: "sensitive" },
      { path: "tags.team", before: '"a"', after: '"b"' },
    ]);
    const md = renderMarkdown(summary);
    expect(md).not.toContain("secret");
    expect(md).toContain("`password` (sensitive)");
  });

  it("folds long tables into a details block and stays the same whatever the input order", () => {
    const changes = Array.from({ length: 40 }, (_, i) => rc(`aws_subnet.s${String(i).padStart(2, "0")}`, ["create"]));
    const md = renderMarkdown(summarizePlans([{ stack: "s", plan: { format_version: "1.2", resource_changes: changes } }], "Plan"), {
      rowLimit: 10,
    });
    expect(md).toContain("<details><summary>30 more</summary>");
    const shuffled = [...changes].reverse();
    expect(
      renderMarkdown(summarizePlans([{ stack: "s", plan: { format_version: "1.2", resource_changes: shuffled } }], "Plan"), {
        rowLimit: 10,
      }),
    ).toBe(md);
  });

  it("puts several stacks in name order and totals them", () => {
    const plan = (n: number): PlanJson => ({
      format_version: "1.2",
      resource_changes: Array.from({ length: n }, (_, i) => rc(`aws_vpc.v${i}`, ["create"])),
    });
    const summary = summarizePlans(
      [
        { stack: "dev-platform", plan: plan(2) },
        { stack: "dev-backend", plan: plan(3) },
      ],
      "Plan",
    );
    expect(summary.stacks.map((s) => s.stack)).toEqual(["dev-backend", "dev-platform"]);
    expect(summary.totals.create).toBe(5);
  });
});

describe("Kubernetes upgrades in the plan review", () => {
  const cluster = (from: string, to: string) =>
    rc("aws_eks_cluster.eks", ["update"], { before: { version: from }, after: { version: to } });
  const nodeGroup = (version: string) =>
    rc("aws_eks_node_group.workers_sys_node_group", ["update"], { before: { version: "1.33" }, after: { version } });
  const template = (version: string) =>
    rc("aws_launch_template.workers_app_launch_template", ["update"], {
      before: {},
      after: { image_id: `resolve:ssm:/aws/service/eks/optimized-ami/${version}/amazon-linux-2023/x86_64/standard/recommended/image_id` },
    });
  const review = (...changes: ReturnType<typeof rc>[]) =>
    summarizePlans([{ stack: "prod-platform", plan: { format_version: "1.2", resource_changes: changes } }], "Plan: prod");

  it("accepts one minor at a time with nodes at or behind the control plane", () => {
    expect(review(cluster("1.33", "1.34"), nodeGroup("1.34"), template("1.33")).upgrades).toEqual([]);
  });

  it("flags a control plane jump of more than one minor, and a downgrade, at the top of the review", () => {
    const summary = review(cluster("1.32", "1.35"));
    expect(summary.upgrades).toEqual([
      "prod-platform aws_eks_cluster.eks: Kubernetes 1.32 → 1.35 skips 2 minor version(s); EKS upgrades the control plane one minor at a time (go to 1.33 first)",
    ]);
    const markdown = renderMarkdown(summary);
    expect(markdown.split("\n").slice(2, 5)).toEqual([
      "> [!CAUTION]",
      "> **Kubernetes versions EKS will refuse** (1):",
      `> - ${summary.upgrades[0]}`,
    ]);
    expect(review(cluster("1.34", "1.33")).upgrades).toEqual([
      "prod-platform aws_eks_cluster.eks: Kubernetes 1.34 → 1.33 is a downgrade, which EKS refuses",
    ]);
  });

  it("flags managed and self-managed nodes pinned ahead of the control plane", () => {
    expect(review(cluster("1.34", "1.34"), nodeGroup("1.35"), template("1.35")).upgrades).toEqual([
      "prod-platform aws_eks_node_group.workers_sys_node_group: nodes on Kubernetes 1.35 would be newer than the control plane (1.34); nodes may not lead it",
      "prod-platform aws_launch_template.workers_app_launch_template: nodes on Kubernetes 1.35 would be newer than the control plane (1.34); nodes may not lead it",
    ]);
  });
});
