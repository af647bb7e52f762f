/**
 * src/boot.ts: no source maps and no formatted token stack traces on the synth path, yet Errors
 * keep their usual stack text; with DEBUG set, Node's defaults stay.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/app";

const probe = `
  import "./src/boot";
  function thrower() { throw new TypeError("boom"); }
  let stack = "";
  try { thrower(); } catch (e) { stack = e.stack; }
  const token = { stack: "" };
  Error.captureStackTrace(token);
  console.log(JSON.stringify({ sourceMaps: process.sourceMapsEnabled, errorStack: stack.split("\\n").slice(0, 2), tokenStack: token.stack }));
`;

function run(env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DEBUG: "", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { sourceMaps: boolean; errorStack: string[]; tokenStack: string };
}

describe("boot", () => {
  it("turns off source maps and token stack formatting, keeping Error stacks", () => {
    const r = run({});
    expect(r.sourceMaps).toBe(false);
    expect(r.tokenStack).toBe("");
    expect(r.errorStack[0]).toBe("TypeError: boom");
    expect(r.errorStack[1]).toMatch(/^ {4}at thrower \(/);
  });

  it("leaves Node's defaults alone with DEBUG set", () => {
    const r = run({ DEBUG: "1" });
    expect(r.sourceMaps).toBe(true);
    expect(r.tokenStack).toContain("at ");
    expect(r.errorStack[0]).toBe("TypeError: boom");
  });
});
