/** Escapes of control characters: one-line messages, multi-line output, JSON. */
import { describe, expect, it } from "vitest";
import { escapeControl, escapeControlKeepingLines, escapeJsonControl, hasControl } from "../../src/lib/text";

describe("control characters", () => {
  it("escapes C0, C1, line separators and bidirectional overrides for one-line messages", () => {
    expect(escapeControl("a\nb\u001b[31m\u0007\u009b\u2028\u202e\u2066")).toBe("a\\nb\\u001b[31m\\u0007\\u009b\\u2028\\u202e\\u2066");
    expect(hasControl("a\u202eb")).toBe(true);
    expect(hasControl("plain → text")).toBe(false);
  });

  it("keeps line feeds and tabs of multi-line output, and escapes the rest", () => {
    expect(escapeControlKeepingLines("one\r\ntwo\tthree\r\u001b[2J\u0007\n")).toBe("one\ntwo\tthree\\r\\u001b[2J\\u0007\n");
  });

  it("escapes what JSON.stringify leaves raw, and the JSON still reads the same", () => {
    const value = { v: "\u001b[31m\u007f\u009b\u2028\u202e", "k\u0085": ["\n"] };
    const json = escapeJsonControl(JSON.stringify(value, null, 2));
    // eslint-disable-next-line no-control-regex
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
