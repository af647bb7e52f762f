/**
 * The documentation: the generated parts of docs/ are what `npm run docs:update` writes, the
 * generators read the schema and escape Markdown as they say, and the README stays a short front
 * door whose links all lead somewhere.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PROJECT_ROOT } from "../../../src/app";
import {
  configurationReference,
  defaultText,
  GENERATED_DOCS,
  inline,
  markdownTable,
  referenceFields,
  renderDoc,
  runtimeFields,
  schemaFields,
  withGeneratedSection,
} from "../../../src/tools/generate/docs";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");

describe("the generated docs", () => {
  it.each(GENERATED_DOCS.map((doc) => ({ doc, file: doc.file })))(
    "$file is what npm run docs:update writes (run it after changing the schema or a rule)",
    async ({ doc }) => {
      const text = read(doc.file);
      expect(text).toBe(await renderDoc(doc, text));
    },
  );

  it("document every field of the environment schema, nested paths included", () => {
    const doc = read("docs/configuration.md");
    // A top-level object is a section of its own; every other field is a row.
    for (const p of runtimeFields().keys())
      expect(
        [`| \`${p}\``, `## \`${p}\``].some((t) => doc.includes(t)),
        p,
      ).toBe(true);
    expect(doc).toContain("| `eks.apiAccess.cidrs` ");
    expect(doc).toContain("| `nodeGroups.managed.<name>.taints[].effect` ");
  });
});

describe("the README", () => {
  const readme = read("README.md");

  it("is at most 25 KB", () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(25_000);
  });

  it("keeps the two commands, the three workflows, trying it without AWS and making it yours", () => {
    for (const text of [
      "npm ci",
      "npm run synth",
      "npm test",
      "npm run test:e2e",
      "npm run deploy:emulated -- dev --keep",
      "npm run bootstrap -- dev",
      "npm run deploy -- 'dev-*'",
      "npm run teardown -- dev",
      "## Making it yours",
      "npm run env:new -- qa --account",
      "npm run plan -- dev",
      "npm run -s plan:summary --",
      "npm run -s audit -- dev",
      "npm run addresses:update",
      "CDKTF is archived",
    ])
      expect(readme, text).toContain(text);
  });

  it("links only to files of docs/ that exist, and to headings they have", () => {
    const links = relativeLinks(readme);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      // A page of docs/, or a heading of the README itself.
      expect(link.file, link.target).toMatch(/^(docs\/[\w.-]+\.md)?$/);
      expect(linkProblem(path.join(PROJECT_ROOT, "README.md"), link), link.target).toBeUndefined();
    }
    // Every page of docs/ is reachable from the front door.
    const linked = new Set(links.map((l) => l.file));
    for (const page of fs.readdirSync(path.join(PROJECT_ROOT, "docs")).filter((f) => f.endsWith(".md"))) {
      expect(linked, page).toContain(`docs/${page}`);
    }
  });

  it("is linked back to from docs/, whose links all resolve", () => {
    const dir = path.join(PROJECT_ROOT, "docs");
    for (const page of fs.readdirSync(dir).filter((f) => f.endsWith(".md"))) {
      for (const link of relativeLinks(fs.readFileSync(path.join(dir, page), "utf8"))) {
        expect(linkProblem(path.join(dir, page), link), `${page}: ${link.target}`).toBeUndefined();
      }
    }
  });
});

describe("markdownTable and inline", () => {
  it("escapes the column separator in every cell, code spans included", () => {
    expect(markdownTable(["a", "b|c"], [["`x|y`", "1\n2"]], ["left", "right"])).toBe("| a | b\\|c |\n| --- | ---: |\n| `x\\|y` | 1 2 |\n");
  });

  it("refuses a row that does not fit the header", () => {
    expect(() => markdownTable(["a", "b"], [["1"]])).toThrow("a table row has 1 cells, the header 2");
  });

  it("escapes emphasis, HTML and backslashes outside code spans, and keeps code spans as written", () => {
    expect(inline('never allow "s3:*" on <cluster>, `a_*<b>`, use_lockfile _x_ a\\b')).toBe(
      'never allow "s3:\\*" on \\<cluster>, `a_*<b>`, use_lockfile \\_x\\_ a\\\\b',
    );
  });

  it("writes a default tag's literal as code, a '- ' tag as prose, and no tag as required or optional", () => {
    expect(defaultText('"perAz" for tier "production"', true)).toBe('`"perAz"` for tier "production"');
    expect(defaultText("365", true)).toBe("`365`");
    expect(defaultText('["general-purpose", "system"]', true)).toBe('`["general-purpose", "system"]`');
    expect(defaultText("- the caller's credentials", true)).toBe("the caller's credentials");
    expect(defaultText(undefined, false)).toBe("required");
    expect(defaultText(undefined, true)).toBe("optional");
  });

  it("replaces exactly the part between a pair of markers", () => {
    expect(withGeneratedSection("a\n<!-- x:start -->\nold\n<!-- x:end -->\nb", "x", "new\n")).toBe(
      "a\n<!-- x:start -->\n\nnew\n\n<!-- x:end -->\nb",
    );
    expect(() => withGeneratedSection("no markers", "x", "new", "docs/x.md")).toThrow("docs/x.md has no <!-- x:start -->");
  });
});

/** A schema file in the shapes `src/config/schema.ts` uses. */
const SOURCE = `
import { z } from "zod";
/** A thing's key. */
const key = z.string().optional();
const shared = {
  /** Shared size. @default 1 */
  size: z.number().default(1),
};
export const InnerSchema = z.strictObject({
  /** Inner names. @default [] */
  names: z.array(z.string()).default([]),
  ...shared,
});
export const RootSchema = z.strictObject({
  /** The name. */
  name: z.string(),
  /** Nested, by reference. @default - its fields' defaults */
  inner: InnerSchema.prefault({}),
  /** Groups by name. @default {} */
  groups: z.record(z.string(), InnerSchema).default({}),
  /** Listed things. */
  things: z.array(z.strictObject({ key, "kebab-case": z.string() })),
});
`;

