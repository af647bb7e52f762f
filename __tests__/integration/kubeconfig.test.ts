/**
 * The rendered kubeconfig against the real kubectl: `config view --minify`, `get-contexts`, and a
 * real request to a TLS API endpoint on 127.0.0.1, which is the only check that proves the exec
 * block's apiVersion is accepted (config view does not look at it). The AWS CLI is replaced by a
 * tiny stand-in that prints an ExecCredential, since there is no AWS account here. And what the
 * program refuses (an endpoint that is not https://, another environment's outputs), and merges
 * into kubeconfigs that are symlinks (these need no kubectl).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../src/app";
import { renderKubeconfig } from "../../src/lib/kubeconfig";
import { chainFile, makeChain, type TestChain } from "../helpers/certs";
import { startTestServer, type Started } from "../helpers/emulators";
import { FIXTURE_ENVS_DIR } from "../helpers/synth";
import { testOutputDir } from "../helpers/terraform";

/** A kubeconfig as `renderKubeconfig` writes it, as far as these tests read it. */
interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  users: { name: string; user: { exec: { apiVersion: string } } }[];
  "current-context": string;
}

const out = testOutputDir("kubeconfig");
const kubectlPresent = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
if (!kubectlPresent && process.env.CI) throw new Error("kubectl is required on CI for the kubeconfig tests");
if (!kubectlPresent) console.warn("SKIPPING: kubectl is not on PATH");

const home = path.join(out, "home");
const bin = path.join(out, "bin");
const requestLog = path.join(out, "requests.log");
const helperLog = path.join(out, "helper-args.log");
let chain: TestChain;
let api: Started;
let outputsFile: string;

/** A stand-in for `aws` / `aws-iam-authenticator`: logs its arguments, prints an ExecCredential. */
function writeHelper(name: string, apiVersion = "client.authentication.k8s.io/v1beta1"): void {
  const credential = JSON.stringify({
    kind: "ExecCredential",
    apiVersion,
    spec: {},
    status: { expirationTimestamp: "2099-01-01T00:00:00Z", token: `k8s-aws-v1.${name}-token` },
  });
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${helperLog}"\ncat <<'EOF'\n${credential}\nEOF\n`, {
    mode: 0o755,
  });
}

/** The scripts see the fixture environments: alpha's kubeconfig takes its token as its platform-admin role. */
function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    EKS_ENVS_DIR: FIXTURE_ENVS_DIR,
    CDKTF_OUTDIR: path.join(out, "cdktf.out"),
    HOME: home,
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    KUBECONFIG: "",
  };
}

