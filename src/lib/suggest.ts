/**
 * "Did you mean" suggestions for refused names: the nearest allowed value, when it is close enough to
 * be a likely intent, and never the value that was refused.
 */

/** The allowed value nearest to `value` (case-insensitive edit distance), or undefined. */
export function closest(value: string, allowed: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    if (candidate === value) continue;
    const d = levenshtein(value.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(value.length / 4)) ? best : undefined;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(value: string, allowed: Iterable<string>): string {
  const hint = closest(value, allowed);
  return hint ? ` (did you mean "${hint}"?)` : "";
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
