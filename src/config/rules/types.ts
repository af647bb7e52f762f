import type { ParsedEnv } from "../schema";

/** A problem at a config path; `value` is what the user wrote there. */
export interface ConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly value: unknown;
}

export interface EnvRule {
  /** Top-level sections the rule reads; it runs only when all of them are valid. */
  readonly needs: readonly (keyof ParsedEnv)[];
  readonly check: (env: ParsedEnv) => ConfigIssue[];
}

/** Shorthand for one issue. */
export function issue(path: readonly (string | number)[], value: unknown, message: string): ConfigIssue {
  return { path, value, message };
}