function kubectl(args: string[]) {
  const run = spawnSync("kubectl", args, { encoding: "utf8", env: env(), timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function script(args: string[]) {
  const run = spawnSync(
    path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
    [path.join(PROJECT_ROOT, "scripts", "kubeconfig.ts"), ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: env(),
      timeout: 60_000,
    },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  if (!kubectlPresent) return;
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(bin, { recursive: true });
  writeHelper("aws");
  writeHelper("aws-iam-authenticator");
  chain = makeChain(path.join(out, "pki"));
  api = await startTestServer(
    "http-tls",
    [chain.leafKey, chainFile(chain.dir, "served.pem", [chain.leafPem, chain.intermediatePem]), requestLog],
    path.join(out, "api.log"),
  );
  // What `terraform output -json` of alpha-platform prints once deployed (endpoint and CA of this test API).
  outputsFile = path.join(out, "alpha-platform-outputs.json");
  fs.writeFileSync(
    outputsFile,
    JSON.stringify({
      cluster_name: { value: "fixture-alpha-eks", type: "string", sensitive: false },
      cluster_endpoint: { value: `https://localhost:${api.port}`, type: "string", sensitive: false },
      cluster_certificate_authority_data: { value: fs.readFileSync(chain.rootPem).toString("base64"), type: "string", sensitive: false },
    }),
  );
});

afterAll(async () => {
  await api?.stop();
});

describe.runIf(kubectlPresent)("kubeconfig with the real kubectl", () => {
  it("is written from the platform outputs with mode 0600, named after the cluster, never to ~/.kube/config", () => {
    const file = path.join(out, "alpha.yaml");
    const run = script(["alpha", "--outputs", outputsFile, "--out", file]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(home, ".kube", "config"))).toBe(false);
    const doc = parse(fs.readFileSync(file, "utf8")) as Kubeconfig;
    expect(doc.clusters[0].name).toBe("fixture-alpha-eks");
    expect(doc.contexts[0]).toEqual({ name: "fixture-alpha-eks", context: { cluster: "fixture-alpha-eks", user: "fixture-alpha-eks" } });
    expect(doc.users[0].name).toBe("fixture-alpha-eks");
    expect(doc["current-context"]).toBe("fixture-alpha-eks");
  });

  it("is accepted by kubectl config view --minify and get-contexts", () => {
    const file = path.join(out, "alpha.yaml");
    const view = kubectl([
      "config",
      "view",
      "--minify",
      "--kubeconfig",
      file,
      "-o",
      "jsonpath={.users[0].user.exec.apiVersion} {.users[0].user.exec.command} {.users[0].user.exec.args}",
    ]);
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout).toBe(
      'client.authentication.k8s.io/v1beta1 aws ["eks","get-token","--cluster-name","fixture-alpha-eks","--region","eu-west-1","--role-arn","arn:aws:iam::444444444444:role/platform-admin","--output","json"]',
    );
    const contexts = kubectl(["config", "get-contexts", "--kubeconfig", file]);
    expect(contexts.code).toBe(0);
    expect(contexts.stdout).toMatch(/^\*\s+fixture-alpha-eks\s+fixture-alpha-eks\s+fixture-alpha-eks/m);
  });

  it("authenticates a real request through the exec block (v1beta1 accepted, token sent, TLS verified)", () => {
    fs.rmSync(requestLog, { force: true });
    fs.rmSync(helperLog, { force: true });
    const run = kubectl(["get", "--raw", "/version", "--kubeconfig", path.join(out, "alpha.yaml")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { gitVersion: string }).gitVersion).toBe("v1.35.0-eks-test");
    const requests = fs
      .readFileSync(requestLog, "utf8")
      .trim()
      .split("\n")
      .map((l): unknown => JSON.parse(l));
    expect(requests).toContainEqual({ method: "GET", path: "/version", authorization: "Bearer k8s-aws-v1.aws-token" });
    expect(fs.readFileSync(helperLog, "utf8")).toContain(
      "aws eks get-token --cluster-name fixture-alpha-eks --region eu-west-1 --role-arn arn:aws:iam::444444444444:role/platform-admin --output json",
    );
  });

  it("works with aws-iam-authenticator as the token helper too, on v1beta1", () => {
    const file = path.join(out, "authenticator.yaml");
    fs.writeFileSync(
      file,
      renderKubeconfig({
        clusterName: "fixture-alpha-eks",
        endpoint: `https://localhost:${api.port}`,
        certificateAuthorityData: fs.readFileSync(chain.rootPem).toString("base64"),
        region: "eu-west-1",
        authenticator: "aws-iam-authenticator",
      }),
    );
    const run = kubectl(["get", "--raw", "/version", "--kubeconfig", file]);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.readFileSync(requestLog, "utf8")).toContain("Bearer k8s-aws-v1.aws-iam-authenticator-token");
  });

  it("shows why the post's v1alpha1 exec block had to go: current kubectl refuses it", () => {
    const file = path.join(out, "v1alpha1.yaml");
    const doc = parse(fs.readFileSync(path.join(out, "alpha.yaml"), "utf8")) as Kubeconfig;
    doc.users[0].user.exec.apiVersion = "client.authentication.k8s.io/v1alpha1";
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(kubectl(["config", "view", "--minify", "--kubeconfig", file]).code).toBe(0); // config view does not notice
    const run = kubectl(["get", "--raw", "/version", "--kubeconfig", file]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('invalid apiVersion "client.authentication.k8s.io/v1alpha1"');
  });

  it("merges into an existing kubeconfig only with --merge, keeping the other contexts", () => {
    const existing = path.join(out, "existing-config");
    fs.writeFileSync(
      existing,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: other, cluster: {server: 'https://other.example'}}]",
        "contexts: [{name: other, context: {cluster: other, user: other}}]",
        "users: [{name: other, user: {token: abc}}]",
        "current-context: other",
        "",
      ].join("\n"),
    );
    const merged = script(["alpha", "--outputs", outputsFile, "--merge", "--kubeconfig", existing]);
    expect(merged.code, merged.stderr).toBe(0);
    const contexts = kubectl(["config", "get-contexts", "-o", "name", "--kubeconfig", existing]);
    expect(contexts.stdout.trim().split("\n").sort()).toEqual(["fixture-alpha-eks", "other"]);
    expect(kubectl(["config", "current-context", "--kubeconfig", existing]).stdout.trim()).toBe("other");
    expect(script(["alpha", "--outputs", outputsFile, "--merge", "--kubeconfig", existing, "--use-context"]).code).toBe(0);
    expect(kubectl(["config", "current-context", "--kubeconfig", existing]).stdout.trim()).toBe("fixture-alpha-eks");
    expect(kubectl(["get", "--raw", "/version", "--kubeconfig", existing]).code).toBe(0);
    expect(fs.statSync(existing).mode & 0o777).toBe(0o600);
  });

  it.each([
    [[], 2, /^error: name the environment\n\nusage: npm run kubeconfig/],
    [["nope"], 2, /^error: no environment "nope" in envs\/ \(have: alpha, bravo, charlie\)/],
    [["alpha", "--print", "--merge"], 2, /^error: --merge and --print exclude each other/],
    [["alpha", "--outputs", "/nonexistent.json"], 1, /^error: cannot read the outputs file \/nonexistent\.json: ENOENT/],
  ])("rejects bad arguments %j with a message and no stack trace", (args, code, message) => {
    const run = script(args);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("says what to do when the platform has not been deployed", () => {
    const incomplete = path.join(out, "incomplete.json");
    fs.writeFileSync(incomplete, JSON.stringify({ cluster_name: { value: "fixture-alpha-eks" } }));
    const run = script(["alpha", "--outputs", incomplete, "--print"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: the outputs of alpha-platform have no "cluster_endpoint"; deploy alpha-platform first (npm run deploy -- alpha-platform)\n',
    );
  });
});

describe("what the kubeconfig program refuses, and kubeconfigs that are symlinks", () => {
  const dir = path.join(out, "refusals");
  /** Outputs as `terraform output -json` prints them. */
  const outputs = (name: string, values: Record<string, string>) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, type: "string" }]))));
    return file;
  };
  const alphaOutputs = {
    cluster_name: "fixture-alpha-eks",
    cluster_endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
    cluster_certificate_authority_data: "Q0E=",
  };
  const existing = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: other\n";

  beforeAll(() => {
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(home, { recursive: true });
  });

  it.each([
    [
      "an endpoint that is not https://",
      { ...alphaOutputs, cluster_endpoint: "http://ABC.gr7.eu-west-1.eks.amazonaws.com" },
      'error: the cluster endpoint "http://ABC.gr7.eu-west-1.eks.amazonaws.com" is not an https:// URL; refusing it: kubectl would send the cluster\'s token there unencrypted\n',
    ],
    [
      "the outputs of another environment",
      { ...alphaOutputs, cluster_name: "fixture-bravo-eks" },
      'error: the outputs are of the cluster "fixture-bravo-eks", not alpha\'s cluster "fixture-alpha-eks" (the outputs of another environment?); refusing them\n',
    ],
  ])("refuses %s: one line, exit 1, nothing written, printed or merged", (label, values, message) => {
    const file = outputs(`${label.replace(/\W+/g, "-")}.json`, values);
    const kubeconfig = path.join(dir, "out.yaml");
    const merged = path.join(dir, "merged-config");
    fs.writeFileSync(merged, existing);
    for (const mode of [["--out", kubeconfig], ["--print"], ["--merge", "--kubeconfig", merged]]) {
      const run = script(["alpha", "--outputs", file, ...mode]);
      expect(run.stderr, mode[0]).toBe(message);
      expect(run.code, mode[0]).toBe(1);
      expect(run.stdout, mode[0]).toBe("");
    }
    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(fs.readFileSync(merged, "utf8")).toBe(existing);
  });

  it("refuses a cdktf outputs file of another environment's stack", () => {
    const file = path.join(dir, "bravo-outputs.json");
    fs.writeFileSync(file, JSON.stringify({ "bravo-platform": { ...alphaOutputs, cluster_name: "fixture-bravo-eks" } }));
    const run = script(["alpha", "--outputs", file, "--print"]);
    expect(run.stderr).toBe('error: the outputs are those of "bravo-platform", not of alpha-platform; refusing them\n');
    expect(run.code).toBe(1);
  });

  it("merges into the file a symlinked kubeconfig points to (through a chain of links), keeping the links and the file's mode", () => {
    const real = path.join(dir, "dotfiles", "kube", "config");
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.writeFileSync(real, existing);
    fs.chmodSync(real, 0o400); // read-only for its owner: stays so
    const link = path.join(dir, "kube-link");
    const outer = path.join(dir, "kube-outer-link");
    fs.symlinkSync(path.relative(dir, real), link);
    fs.symlinkSync("kube-link", outer);
    const run = script(["alpha", "--outputs", outputs("alpha.json", alphaOutputs), "--merge", "--kubeconfig", outer]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`merged context "fixture-alpha-eks" into ${outer} (a symlink: updated ${fs.realpathSync(real)})\n`);
    expect(fs.lstatSync(outer).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(outer)).toBe("kube-link");
    expect(fs.readlinkSync(link)).toBe(path.relative(dir, real));
    const doc = parse(fs.readFileSync(real, "utf8")) as Kubeconfig;
    expect(doc.contexts.map((c) => c.name)).toEqual(["fixture-alpha-eks"]);
    expect(doc["current-context"]).toBe("other");
    expect(fs.statSync(real).mode & 0o777).toBe(0o400);
    // Written beside its target and renamed over it: nothing left behind.
    expect(fs.readdirSync(path.dirname(real))).toEqual(["config"]);
  });

  it("takes group and other access away from a kubeconfig it merges into", () => {
    const file = path.join(dir, "shared-config");
    fs.writeFileSync(file, existing);
    fs.chmodSync(file, 0o644);
    expect(script(["alpha", "--outputs", outputs("alpha.json", alphaOutputs), "--merge", "--kubeconfig", file]).code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("refuses a symlink that leads nowhere, and creates nothing", () => {
    const link = path.join(dir, "dangling-link");
    fs.symlinkSync("missing/config", link);
    const run = script(["alpha", "--outputs", outputs("alpha.json", alphaOutputs), "--merge", "--kubeconfig", link]);
    expect(run.stderr).toBe(
      `error: ${link} is a symlink to missing/config, which cannot be followed (ENOENT); create what it points to, or name another file\n`,
    );
    expect(run.code).toBe(1);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(dir, "missing"))).toBe(false);
  });
});
