/** Text helpers for messages built from user input. */

const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
// C0 and C1 control characters, and the two Unicode line separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Control characters and line separators as escapes (`\n`, `\u0007`), so one problem stays one line. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Whether text holds a control character or line separator. */
export function hasControl(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}
