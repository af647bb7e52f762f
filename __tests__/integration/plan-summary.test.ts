/**
 * The plan review on plans made by the real Terraform and provider from the project's own stacks:
 * a create-only plan (a fixture's platform, alpha-platform, against an empty state), and an
 * update/replace/destroy plan (a changed alpha planned against the state a first apply would leave). And the program
 * itself on files that are not plans it reads: one line on stderr naming the file, exit status 1.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp, PROJECT_ROOT } from "../../src/app";
import { resolveEnv, type EnvConfig } from "../../src/config";
import { EKS_ADDON_VERSIONS, type EksAddonName } from "../../src/lib/eks-addons";
import { REDACTED, redactPlan } from "../../scripts/plan/plan-redact";
import { renderMarkdown, summarizePlans, type PlanJson, type PlanSummary } from "../../scripts/plan/plan-summary";
import { prepareOfflineWorkspace } from "../../scripts/terraform/terraform";
import { fakeApply } from "../helpers/fake-apply";
import { fixtureEnv } from "../helpers/synth";
import { getToolchain, testOutputDir, tfOk, type Toolchain } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("plan-summary");
/**
 * Fargate only, two repositories, three tables, a public endpoint open to 203.0.113.0/24; here in
 * API_AND_CONFIG_MAP mode, so the change below can move it to API, and one Kubernetes minor below
 * the fixture's, so the change below upgrades it.
 */
const fixture = await fixtureEnv("alpha");
const previousMinor = `1.${Number(fixture.eks.kubernetesVersion.split(".")[1]) - 1}`;
const alpha: EnvConfig = resolveEnv({
  ...fixture,
  eks: { ...fixture.eks, authenticationMode: "API_AND_CONFIG_MAP", kubernetesVersion: previousMinor },
});

/**
 * alpha, changed: one repository dropped, a table re-keyed, log retention and the API allow-list
 * changed, an admin added, the authentication mode moved to API (one-way), and the cluster upgraded
 * one minor (the fixture's version).
 */
const changed: EnvConfig = resolveEnv({
  ...alpha,
  ecr: { ...alpha.ecr, repositories: alpha.ecr.repositories.filter((r) => r !== "shop/worker") },
  eks: {
    ...alpha.eks,
    authenticationMode: "API",
    kubernetesVersion: fixture.eks.kubernetesVersion,
    logRetentionDays: 90,
    publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
    admins: { ...alpha.eks.admins, oncall: "arn:aws:iam::444444444444:role/oncall" },
  },
  tables: { ...alpha.tables, carts: { ...alpha.tables.carts, hashKey: { name: "cart_id", type: "S" } } },
});

let createPlan: PlanJson;
let changePlan: PlanJson;

