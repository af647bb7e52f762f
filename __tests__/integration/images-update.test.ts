/**
 * `npm run images:update` end to end: the real AWS CLI asks a moto server on 127.0.0.1 for the
 * public release parameters (moto serves the recorded answer's parameters: like AWS, it refuses to
 * put names under /aws, so they are loaded into the server), and the catalog file of a scratch
 * copy is rewritten. Without credentials the program says so, exits 1 and changes nothing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app";
import { EKS_NODE_IMAGE_RELEASES } from "../../src/lib/eks-node-images";
import { installedMotoVersion, startMoto, type MotoServer } from "../../scripts/emulator/moto";
import { NODE_IMAGES_FILE, updateNodeImages } from "../../scripts/images/node-images";
import { testOutputDir } from "../helpers/terraform";

const out = testOutputDir("images-update");
const moto = installedMotoVersion();
const aws = spawnSync("aws", ["--version"], { encoding: "utf8" }).status === 0;
if ((!moto || !aws) && process.env.CI) throw new Error("moto's server and the AWS CLI must be installed on CI");
const recorded = JSON.parse(
  fs.readFileSync(path.join(PROJECT_ROOT, "__tests__", "fixtures", "ssm", "eks-release-versions.get-parameters.json"), "utf8"),
) as { Parameters: { Name: string; Value: string }[] };

/** A scratch project holding only the catalog file. */
function scratch(name: string): string {
  const root = path.join(out, name);
  fs.mkdirSync(path.join(root, path.dirname(NODE_IMAGES_FILE)), { recursive: true });
  fs.copyFileSync(path.join(PROJECT_ROOT, NODE_IMAGES_FILE), path.join(root, NODE_IMAGES_FILE));
  return root;
}

/** An environment with only what the AWS CLI needs: the emulator's endpoint, dummy keys, no config files. */
const cliEnv = (endpoint: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: out,
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: "eu-west-1",
  AWS_DEFAULT_REGION: "eu-west-1",
  AWS_EC2_METADATA_DISABLED: "true",
});

describe.runIf(moto && aws)("npm run images:update against moto", () => {
  let server: MotoServer;

  beforeAll(async () => {
    server = await startMoto({
      accountId: "123456789012",
      logFile: path.join(out, "moto.log"),
      timeoutMs: 60_000,
      publicParameters: recorded.Parameters.map((p) => ({ Name: p.Name, Value: p.Value })),
    });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("refuses to put the public parameters, as AWS does (why the server loads them)", () => {
    const put = spawnSync(
      "aws",
      ["ssm", "put-parameter", "--name", recorded.Parameters[0].Name, "--value", "1.35.9-20990101", "--type", "String"],
      { encoding: "utf8", env: cliEnv(server.endpoint), timeout: 60_000 },
    );
    expect(put.status).not.toBe(0);
    expect(put.stderr).toContain("No access to reserved parameter name");
  });

  it("reads every version's newest release through the AWS CLI and rewrites the table", async () => {
    const root = scratch("update");
    const changes = await updateNodeImages({ root, env: cliEnv(server.endpoint) });
    const byVersion = Object.fromEntries(recorded.Parameters.map((p) => [p.Name.split("/")[5], p.Value]));
    expect(changes).toEqual(
      Object.keys(byVersion).map((version) => ({ version, from: EKS_NODE_IMAGE_RELEASES[version], to: byVersion[version] })),
    );
    const text = fs.readFileSync(path.join(root, NODE_IMAGES_FILE), "utf8");
    for (const [version, release] of Object.entries(byVersion)) expect(text).toContain(`  "${version}": "${release}",\n`);
    // Run again: the file stays as it is (changes are counted against the table this process loaded).
    const second = await updateNodeImages({ root, env: cliEnv(server.endpoint) });
    expect(second.map((c) => c.to)).toEqual(Object.values(byVersion));
    expect(fs.readFileSync(path.join(root, NODE_IMAGES_FILE), "utf8")).toBe(text);
  }, 120_000);
});

describe("npm run images:update without credentials", () => {
  it("says what to do, exits 1 and leaves the catalog as it was", () => {
    const before = fs.readFileSync(path.join(PROJECT_ROOT, NODE_IMAGES_FILE), "utf8");
    const home = path.join(out, "empty-home");
    fs.mkdirSync(home, { recursive: true });
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "scripts", "update-node-images.ts")], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: "true" },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      [
        "error: npm run images:update reads AWS's public SSM parameters and needs AWS credentials (of any account), and none were found.",
        "Provide them the way the AWS CLI takes them, for example:",
        "  aws sso login --profile <profile> && export AWS_PROFILE=<profile>",
        "  export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... [AWS_SESSION_TOKEN=...]",
        "Nothing was changed; src/lib/eks-node-images.ts keeps its releases.",
        "",
      ].join("\n"),
    );
    expect(fs.readFileSync(path.join(PROJECT_ROOT, NODE_IMAGES_FILE), "utf8")).toBe(before);
  });
});
