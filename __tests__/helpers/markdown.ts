/**
 * Hostile values for Markdown output (what a pull request can put in a plan), and a reader of
 * Markdown lines that tells code spans (inert) from the rest, as CommonMark does: a code span
 * opens with a run of backticks and closes with the next run of the same length.
 */
import { expect } from "vitest";

/** Markdown, HTML, a backtick, a table separator, a terminal escape, a newline, a mention, a link. */
export const HOSTILE = [
  "**bold**",
  "<img src=x onerror=alert(1)>",
  "`",
  "|",
  "\u001b[31mred",
  "two\nlines",
  "@someone",
  "[x](javascript:alert(1))",
] as const;

/** What must never appear in Markdown outside a code span when the values above are escaped. */
export const HOSTILE_OUTSIDE_CODE = ["**bold**", "<img", "onerror", "@someone", "javascript:", "[31m", "\u001b"] as const;

/** A line split into its code spans (their content, as CommonMark reads it) and the text around them. */
export function readCodeSpans(line: string): { code: string[]; text: string } {
  const code: string[] = [];
  let text = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\\" && i + 1 < line.length) {
      text += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== "`") {
      text += line[i++];
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    // The closing run: exactly n backticks, not part of a longer run.
    let j = i + n;
    let close = -1;
    while (j < line.length) {
      if (line[j] !== "`") {
        j++;
        continue;
      }
      let m = 0;
      while (line[j + m] === "`") m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close < 0) {
      text += line.slice(i, i + n);
      i += n;
      continue;
    }
    let content = line.slice(i + n, close);
    if (content.length > 1 && content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "") content = content.slice(1, -1);
    code.push(content);
    text += "\u0000"; // where the span was
    i = close + n;
  }
  return { code, text };
}

/** Fails unless no hostile marker is outside a code span and no control character but `\n` is anywhere. */
export function expectInert(markdown: string): void {
  // eslint-disable-next-line no-control-regex
  expect(markdown, "a control character").not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  for (const line of markdown.split("\n")) {
    const { text } = readCodeSpans(line);
    for (const marker of HOSTILE_OUTSIDE_CODE)
      expect(text, `${JSON.stringify(marker)} outside a code span in: ${line}`).not.toContain(marker);
  }
}

/** Fails unless every row of every table has as many cells (unescaped `|`) as its header. */
export function expectTablesIntact(markdown: string): void {
  const pipes = (line: string) => (line.replace(/\\\\/g, "").match(/(?<!\\)\|/g) ?? []).length;
  let header: number | undefined;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      header = undefined;
      continue;
    }
    header ??= pipes(line);
    expect(pipes(line), `a row with more or fewer cells than its header: ${line}`).toBe(header);
  }
}
