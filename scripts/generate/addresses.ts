/**
 * The Terraform addresses of every synthesized stack: a contract. State is keyed by address, so a
 * renamed construct means Terraform destroys the old resource and creates a new one.
 */
import { readStacks, stackResources } from "../../src/lib/synthesized";

/** Sorted `type.name` addresses (resources, then data sources as `data.type.name`) by stack. */
export function addressesOf(outdir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { id, json } of readStacks(outdir)) {
    out[id] = [...stackResources(id, json), ...stackResources(id, json, "data")].map((r) => r.address).sort();
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
