/**
 * src/boot.ts: no source maps and no token stack traces on the synth path, while every Error keeps
 * its stack as Node formats it; with DEBUG set, Node's defaults stay.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/app";

const probe = `
  import "./src/boot";
  import * as fs from "node:fs";
  function thrower() { throw new TypeError("boom"); }
  let stack = "";
  try { thrower(); } catch (e) { stack = e.stack; }
  let nodeError = "";
  try { fs.readFileSync({}); } catch (e) { nodeError = e.stack.split("\\n")[0]; }
  const token = { stack: "" };
  Error.captureStackTrace(token);
  const other = { stack: "", note: "not a token" };
  Error.captureStackTrace(other);
  console.log(JSON.stringify({ sourceMaps: process.sourceMapsEnabled, errorStack: stack.split("\\n").slice(0, 2), nodeError, tokenStack: token.stack, otherStack: other.stack }));
`;

function run(env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DEBUG: "", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { sourceMaps: boolean; errorStack: string[]; nodeError: string; tokenStack: string; otherStack: string };
}

describe("boot", () => {
  it("turns off source maps and token stack traces, and leaves Errors as Node formats them", () => {
    const r = run({});
    expect(r.sourceMaps).toBe(false);
    expect(r.tokenStack).toBe("");
    expect(r.otherStack).toContain("at ");
    expect(r.errorStack[0]).toBe("TypeError: boom");
    expect(r.errorStack[1]).toMatch(/^ {4}at thrower \(/);
    expect(r.nodeError).toMatch(/^TypeError \[ERR_INVALID_ARG_TYPE\]: /);
  });

  it("leaves Node's defaults alone with DEBUG set", () => {
    const r = run({ DEBUG: "1" });
    expect(r.sourceMaps).toBe(true);
    expect(r.tokenStack).toContain("at ");
    expect(r.errorStack[0]).toBe("TypeError: boom");
  });
});
