import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planEnvironment, selectStacks } from "../../../scripts/plan/plan";

describe("plan helpers", () => {
  const all = ["alpha-backend", "alpha-platform", "alpha-workloads", "bravo-backend"];

  it("selects stacks by kind or id, in deployment order", () => {
    expect(selectStacks("alpha", [], all)).toEqual(["alpha-backend", "alpha-platform", "alpha-workloads"]);
    expect(selectStacks("alpha", ["workloads", "alpha-backend"], all)).toEqual(["alpha-backend", "alpha-workloads"]);
    expect(() => selectStacks("alpha", ["bravo-backend"], all)).toThrow('no stack "bravo-backend" in environment alpha');
  });

  it("refuses --caller-credentials without credentials, or with --offline, instead of previewing", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "creds-"));
    const processEnv = { AWS_SHARED_CREDENTIALS_FILE: path.join(empty, "c"), AWS_CONFIG_FILE: path.join(empty, "k") };
    const opts = { env: "alpha", callerCredentials: true, processEnv, synthDir: empty, outDir: empty, log: () => undefined };
    await expect(planEnvironment(opts)).rejects.toThrow("--caller-credentials plans against AWS, but no AWS credentials were found");
    await expect(planEnvironment({ ...opts, offline: true })).rejects.toThrow(
      "--caller-credentials plans against AWS and --offline does not",
    );
  });
});
