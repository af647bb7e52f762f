/**
 * The one Markdown table writer of the tools (docs, plan review, audit, bench): the one place that
 * escapes the column separator `|` in cells (code spans included: GitHub reads `\|` inside a
 * table's code span as `|`) and folds newlines, so no cell can break its table. And the escapes of
 * values that come from elsewhere (a plan, which a pull request controls): `codeSpan`, `plainText`
 * and `codeBlock`.
 */
import { escapeControl, escapeControlKeepingLines } from "../../src/lib/text";

export type Align = "left" | "right";

/** A cell's text made safe for a table row. */
function tableCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

/** The lines of a Markdown table: header, separator, rows (each row as long as the header). */
export function tableLines(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(tableCell).join(" | ")} |`;
  for (const row of rows) {
    if (row.length !== header.length)
      throw new Error(`a table row has ${row.length} cells, the header ${header.length}: ${row.join(" | ")}`);
  }
  return [line(header), line(header.map((_, i) => (align[i] === "right" ? "---:" : "---"))), ...rows.map(line)];
}

/** A Markdown table as text, ending with a newline. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  return `${tableLines(header, rows, align).join("\n")}\n`;
}

/** The longest run of backticks in `text` (0 when none). */
function longestBackticks(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/**
 * A value as a Markdown code span, shown exactly (control characters as visible escapes, `\u001b`,
 * `\n`): nothing inside a code span is Markdown, HTML, a link or an @mention. A value holding
 * backticks gets a longer fence than its longest run (and a space inside each end when it starts or
 * ends with a backtick, or with spaces at both ends, which CommonMark strips).
 */
export function codeSpan(value: string): string {
  const text = escapeControl(value);
  if (text.trim() === "") return `\`${text || " "}\``;
  const fence = "`".repeat(longestBackticks(text) + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || (text.startsWith(" ") && text.endsWith(" ")) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Text as plain Markdown text: control characters escaped, and the characters that start emphasis,
 * code, links, HTML, entities, tables or strikethrough backslash-escaped. For text of our own making
 * with names in it (titles); a value from a plan goes in a `codeSpan`.
 */
export function plainText(text: string): string {
  return escapeControl(text).replace(/[\\`*_[\]<>&|~!#]/g, (c) => `\\${c}`);
}

/**
 * Multi-line text (a log) as a fenced code block, shown verbatim: the fence is longer than any run
 * of backticks in it, so nothing inside can close it; control characters but line feeds and tabs
 * are escaped.
 */
export function codeBlock(text: string, info = "text"): string[] {
  const body = escapeControlKeepingLines(text);
  const fence = "`".repeat(Math.max(3, longestBackticks(body) + 1));
  return [`${fence}${info}`, body, fence];
}
