/**
 * `createEnv`: the file it writes validates with the other environments and synthesizes; refusals
 * write nothing. Every test works in a temporary environments folder (EKS_ENVS_DIR) holding copies
 * of the fixture environments, never in envs/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as prettier from "prettier";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildApp, PROJECT_ROOT } from "../../../src/app";
import { assertValidEnvs, envsDir, loadEnvSources } from "../../../src/config";
import { CliError } from "../../../scripts/common/cli";
import { createEnv } from "../../../scripts/env-new/create";
import type { Capacity, EnvNewRequest } from "../../../scripts/env-new/options";
import { configBase, envFileText, FIXTURE_ENVS_DIR } from "../../helpers/synth";

let work: string;
let dir: string;

/** A folder of copies of the fixture environments (alpha, bravo, charlie: project "fixture"). */
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "env-new-test-"));
  dir = path.join(work, "envs");
  fs.cpSync(FIXTURE_ENVS_DIR, dir, { recursive: true });
  vi.stubEnv("EKS_ENVS_DIR", dir);
});

afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(work, { recursive: true, force: true });
});

const ACCOUNT = "444444444444"; // alpha's account; alpha is in eu-west-1 with 10.40.0.0/16

function request(overrides: Partial<EnvNewRequest> = {}): EnvNewRequest {
  return { name: "qa", accountId: ACCOUNT, region: "eu-west-1", capacity: "managed", ...overrides };
}

/** The folder's files and their contents, to prove nothing was written. */
function snapshot(): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
}

/** The message and exit code `createEnv` refuses with. */
async function refusalOf(req: EnvNewRequest): Promise<{ message: string; exitCode: number }> {
  const err: unknown = await createEnv(req, envsDir(PROJECT_ROOT)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CliError)) throw new Error(`expected a CliError, got ${String(err)}`);
  return { message: err.message, exitCode: err.exitCode };
}

const shown = (file: string) => path.relative(process.cwd(), path.join(dir, file));

