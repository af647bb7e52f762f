/**
 * The one Markdown table writer of the tools (docs, plan review, audit, bench): the one place that
 * escapes the column separator `|` in cells (code spans included: GitHub reads `\|` inside a
 * table's code span as `|`) and folds newlines, so no cell can break its table.
 */

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
