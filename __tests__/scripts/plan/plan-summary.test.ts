/**
 * Edge cases of the plan review on small hand-written plans, and on a small real plan of Terraform
 * 1.11 with every action it emits (the project's own plans are in integration/).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  PlanFormatError,
  readPlanFile,
  renderMarkdown,
  summarizePlans,
  summarizeStack,
  validatePlan,
  type PlanJson,
} from "../../../scripts/plan/plan-summary";
import { escapeControl } from "../../../src/lib/text";
import { expectInert, expectTablesIntact, HOSTILE, readCodeSpans } from "../../helpers/markdown";

/**
 * `terraform show -json` of a real Terraform 1.11.4 plan (builtin terraform_data only): one each of
 * create, update, ["delete","create"], ["create","delete"] (create_before_destroy), delete, forget
 * (a `removed` block with destroy = false), no-op, and a data source read during apply.
 */
const EVERY_ACTION = path.join(__dirname, "..", "..", "fixtures", "terraform-1.11-every-action.plan.json");

const rc = (address: string, actions: string[], change: Record<string, unknown> = {}) => ({
  address,
  mode: "managed",
  type: address.split(".")[0],
  change: { actions, ...change },
});

describe("plan summary of odd but valid plans", () => {
  /** `{ a: { a: ... leaf } }`, `depth` levels deep, built without recursion. */
  const nested = (depth: number, leaf: unknown): unknown => {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };

  it.each([
    ["a value nested 10,000 levels deep", { before: { v: nested(10_000, 1) }, after: { v: nested(10_000, 2) } }, "v.a.a"],
    [
      "masks of unexpected types",
      { before: { v: 1 }, after: { v: 2 }, after_unknown: "yes", before_sensitive: 7, after_sensitive: [true] },
      "v",
    ],
    ["before and after of different kinds", { before: { v: [1, 2] }, after: { v: { x: 1 } } }, "v"],
    ["a null change body", { before: null, after: { v: "x" } }, "v"],
  ])("reviews %s without failing, naming the changed path", (_label, change, prefix) => {
    const plan = validatePlan({ format_version: "1.2", resource_changes: [rc("aws_s3_bucket.a", ["update"], change)] }, "p.json");
    const summary = summarizeStack("s", plan);
    const [changed] = summary.changes;
    expect(changed.attributes.length).toBeGreaterThan(0);
    expect(changed.attributes[0].path.startsWith(prefix)).toBe(true);
    expect(renderMarkdown(summarizePlans([{ stack: "s", plan }], "Plan: x"))).toContain("aws_s3_bucket.a");
  });

  it("says a change nested past the review's depth is to be read in the plan, and skips one that is equal", () => {
    const deep = (leaf: unknown) => ({ v: nested(50, leaf) });
    const changed = summarizeStack("s", {
      format_version: "1.2",
      resource_changes: [rc("aws_x.a", ["update"], { before: deep(1), after: deep(2) })],
    });
    expect(changed.changes[0].attributes).toEqual([
      { path: `v${".a".repeat(31)}`, note: "nested deeper than 32 levels: read it in the plan" },
    ]);
    const same = summarizeStack("s", {
      format_version: "1.2",
      resource_changes: [rc("aws_x.a", ["update"], { before: deep(1), after: deep(1) })],
    });
    expect(same.changes[0].attributes).toEqual([]);
  });
});

