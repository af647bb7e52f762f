/**
 * `npm run catalog:update` end to end, on a scratch copy of the project (src/, scripts/ and the
 * configuration files; node_modules linked), never the repository: replaying the recorded EKS
 * responses of __tests__/fixtures/eks-responses (moto implements neither DescribeClusterVersions nor
 * DescribeAddonVersions), and without AWS credentials.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { NO_AWS } from "../helpers/no-aws";

const FIXTURES = path.join(PROJECT_ROOT, "__tests__", "fixtures", "eks-responses");
const TABLES = ["aws-catalog.generated.ts", "eks-versions.generated.ts", "eks-addons.generated.ts"];

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "catalog-update-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const repoTables = Object.fromEntries(TABLES.map((t) => [t, fs.readFileSync(path.join(PROJECT_ROOT, "src", "lib", t), "utf8")]));

/** A fresh copy of what the command reads and writes. */
function copy(name: string): string {
  const dir = path.join(scratch, name);
  for (const f of ["src", "scripts", "package.json", "tsconfig.json", ".prettierrc.json", ".prettierignore"])
    fs.cpSync(path.join(PROJECT_ROOT, f), path.join(dir, f), { recursive: true });
  fs.symlinkSync(fs.realpathSync(path.join(PROJECT_ROOT, "node_modules")), path.join(dir, "node_modules"));
  return dir;
}

function catalogUpdate(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/update-catalog.ts", ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...NO_AWS },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const table = (dir: string, name: string) => fs.readFileSync(path.join(dir, "src", "lib", name), "utf8");

describe("npm run catalog:update", () => {
  it("replays recorded responses into the EKS tables, writing only what changed, then finds nothing to change", () => {
    const dir = copy("replay");
    const first = catalogUpdate(dir, ["--responses", FIXTURES]);
    expect([first.code, first.stderr]).toEqual([0, ""]);
    expect(first.stdout).toBe(
      [
        "aws-catalog.generated.ts is up to date",
        "added Kubernetes 1.36",
        "updated src/lib/eks-versions.generated.ts",
        "updated src/lib/eks-addons.generated.ts",
        "",
      ].join("\n"),
    );
    expect(table(dir, "eks-versions.generated.ts")).toContain(
      '  "1.36": { standardSupportEnds: "2028-01-28", extendedSupportEnds: "2029-01-28" },\n};',
    );
    expect(table(dir, "eks-addons.generated.ts")).toContain(
      '  "1.36": {\n    "vpc-cni": "v1.21.1-eksbuild.5",\n    "kube-proxy": "v1.36.0-eksbuild.1",',
    );
    // The diff is the data: the rest of each file is as it was.
    const changed = (name: string) => {
      const before = repoTables[name].split("\n");
      return table(dir, name)
        .split("\n")
        .filter((l) => !before.includes(l));
    };
    expect(changed("eks-versions.generated.ts")).toEqual([
      '  "1.36": { standardSupportEnds: "2028-01-28", extendedSupportEnds: "2029-01-28" },',
    ]);
    expect(changed("eks-addons.generated.ts").filter((l) => !l.includes("vpc-cni"))).toEqual([
      '  "1.36": {',
      '    "kube-proxy": "v1.36.0-eksbuild.1",',
    ]);
    expect(fs.readdirSync(path.join(dir, "src", "lib")).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const again = catalogUpdate(dir, ["--responses", FIXTURES]);
    expect(again.stdout).toBe(
      [
        "aws-catalog.generated.ts is up to date",
        "eks-versions.generated.ts is up to date",
        "eks-addons.generated.ts is up to date",
        "",
      ].join("\n"),
    );
    // The repository's own tables were never touched.
    for (const t of TABLES) expect(fs.readFileSync(path.join(PROJECT_ROOT, "src", "lib", t), "utf8"), t).toBe(repoTables[t]);
  });

  it("without AWS credentials regenerates what it can offline and says in one line how to refresh the EKS tables", () => {
    const dir = copy("offline");
    const r = catalogUpdate(dir, []);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout.split("\n")).toEqual([
      "aws-catalog.generated.ts is up to date",
      "EKS tables not refreshed: no AWS credentials found (export AWS_PROFILE=<profile>, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for any account), or replay recorded responses with --responses <dir>",
      "",
    ]);
    for (const t of TABLES) expect(table(dir, t), t).toBe(repoTables[t]);
  });

  it("refuses a folder of responses it cannot use, and unknown options, in one line", () => {
    const dir = copy("bad");
    const missing = catalogUpdate(dir, ["--responses", path.join(scratch, "nothing")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `error: --responses ${path.join(scratch, "nothing")} holds no describe-cluster-versions.json (see docs/ci.md for the files it takes)\n`,
    );
    const unknown = catalogUpdate(dir, ["--force"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown option --force\n\nusage: npm run catalog:update/);
    for (const t of TABLES) expect(table(dir, t), t).toBe(repoTables[t]);
  });
});
