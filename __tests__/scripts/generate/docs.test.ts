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
  envJsonSchema,
  generatedDocs,
  referenceFields,
  renderDoc,
  withGeneratedSection,
} from "../../../scripts/generate/docs";

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
    for (const { path: p } of referenceFields())
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

/** A schema in the shapes `src/config/schema.ts` uses: shared schemas described by each field, spreads, maps, lists. */
const key = z.string().optional().meta({ description: "A thing's key." });
const shared = { size: z.number().default(1).meta({ description: "Shared size." }) };
const Inner = z.strictObject({ names: z.array(z.string()).default([]).meta({ description: "Inner names." }), ...shared });
const root = (kebab: z.ZodType) =>
  z.strictObject({
    name: z.string().meta({ description: "the name" }),
    inner: Inner.prefault({}).meta({ description: "Nested." }),
    groups: z.record(z.string(), Inner).default({}).meta({ description: "Groups by name." }),
    things: z.array(z.strictObject({ key, "kebab-case": kebab })).meta({ description: "Listed things." }),
    computed: z.string().optional().meta({ description: "Computed.", defaultText: "- the name, lowercased" }),
  });

describe("referenceFields", () => {
  const fields = referenceFields(root(z.string().meta({ description: "A kebab." })));

  it("follows objects, spreads, maps and lists to every field's path", () => {
    expect(fields.map((f) => f.path)).toEqual([
      "name",
      "inner",
      "inner.names",
      "inner.size",
      "groups",
      "groups.<name>.names",
      "groups.<name>.size",
      "things",
      "things[].key",
      "things[].kebab-case",
      "computed",
    ]);
  });

  it("reads descriptions and defaults from the runtime schema, a computed default from defaultText", () => {
    const at = (p: string) => fields.find((f) => f.path === p);
    expect(at("name")).toMatchObject({ description: "the name", default: "required" });
    expect(at("inner")).toMatchObject({ description: "Nested.", default: "the defaults of its fields", hasFields: true });
    expect(at("inner.size")).toMatchObject({ description: "Shared size.", default: "`1`" });
    expect(at("groups.<name>.names")).toMatchObject({ default: "`[]`" });
    expect(at("things[].key")).toMatchObject({ description: "A thing's key.", default: "optional" });
    expect(at("computed")).toMatchObject({ default: "the name, lowercased" });
  });

  it("fails on a field without a description, naming its path and where to add it", () => {
    expect(() => referenceFields(root(z.string()))).toThrow(
      "things[].kebab-case: no description (add .meta({ description }) to it in src/config/schema.ts)",
    );
  });

  it("fails on a required field whose metadata names a default", () => {
    expect(() => referenceFields(root(z.string().meta({ description: "k", defaultText: "- x" })))).toThrow(
      "things[].kebab-case: is required, but its metadata names a default",
    );
  });

  it("gives a JSON Schema with the descriptions and defaults, and docs/env.schema.json is it", async () => {
    const schema = JSON.parse(envJsonSchema()) as { properties: Record<string, { description?: string; default?: unknown }> };
    expect(schema.properties.tier).toMatchObject({ default: "development" });
    expect(schema.properties.name.description).toMatch(/environment's name/);
    const generated = (await generatedDocs()).find((d) => d.file === "docs/env.schema.json")!;
    expect(generated.before).toBe(generated.after);
  });

  it("renders one table per top-level object of the real schema", () => {
    const reference = configurationReference();
    expect(reference).toMatch(/^## Top-level fields\n/);
    expect(reference).toContain("## `eks`\n");
    expect(reference).toContain("| `backend.kind` | Where state lives:");
    expect(reference).toContain('| `tier` | "production" changes defaults');
    expect(reference).toContain("| `eks.kubernetesVersion` | Kubernetes minor version");
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
