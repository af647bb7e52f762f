/**
 * Every program of scripts/ under bad input: a usage message and exit 2 for bad arguments, one
 * clear line and exit 1 for expected failures, never a stack trace. (oidc-thumbprint and
 * kubeconfig have their own suites; this covers the rest and the shared shell.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { sampleEnvs } from "../helpers/synth";

const samples = await sampleEnvs();

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(
    path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
    [path.join(PROJECT_ROOT, "scripts", `${script}.ts`), ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, ...env },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scripts under bad input", () => {
  it("lists every script it covers", () => {
    const scripts = fs.readdirSync(path.join(PROJECT_ROOT, "scripts")).filter((f) => f.endsWith(".ts"));
    expect(scripts).toEqual(expect.arrayContaining(["migrate-backend-state.ts", "oidc-thumbprint.ts", "kubeconfig.ts"]));
  });

  it("npm run deploy and diff run cdktf with hashicorp/aws from the mirror, and skip cdktf's provider lock without a registry", () => {
    const r = spawnSync(
      path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
      [path.join(PROJECT_ROOT, "scripts", "cdktf.ts"), "deploy", "--help"],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, TF_REGISTRY_REACHABLE: "0" },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^hashicorp\/aws from the filesystem mirror \S+\n/);
    expect(r.stderr).toContain("no provider registry is reachable: --skip-provider-lock");
    expect(r.stdout).toMatch(/^cdktf deploy \[stacks\.\.\.\]/);
    expect(run("cdktf", ["apply"]).stderr).toMatch(/^error: the first argument is "deploy" or "diff"\n\nusage:/);
  });

  it.each([
    [[], 2, /^error: name the environment\n\nusage: npm run backend:migrate -- <env>/],
    [["dev", "prod"], 2, /^error: name exactly one environment\n\nusage:/],
    [["--force", "dev"], 2, /^error: unknown option --force\n\nusage:/],
    [
      ["nosuchenv"],
      2,
      new RegExp(`^error: no environment "nosuchenv" in envs/ \\(have: ${samples.map((e) => e.name).join(", ")}\\)\n\nusage:`),
    ],
    [["dev", "--backend-config"], 2, /^error: --backend-config needs a value\n\nusage:/],
    [["dev"], 1, /^error: env "dev": backend\.backendStackState is "local"; set it to "s3" in envs\/dev\.ts, then run this again\n$/],
  ])("backend:migrate %j exits %i with a message", (args, code, message) => {
    const r = run("migrate-backend-state", args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("prints the stack trace of an expected failure only with DEBUG set", () => {
    const r = run("migrate-backend-state", ["dev"], { DEBUG: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe("scripts/ci.ts, as the workflows call it", () => {
  it("prints the plan and deploy matrices as $GITHUB_OUTPUT lines", () => {
    const plan = run("ci", ["matrix", "plan"]);
    expect(plan.stderr).toBe("");
    const [matrixLine, countLine] = plan.stdout.trim().split("\n");
    const planned = samples.filter((e) => e.ci.planRoleArn).map((e) => e.name);
    expect(countLine).toBe(`count=${planned.length}`);
    expect((JSON.parse(matrixLine.replace(/^matrix=/, "")) as { include: { env: string }[] }).include.map((j) => j.env)).toEqual(planned);
    // An empty --env is a usage error; the workflow leaves the flag out when its input is empty.
    expect(run("ci", ["matrix", "deploy", "--env", ""]).code).toBe(2);
    const deploy = run("ci", ["matrix", "deploy"]);
    expect(deploy.stdout).toMatch(/^matrix=\{"include":\[\{"env":"prod",.*\}\]\}\ncount=1\n$/);
  });

  it.each([
    [
      ["matrix", "deploy", "--env", "dev"],
      1,
      /^error: environment "dev" has no ci\.deployRoleArn, so the deploy workflow cannot deploy it\n$/,
    ],
    [["matrix", "apply"], 2, /^error: matrix takes "plan" or "deploy"\n\nusage:/],
    [["comment", "dev", "--dir", "x", "--status", "ok"], 2, /^error: --status must be "success" or "failure"\n\nusage:/],
    [["deploy"], 2, /^error: unknown command deploy\n\nusage:/],
  ])("ci %j exits %i with a message", (args, code, message) => {
    const r = run("ci", args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it("writes an environment's comment from the files a plan job leaves", () => {
    fs.mkdirSync(path.join(PROJECT_ROOT, ".test-output"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(PROJECT_ROOT, ".test-output", "ci-comment-"));
    fs.writeFileSync(path.join(dir, "dev.summary.md"), "## Plan: dev\n\n60 to create\n");
    fs.writeFileSync(path.join(dir, "audit.md"), "## dev-platform\n");
    const r = run("ci", ["comment", "dev", "--dir", dir, "--status", "success", "--commit", "abcdef0123456789"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!-- cdktf-eks-plan:dev -->\n## Plan: dev\n\n60 to create\n/);
    expect(r.stdout).toContain("<details><summary>Audit: what the stacks contain</summary>");
    fs.writeFileSync(path.join(dir, "plan.log"), "Error: AccessDenied: not authorized to perform s3:GetObject\n");
    fs.rmSync(path.join(dir, "dev.summary.md"));
    const failed = run("ci", ["comment", "dev", "--dir", dir, "--status", "failure"]);
    expect(failed.stdout).toContain("## ❌ Plan failed: dev");
    expect(failed.stdout).toContain("not authorized to perform s3:GetObject");
  });
});