describe("plan summary", () => {
  it("maps Terraform's actions to create, update, replace, destroy, forget, no-op and counts data reads", () => {
    const plan: PlanJson = {
      format_version: "1.2",
      resource_changes: [
        rc("aws_s3_bucket.a", ["create"]),
        rc("aws_s3_bucket.b", ["update"], { before: {}, after: {} }),
        rc("aws_s3_bucket.c", ["delete", "create"]),
        rc("aws_s3_bucket.d", ["create", "delete"]),
        rc("aws_s3_bucket.e", ["delete"]),
        rc("aws_s3_bucket.f", ["no-op"]),
        rc("aws_s3_bucket.g", ["forget"]),
        rc("aws_s3_bucket.h", ["create", "forget"]),
        { ...rc("data.aws_partition.p", ["read"]), mode: "data" },
      ],
    };
    const summary = summarizeStack("s", plan);
    expect(summary.counts).toEqual({ create: 1, update: 1, replace: 2, destroy: 1, forget: 2, "no-op": 1, read: 1 });
    // Data reads and no-ops count, but are no change to review.
    expect(summary.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      "destroy aws_s3_bucket.e",
      "replace aws_s3_bucket.c",
      "replace aws_s3_bucket.d",
      "forget aws_s3_bucket.g",
      "forget aws_s3_bucket.h",
      "update aws_s3_bucket.b",
      "create aws_s3_bucket.a",
    ]);
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
        { stack: "alpha-platform", plan: plan(2) },
        { stack: "alpha-backend", plan: plan(3) },
      ],
      "Plan",
    );
    expect(summary.stacks.map((s) => s.stack)).toEqual(["alpha-backend", "alpha-platform"]);
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
    summarizePlans([{ stack: "bravo-platform", plan: { format_version: "1.2", resource_changes: changes } }], "Plan: bravo");

  it("accepts one minor at a time with nodes at or behind the control plane", () => {
    expect(review(cluster("1.33", "1.34"), nodeGroup("1.34"), template("1.33")).upgrades).toEqual([]);
  });

  it("flags a control plane jump of more than one minor, and a downgrade, at the top of the review", () => {
    const summary = review(cluster("1.32", "1.35"));
    expect(summary.upgrades).toEqual([
      {
        stack: "bravo-platform",
        address: "aws_eks_cluster.eks",
        problem: "Kubernetes 1.32 → 1.35 skips 2 minor version(s); EKS upgrades the control plane one minor at a time (go to 1.33 first)",
      },
    ]);
    const markdown = renderMarkdown(summary);
    expect(markdown.split("\n").slice(2, 5)).toEqual([
      "> [!CAUTION]",
      "> **Kubernetes versions EKS will refuse** (1):",
      `> - \`bravo-platform\` \`aws_eks_cluster.eks\`: ${summary.upgrades[0].problem}`,
    ]);
    expect(review(cluster("1.34", "1.33")).upgrades).toEqual([
      { stack: "bravo-platform", address: "aws_eks_cluster.eks", problem: "Kubernetes 1.34 → 1.33 is a downgrade, which EKS refuses" },
    ]);
  });

  it("flags managed and self-managed nodes pinned ahead of the control plane", () => {
    const problem = "nodes on Kubernetes 1.35 would be newer than the control plane (1.34); nodes may not lead it";
    expect(review(cluster("1.34", "1.34"), nodeGroup("1.35"), template("1.35")).upgrades).toEqual([
      { stack: "bravo-platform", address: "aws_eks_node_group.workers_sys_node_group", problem },
      { stack: "bravo-platform", address: "aws_launch_template.workers_app_launch_template", problem },
    ]);
  });
});