describe.runIf(tc)("plan summary on real plans", () => {
  const toolchain = tc as Toolchain;

  beforeAll(async () => {
    buildApp([alpha], path.join(out, "a")).app.synth();
    const work = path.join(out, "work");
    let ws = prepareOfflineWorkspace(path.join(out, "a", "stacks", "alpha-platform"), work, toolchain.unavailableProviders);
    await tfOk(toolchain, ws.dir, ["init", "-input=false", "-no-color"]);
    await tfOk(toolchain, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=create.tfplan"]);
    createPlan = JSON.parse((await tfOk(toolchain, ws.dir, ["show", "-json", "create.tfplan"])).stdout) as PlanJson;
    const schema = JSON.parse((await tfOk(toolchain, ws.dir, ["providers", "schema", "-json"])).stdout) as Record<string, unknown>;
    const state = fakeApply(
      JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8")) as Record<string, unknown>,
      createPlan as Record<string, unknown>,
      schema,
    );

    buildApp([changed], path.join(out, "b")).app.synth();
    ws = prepareOfflineWorkspace(path.join(out, "b", "stacks", "alpha-platform"), work, toolchain.unavailableProviders);
    fs.writeFileSync(path.join(ws.dir, "offline.tfstate"), JSON.stringify(state));
    await tfOk(toolchain, ws.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=change.tfplan"]);
    changePlan = JSON.parse((await tfOk(toolchain, ws.dir, ["show", "-json", "change.tfplan"])).stdout) as PlanJson;
    fs.writeFileSync(path.join(out, "alpha-platform.plan.json"), JSON.stringify(changePlan));
  });

  it("summarizes a create-only plan: counts, no destructive changes, security-relevant creates listed", () => {
    const summary = summarizePlans([{ stack: "alpha-platform", plan: createPlan }], "Plan: alpha");
    expect(summary.stacks[0].counts).toMatchObject({ create: 58, update: 0, replace: 0, destroy: 0 });
    expect(summary.destructive).toEqual([]);
    expect(summary.security.map((c) => c.address)).toEqual(
      expect.arrayContaining(["aws_eks_cluster.eks", "aws_iam_role.eks_cluster_role", "aws_kms_key.eks_secrets_key"]),
    );
    const md = renderMarkdown(summary);
    expect(md).toContain("No resource is destroyed or replaced.");
    const reads = summary.stacks[0].counts.read;
    expect(md).toContain(`| \`alpha-platform\` | 58 | 0 | 0 | 0 | 0 | ${reads} | 0 |`);
    // A new cluster: nothing one-way about its authentication mode.
    expect(summary.oneWay).toEqual([]);
  });

  it("calls out destroys and replaces first, with the attributes that force them", () => {
    const summary = summarizePlans([{ stack: "alpha-platform", plan: changePlan }], "Plan: alpha");
    const counts = summary.stacks[0].counts;
    expect(counts).toMatchObject({ create: 2, replace: 1, destroy: 2 });
    expect(summary.destructive.map((c) => `${c.action} ${c.address}`)).toEqual([
      "destroy aws_ecr_lifecycle_policy.ecr_shop_worker_lifecycle",
      "destroy aws_ecr_repository.ecr_shop_worker",
      "replace aws_dynamodb_table.tables_carts",
    ]);
    expect(summary.destructive[2].replaceReasons).toContain("hash_key");
    const md = renderMarkdown(summary);
    const warning = md.indexOf("> [!WARNING]");
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf("| stack | create |"));
    expect(md).toContain("> - `alpha-platform` `aws_dynamodb_table.tables_carts`: **replace**, forced by `hash_key`");
  });

  it("shows what an update changes, and lists security-sensitive changes on their own", () => {
    const summary = summarizePlans([{ stack: "alpha-platform", plan: changePlan }], "Plan: alpha");
    const byAddress = Object.fromEntries(summary.stacks[0].changes.map((c) => [c.address, c]));
    expect(byAddress["aws_cloudwatch_log_group.eks_control_plane_logs"]).toMatchObject({
      action: "update",
      attributes: [{ path: "retention_in_days", before: "365", after: "90" }],
    });
    expect(byAddress["aws_eks_cluster.eks"].action).toBe("update");
    expect(byAddress["aws_eks_cluster.eks"].attributes).toEqual([
      { path: "access_config[0].authentication_mode", before: '"API_AND_CONFIG_MAP"', after: '"API"' },
      { path: "version", before: JSON.stringify(previousMinor), after: JSON.stringify(fixture.eks.kubernetesVersion) },
      { path: "vpc_config[0].public_access_cidrs", before: '["203.0.113.0/24"]', after: '["198.51.100.0/24","203.0.113.0/24"]' },
    ]);
    expect(summary.security.map((c) => `${c.address}: ${c.security}`)).toEqual(
      expect.arrayContaining([
        "aws_eks_cluster.eks: cluster access_config, vpc_config",
        "aws_eks_access_entry.eks_admin_oncall: cluster access",
        "aws_eks_access_policy_association.eks_admin_oncall_policy: cluster access",
      ]),
    );
  });

  it("upgrades every add-on whose version follows the cluster's in place, changing only its version (the real provider's verdict; moto has no add-on API)", () => {
    const summary = summarizePlans([{ stack: "alpha-platform", plan: changePlan }], "Plan: alpha");
    const [from, to] = [EKS_ADDON_VERSIONS[previousMinor], EKS_ADDON_VERSIONS[fixture.eks.kubernetesVersion]];
    const installed = (createPlan.resource_changes ?? [])
      .filter((r) => r.type === "aws_eks_addon")
      .map((r) => (r.change as { after: { addon_name: EksAddonName } }).after.addon_name);
    const moving = installed.filter((a) => from[a] !== to[a]).sort();
    expect(moving.length).toBeGreaterThan(0);
    const addons = summary.stacks[0].changes.filter((c) => c.type === "aws_eks_addon");
    expect(addons.map((c) => [c.action, c.attributes.map((a) => a.path)])).toEqual(moving.map(() => ["update", ["addon_version"]]));
    expect(addons.map((c) => c.attributes[0].after).sort()).toEqual(moving.map((a) => JSON.stringify(to[a])).sort());
    expect(summary.upgrades).toEqual([]);
  });

  it("cautions that the cluster's move to authentication mode API is one-way (an in-place update of the real provider)", () => {
    const summary = summarizePlans([{ stack: "alpha-platform", plan: changePlan }], "Plan: alpha");
    expect(summary.oneWay).toEqual([
      {
        stack: "alpha-platform",
        address: "aws_eks_cluster.eks",
        problem:
          "authentication mode API_AND_CONFIG_MAP → API is one-way: EKS can never use the aws-auth ConfigMap again, and whoever it alone admits (roles, users, self-managed nodes) loses access; give each an access entry first",
      },
    ]);
    const md = renderMarkdown(summary);
    expect(md).toContain("> **One-way cluster changes** (1): EKS cannot undo them.");
    expect(md.indexOf("One-way cluster changes")).toBeLessThan(md.indexOf("> [!WARNING]"));
  });

  it("is deterministic, and the program prints Markdown or JSON without any sensitive value", () => {
    const once = renderMarkdown(summarizePlans([{ stack: "alpha-platform", plan: changePlan }], "Plan: alpha"));
    const twice = renderMarkdown(
      summarizePlans([{ stack: "alpha-platform", plan: JSON.parse(JSON.stringify(changePlan)) as PlanJson }], "Plan: alpha"),
    );
    expect(once).toBe(twice);
    const run = (args: string[]) =>
      spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "scripts", "plan-summary.ts"), ...args], {
        encoding: "utf8",
        timeout: 60_000,
      });
    const md = run([path.join(out, "alpha-platform.plan.json"), "--title", "Plan: alpha"]);
    expect(md.status).toBe(0);
    expect(md.stdout).toBe(once);
    const json = run([path.join(out, "alpha-platform.plan.json"), "--json"]);
    expect((JSON.parse(json.stdout) as PlanSummary).totals).toMatchObject({ destroy: 2, replace: 1, create: 2 });
    // The plan marks the cross-stack outputs sensitive; no output value, and no "sensitive" value, is printed.
    expect(md.stdout).not.toContain("fake-");
  });

  it("redacts the sensitive values the real plan carries in clear text", () => {
    type Change = { after: unknown; after_sensitive: unknown };
    type Plan = {
      output_changes: Record<string, Change>;
      planned_values: { outputs: Record<string, { sensitive: boolean; value: unknown }> };
    };
    const raw = changePlan as unknown as Plan;
    const sensitive = Object.entries(raw.output_changes).filter(([, c]) => c.after_sensitive === true && typeof c.after === "string");
    expect(sensitive.length).toBeGreaterThan(3); // cdktf's cross-stack outputs, known after the fake apply
    const redacted = redactPlan(raw);
    for (const [name] of sensitive) {
      expect(redacted.output_changes[name].after, name).toBe(REDACTED);
      expect(redacted.planned_values.outputs[name].value, name).toBe(REDACTED);
    }
    // Values not marked sensitive stay readable.
    expect(redacted.output_changes.cluster_name.after).toBe("fixture-alpha-eks");
  });

  it("rejects files that are not plans, and bad arguments, with a message", () => {
    const run = (args: string[]) =>
      spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "scripts", "plan-summary.ts"), ...args], {
        encoding: "utf8",
        timeout: 60_000,
      });
    fs.writeFileSync(path.join(out, "not-a-plan.json"), JSON.stringify({ hello: 1 }));
    expect(run([path.join(out, "not-a-plan.json")]).stderr).toBe(
      `error: ${path.join(out, "not-a-plan.json")}: not a Terraform plan: no format_version (expected terraform show -json <planfile> output)\n`,
    );
    const none = run([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^error: give at least one plan JSON file\n\nusage:/);
  });
});

