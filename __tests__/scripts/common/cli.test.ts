import { describe, expect, expectTypeOf, it } from "vitest";
import { parseArgs, UsageError } from "../../../scripts/common/cli";

describe("parseArgs", () => {
  const options = {
    out: { type: "string" },
    "backend-config": { type: "string" },
    offline: { type: "boolean" },
    json: { type: "boolean" },
  } as const;
  const none = { out: undefined, "backend-config": undefined, offline: false, json: false };

  it("gives typed values: a valued option's text or undefined, a switch's presence", () => {
    const args = parseArgs(["alpha", "--out", "plans", "--offline"], { options });
    expectTypeOf(args.values.out).toEqualTypeOf<string | undefined>();
    expectTypeOf(args.values.offline).toEqualTypeOf<boolean>();
    expectTypeOf(args.positionals).toEqualTypeOf<string[]>();
    expect(args.values).toEqual({ ...none, out: "plans", offline: true });
  });

  it.each([
    [[], none, []],
    [
      ["alpha", "--out", "plans", "--offline", "alpha-platform", "--backend-config=x.tfbackend"],
      { ...none, out: "plans", offline: true, "backend-config": "x.tfbackend" },
      ["alpha", "alpha-platform"],
    ],
    [["--out=a=b"], { ...none, out: "a=b" }, []],
    [["--out", "a", "--out", "b"], { ...none, out: "b" }, []],
    [["--out", "-"], { ...none, out: "-" }, []],
    [["--out=-x"], { ...none, out: "-x" }, []],
    [["-"], none, ["-"]],
    [["alpha", "--", "--json", "-x"], none, ["alpha", "--json", "-x"]],
  ])("parses %j", (argv, values, positionals) => {
    expect(parseArgs(argv, { options })).toEqual({ values, positionals });
  });

  it.each([
    [["--nope"], "unknown option --nope"],
    [["--offlin"], "unknown option --offlin (did you mean --offline?)"],
    [["--JSON"], "unknown option --JSON (did you mean --json?)"],
    [["alpha", "--force"], "unknown option --force"],
    [["--nope=1"], "unknown option --nope"],
    [["-x"], "unknown option -x"],
    [["--out"], "--out needs a value"],
    [["alpha", "--backend-config"], "--backend-config needs a value"],
    [["--out="], "--out needs a value"],
    [["--out", ""], "--out needs a value"],
    [["--out", "--json"], '--out needs a value (give one that starts with "-" as --out=<value>)'],
    [["--json=yes"], "--json takes no value"],
    [["--json="], "--json takes no value"],
    [["--out", "x", "--nope", "--json=1"], "unknown option --nope"],
  ])("refuses %j with the usage error %j", (argv, message) => {
    expect(() => parseArgs(argv, { options })).toThrow(UsageError);
    expect(() => parseArgs(argv, { options })).toThrow(new UsageError(message));
  });

  it("takes no options unless declared, and positionals unless refused", () => {
    expect(parseArgs(["eu-west-1"])).toEqual({ values: {}, positionals: ["eu-west-1"] });
    expect(() => parseArgs(["--verbose"])).toThrow(new UsageError("unknown option --verbose"));
    expect(parseArgs(["--json"], { options, allowPositionals: false }).positionals).toEqual([]);
    expect(() => parseArgs(["extra"], { allowPositionals: false })).toThrow(new UsageError("unexpected argument extra"));
    expect(() => parseArgs(["--", "--x"], { allowPositionals: false })).toThrow(new UsageError("unexpected argument --x"));
    // An option's error comes first, wherever it stands, as before.
    expect(() => parseArgs(["extra", "--nope"], { options, allowPositionals: false })).toThrow(new UsageError("unknown option --nope"));
  });
});