describe("node rollouts in the plan review", () => {
  const image = (v: string, name: string) =>
    `resolve:ssm:/aws/service/eks/optimized-ami/${v}/amazon-linux-2023/x86_64/standard/${name}/image_id`;
  const pinned = (tag: string) => image("1.35", `amazon-eks-node-al2023-x86_64-standard-1.35-${tag}`);
  const nodeGroup = (from: string, to: string, updateConfig: object, actions = ["update"]) =>
    rc("aws_eks_node_group.workers_sys_node_group", actions, {
      before: { node_group_name: "sys", release_version: from, update_config: [updateConfig] },
      after: { node_group_name: "sys", release_version: to, update_config: [updateConfig] },
    });
  const template = (from: string, to: string) =>
    rc("aws_launch_template.workers_app_launch_template", ["update"], {
      before: { name: "acme-core-eks-app", image_id: from },
      after: { name: "acme-core-eks-app", image_id: to },
    });
  const review = (...changes: ReturnType<typeof rc>[]) =>
    summarizePlans([{ stack: "core-platform", plan: { format_version: "1.2", resource_changes: changes } }], "Plan: core");

  it("names each group's release before and after, and what paces the roll", () => {
    const summary = review(
      nodeGroup("1.35.4-20260512", "1.35.5-20260602", { max_unavailable: 0, max_unavailable_percentage: 33 }),
      template(pinned("v20260512"), pinned("v20260602")),
    );
    expect(summary.rollouts).toEqual([
      {
        stack: "core-platform",
        address: "aws_eks_node_group.workers_sys_node_group",
        group: "sys",
        kind: "managed",
        from: "1.35.4-20260512",
        to: "1.35.5-20260602",
        how: "EKS replaces 33% of the nodes at a time, draining each first",
        setting: "update_config.max_unavailable_percentage = 33",
      },
      {
        stack: "core-platform",
        address: "aws_launch_template.workers_app_launch_template",
        group: "acme-core-eks-app",
        kind: "self-managed",
        from: "v20260512",
        to: "v20260602",
        how: "a new launch template version starts an instance refresh of its autoscaling groups; the Node Termination Handler drains each node first",
        setting: "instance_refresh.strategy = Rolling",
      },
    ]);
    const md = renderMarkdown(summary).split("\n");
    expect(md.slice(2, 5)).toEqual([
      "> [!IMPORTANT]",
      "> **Node rollouts** (2): a new node image replaces every node of these groups.",
      "> - `core-platform` `aws_eks_node_group.workers_sys_node_group`: managed node group `sys` `1.35.4-20260512` → `1.35.5-20260602`: EKS replaces 33% of the nodes at a time, draining each first (`update_config.max_unavailable_percentage = 33`)",
    ]);
  });

  it("shows the move off the recommended parameter, and a max_unavailable pace", () => {
    const summary = review(
      nodeGroup("1.34.7-20260512", "1.35.4-20260512", { max_unavailable: 2, max_unavailable_percentage: 0 }),
      template(image("1.35", "recommended"), pinned("v20260512")),
    );
    expect(summary.rollouts.map((r) => [r.from, r.to, r.setting])).toEqual([
      ["1.34.7-20260512", "1.35.4-20260512", "update_config.max_unavailable = 2"],
      ["recommended", "v20260512", "instance_refresh.strategy = Rolling"],
    ]);
  });

  it("lists no rollout for new groups, unchanged releases or replacements (those are destructive changes)", () => {
    const created = rc("aws_eks_node_group.workers_new_node_group", ["create"], { after: { release_version: "1.35.4-20260512" } });
    const summary = review(
      created,
      nodeGroup("1.35.4-20260512", "1.35.4-20260512", { max_unavailable: 1 }),
      nodeGroup("1.35.4-20260512", "1.35.5-20260602", { max_unavailable: 1 }, ["delete", "create"]),
      template(pinned("v20260512"), pinned("v20260512")),
    );
    expect(summary.rollouts).toEqual([]);
    expect(renderMarkdown(summary)).not.toContain("Node rollouts");
  });
});

describe("one-way cluster changes in the plan review", () => {
  const access = (mode: string) => ({ access_config: [{ authentication_mode: mode, bootstrap_cluster_creator_admin_permissions: false }] });
  const cluster = (from: string, to: string, actions = ["update"]) =>
    rc("aws_eks_cluster.eks", actions, { before: { version: "1.35", ...access(from) }, after: { version: "1.35", ...access(to) } });
  const review = (...changes: ReturnType<typeof rc>[]) =>
    summarizePlans([{ stack: "core-platform", plan: { format_version: "1.2", resource_changes: changes } }], "Plan: core");

  it("cautions that leaving the aws-auth ConfigMap for access entries only cannot be undone, at the top of the review", () => {
    const summary = review(cluster("API_AND_CONFIG_MAP", "API"));
    expect(summary.oneWay).toEqual([
      {
        stack: "core-platform",
        address: "aws_eks_cluster.eks",
        problem:
          "authentication mode API_AND_CONFIG_MAP → API is one-way: EKS can never use the aws-auth ConfigMap again, and whoever it alone admits (roles, users, self-managed nodes) loses access; give each an access entry first",
      },
    ]);
    expect(summary.upgrades).toEqual([]);
    const markdown = renderMarkdown(summary);
    expect(markdown.split("\n").slice(2, 5)).toEqual([
      "> [!CAUTION]",
      "> **One-way cluster changes** (1): EKS cannot undo them.",
      // Plain text, escaped (underscores are Markdown).
      `> - \`core-platform\` \`aws_eks_cluster.eks\`: ${summary.oneWay[0].problem.replace(/_/g, "\\_")}`,
    ]);
    // Still a security-sensitive change of the cluster's access too.
    expect(summary.security.map((c) => c.security)).toEqual(["cluster access_config"]);
    expect(review(cluster("CONFIG_MAP", "API")).oneWay[0].problem).toContain("CONFIG_MAP → API is one-way");
  });

  it("cautions that leaving CONFIG_MAP cannot be undone, and that EKS refuses a change back", () => {
    expect(review(cluster("CONFIG_MAP", "API_AND_CONFIG_MAP")).oneWay).toEqual([
      {
        stack: "core-platform",
        address: "aws_eks_cluster.eks",
        problem: "authentication mode CONFIG_MAP → API_AND_CONFIG_MAP is one-way: EKS can never return the cluster to CONFIG_MAP",
      },
    ]);
    expect(review(cluster("API", "API_AND_CONFIG_MAP")).oneWay).toEqual([
      {
        stack: "core-platform",
        address: "aws_eks_cluster.eks",
        problem:
          "authentication mode API → API_AND_CONFIG_MAP goes back, which EKS refuses: the mode only moves from CONFIG_MAP towards API",
      },
    ]);
    expect(review(cluster("API_AND_CONFIG_MAP", "CONFIG_MAP")).oneWay[0].problem).toContain("goes back, which EKS refuses");
  });

  it("says nothing when the mode stays, or when the cluster is created or replaced (a new cluster)", () => {
    expect(review(cluster("API", "API")).oneWay).toEqual([]);
    expect(review(cluster("API_AND_CONFIG_MAP", "API", ["delete", "create"])).oneWay).toEqual([]);
    const created = rc("aws_eks_cluster.eks", ["create"], { after: access("API") });
    expect(review(created).oneWay).toEqual([]);
    expect(renderMarkdown(review(created))).not.toContain("One-way");
  });
});

