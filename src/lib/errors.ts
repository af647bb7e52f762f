/** The errors a program reports as one line (no stack trace): bad usage, expected failures. */

/** A bad command line; the program prints its usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An expected failure (bad input, unreachable host, failed command): its message is enough. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}
