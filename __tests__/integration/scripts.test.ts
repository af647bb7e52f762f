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

  it.each([
    [[], 2, /^error: name the environment\n\nusage: npm run backend:migrate -- <env>/],
    [["dev", "prod"], 2, /^error: name exactly one environment\n\nusage:/],
    [["--force", "dev"], 2, /^error: unknown option --force\n\nusage:/],
    [["staging"], 2, /^error: no environment "staging" in envs\/ \(have: dev, prod\)\n\nusage:/],
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
