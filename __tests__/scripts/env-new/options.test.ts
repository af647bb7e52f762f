import { describe, expect, it } from "vitest";
import { CliError, UsageError } from "../../../scripts/common/cli";
import { chooseZones, DEFAULT_CAPACITY, parseEnvNewArgs, wantsHelp } from "../../../scripts/env-new/options";

const required = ["qa", "--account", "123456789012", "--region", "eu-west-1"];

/** The one-line message and exit code a command line is refused with. */
function refusalOf(argv: string[]): { message: string; exitCode: number } {
  try {
    parseEnvNewArgs(argv);
  } catch (err) {
    if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
    throw err;
  }
  throw new Error(`not refused: ${argv.join(" ")}`);
}

describe("parseEnvNewArgs", () => {
  it("takes a name, an account and a region; the capacity defaults to a managed node group", () => {
    expect(DEFAULT_CAPACITY).toBe("managed");
    expect(parseEnvNewArgs(required)).toEqual({ name: "qa", accountId: "123456789012", region: "eu-west-1", capacity: "managed" });
  });

  it("takes every option", () => {
    const argv = [...required, "--capacity", "fargate", "--project", "shop", "--cidr", "10.7.0.0/16"];
    expect(parseEnvNewArgs(argv)).toEqual({
      name: "qa",
      accountId: "123456789012",
      region: "eu-west-1",
      capacity: "fargate",
      project: "shop",
      cidr: "10.7.0.0/16",
    });
  });

  it.each([
    [["qa", "--account", "12345", "--region", "eu-west-1"], '--account must be exactly 12 digits (got "12345")'],
    [
      ["qa", "--account", "123456789012", "--region", "eu-wset-1"],
      '--region is not an AWS region (did you mean "eu-west-1"?); eu- regions: eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-2, eu-west-3 (got "eu-wset-1")',
    ],
    [[...required, "--capacity", "fargte"], '--capacity must be "fargate", "managed" or "auto" (did you mean "fargate"?) (got "fargte")'],
    [[...required, "--capacity", "nodes"], '--capacity must be "fargate", "managed" or "auto" (got "nodes")'],
    [["QA", ...required.slice(1)], '<name> must be 2-16 lowercase letters and digits, starting with a letter (got "QA")'],
    [["q-a", ...required.slice(1)], '<name> must be 2-16 lowercase letters and digits, starting with a letter (got "q-a")'],
    [[...required, "--project=shop-"], '--project must be letters, digits and inner hyphens (got "shop-")'],
    [[...required, "--cidr", "10.0.0.0/8"], '--cidr must be between /16 and /28 (AWS\'s VPC size limits) (got "10.0.0.0/8")'],
    [[...required, "--cidr", "10.0.0.0/24"], '--cidr is too small for the computed subnet layout: give a /16 to /22 (got "10.0.0.0/24")'],
    [[...required, "--cidr", "10.0.0.1/16"], '--cidr has host bits set; the network address is 10.0.0.0/16 (got "10.0.0.1/16")'],
    [[...required, "--cidr", "ten"], '--cidr must be an IPv4 CIDR like 10.0.0.0/16 (got "ten")'],
  ])("refuses %j with one line naming the option, the value and what is allowed (exit 2)", (argv, message) => {
    expect(refusalOf(argv)).toEqual({ message, exitCode: 2 });
  });

  it.each([
    [["--account", "123456789012", "--region", "eu-west-1"], "name the new environment"],
    [["qa", "uat", "--account", "123456789012", "--region", "eu-west-1"], 'name one environment (got "qa", "uat")'],
    [["qa", "--region", "eu-west-1"], "--account is required: the 12-digit id of the environment's AWS account"],
    [["qa", "--account", "123456789012"], "--region is required: the AWS region of the environment, e.g. eu-west-1"],
    [[...required, "--force"], "unknown option --force"],
    [[...required, "--capacity"], "--capacity needs a value"],
  ])("refuses the malformed command line %j with the usage", (argv, message) => {
    expect(() => parseEnvNewArgs(argv)).toThrow(new UsageError(message));
  });

  it("sees --help anywhere before --", () => {
    expect(wantsHelp(["--help"])).toBe(true);
    expect(wantsHelp(["qa", "--bogus", "-h"])).toBe(true);
    expect(wantsHelp(["qa", "--", "--help"])).toBe(false);
    expect(wantsHelp(required)).toBe(false);
  });
});

describe("chooseZones", () => {
  it("takes up to three zones of the region from the catalog", () => {
    expect(chooseZones("eu-west-1")).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(chooseZones("us-east-1")).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(chooseZones("ca-central-1")).toEqual(["ca-central-1a", "ca-central-1b", "ca-central-1d"]);
    expect(chooseZones("xx-test-1", ["xx-test-1a", "xx-test-1b"])).toEqual(["xx-test-1a", "xx-test-1b"]);
  });

  it("refuses a region with fewer than two zones", () => {
    expect(() => chooseZones("xx-test-1", ["xx-test-1a"])).toThrow(
      'region has only the zone xx-test-1a in the catalog (src/lib/aws-catalog.generated.ts); EKS needs subnets in two zones (got "xx-test-1")',
    );
    expect(() => chooseZones("xx-test-1", [])).toThrow(expect.objectContaining({ exitCode: 2 }) as Error);
  });
});
