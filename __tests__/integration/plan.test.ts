/**
 * `npm run plan` end to end, offline: synth, then init + plan + show -json per plannable stack of
 * an environment, with progress lines, a review, loud offline notice, and Terraform's own errors.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { FIXTURE_ENVS_DIR } from "../helpers/synth";
import { getToolchain, testOutputDir } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("plan");

/** npm run plan over the fixture environments (alpha: Fargate only; bravo: a role to assume, S3 lock files). */
function plan(args: string[], env: NodeJS.ProcessEnv = {}) {
  const started = Date.now();
  const r = spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [path.join(PROJECT_ROOT, "scripts", "plan.ts"), ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 180_000,
    env: { ...process.env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR, CDKTF_OUTDIR: path.join(out, "cdktf.out"), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

describe.runIf(tc)("npm run plan", () => {
  it("previews every plannable stack of an environment offline, within a minute, and writes a review", () => {
    const dir = path.join(out, "alpha");
    const r = plan(["alpha", "--offline", "--out", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^synthesized 3 environments in \d+\.\ds$/);
    expect(lines).toContain(
      "OFFLINE PREVIEW (--offline): planning against an empty state with dummy credentials; real plans need AWS credentials.",
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^alpha-backend: Plan: 15 to add, 0 to change, 0 to destroy\. \(init \d+\.\ds, plan \d+\.\ds, show \d+\.\ds\)$/,
        ),
        expect.stringMatching(
          /^alpha-platform: Plan: 58 to add, 0 to change, 0 to destroy\. \(init \d+\.\ds, plan \d+\.\ds, show \d+\.\ds\)$/,
        ),
        "alpha-workloads: skipped: reads the platform's remote state and talks to the cluster; it plans only against a deployed platform",
      ]),
    );
    expect(lines.at(-1)).toMatch(
      /^alpha: 73 to create, 0 to update, 0 to replace, 0 to destroy in 2 stack\(s\); review: .*alpha\.summary\.md \(total \d+\.\ds\)$/,
    );
    for (const f of [
      "alpha-backend.plan.json",
      "alpha-platform.plan.json",
      "alpha-backend.tfplan",
      "alpha.summary.md",
      "alpha.summary.json",
    ]) {
      expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    }
    expect(
      (JSON.parse(fs.readFileSync(path.join(dir, "alpha-platform.plan.json"), "utf8")) as { format_version?: string }).format_version,
    ).toBeDefined();
    expect(fs.readFileSync(path.join(dir, "alpha.summary.md"), "utf8")).toContain("## Plan: alpha (offline preview)");
    // A .tfplan holds the configuration and state: only its owner may read it, or the JSON.
    for (const f of ["alpha-backend.tfplan", "alpha-platform.tfplan", "alpha-platform.plan.json"])
      expect(fs.statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o600);
    for (const d of [".", "work", "work/alpha-platform"]) expect(fs.statSync(path.join(dir, d)).mode & 0o777, d).toBe(0o700);
    console.info(`[plan] offline npm run plan -- alpha: ${r.ms} ms`);
    expect(r.ms).toBeLessThan(60_000);
  });

  it("says loudly that it plans offline when no AWS credentials are found, and plans only what is asked", () => {
    const home = path.join(out, "home");
    fs.mkdirSync(home, { recursive: true });
    const noCreds = {
      HOME: home,
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_PROFILE: "",
      AWS_SHARED_CREDENTIALS_FILE: "",
      AWS_CONFIG_FILE: "",
    };
    const r = plan(["bravo", "backend", "--out", path.join(out, "bravo")], noCreds);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("OFFLINE PREVIEW: no AWS credentials found, so this plans against an EMPTY state");
    expect(r.stdout).toMatch(/bravo-backend: Plan: 18 to add/);
    expect(r.stdout).not.toContain("bravo-platform");
  });

  it("with --detailed-exitcode exits 2 when something would change, as terraform plan does, and still writes the review", () => {
    const dir = path.join(out, "detailed");
    const r = plan(["alpha", "backend", "--offline", "--detailed-exitcode", "--out", dir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^alpha: 15 to create, 0 to update, 0 to replace, 0 to destroy in 1 stack\(s\)/m);
    expect(fs.existsSync(path.join(dir, "alpha.summary.md"))).toBe(true);
  });

  it("shows Terraform's own error with the stack name and exits non-zero", () => {
    const bin = path.join(out, "bin");
    fs.mkdirSync(bin, { recursive: true });
    const real = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" }).stdout.trim();
    // A terraform that fails planning alpha-platform with a message of its own, and passes everything else through.
    fs.writeFileSync(
      path.join(bin, "terraform"),
      `#!/bin/sh\nif [ "$1" = "plan" ] && [ "$(basename "$(pwd)")" = "alpha-platform" ]; then echo "Error: Unsupported argument: An argument named \\"bogus\\" is not expected here." >&2; exit 1; fi\nexec "${real}" "$@"\n`,
      { mode: 0o755 },
    );
    const r = plan(["alpha", "backend", "platform", "--offline", "--out", path.join(out, "broken")], {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: alpha-platform: terraform plan failed (exit 1):\nError: Unsupported argument: An argument named "bogus" is not expected here.\n',
    );
    // The stack that did plan is still reviewed, and the review says which one did not.
    expect(r.stdout).toContain("alpha-platform: FAILED (the error follows the review)");
    const review = fs.readFileSync(path.join(out, "broken", "alpha.summary.md"), "utf8");
    expect(review).toContain("| `alpha-backend` | 15 |");
    expect(review).toContain("**Not planned, Terraform failed:** `alpha-platform`");
  });

  it.each([
    [[], 2, /^error: name the environment\n\nusage: npm run plan/],
    [["nosuchenv"], 2, /^error: no environment "nosuchenv" in envs\/ \(have: alpha, bravo, charlie\)/],
    [
      ["alpha", "frontend", "--offline"],
      1,
      /^error: no stack "frontend" in environment alpha; its stacks are alpha-backend, alpha-platform, alpha-workloads\n$/,
    ],
    [["alpha", "--out"], 2, /^error: --out needs a value/],
  ])("rejects %j", (args, code, message) => {
    const r = plan(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});

/**
 * npm run plan with a terraform of its own (no provider, no real plan): its output and the plan it
 * shows hold terminal escapes, and it writes its plan file with the umask's mode.
 */
describe("npm run plan on output that holds terminal escapes", () => {
  const dir = path.join(out, "escapes");
  const bin = path.join(out, "fake-bin");
  const ESC = "\u001b";
  /** Every byte below 0x20 but a line feed, and every C1 control in the text. */
  const controls = (text: string) => [
    ...[...Buffer.from(text)].filter((b) => b < 0x20 && b !== 0x0a),
    ...(text.match(/[\u007f-\u009f]/g) ?? []),
  ];

  const fakeTerraform = { PATH: `${bin}${path.delimiter}${process.env.PATH}`, TF_REGISTRY_REACHABLE: "1" };

  beforeAll(() => {
    fs.mkdirSync(bin, { recursive: true });
    const shown = path.join(out, "hostile-show.json");
    fs.writeFileSync(
      shown,
      JSON.stringify({
        format_version: "1.2",
        terraform_version: "1.11.4",
        resource_changes: [
          { address: `aws_s3_bucket.b["${ESC}[31mred"]`, mode: "managed", type: "aws_s3_bucket", change: { actions: ["delete"] } },
          {
            address: "aws_s3_bucket.t",
            mode: "managed",
            type: "aws_s3_bucket",
            change: { actions: ["update"], before: { tags: { a: `${ESC}]0;x\u0007` } }, after: { tags: { a: "a\rb\u009b" } } },
          },
        ],
      }),
    );
    // A terraform of its own: init succeeds, plan saves a plan file and prints escapes (and fails
    // alpha-platform with an error full of them), show prints the plan above.
    fs.writeFileSync(
      path.join(bin, "terraform"),
      [
        "#!/bin/sh",
        'case "$1" in',
        "  plan)",
        `    if [ "$(basename "$(pwd)")" = "alpha-platform" ]; then printf 'Error: bad value "\\033[31mred\\007"\\r\\n' >&2; exit 1; fi`,
        '    for a in "$@"; do case "$a" in -out=*) printf "fake plan" > "${a#-out=}";; esac; done',
        "    printf 'Plan: 1 to add\\033[31m, 1 to change, 1 to destroy.\\r\\n' ;;",
        `  show) cat "${shown}" ;;`,
        "esac",
        "exit 0",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
  });

  it("escapes them in what it prints and in the review, and still reviews the plan", () => {
    const r = plan(["alpha", "backend", "platform", "--offline", "--out", dir], fakeTerraform);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: alpha-platform: terraform plan failed (exit 1):\nError: bad value "\\u001b[31mred\\u0007"\n');
    expect(r.stdout).toMatch(/^alpha-backend: Plan: 1 to add\\u001b\[31m, 1 to change, 1 to destroy\. \(init /m);
    expect(controls(r.stdout)).toEqual([]);
    expect(controls(r.stderr)).toEqual([]);
    const review = fs.readFileSync(path.join(dir, "alpha.summary.md"), "utf8");
    expect(controls(review)).toEqual([]);
    expect(review).toContain('`aws_s3_bucket.b["\\u001b[31mred"]`: **destroy**');
    expect(review).toContain('`tags.a`: `"\\u001b]0;x\\u0007"` → `"a\\rb\\u009b"`');
    expect(controls(fs.readFileSync(path.join(dir, "alpha.summary.json"), "utf8"))).toEqual([]);
  });

  it("keeps plans to their owner: 0700 folders, 0600 files, whatever the umask or an earlier run left", () => {
    // Folders left open, as an older version or another tool might leave them.
    fs.mkdirSync(path.join(dir, "work"), { recursive: true });
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, "work"), 0o755);
    const r = plan(["alpha", "backend", "--offline", "--out", dir], fakeTerraform);
    expect(r.code, r.stderr).toBe(0);
    const mode = (f: string) => (fs.statSync(path.join(dir, f)).mode & 0o777).toString(8);
    expect({
      out: mode("."),
      work: mode("work"),
      stackWork: mode("work/alpha-backend"),
      plan: mode("alpha-backend.tfplan"),
      json: mode("alpha-backend.plan.json"),
      review: mode("alpha.summary.md"),
      reviewJson: mode("alpha.summary.json"),
    }).toEqual({ out: "700", work: "700", stackWork: "700", plan: "600", json: "600", review: "600", reviewJson: "600" });
  });
});
