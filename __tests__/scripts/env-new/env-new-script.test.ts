/**
 * `npm run env:new` end to end: the real script (`npx tsx scripts/env-new.ts`) in a temporary
 * EKS_ENVS_DIR holding copies of the fixture environments.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../src/app";
import { assertValidEnvs, loadEnvSources } from "../../../src/config";
import { FIXTURE_ENVS_DIR } from "../../helpers/synth";

let work: string;
let dir: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "env-new-script-"));
  dir = path.join(work, "envs");
  fs.cpSync(FIXTURE_ENVS_DIR, dir, { recursive: true });
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function envNew(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync("npx", ["tsx", "scripts/env-new.ts", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EKS_ENVS_DIR: dir },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const files = () => fs.readdirSync(dir).sort();
const FIXTURES = ["_app.ts", "alpha.ts", "bravo.ts", "charlie.ts"];

describe("scripts/env-new.ts", () => {
  it("prints the usage for --help and exits 0, writing nothing", () => {
    const { code, stdout, stderr } = envNew("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^usage: npm run env:new -- <name> --account <12 digits> --region <region> \[--capacity fargate\|managed\|auto\]/,
    );
    expect(stderr).toBe("");
    expect(files()).toEqual(FIXTURES);
  });

  it("refuses a bad value with one line naming the option, the value and what is allowed, exit 2, writing nothing", () => {
    const { code, stdout, stderr } = envNew("qa", "--account", "42", "--region", "eu-west-1");
    expect(code).toBe(2);
    expect(stderr).toBe('error: --account must be exactly 12 digits (got "42")\n');
    expect(stdout).toBe("");
    expect(files()).toEqual(FIXTURES);
  });

  it("refuses an existing name, naming its file", () => {
    const { code, stderr } = envNew("alpha", "--account", "444444444444", "--region", "eu-west-1");
    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: ${path.relative(PROJECT_ROOT, path.join(dir, "alpha.ts"))} already exists; pick another name, or edit that file\n`,
    );
    expect(files()).toEqual(FIXTURES);
  });

  it("writes a new environment that validates with the others, and prints the next steps", { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = envNew("qa", "--account", "444444444444", "--region", "eu-west-1", "--capacity", "fargate");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const shown = path.relative(PROJECT_ROOT, path.join(dir, "qa.ts"));
    expect(stdout.split("\n")).toEqual([
      `wrote ${shown}: Fargate only (CoreDNS and metrics-server get Fargate profiles of their own); project fixture, account 444444444444, zones eu-west-1a, eu-west-1b, eu-west-1c, VPC 10.0.0.0/16. It validates with the other environments and synthesizes.`,
      "",
      "Next:",
      `  1. Fill in the TODOs of ${shown}: the cluster admin role (kubeconfig and workloads use it too), then what it runs.`,
      "  2. npm run synth                  validates every environment, then synthesizes",
      `  3. npm run addresses:update       records the new stacks' addresses; commit them with ${shown}`,
      "  4. npm run bootstrap -- qa        deploys it: the state backend first, then the rest",
      "     npm run deploy:emulated -- qa  or tries it without an AWS account",
      "",
    ]);
    expect(files()).toEqual([...FIXTURES, "qa.ts"]);
    const envs = assertValidEnvs(await loadEnvSources(dir));
    expect(envs.find((e) => e.name === "qa")?.fargate.profiles).toEqual({ apps: { selectors: [{ namespace: "default" }] } });

    // A second run refuses the name it just wrote.
    const again = envNew("qa", "--account", "444444444444", "--region", "eu-west-1");
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`error: ${shown} already exists; pick another name, or edit that file\n`);
  });
});
