/**
 * What the config validation tests share: a minimal environment input, and `errorsOf`, the error
 * lines validation gives for inputs.
 */
import { validateEnvs, type EnvSource } from "../../src/config";
import { withClusterAccess } from "./synth";

/**
 * The minimal environment input (defined in synth.ts). It says nothing of cluster access: `errorsOf`
 * fills that in, so a test sees only the errors of the rule it is about.
 */
export { configBase } from "./synth";

/** An object input with the access every environment needs filled in when it says nothing of it (see withClusterAccess). */
function withAccess(raw: unknown): unknown {
  return raw !== null && typeof raw === "object" && !Array.isArray(raw) ? withClusterAccess(raw as Record<string, unknown>) : raw;
}

/**
 * The error lines of one environment input read from `source`, cluster access filled in. The access
 * rules' own tests, which leave it out on purpose, call `validateEnvs` themselves.
 */
export function errorsOf(input: unknown, source = "envs/test.ts"): string[] {
  return errorsOfAll([{ source, raw: input }]);
}

/** The error lines of environments validated together (names, buckets and files must not clash), cluster access filled in. */
export function errorsOfAll(sources: readonly EnvSource[]): string[] {
  return validateEnvs(sources.map((s) => ({ source: s.source, raw: withAccess(s.raw) }))).errors;
}
