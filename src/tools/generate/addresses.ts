/**
 * The Terraform addresses of every synthesized stack: a contract. State is keyed by address, so a
 * renamed construct means Terraform destroys the old resource and creates a new one.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Sorted `type.name` addresses (resources, then data sources as `data.type.name`) by stack. */
export function addressesOf(outdir: string): Record<string, string[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const out: Record<string, string[]> = {};
  for (const [stack, info] of Object.entries(manifest.stacks).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, info.synthesizedStackPath), "utf8")) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const list: string[] = [];
    for (const [type, byName] of Object.entries(json.resource ?? {})) for (const name of Object.keys(byName)) list.push(`${type}.${name}`);
    for (const [type, byName] of Object.entries(json.data ?? {})) for (const name of Object.keys(byName)) list.push(`data.${type}.${name}`);
    out[stack] = list.sort();
  }
  return out;
}

/** What differs between the recorded and the current addresses, one line each (`+`/`-`). */
export function addressDiff(recorded: Record<string, string[]>, current: Record<string, string[]>): string[] {
  const lines: string[] = [];
  for (const stack of [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort()) {
    const before = new Set(recorded[stack] ?? []);
    const after = new Set(current[stack] ?? []);
    for (const a of [...before].filter((x) => !after.has(x)).sort()) lines.push(`- ${stack} ${a}`);
    for (const a of [...after].filter((x) => !before.has(x)).sort()) lines.push(`+ ${stack} ${a}`);
  }
  return lines;
}
