/** Private folders (0700), files written atomically (0600 by default), and where a write through a symlink goes. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkTarget, privateDir, writeFileAtomic, writeOutputFile } from "../../../scripts/common/private-files";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "private-files-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe("privateDir", () => {
  it("creates a folder and its missing parents with mode 0700", () => {
    const dir = path.join(root, "new", "plans", "alpha");
    privateDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(root, "new", "plans"))).toBe(0o700);
  });

  it("makes an existing folder 0700", () => {
    const dir = path.join(root, "open");
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    privateDir(dir);
    expect(mode(dir)).toBe(0o700);
  });
});

describe("writeFileAtomic", () => {
  it("writes 0600 by default, replaces an existing file's mode, and leaves no temporary file", () => {
    const dir = path.join(root, "atomic");
    fs.mkdirSync(dir);
    const file = path.join(dir, "a.plan.json");
    fs.writeFileSync(file, "old", { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    writeFileAtomic(file, "new");
    expect(fs.readFileSync(file, "utf8")).toBe("new");
    expect(mode(file)).toBe(0o600);
    writeFileAtomic(path.join(dir, "b"), "b", 0o640);
    expect(mode(path.join(dir, "b"))).toBe(0o640);
    expect(fs.readdirSync(dir).sort()).toEqual(["a.plan.json", "b"]);
  });
});

describe("linkTarget", () => {
  it("is the file itself, or what a chain of links ends at", () => {
    const dir = path.join(root, "links");
    fs.mkdirSync(path.join(dir, "real"), { recursive: true });
    const file = path.join(dir, "real", "config");
    fs.writeFileSync(file, "x");
    fs.symlinkSync(path.join("real", "config"), path.join(dir, "one"));
    fs.symlinkSync("one", path.join(dir, "two"));
    expect(linkTarget(file)).toBe(file);
    expect(linkTarget(path.join(dir, "two"))).toBe(fs.realpathSync(file));
    expect(linkTarget(path.join(dir, "missing"))).toBe(path.join(dir, "missing"));
  });

  it("refuses a link that ends nowhere, naming it and where it points", () => {
    const link = path.join(root, "dangling");
    fs.symlinkSync("nowhere/config", link);
    expect(() => linkTarget(link)).toThrow(
      `${link} is a symlink to nowhere/config, which cannot be followed (ENOENT); create what it points to, or name another file`,
    );
  });
});

describe("writeOutputFile", () => {
  it("replaces a report in one rename, readable by all, and through a link to the file the link names", () => {
    const dir = path.join(root, "reports");
    fs.mkdirSync(dir);
    const file = path.join(dir, "audit.md");
    writeOutputFile(file, "one\n");
    writeOutputFile(file, "two\n");
    expect(fs.readFileSync(file, "utf8")).toBe("two\n");
    expect(mode(file)).toBe(0o644);
    fs.symlinkSync("audit.md", path.join(dir, "latest.md"));
    writeOutputFile(path.join(dir, "latest.md"), "three\n");
    expect(fs.lstatSync(path.join(dir, "latest.md")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe("three\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["audit.md", "latest.md"]);
  });

  it.each([
    ["a missing folder", () => path.join(root, "nowhere", "audit.md"), "ENOENT"],
    ["a folder in the way", () => fs.mkdtempSync(path.join(root, "dir-")), "EISDIR"],
  ])("names the file and the cause on %s, leaving no temporary file", (_label, fileOf, code) => {
    const file = fileOf();
    expect(() => writeOutputFile(file, "x")).toThrow(new RegExp(`^cannot write ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: ${code} `));
    const parent = path.dirname(file);
    const left = fs.existsSync(parent) ? fs.readdirSync(parent).filter((f) => f.endsWith(".tmp")) : [];
    expect(left).toEqual([]);
  });
});
