/**
 * The shared shell of every `scripts/*` program: argument errors print the usage and exit 2,
 * expected failures print one message and exit 1, and no stack trace reaches the user.
 */

import { parseArgs as nodeParseArgs } from "node:util";
import { CliError, UsageError } from "../../src/lib/errors";
import { closest } from "../../src/lib/suggest";
import { escapeControlKeepingLines } from "../../src/lib/text";

export { CliError, UsageError };

/** An option a program takes: `--name <value>` (or `--name=<value>`), or a `--name` switch. */
export type OptionSpec = { readonly type: "string" } | { readonly type: "boolean" };

/** A program's options by name (without the leading `--`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed options: a valued option's text (undefined when absent), a switch's presence. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K] extends { readonly type: "boolean" } ? boolean : string | undefined;
};

/** What a program was given: its options and, in order, its other arguments. */
export interface ParsedArgs<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: string[];
}

/**
 * Parses argv with `util.parseArgs` (strict): only the declared options are allowed, a valued
 * option needs a non-empty value, a switch takes none, and arguments after `--` are positionals.
 * With `allowPositionals: false` any other argument is refused. Every refusal is a UsageError with
 * a one-line message: `unknown option --force`, `--out needs a value`, `--json takes no value`,
 * `unexpected argument extra`.
 */
export function parseArgs<const O extends OptionSpecs = Record<never, OptionSpec>>(
  argv: readonly string[],
  spec: { readonly options?: O; readonly allowPositionals?: boolean } = {},
): ParsedArgs<O> {
  const options: OptionSpecs = spec.options ?? {};
  const allowPositionals = spec.allowPositionals ?? true;
  let parsed;
  try {
    parsed = nodeParseArgs({ args: [...argv], options, strict: true, allowPositionals, tokens: true });
  } catch (err) {
    if (!isParseArgsError(err)) throw err;
    throw new UsageError(refusal(argv, options, allowPositionals) ?? err.message.split("\n")[0]);
  }
  // util.parseArgs takes `--out ""` and `--out=`; an empty value is as good as none here.
  for (const token of parsed.tokens) {
    if (token.kind === "option" && token.value === "") throw new UsageError(`${token.rawName} needs a value`);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, option] of Object.entries(options)) {
    const value = parsed.values[name];
    values[name] = option.type === "boolean" ? value === true : typeof value === "string" ? value : undefined;
  }
  return { values: values as OptionValues<O>, positionals: parsed.positionals };
}

/** Whether `err` is util.parseArgs refusing the arguments (ERR_PARSE_ARGS_*), not a bug. */
function isParseArgsError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && "code" in err && typeof err.code === "string" && err.code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * The one-line message of the first thing wrong with argv (options first, then a positional
 * where none is allowed), read from util.parseArgs' tokens rather than its English messages.
 */
function refusal(argv: readonly string[], options: OptionSpecs, allowPositionals: boolean): string | undefined {
  const { tokens } = nodeParseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!option) {
      const hint = token.rawName.startsWith("--") ? closest(token.name, Object.keys(options)) : undefined;
      return `unknown option ${token.rawName}${hint ? ` (did you mean --${hint}?)` : ""}`;
    }
    if (option.type === "boolean") {
      if (token.value !== undefined) return `${token.rawName} takes no value`;
    } else if (token.value === undefined) {
      return `${token.rawName} needs a value`;
    } else if (!token.inlineValue && token.value.length > 1 && token.value.startsWith("-")) {
      // `--out --json` or `--runs -1`: util.parseArgs will not take a value that looks like an option.
      return `${token.rawName} needs a value (give one that starts with "-" as ${token.rawName}=<value>)`;
    }
  }
  if (!allowPositionals) {
    const extra = tokens.find((t) => t.kind === "positional");
    if (extra) return `unexpected argument ${extra.value}`;
  }
  return undefined;
}

/**
 * Runs a program's main function: exit 0 on success (or the number it returns), 2 with the usage
 * on a UsageError, 1 with the message on any other error (control characters in it escaped, but
 * its line feeds and tabs). Stack traces only with DEBUG set.
 * `--help` (or `-h`) prints the usage on stdout and exits 0 without running it (unless `passHelp`:
 * a wrapper whose tool answers --help itself).
 */
export function runCli(
  usage: string,
  main: () => Promise<number | void> | number | void,
  opts: { readonly passHelp?: boolean } = {},
): void {
  const args = process.argv.slice(2);
  const end = args.indexOf("--");
  if (!opts.passHelp && (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h")) {
    process.stdout.write(`${usage.trim()}\n`);
    return;
  }
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = typeof code === "number" ? code : 0;
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof UsageError) {
          process.stderr.write(`error: ${escapeControlKeepingLines(error.message)}\n\n${usage.trim()}\n`);
          process.exitCode = 2;
          return;
        }
        // Messages quote what programs read (plans, Terraform's output): no escape sequence reaches the terminal raw.
        process.stderr.write(`error: ${escapeControlKeepingLines(error.message)}\n`);
        if (process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
        process.exitCode = error instanceof CliError ? error.exitCode : 1;
      },
    );
}
