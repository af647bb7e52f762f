/** Escapes of control characters: one-line messages, multi-line output, JSON. */
import { describe, expect, it } from "vitest";
import { escapeControl, escapeControlKeepingLines, escapeJsonControl, hasControl, parseJsonFrom } from "../../src/lib/text";

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

describe("parseJsonFrom", () => {
  it.each([
    [
      "Error: Failed to load state\n",
      'terraform state pull (dev-backend) printed no JSON (Unexpected token \'E\', "Error: Fai"... is not valid JSON); it began: "Error: Failed to load state"',
    ],
    ["", "terraform state pull (dev-backend) printed no JSON (Unexpected end of JSON input); it printed nothing"],
    [
      '{"a": 1',
      "terraform state pull (dev-backend) printed no JSON (Expected ',' or '}' after property value in JSON at position 7); it began: \"{\\\"a\\\": 1\"",
    ],
  ])("names the step and shows how %j began", (text, message) => {
    expect(() => parseJsonFrom(text, "terraform state pull (dev-backend)")).toThrow(message);
  });

  it("returns what parses", () => {
    expect(parseJsonFrom<{ a: number }>('{"a": 1}', "x").a).toBe(1);
  });
});
