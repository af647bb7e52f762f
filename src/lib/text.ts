/** Text helpers for messages and output built from input: configs, plans, Terraform's output. */

const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
// C0 and C1 control characters, the two Unicode line separators, and the bidirectional formatting
// characters (which reorder what a reader sees: "Trojan Source").
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// The same, but line feeds and tabs: the layout of multi-line text.
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  return SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Control characters and line separators as escapes (`\n`, `\u0007`), so one problem stays one line. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escape);
}

/**
 * Multi-line text made safe for a terminal or a comment: line feeds and tabs are kept (a CR LF line
 * end becomes LF), every other control character is escaped (`\u001b`, `\r`), so no escape
 * sequence, carriage return or bell from a plan or Terraform's output reaches the reader raw.
 */
export function escapeControlKeepingLines(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(CONTROL_BUT_LAYOUT, escape);
}

/** Whether text holds a control character or line separator. */
export function hasControl(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}

/**
 * JSON text with the characters JSON.stringify leaves raw escaped as `\uXXXX` too (DEL, the C1
 * controls, line separators, bidirectional formatting): still the same JSON, and safe to print.
 */
export function escapeJsonControl(json: string): string {
  // JSON.stringify escapes C0 inside strings; the only C0 left are its own line feeds.
  return json.replace(
    /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * JSON.parse with the step in the error: `terraform state pull (dev-backend) printed no JSON
 * (Unexpected token 'E'...); it began: "Error: ..."`, instead of a bare SyntaxError.
 */
export function parseJsonFrom<T = unknown>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    const start = text.trim().slice(0, 120);
    throw new Error(
      `${what} printed no JSON (${escapeControl((err as Error).message)}); ${start ? `it began: ${JSON.stringify(start)}` : "it printed nothing"}`,
      { cause: err },
    );
  }
}
