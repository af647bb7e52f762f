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
