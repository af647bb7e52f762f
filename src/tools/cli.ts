/**
 * The shared shell of every `scripts/*` program: argument errors print the usage and exit 2,
 * expected failures print one message and exit 1, and no stack trace reaches the user.
 */

import { CliError, UsageError } from "../lib/errors";

export { CliError, UsageError };

/** Parsed `--flag value`, `--switch` and positional arguments. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/**
 * Parses argv against the allowed flags: `valued` take a value (`--out dir` or `--out=dir`),
 * `switches` take none. Unknown flags are usage errors.
 */
export function parseArgs(argv: readonly string[], spec: { valued?: readonly string[]; switches?: readonly string[] }): ParsedArgs {
  const valued = new Set(spec.valued ?? []);
  const switches = new Set(spec.switches ?? []);
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--") || arg === "--") {
      if (arg !== "--") positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (valued.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else if (switches.has(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, flags };
}

/**
 * Runs a program's main function: exit 0 on success (or the number it returns), 2 with the usage
 * on a UsageError, 1 with the message on any other error. Stack traces only with DEBUG set.
 */
export function runCli(usage: string, main: () => Promise<number | void> | number | void): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = typeof code === "number" ? code : 0;
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof UsageError) {
          process.stderr.write(`error: ${error.message}\n\n${usage.trim()}\n`);
          process.exitCode = 2;
          return;
        }
        process.stderr.write(`error: ${error.message}\n`);
        if (process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
        process.exitCode = error instanceof CliError ? error.exitCode : 1;
      },
    );
}
