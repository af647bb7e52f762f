/**
 * Every program of scripts/ under bad input: a usage message and exit 2 for bad arguments, one
 * clear line and exit 1 for expected failures, never a stack trace. (oidc-thumbprint and
 * kubeconfig have their own suites; this covers the rest and the shared shell.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { ciRoles } from "../../src/config";
import { FIXTURE_ENVS_DIR, fixtureEnvs } from "../helpers/synth";
import { NO_AWS } from "../helpers/no-aws";

/** The environments every script run here sees: run() points EKS_ENVS_DIR at the fixtures. */
const fixtures = await fixtureEnvs();

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(
    path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
    [path.join(PROJECT_ROOT, "scripts", `${script}.ts`), ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        EKS_ENVS_DIR: FIXTURE_ENVS_DIR,
        CDKTF_OUTDIR: path.join(PROJECT_ROOT, ".test-output", "scripts", "cdktf.out"),
        ...NO_AWS,
        ...env,
      },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scripts under bad input", () => {
  // Every script that npm runs: `npm run <name> -- --help` prints its usage and exits 0.
  const scripts = Object.entries(
    (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
  )
    .map(([name, command]) => [name, /scripts\/([\w-]+)\.ts/.exec(command)?.[1]] as const)
    .filter((e): e is readonly [string, string] => e[1] !== undefined && e[1] !== "cdktf")
    // The workflows run scripts/ci.ts itself.
    .concat([["ci", "ci"]]);
  it("covers every program of scripts/ that package.json runs", () => {
    expect(scripts.map(([, file]) => `${file}.ts`).sort()).toEqual(
      fs
        .readdirSync(path.join(PROJECT_ROOT, "scripts"))
        .filter((f) => f.endsWith(".ts") && f !== "cdktf.ts")
        .sort(),
    );
  });

  it("npm run synth -- --help prints the usage and exits 0, and refuses other arguments", () => {
    const synth = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "main.ts"), ...args], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR, CDKTF_OUTDIR: path.join(PROJECT_ROOT, ".test-output", "synth-help") },
      });
    const help = synth(["--help"]);
    expect([help.status, help.stderr]).toEqual([0, ""]);
    expect(help.stdout).toMatch(/^usage: npm run synth\n/);
    const other = synth(["--out", "x"]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/^error: npm run synth takes no arguments \(got --out x\)\n\nusage: npm run synth/);
    expect(fs.existsSync(path.join(PROJECT_ROOT, ".test-output", "synth-help"))).toBe(false);
  });

  it.each(scripts)("npm run %s -- --help prints the usage and exits 0", (name, file) => {
    const r = run(file, ["--help"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: ${name === "ci" ? "tsx scripts/ci.ts" : `npm run ${name}`}\\b`));
  });

  it("npm run deploy and diff run cdktf with hashicorp/aws from the mirror, and skip cdktf's provider lock without a registry", () => {
    // A mirror of its own (the layout is what counts: `--help` installs nothing), whatever this machine has.
    const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "mirror-"));
    fs.mkdirSync(path.join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0"), { recursive: true });
    const r = spawnSync(
      path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
      [path.join(PROJECT_ROOT, "scripts", "cdktf.ts"), "deploy", "--help"],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, EKS_ENVS_DIR: FIXTURE_ENVS_DIR, TF_REGISTRY_REACHABLE: "0", TF_PROVIDER_MIRROR: mirror },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split("\n")[0]).toBe(`hashicorp/aws from the filesystem mirror ${mirror}`);
    expect(r.stderr).toContain("no provider registry is reachable: --skip-provider-lock");
    expect(r.stdout).toMatch(/^cdktf deploy \[stacks\.\.\.\]/);
    expect(run("cdktf", ["apply"]).stderr).toMatch(/^error: the first argument is "deploy" or "diff"\n\nusage:/);
  });

  it.each([
    ["bootstrap", [], 2, /^error: name the environment\n\nusage: npm run bootstrap -- <env>/],
    ["bootstrap", ["alpha", "bravo"], 2, /^error: name exactly one environment\n\nusage:/],
    ["bootstrap", ["--force", "alpha"], 2, /^error: unknown option --force\n\nusage:/],
    [
      "bootstrap",
      ["alpha", "--stacks", "backend"],
      2,
      /^error: --stacks takes platform and\/or workloads, comma-separated \(got "backend"\)\n\nusage:/,
    ],
    [
      "teardown",
      ["nosuchenv"],
      2,
      new RegExp(`^error: no environment "nosuchenv" in envs/ \\(have: ${fixtures.map((e) => e.name).join(", ")}\\)\n\nusage:`),
    ],
    [
      "deploy-emulated",
      ["alpha", "--destroy"],
      2,
      /^error: unknown option --destroy\n\nusage: npm run deploy:emulated -- <env> \[--keep\]/,
    ],
    ["upgrade", [], 2, /^error: name the environment\n\nusage: npm run upgrade -- <env>/],
    ["upgrade", ["alpha", "--to"], 2, /^error: --to needs a value\n\nusage:/],
    [
      "upgrade",
      ["bravo"],
      1,
      /^error: env "bravo": eks\.kubernetesVersion 1\.35 is the newest version this project supports; 1\.36 comes with npm run catalog:update/,
    ],
    [
      "upgrade",
      ["bravo", "--to", "1.33"],
      1,
      /^error: env "bravo": eks\.kubernetesVersion cannot go from 1\.35 to 1\.33: an EKS control plane cannot be downgraded/,
    ],
  ] as const)("%s %j exits %i with a message", (script, args, code, message) => {
    const r = run(script, [...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("bootstrap without AWS credentials says how to provide them, or to use the emulator, before it starts anything", () => {
    const r = run("bootstrap", ["alpha"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: npm run bootstrap needs AWS credentials for the environment's account, and none were found\./);
    expect(r.stderr).toContain("aws sso login --profile <profile> && export AWS_PROFILE=<profile>");
    expect(r.stderr).toContain("npm run deploy:emulated -- alpha --keep");
    expect(r.stdout).toBe("");
  });

  it("deploy and diff check for credentials first too", () => {
    const r = run("cdktf", ["deploy", "alpha-*"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: npm run deploy needs AWS credentials/);
    expect(r.stderr).toContain("npm run deploy:emulated -- alpha --keep");
  });

  it("teardown refuses an environment that is not ephemeral before asking for anything", () => {
    const r = run("teardown", ["bravo"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: env "bravo" is not ephemeral, so its tables and state bucket are protected from deletion; set ephemeral: true in \S*bravo\.ts and run this again/,
    );
  });

  it("upgrade edits the version literal and, without AWS credentials, says which plan to run once they are", () => {
    const dir = fs.mkdtempSync(path.join(PROJECT_ROOT, ".test-output", "upgrade-"));
    try {
      const bravo = fs.readFileSync(path.join(FIXTURE_ENVS_DIR, "bravo.ts"), "utf8");
      const at134 = bravo
        .replace('kubernetesVersion: "1.35"', 'kubernetesVersion: "1.34"')
        .replace(/from "\.\.\/\.\.\/\.\.\/src\/config"/, `from ${JSON.stringify(path.join(PROJECT_ROOT, "src", "config"))}`);
      expect(at134).not.toBe(bravo);
      fs.writeFileSync(path.join(dir, "bravo.ts"), at134);
      fs.copyFileSync(path.join(FIXTURE_ENVS_DIR, "_app.ts"), path.join(dir, "_app.ts"));
      const dry = run("upgrade", ["bravo", "--dry-run"], { EKS_ENVS_DIR: dir });
      expect([dry.code, dry.stderr]).toEqual([0, ""]);
      expect(dry.stdout).toMatch(/^bravo: Kubernetes 1\.34 -> 1\.35\nchecks passed:\n/);
      expect(dry.stdout).toContain("  add-on coredns: v1.12.4-eksbuild.1 -> v1.13.2-eksbuild.1\n");
      expect(dry.stdout).toMatch(
        /would edit \S+bravo\.ts:\d+: kubernetesVersion: "1\.34" -> kubernetesVersion: "1\.35"\ndry run: nothing was written\n$/,
      );
      expect(fs.readFileSync(path.join(dir, "bravo.ts"), "utf8")).toBe(at134);
      const r = run("upgrade", ["bravo"], { EKS_ENVS_DIR: dir });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toMatch(/edited \S+bravo\.ts:\d+: kubernetesVersion: "1\.34" -> kubernetesVersion: "1\.35"\n/);
      expect(r.stdout).toMatch(/no AWS credentials found: once they are, run npm run plan -- bravo and review the plan before deploying/);
      expect(fs.readFileSync(path.join(dir, "bravo.ts"), "utf8")).toBe(
        at134.replace('kubernetesVersion: "1.34"', 'kubernetesVersion: "1.35"'),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints the stack trace of an expected failure only with DEBUG set", () => {
    const r = run("teardown", ["bravo"], { DEBUG: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe("scripts/ci.ts, as the workflows call it", () => {
  it("prints the plan and deploy matrices as $GITHUB_OUTPUT lines", () => {
    const plan = run("ci", ["matrix", "plan"]);
    expect(plan.stderr).toBe("");
    const [matrixLine, countLine] = plan.stdout.trim().split("\n");
    const planned = fixtures.filter((e) => ciRoles(e).plan).map((e) => e.name);
    expect(countLine).toBe(`count=${planned.length}`);
    expect((JSON.parse(matrixLine.replace(/^matrix=/, "")) as { include: { env: string }[] }).include.map((j) => j.env)).toEqual(planned);
    // An empty --env is a usage error; the workflow leaves the flag out when its input is empty.
    expect(run("ci", ["matrix", "deploy", "--env", ""]).code).toBe(2);
    const deploy = run("ci", ["matrix", "deploy"]);
    expect(deploy.stdout).toMatch(/^matrix=\{"include":\[\{"env":"bravo",.*\}\]\}\ncount=1\n$/);
  });

  it.each([
    [
      ["matrix", "deploy", "--env", "alpha"],
      1,
      /^error: environment "alpha" has no deploy role \(ci\.github or ci\.deployRoleArn\), so the deploy workflow cannot deploy it\n$/,
    ],
    [["matrix", "apply"], 2, /^error: matrix takes "plan" or "deploy"\n\nusage:/],
    [["comment", "alpha", "--dir", "x", "--status", "ok"], 2, /^error: --status must be "success" or "failure"\n\nusage:/],
    [["deploy"], 2, /^error: unknown command deploy\n\nusage:/],
  ])("ci %j exits %i with a message", (args, code, message) => {
    const r = run("ci", args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it("writes an environment's comment from the files a plan job leaves", () => {
    fs.mkdirSync(path.join(PROJECT_ROOT, ".test-output"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(PROJECT_ROOT, ".test-output", "ci-comment-"));
    fs.writeFileSync(path.join(dir, "alpha.summary.md"), "## Plan: alpha\n\n60 to create\n");
    fs.writeFileSync(path.join(dir, "audit.md"), "## alpha-platform\n");
    const r = run("ci", ["comment", "alpha", "--dir", dir, "--status", "success", "--commit", "abcdef0123456789"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!-- cdktf-eks-plan:alpha -->\n## Plan: alpha\n\n60 to create\n/);
    expect(r.stdout).toContain("<details><summary>Audit: what the stacks contain</summary>");
    fs.writeFileSync(path.join(dir, "plan.log"), "Error: AccessDenied: not authorized to perform s3:GetObject\n");
    fs.rmSync(path.join(dir, "alpha.summary.md"));
    const failed = run("ci", ["comment", "alpha", "--dir", dir, "--status", "failure"]);
    expect(failed.stdout).toContain("## ❌ Plan failed: alpha");
    expect(failed.stdout).toContain("not authorized to perform s3:GetObject");
  });
});