describe("createEnv", () => {
  it("writes into the folder the loader reads (EKS_ENVS_DIR), never envs/", async () => {
    const projectEnvs = fs.readdirSync(path.join(PROJECT_ROOT, "envs")).sort();
    const created = await createEnv(request(), envsDir(PROJECT_ROOT));
    expect(created.file).toBe(path.join(dir, "qa.ts"));
    expect(created.shown).toBe(shown("qa.ts"));
    expect(fs.readFileSync(created.file, "utf8")).toBe(created.text);
    // Its type import reaches the project's config module from that folder too.
    const from = /^import type \{ EnvInput \} from "([^"]+)";$/m.exec(created.text)?.[1];
    expect(from).toBeDefined();
    expect(path.resolve(dir, from!)).toBe(path.join(PROJECT_ROOT, "src", "config"));
    expect(fs.readdirSync(path.join(PROJECT_ROOT, "envs")).sort()).toEqual(projectEnvs);
    // Only the new file: no temporary file left next to it.
    expect(fs.readdirSync(dir).sort()).toEqual(["_app.ts", "alpha.ts", "bravo.ts", "charlie.ts", "qa.ts"]);
  });

  it.each<[Capacity, string, (platform: Record<string, Record<string, Record<string, unknown>>>) => void]>([
    [
      "managed",
      "an EKS managed node group",
      (r) => {
        expect(Object.values(r.aws_eks_node_group ?? {})).toEqual([
          expect.objectContaining({ scaling_config: { min_size: 2, desired_size: 2, max_size: 4 }, instance_types: ["m6i.large"] }),
        ]);
        expect(r.aws_eks_fargate_profile).toBeUndefined();
      },
    ],
    [
      "fargate",
      "the apps Fargate profile",
      (r) => {
        const profiles = Object.values(r.aws_eks_fargate_profile ?? {});
        expect(profiles.map((p) => p.fargate_profile_name)).toContain("apps");
        expect(profiles.find((p) => p.fargate_profile_name === "apps")?.selector).toEqual([{ namespace: "default" }]);
        expect(r.aws_eks_node_group).toBeUndefined();
      },
    ],
    [
      "auto",
      "EKS Auto Mode's compute_config",
      (r) => {
        const [cluster] = Object.values(r.aws_eks_cluster);
        expect(cluster.compute_config).toEqual(expect.objectContaining({ enabled: true, node_pools: ["general-purpose", "system"] }));
        expect(r.aws_eks_node_group).toBeUndefined();
      },
    ],
  ])("writes a %s environment that validates with the others and synthesizes %s", async (capacity, _what, expectCompute) => {
    const created = await createEnv(request({ capacity }), envsDir(PROJECT_ROOT));

    // The project's loader reads it from EKS_ENVS_DIR with the other environments, and they validate together.
    const envs = assertValidEnvs(await loadEnvSources(envsDir(PROJECT_ROOT)));
    expect(envs.map((e) => e.name)).toEqual(["alpha", "bravo", "charlie", "qa"]);
    const qa = envs[3];
    expect(qa).toMatchObject({
      project: "fixture",
      accountId: ACCOUNT,
      availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      vpc: { cidr: "10.0.0.0/16" },
      eks: { endpointPublicAccess: false, authenticationMode: "API", logRetentionDays: 365 },
    });

    const outdir = path.join(work, "cdktf.out");
    buildApp([qa], outdir).app.synth();
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["qa-backend", "qa-platform", "qa-workloads"]);
    const platform = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "qa-platform", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(Object.values(platform.resource.aws_eks_cluster)).toEqual([
      expect.objectContaining({
        vpc_config: expect.objectContaining({ endpoint_private_access: true, endpoint_public_access: false }) as unknown,
      }),
    ]);
    expectCompute(platform.resource);

    const filepath = path.join(PROJECT_ROOT, "envs", "qa.ts");
    expect(await prettier.check(created.text, { ...(await prettier.resolveConfig(filepath)), filepath })).toBe(true);
  });

  it("takes the project of the existing environments and the first CIDR none of them uses", async () => {
    fs.writeFileSync(
      path.join(dir, "delta.ts"),
      envFileText({ ...configBase, name: "delta", accountId: "777777777777", eks: { admins: { a: "arn:aws:iam::777777777777:role/a" } } }),
    );
    const created = await createEnv(request(), envsDir(PROJECT_ROOT));
    // delta has the default 10.0.0.0/16 (another account, but env:new avoids every CIDR in use).
    expect(created.cidr).toEqual({ cidr: "10.1.0.0/16", how: "unused", notes: [] });
    expect(created.text).toContain('  vpc: { cidr: "10.1.0.0/16" },');
  });

  it("allows a CIDR of another account with --cidr, noting it, and refuses one of the same account and region", async () => {
    // alpha: account 444444444444, eu-west-1, 10.40.0.0/16.
    const elsewhere = await createEnv(request({ name: "other", accountId: "999999999999", cidr: "10.40.0.0/16" }), dir);
    expect(elsewhere.notes).toEqual([
      `10.40.0.0/16 overlaps the VPC 10.40.0.0/16 of ${shown("alpha.ts")} (account 444444444444 region eu-west-1): allowed elsewhere, but the two can never be peered`,
    ]);
    const before = snapshot();
    expect(await refusalOf(request({ cidr: "10.40.128.0/17" }))).toEqual({
      message: `--cidr overlaps 10.40.0.0/16 of ${shown("alpha.ts")} in account 444444444444 region eu-west-1; peering or a transit gateway between them would fail; leave --cidr out to have a free one picked (got "10.40.128.0/17")`,
      exitCode: 2,
    });
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ["an existing file", { name: "alpha" }, () => `${shown("alpha.ts")} already exists; pick another name, or edit that file`],
    [
      "a name another file uses",
      { name: "legacy" },
      () => `the environment name "legacy" is already used by ${shown("old.ts")}; pick another name`,
    ],
    [
      "a file of the same name in JSON",
      { name: "gamma" },
      () => `${shown("gamma.json")} already exists; pick another name, or edit that file`,
    ],
  ])("refuses %s (exit 2) and writes nothing", async (_label, overrides, message) => {
    fs.writeFileSync(
      path.join(dir, "old.ts"),
      fs.readFileSync(path.join(dir, "alpha.ts"), "utf8").replace('name: "alpha"', 'name: "legacy"'),
    );
    const gamma = { ...configBase, name: "gamma" };
    fs.writeFileSync(
      path.join(dir, "gamma.json"),
      JSON.stringify({ ...gamma, eks: { admins: { a: "arn:aws:iam::777777777777:role/a" } } }),
    );
    const before = snapshot();
    expect(await refusalOf(request(overrides))).toEqual({ message: message(), exitCode: 2 });
    expect(snapshot()).toEqual(before);
  });

  it("refuses a project that makes the new environment invalid, printing its problems, and writes nothing", async () => {
    const before = snapshot();
    const { message, exitCode } = await refusalOf(request({ project: "a-very-long-project-name-for-aws-names-x" }));
    expect(exitCode).toBe(1);
    expect(message.split("\n")[0]).toBe("the new environment would not be valid, so nothing was written:");
    expect(message).toContain(
      'env "qa": project makes the longest IAM role name "a-very-long-project-name-for-aws-names-x-qa-eks-cluster-autoscaler" invalid',
    );
    // Only the new environment's problems: the fixtures are valid.
    expect(
      message
        .split("\n")
        .slice(1)
        .every((line) => line.startsWith('env "qa": ')),
    ).toBe(true);
    expect(snapshot()).toEqual(before);
  });

  it("is not blocked by an invalid existing environment, whose name and VPC still count", async () => {
    fs.writeFileSync(
      path.join(dir, "broken.ts"),
      // Two problems on purpose: one zone, and no cluster admin.
      envFileText({
        ...configBase,
        name: "broken",
        accountId: "444444444444",
        availabilityZones: ["eu-west-1a"],
        vpc: { cidr: "10.0.0.0/16" },
      }),
    );
    const created = await createEnv(request(), dir);
    expect(created.cidr.cidr).toBe("10.1.0.0/16");
    expect(created.notes).toEqual([
      "the existing environments have 2 problems (npm run synth lists them); their names and VPCs were still taken into account",
    ]);
    expect(fs.existsSync(path.join(dir, "qa.ts"))).toBe(true);
    expect((await refusalOf(request({ name: "broken" }))).message).toBe(
      `${shown("broken.ts")} already exists; pick another name, or edit that file`,
    );
  });

  it("refuses while an existing file does not load: neither its name nor its VPC can be checked", async () => {
    fs.writeFileSync(path.join(dir, "broken.ts"), 'throw new Error("half written");\n');
    const before = snapshot();
    const { message, exitCode } = await refusalOf(request());
    expect(exitCode).toBe(1);
    expect(message).toMatch(
      /^cannot load the existing environments, so the new one could not be checked against them:\n\S*broken\.ts \(line 1:7\) threw while loading: half written;/,
    );
    expect(message).toMatch(/Nothing was written\.$/);
    expect(snapshot()).toEqual(before);
  });

  it("writes the first environment into an empty or missing folder, with --project", async () => {
    fs.rmSync(dir, { recursive: true });
    expect(await refusalOf(request())).toEqual({
      message: "--project is required: there is no existing environment to take it from",
      exitCode: 2,
    });
    expect(fs.existsSync(dir)).toBe(false);
    const created = await createEnv(request({ project: "shop" }), dir);
    expect(created.cidr.cidr).toBe("10.0.0.0/16");
    expect(fs.readdirSync(dir)).toEqual(["qa.ts"]);
    expect(assertValidEnvs(await loadEnvSources(dir)).map((e) => e.project)).toEqual(["shop"]);
  });
});
