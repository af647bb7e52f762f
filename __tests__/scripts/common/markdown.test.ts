/** The escapes of values in Markdown: code spans, plain text, code blocks. */
import { describe, expect, it } from "vitest";
import { codeBlock, codeSpan, plainText, tableLines } from "../../../scripts/common/markdown";
import { expectInert, expectTablesIntact, HOSTILE, readCodeSpans } from "../../helpers/markdown";

describe("codeSpan", () => {
  it.each([
    ["plain", "aws_s3_bucket.a", "`aws_s3_bucket.a`"],
    ["a backtick", "`", "`` ` ``"],
    ["a run of backticks inside", "a``b`c", "```a``b`c```"],
    ["a leading backtick", "`a", "`` `a ``"],
    ["spaces at both ends", " a ", "`  a  `"],
    ["only spaces", "  ", "`  `"],
    ["nothing", "", "` `"],
    ["an escape sequence", "\u001b[31mred", "`\\u001b[31mred`"],
    ["a newline", "two\nlines", "`two\\nlines`"],
    ["a carriage return and a bell", "a\rb\u0007", "`a\\rb\\u0007`"],
    ["a right-to-left override", "a\u202eb", "`a\\u202eb`"],
  ])("shows %s exactly", (_label, value, expected) => {
    expect(codeSpan(value)).toBe(expected);
  });

  it("reads back as the value (control characters escaped), whatever backticks it holds", () => {
    for (const value of [...HOSTILE, "``", "x``y```z", "`a`", "a `b` c", "` `"]) {
      const { code, text } = readCodeSpans(`x ${codeSpan(value)} y`);
      expect(code, JSON.stringify(value)).toEqual([value.replace("\n", "\\n").replace("\u001b", "\\u001b")]);
      expect(text).toBe("x \u0000 y");
    }
  });

  it("keeps hostile values inert in a table, one row each", () => {
    const md = tableLines(
      ["value", "shown"],
      HOSTILE.map((h) => [codeSpan(h), codeSpan(`${h}|${h}`)]),
    ).join("\n");
    expectInert(md);
    expectTablesIntact(md);
    expect(md.split("\n")).toHaveLength(HOSTILE.length + 2);
  });
});

describe("plainText", () => {
  it("escapes what would start Markdown or HTML, and control characters", () => {
    expect(plainText("Plan: alpha (offline preview)")).toBe("Plan: alpha (offline preview)");
    expect(plainText("**b** <img> [x](y) `c` a|b ~~s~~ &amp; \\ !#_")).toBe(
      "\\*\\*b\\*\\* \\<img\\> \\[x\\](y) \\`c\\` a\\|b \\~\\~s\\~\\~ \\&amp; \\\\ \\!\\#\\_",
    );
    // The escapes' backslashes are escaped too: Markdown shows them as `\n` and `\u001b`.
    expect(plainText("a\nb\u001b")).toBe("a\\\\nb\\\\u001b");
  });
});

describe("codeBlock", () => {
  it("fences a log longer than any backtick run in it, and escapes control characters but line feeds and tabs", () => {
    expect(codeBlock("plain\r\nlog")).toEqual(["```text", "plain\nlog", "```"]);
    const [open, body, close] = codeBlock("a ```` b\n\u001b[31mred\u0007\tok\rX");
    expect(open).toBe("`````text");
    expect(close).toBe("`````");
    expect(body).toBe("a ```` b\n\\u001b[31mred\\u0007\tok\\rX");
  });
});