describe("a real Terraform 1.11 plan with every action", () => {
  const summary = summarizePlans([{ stack: "demo", plan: readPlanFile(EVERY_ACTION), file: EVERY_ACTION }], "Plan: demo");

  it("counts each action once, and a forget as neither a destroy nor a no-op", () => {
    expect(summary.totals).toEqual({ create: 1, update: 1, replace: 2, destroy: 1, forget: 1, read: 1, "no-op": 1 });
    expect(summary.destructive.map((c) => `${c.action} ${c.address} ${JSON.stringify(c.actions)}`)).toEqual([
      'destroy terraform_data.deleted ["delete"]',
      'replace terraform_data.replaced ["delete","create"]',
      'replace terraform_data.replaced_cbd ["create","delete"]',
    ]);
    expect(summary.forgotten.map((c) => c.address)).toEqual(["terraform_data.forgotten"]);
  });

  it("shows forget in the counts table, in a note of its own and in the stack's changes", () => {
    const md = renderMarkdown(summary);
    expect(md).toContain(
      "> **3 destructive changes** (1 destroy, 2 replace): review them first.\n" +
        "> - `demo` `terraform_data.deleted`: **destroy**\n" +
        "> - `demo` `terraform_data.replaced`: **replace**, forced by `triggers_replace`\n" +
        "> - `demo` `terraform_data.replaced_cbd`: **replace**, forced by `triggers_replace`\n\n" +
        "> [!NOTE]\n" +
        "> **1 resource forgotten**: removed from the state and left in place, not destroyed.\n" +
        "> - `demo` `terraform_data.forgotten`\n\n" +
        "| stack | create | update | replace | destroy | forget | read | no-op |\n" +
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n" +
        "| `demo` | 1 | 1 | 2 | 1 | 1 | 1 | 1 |\n",
    );
    expect(md).toContain("| `terraform_data.forgotten` | forget | removed from the state, left in place (not destroyed) |");
  });

  it("describes a replacement whose old object is forgotten", () => {
    const plan: PlanJson = { format_version: "1.2", resource_changes: [rc("aws_s3_bucket.h", ["create", "forget"])] };
    const md = renderMarkdown(summarizePlans([{ stack: "s", plan }], "Plan"));
    expect(md).toContain(
      "| `aws_s3_bucket.h` | forget | replaced: a new object is created, the old one is left in place and no longer managed |",
    );
    expect(md).toContain("No resource is destroyed or replaced.");
  });
});

