import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { EmulatedEnvironment } from "../../scripts/emulator/emulated-deploy";
import { testOutputDir } from "../helpers/terraform";
import { runScenario, Steps, type ScenarioRun } from "./emulated";

const out = testOutputDir("emulated-harness");

/** A scenario that fails at "bootstrap" with `error` (its Terraform log holding `log`) the first `failures` times. */
function flaky(failures: number, error: string, log = ""): { scenario: () => Promise<ScenarioRun>; calls: () => number } {
  let calls = 0;
  const root = path.join(out, `run-${Math.random().toString(36).slice(2)}`);
  fs.mkdirSync(path.join(root, "logs"), { recursive: true });
  fs.writeFileSync(path.join(root, "logs", "001-x-platform-apply.log"), log);
  const scenario = async () => {
    const run: ScenarioRun = { steps: new Steps("x"), emu: { options: { root } } as unknown as EmulatedEnvironment };
    await run.steps
      .step("bootstrap", () => (++calls <= failures ? Promise.reject(new Error(error)) : Promise.resolve()))
      .catch(() => undefined);
    return run;
  };
  return { scenario, calls: () => calls };
}

const RESENT =
  "Error: creating IAM Role (a): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: r, EntityAlreadyExists: Role with name a already exists.";

describe("runScenario", () => {
  it.each([
    ["passes the first time: runs once", 0, "", "", 1, undefined],
    ["lost answer in the error: runs again, once", 1, RESENT, "", 2, undefined],
    ["lost answer only in the Terraform log: runs again, once", 1, "npm run bootstrap failed (exit 1)", RESENT, 2, undefined],
    ["lost answer twice: the second failure stands", 2, RESENT, "", 2, "bootstrap"],
    ["any other failure stands at once", 1, "AccessDenied", "", 1, "bootstrap"],
  ])("%s", async (_, failures, error, log, calls, failedAt) => {
    const s = flaky(failures, error, log);
    const run = await runScenario(s.scenario);
    expect(s.calls()).toBe(calls);
    expect(run.steps.failed?.step).toBe(failedAt);
  });
});