const runtime = runtimeFields(
  z.strictObject({
    name: z.string(),
    inner: z.strictObject({ names: z.array(z.string()).default([]), size: z.number().default(1) }).prefault({}),
    groups: z.record(z.string(), z.strictObject({ names: z.array(z.string()).default([]), size: z.number().default(1) })).default({}),
    things: z.array(z.strictObject({ key: z.string().optional(), "kebab-case": z.string() })),
  }),
);

describe("schemaFields and referenceFields", () => {
  const fields = schemaFields(SOURCE, "RootSchema");

  it("follows named schemas, spreads, maps and lists to every field's path", () => {
    expect(fields.map((f) => [f.path, f.source])).toEqual([
      ["name", "RootSchema.name"],
      ["inner", "RootSchema.inner"],
      ["inner.names", "InnerSchema.names"],
      ["inner.size", "shared.size"],
      ["groups", "RootSchema.groups"],
      ["groups.<name>.names", "InnerSchema.names"],
      ["groups.<name>.size", "shared.size"],
      ["things", "RootSchema.things"],
      ["things[].key", "RootSchema.things.key"],
      ["things[].kebab-case", "RootSchema.things.kebab-case"],
    ]);
    expect([...runtime.keys()].sort()).toEqual(fields.map((f) => f.path).sort());
  });

  it("reads descriptions and @default tags, inheriting the comment of a referenced declaration", () => {
    expect(fields.find((f) => f.path === "inner.size")).toMatchObject({ description: "Shared size.", default: "1" });
    expect(fields.find((f) => f.path === "things[].key")).toMatchObject({ description: "A thing's key.", default: undefined });
  });

  it("fails on a field without a description, naming its path and where to add it", () => {
    expect(() => referenceFields(fields, runtime, {})).toThrow(
      "things[].kebab-case: no description (add a JSDoc comment to RootSchema.things.kebab-case in src/config/schema.ts)",
    );
    const ok = referenceFields(fields, runtime, { "RootSchema.things.kebab-case": "A kebab." });
    expect(ok.find((f) => f.path === "things[].kebab-case")).toMatchObject({ description: "A kebab.", default: "required" });
  });

  it("fails on a stale description entry, and on one for a field the schema now describes", () => {
    const descriptions = { "RootSchema.things.kebab-case": "A kebab." };
    expect(() => referenceFields(fields, runtime, { ...descriptions, "RootSchema.gone": "x" })).toThrow("RootSchema.gone: no such field");
    expect(() => referenceFields(fields, runtime, { ...descriptions, "RootSchema.name": "x" })).toThrow(
      "name: described in the schema now (remove RootSchema.name from SCHEMA_DESCRIPTIONS)",
    );
  });

  it("fails on a default without an @default tag, and on a field the source walk did not find", () => {
    const undocumentedDefault = SOURCE.replace("/** Shared size. @default 1 */", "/** Shared size. */");
    expect(() =>
      referenceFields(schemaFields(undocumentedDefault, "RootSchema"), runtime, { "RootSchema.things.kebab-case": "k" }),
    ).toThrow("inner.size: has a default, but no @default tag (shared.size)");
    const extra = new Map(runtime).set("extra", { optional: true, hasDefault: false });
    expect(() => referenceFields(fields, extra, { "RootSchema.things.kebab-case": "k" })).toThrow(
      "extra: in the schema, but not found in its source",
    );
  });

  it("renders one table per top-level object of the real schema", () => {
    const reference = configurationReference();
    expect(reference).toMatch(/^## Top-level fields\n/);
    expect(reference).toContain("## `eks`\n");
    expect(reference).toContain("| `backend.kind` | Where state lives:");
  });
});

interface Link {
  readonly target: string;
  readonly file: string;
  readonly anchor?: string;
}

/** The relative links of a Markdown text (not web addresses, not links inside code). */
function relativeLinks(markdown: string): Link[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => {
      const [file, anchor] = target.split("#");
      return { target, file, anchor };
    });
}

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** Why a link from the file `from` leads nowhere, or undefined (`#heading` alone: a heading of `from`). */
function linkProblem(from: string, link: Link): string | undefined {
  const file = link.file === "" ? from : path.resolve(path.dirname(from), link.file);
  if (!fs.existsSync(file)) return `${link.file} does not exist`;
  if (link.anchor === undefined) return undefined;
  const headings = [
    ...fs
      .readFileSync(file, "utf8")
      .replace(/```[\s\S]*?```/g, "")
      .matchAll(/^#+ (.+)$/gm),
  ].map((m) => slug(m[1]));
  return headings.includes(link.anchor) ? undefined : `${link.file || path.basename(from)} has no heading #${link.anchor}`;
}