describe("what the plan review refuses", () => {
  const plan = (changes: unknown[]) => ({ format_version: "1.2", resource_changes: changes });
  const KNOWN =
    '["no-op"], ["create"], ["read"], ["update"], ["delete"], ["forget"], ["delete","create"], ["create","delete"], ["create","forget"]';
  it.each([
    ["an array", [], "x.json: not a Terraform plan: expected the JSON object terraform show -json writes, got an array"],
    ["null", null, "x.json: not a Terraform plan: expected the JSON object terraform show -json writes, got null"],
    ["a string", "plan", "x.json: not a Terraform plan: expected the JSON object terraform show -json writes, got a string"],
    [
      "no format_version",
      { resource_changes: [] },
      "x.json: not a Terraform plan: no format_version (expected terraform show -json <planfile> output)",
    ],
    [
      "format 0.x (Terraform 0.12-0.15)",
      { format_version: "0.1", resource_changes: [] },
      'x.json: unsupported plan format_version "0.1": this review reads format 1.x, which Terraform 1.x writes',
    ],
    [
      "format 2.x",
      { format_version: "2.0", resource_changes: [] },
      'x.json: unsupported plan format_version "2.0": this review reads format 1.x, which Terraform 1.x writes',
    ],
    [
      "a format_version that is a number",
      { format_version: 1.2, resource_changes: [] },
      "x.json: unsupported plan format_version 1.2: this review reads format 1.x, which Terraform 1.x writes",
    ],
    [
      "a format_version with a patch",
      { format_version: "1.2.0", resource_changes: [] },
      'x.json: unsupported plan format_version "1.2.0": this review reads format 1.x, which Terraform 1.x writes',
    ],
    [
      "a state (terraform show -json without a plan file)",
      { format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } },
      "x.json: not a Terraform plan: no resource_changes and no planned_values (terraform show -json of a state rather than a plan?)",
    ],
    [
      "resource_changes that is not an array",
      { format_version: "1.2", resource_changes: { "aws_s3_bucket.a": {} } },
      "x.json: not a Terraform plan: resource_changes is an object, not an array",
    ],
    ["a change that is not an object", plan([["create"]]), "x.json: not a Terraform plan: resource_changes[0] is an array, not an object"],
    [
      "a change without an address",
      plan([rc("aws_s3_bucket.a", ["create"]), { type: "aws_s3_bucket", change: { actions: ["create"] } }]),
      "x.json: not a Terraform plan: resource_changes[1] has no address",
    ],
    [
      "a change without a type",
      plan([{ address: "aws_s3_bucket.a", change: { actions: ["create"] } }]),
      "x.json: not a Terraform plan: resource_changes[0] (aws_s3_bucket.a) has no type",
    ],
    [
      "a change without change.actions",
      plan([{ address: "aws_s3_bucket.a", type: "aws_s3_bucket", change: { before: null } }]),
      "x.json: not a Terraform plan: resource_changes[0] (aws_s3_bucket.a) has no change.actions list",
    ],
    [
      "a change without change",
      plan([{ address: "aws_s3_bucket.a", type: "aws_s3_bucket", actions: ["create"] }]),
      "x.json: not a Terraform plan: resource_changes[0] (aws_s3_bucket.a) has no change.actions list",
    ],
    [
      "an unknown action",
      plan([rc("aws_s3_bucket.a", ["frobnicate"])]),
      `x.json: resource_changes[0] (aws_s3_bucket.a) has actions ["frobnicate"], which this review does not know (it knows ${KNOWN})`,
    ],
    [
      "an unknown pair of actions",
      plan([rc("aws_s3_bucket.a", ["delete", "update"])]),
      `x.json: resource_changes[0] (aws_s3_bucket.a) has actions ["delete","update"], which this review does not know (it knows ${KNOWN})`,
    ],
    [
      "no actions at all",
      plan([rc("aws_s3_bucket.a", [])]),
      `x.json: resource_changes[0] (aws_s3_bucket.a) has actions [], which this review does not know (it knows ${KNOWN})`,
    ],
  ])("refuses %s with one line naming the file", (_label, doc, message) => {
    let error: unknown;
    try {
      validatePlan(doc, "x.json");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PlanFormatError);
    expect((error as Error).message).toBe(message);
    expect(message).not.toContain("\n");
  });

  it.each(["1.0", "1.1", "1.2", "1.10"])("accepts format_version %s, and a plan without resources", (version) => {
    expect(() => validatePlan({ format_version: version, resource_changes: [rc("aws_s3_bucket.a", ["create"])] }, "x.json")).not.toThrow();
    // Terraform leaves resource_changes out when the configuration has no resources.
    const empty = { format_version: version, planned_values: { outputs: {}, root_module: {} } };
    expect(summarizeStack("s", empty).counts).toEqual({ create: 0, update: 0, replace: 0, destroy: 0, forget: 0, read: 0, "no-op": 0 });
  });

  it("names the file when the review is given one, and the stack otherwise", () => {
    const bad = { format_version: "2.0" } as PlanJson;
    expect(() => summarizePlans([{ stack: "alpha-platform", plan: bad, file: "plans/alpha/alpha-platform.plan.json" }], "Plan")).toThrow(
      new PlanFormatError(
        'plans/alpha/alpha-platform.plan.json: unsupported plan format_version "2.0": this review reads format 1.x, which Terraform 1.x writes',
      ),
    );
    expect(() => summarizePlans([{ stack: "alpha-platform", plan: bad }], "Plan")).toThrow(
      'plan of alpha-platform: unsupported plan format_version "2.0"',
    );
  });

  it("reads a file, refusing one that is missing or not JSON with one line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-summary-"));
    try {
      const missing = path.join(dir, "missing.plan.json");
      expect(() => readPlanFile(missing)).toThrow(
        new PlanFormatError(`cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'`),
      );
      const notJson = path.join(dir, "text.plan.json");
      fs.writeFileSync(notJson, "Terraform will perform the following actions:\n");
      expect(() => readPlanFile(notJson)).toThrow(new PlanFormatError(`${notJson}: not JSON (Unexpected token 'T')`));
      expect(readPlanFile(EVERY_ACTION).format_version).toBe("1.2");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("hostile values in a plan (a pull request controls them)", () => {
  const changes = HOSTILE.flatMap((h, i) => [
    rc(`aws_s3_bucket.gone["${h}"]`, ["delete"]),
    rc(`aws_s3_bucket.replaced["${h}"]`, ["delete", "create"], { before: {}, after: {}, replace_paths: [["tags", h]] }),
    rc(`aws_s3_bucket.forgotten["${h}"]`, ["forget"]),
    rc(`aws_iam_role.role["${h}"]`, ["create"]),
    rc(`aws_s3_bucket.tagged["${h}"]`, ["update"], { before: { tags: { [h]: h } }, after: { tags: { [h]: `${h}${i}` } } }),
    rc(`aws_eks_cluster.eks["${h}"]`, ["update"], { before: { version: "1.30" }, after: { version: "1.33" } }),
  ]);
  const stack = `stack ${HOSTILE.join(" ")}`;
  const summary = summarizePlans([{ stack, plan: { format_version: "1.2", resource_changes: changes } }], "Plan: hostile");
  const md = renderMarkdown(summary, { rowLimit: 1_000 });

  it("shows every value from the plan in a code span: no Markdown, HTML, link, mention or control character of its own", () => {
    expectInert(md);
    expectTablesIntact(md);
  });

  it("still shows the values, escaped", () => {
    // In a table, `|` is written `\|` (GitHub shows `|`, in code spans too).
    const spans = md
      .split("\n")
      .flatMap((line) => readCodeSpans(line).code.map((c) => (line.startsWith("|") ? c.replace(/\\\|/g, "|") : c)));
    const shown = (v: string) => escapeControl(v);
    for (const h of HOSTILE) {
      expect(spans, h).toContain(shown(`aws_s3_bucket.gone["${h}"]`));
      expect(spans, h).toContain(shown(`tags.${h}`));
      expect(spans, h).toContain(shown(JSON.stringify(h)));
    }
    expect(spans).toContain(shown(stack));
  });

  it("writes the title as plain text, escaped", () => {
    const titled = renderMarkdown(summarizePlans([], `Plan: ${HOSTILE.join(" ")}`));
    expect(titled.split("\n")[0]).toBe(
      "## Plan: \\*\\*bold\\*\\* \\<img src=x onerror=alert(1)\\> \\` \\| \\\\u001b\\[31mred two\\\\nlines @someone \\[x\\](javascript:alert(1))",
    );
  });

  it("keeps one line per item of the warnings and notes", () => {
    const lines = md.split("\n");
    for (const heading of ["> [!CAUTION]", "> [!WARNING]", "> [!NOTE]"]) {
      const start = lines.indexOf(heading);
      expect(start, heading).toBeGreaterThanOrEqual(0);
      const end = lines.indexOf("", start);
      expect(end - start - 2, heading).toBe(HOSTILE.length * (heading === "> [!WARNING]" ? 2 : 1));
      for (const line of lines.slice(start, end)) expect(line.startsWith("> ")).toBe(true);
    }
  });
});