describe("the plan:summary program on files it must refuse", () => {
  const dir = testOutputDir("plan-summary-refusals");
  const fixture = path.join(PROJECT_ROOT, "__tests__", "fixtures", "terraform-1.11-every-action.plan.json");
  const program = (args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "plan-summary.ts"), ...args], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const write = (name: string, doc: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
    return file;
  };
  const rc = (actions: string[]) => ({ address: "aws_s3_bucket.a", mode: "managed", type: "aws_s3_bucket", change: { actions } });

  it.each([
    [
      "format 2.x",
      { format_version: "2.0", resource_changes: [] },
      'unsupported plan format_version "2.0": this review reads format 1.x, which Terraform 1.x writes',
    ],
    [
      "format 0.x",
      { format_version: "0.2", resource_changes: [] },
      'unsupported plan format_version "0.2": this review reads format 1.x, which Terraform 1.x writes',
    ],
    [
      "a state",
      { format_version: "1.0", terraform_version: "1.11.4", values: {} },
      "not a Terraform plan: no resource_changes and no planned_values (terraform show -json of a state rather than a plan?)",
    ],
    [
      "an entry without change.actions",
      { format_version: "1.2", resource_changes: [{ address: "aws_s3_bucket.a", type: "aws_s3_bucket", change: {} }] },
      "not a Terraform plan: resource_changes[0] (aws_s3_bucket.a) has no change.actions list",
    ],
    [
      "an unknown action",
      { format_version: "1.2", resource_changes: [rc(["obliterate"])] },
      'resource_changes[0] (aws_s3_bucket.a) has actions ["obliterate"], which this review does not know (it knows ["no-op"], ["create"], ["read"], ["update"], ["delete"], ["forget"], ["delete","create"], ["create","delete"], ["create","forget"])',
    ],
    ["text", "Plan: 1 to add, 0 to change, 0 to destroy.\n", "not JSON (Unexpected token 'P')"],
  ])("refuses %s: one line naming the file, exit 1, no stack trace, no output", (label, doc, what) => {
    const file = write(`${label.replace(/\W+/g, "-")}.plan.json`, doc);
    const outFile = path.join(dir, `${label.replace(/\W+/g, "-")}.md`);
    const run = program([file, "--out", outFile]);
    expect(run.stderr).toBe(`error: ${file}: ${what}\n`);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(fs.existsSync(outFile)).toBe(false);
  });

  it("names the bad file among good ones", () => {
    const bad = write("alpha-backend.plan.json", {
      format_version: "1.2",
      resource_changes: [{ type: "aws_s3_bucket", change: { actions: ["create"] } }],
    });
    const run = program([fixture, `alpha-backend=${bad}`]);
    expect(run.stderr).toBe(`error: ${bad}: not a Terraform plan: resource_changes[0] has no address\n`);
    expect(run.code).toBe(1);
  });

  it("reviews a real Terraform 1.11 plan with every action, forget included", () => {
    const run = program([`demo=${fixture}`, "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as PlanSummary;
    expect(summary.totals).toEqual({ create: 1, update: 1, replace: 2, destroy: 1, forget: 1, read: 1, "no-op": 1 });
    expect(summary.forgotten.map((c) => c.address)).toEqual(["terraform_data.forgotten"]);
    const md = program([`demo=${fixture}`]);
    expect(md.stdout).toContain("| `demo` | 1 | 1 | 2 | 1 | 1 | 1 | 1 |");
  });
});

describe("the plan:summary program on a plan whose values hold terminal escapes", () => {
  const dir = testOutputDir("plan-summary-escapes");
  const ESC = "\u001b";
  const hostile = [`${ESC}[31mred`, `${ESC}]0;title\u0007`, "a\rb", "\u009b31m", `${ESC}[2J`, "a\u202eb"];
  const program = (args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "plan-summary.ts"), ...args], {
      cwd: PROJECT_ROOT,
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** Every byte below 0x20 but a line feed, and every C1 control or bidirectional override in the text. */
  const controls = (bytes: Buffer) => [
    ...[...bytes].filter((b) => b < 0x20 && b !== 0x0a),
    ...(bytes.toString("utf8").match(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g) ?? []),
  ];
  const plan = {
    format_version: "1.2",
    resource_changes: hostile.flatMap((h, i) => [
      { address: `aws_s3_bucket.b["${h}"]`, mode: "managed", type: "aws_s3_bucket", change: { actions: ["delete"] } },
      {
        address: `aws_s3_bucket.t${i}`,
        mode: "managed",
        type: "aws_s3_bucket",
        change: { actions: ["update"], before: { tags: { [h]: h } }, after: { tags: { [h]: `${h}!` } } },
      },
    ]),
  };

  it("prints the Markdown and the JSON without a raw control character", () => {
    const file = path.join(dir, "hostile.plan.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    const md = program([`hostile${ESC}[31m=${file}`, "--title", `Plan ${ESC}[31m`]);
    expect(md.stderr.toString()).toBe("");
    expect(md.code).toBe(0);
    expect(md.stdout.toString()).toContain('`aws_s3_bucket.b["\\u001b[31mred"]`');
    expect(controls(md.stdout)).toEqual([]);
    const json = program([file, "--json"]);
    expect(json.code).toBe(0);
    expect(controls(json.stdout)).toEqual([]);
    // Still the same JSON: the escapes read back as the values.
    const summary = JSON.parse(json.stdout.toString()) as PlanSummary;
    expect(summary.destructive.map((c) => c.address)).toEqual(expect.arrayContaining(hostile.map((h) => `aws_s3_bucket.b["${h}"]`)));
  });

  it("prints a refusal quoting the plan on one line, without a raw control character", () => {
    const file = path.join(dir, "untyped.plan.json");
    fs.writeFileSync(
      file,
      JSON.stringify({ format_version: "1.2", resource_changes: [{ address: `x${ESC}[2J\ny`, change: { actions: [] } }] }),
    );
    const run = program([file]);
    expect(run.code).toBe(1);
    expect(run.stderr.toString()).toBe(`error: ${file}: not a Terraform plan: resource_changes[0] (x\\u001b[2J\\ny) has no type\n`);
    expect(controls(run.stderr)).toEqual([]);
  });
});
