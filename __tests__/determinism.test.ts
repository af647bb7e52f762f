/**
 * Synth is deterministic: two synths of the same code give byte-identical output, with no
 * absolute path of the machine, no timestamp and no random id in it.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp, PROJECT_ROOT } from "../src/app";
import { fixtureEnvs } from "./helpers/synth";

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash("sha256").update(fs.readFileSync(full)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

describe("deterministic synth", () => {
  it("writes byte-identical cdktf.out twice, without machine paths", async () => {
    const envs = await fixtureEnvs();
    const a = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "synth-a-")), "cdktf.out");
    const b = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "synth-b-")), "cdktf.out");
    buildApp(envs, a).app.synth();
    buildApp(envs, b).app.synth();
    const ta = tree(a);
    expect(Object.keys(ta).length).toBeGreaterThan(6);
    expect(tree(b)).toEqual(ta);
    for (const file of Object.keys(ta)) {
      const text = fs.readFileSync(path.join(a, file), "utf8");
      for (const machinePath of [PROJECT_ROOT, os.homedir(), os.tmpdir(), a])
        expect(text.includes(machinePath), `${file} contains ${machinePath}`).toBe(false);
      expect(text, file).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
    }
  });
});
