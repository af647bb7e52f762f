import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../src/tools/cli";

describe("parseArgs", () => {
  const spec = { valued: ["out", "backend-config"], switches: ["offline", "json"] };

  it("separates positionals, valued flags and switches", () => {
    const args = parseArgs(["dev", "--out", "plans", "--offline", "dev-platform", "--backend-config=x.tfbackend"], spec);
    expect(args.positional).toEqual(["dev", "dev-platform"]);
    expect(Object.fromEntries(args.flags)).toEqual({ out: "plans", offline: true, "backend-config": "x.tfbackend" });
  });

  it.each([
    [["--nope"], "unknown option --nope"],
    [["--out"], "--out needs a value"],
    [["--out="], "--out needs a value"],
    [["--json=yes"], "--json takes no value"],
  ])("rejects %j with a usage error", (argv, message) => {
    expect(() => parseArgs(argv, spec)).toThrow(UsageError);
    expect(() => parseArgs(argv, spec)).toThrow(message);
  });
});
