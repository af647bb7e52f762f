/**
 * Constructor-time prop validation: collect every problem, then throw one error that names the
 * construct, each prop, its value and what is allowed.
 */

/** One check: the prop, the value given, and the problem (undefined when the value is fine). */
export type PropCheck = readonly [prop: string, value: unknown, problem: string | false | undefined];

/** Thrown by constructs whose props are invalid. */
export class PropsError extends Error {
  constructor(
    readonly construct: string,
    readonly problems: readonly string[],
  ) {
    super(`${construct}: ${problems.join("; ")}`);
    this.name = "PropsError";
  }
}

/** Throws a {@link PropsError} listing every failed check; returns quietly when all pass. */
export function requireValidProps(construct: string, checks: readonly PropCheck[]): void {
  const problems = checks
    .filter(([, , problem]) => typeof problem === "string")
    .map(([prop, value, problem]) => `${prop} ${problem} (got ${JSON.stringify(value)})`);
  if (problems.length > 0) throw new PropsError(construct, problems);
}

/** Phrases an AWS naming problem (from `aws-limits`) for {@link requireValidProps}. */
export function invalidName(problem: string | undefined): string | undefined {
  return problem && `is invalid: ${problem}`;
}
