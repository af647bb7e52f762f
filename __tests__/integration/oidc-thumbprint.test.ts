/**
 * The thumbprint program against real TLS servers on 127.0.0.1 serving an openssl-made chain, as
 * served: the expected value is `openssl x509 -fingerprint -sha1` of the last certificate sent.
 * Also every failure mode, and the program's round trip as Terraform's external data source runs it.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleScript } from "../../src/lib/bundle";
import { oidcThumbprint, ThumbprintError } from "../../src/lib/oidc-thumbprint";
import { chainFile, makeChain, opensslSha1, type TestChain } from "../helpers/certs";
import { freePort, startTestServer, type Started } from "../helpers/emulators";
import { testOutputDir } from "../helpers/terraform";

const out = testOutputDir("oidc-thumbprint");
const servers: Started[] = [];
let chain: TestChain;
const ports: Record<string, number> = {};

/** Runs the bundled program (what Terraform runs) with a query on stdin, or arguments. */
function program(input: string | undefined, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, [bundleScript("oidc-thumbprint"), ...args], {
    input: input ?? "",
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  chain = makeChain(path.join(out, "pki"));
  const served = {
    "leaf+intermediate": [chain.leafPem, chain.intermediatePem],
    "leaf+intermediate+root": [chain.leafPem, chain.intermediatePem, chain.rootPem],
    leaf: [chain.leafPem],
  };
  for (const [name, parts] of Object.entries(served)) {
    const file = chainFile(chain.dir, `${name}.pem`, parts);
    const server = await startTestServer("tls", [chain.leafKey, file], path.join(out, `${name}.log`));
    servers.push(server);
    ports[name] = server.port;
  }
  const silent = await startTestServer("silent", [], path.join(out, "silent.log"));
  const closing = await startTestServer("close", [], path.join(out, "close.log"));
  servers.push(silent, closing);
  ports.silent = silent.port;
  ports.close = closing.port;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe("oidc thumbprint against real TLS servers", () => {
  it.each([
    ["leaf+intermediate", "intermediate"],
    ["leaf+intermediate+root", "root"],
    ["leaf", "leaf"],
  ] as const)("served %s: fingerprints the last certificate sent (the %s)", async (served, last) => {
    const expected = opensslSha1({ intermediate: chain.intermediatePem, root: chain.rootPem, leaf: chain.leafPem }[last]);
    expect(await oidcThumbprint({ host: "127.0.0.1", port: ports[served], timeoutMs: 5000 })).toBe(expected);
  });

  it("ignores the local trust store: a trusted root is not appended to the served chain", () => {
    // With the root trusted (as real AWS roots are), a naive client would report the root.
    const run = program(JSON.stringify({ host: "localhost", port: String(ports["leaf+intermediate"]) }), [], {
      NODE_EXTRA_CA_CERTS: chain.rootPem,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ thumbprint: opensslSha1(chain.intermediatePem), host: "localhost" });
  });

  it("speaks the external data source protocol: JSON query on stdin, one JSON object of strings on stdout", () => {
    const run = program(JSON.stringify({ issuer: `https://localhost:${ports["leaf+intermediate"]}/id/EXAMPLE`, timeout_ms: "3000" }));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${JSON.stringify({ thumbprint: opensslSha1(chain.intermediatePem), host: "localhost" })}\n`);
    const parsed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.values(parsed).every((v) => typeof v === "string")).toBe(true);
    expect(parsed.thumbprint).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each([
    ["a refused connection", async () => ({ host: "127.0.0.1", port: await freePort() }), /^127\.0\.0\.1:\d+: connection refused$/],
    [
      "a server that never answers (bounded timeout)",
      async () => ({ host: "127.0.0.1", port: ports.silent, timeoutMs: 800 }),
      /^127\.0\.0\.1:\d+: no TLS handshake within 800 ms \(timed out\)$/,
    ],
    [
      "a server that hangs up",
      async () => ({ host: "127.0.0.1", port: ports.close }),
      /^127\.0\.0\.1:\d+: .*(reset|disconnected|socket hang up)/i,
    ],
    [
      "a name that does not resolve",
      async () => ({ host: "oidc.does-not-exist.invalid", port: 443 }),
      /^oidc\.does-not-exist\.invalid:443: (cannot resolve oidc\.does-not-exist\.invalid \(DNS (ENOTFOUND|EAI_AGAIN)\)|no TLS handshake within \d+ ms \(timed out\))$/,
    ],
  ])("fails loudly on %s, naming the host and the cause", async (_label, target, message) => {
    const t = await target();
    const started = Date.now();
    const error = await oidcThumbprint({ timeoutMs: 5000, ...t }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ThumbprintError);
    expect((error as Error).message).toMatch(message);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each([
    ["refused", () => ({ host: "127.0.0.1", port: "1" }), /^error: 127\.0\.0\.1:1: connection refused\n$/],
    [
      "timeout",
      (p: Record<string, number>) => ({ host: "127.0.0.1", port: String(p.silent), timeout_ms: "500" }),
      /^error: 127\.0\.0\.1:\d+: no TLS handshake within 500 ms \(timed out\)\n$/,
    ],
    [
      "malformed query",
      () => ({ hostt: "x" }),
      /^error: invalid query: unknown key\(s\) hostt; allowed: region, issuer, host, port, timeout_ms\n$/,
    ],
  ])("the program exits non-zero with the cause on stderr and nothing on stdout (%s)", (_label, query, message) => {
    const run = program(JSON.stringify(query(ports)));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });

  it("rejects stdin that is not JSON, and arguments it does not know", () => {
    const notJson = program("region=eu-west-1");
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toBe('error: invalid query: stdin is not JSON (got "region=eu-west-1")\n');
    const option = program(undefined, ["--verbose"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^error: unknown option --verbose\n\nusage: oidc-thumbprint/);
    expect(option.stdout).toBe("");
  });

  it("takes the region as its first argument, like the original script, and fails loudly offline", () => {
    const run = program(undefined, ["eu-west-1"]);
    // No internet here: the point is that it fails with the host named, never prints an empty thumbprint.
    if (run.code === 0) {
      expect(JSON.parse(run.stdout).thumbprint).toMatch(/^[0-9a-f]{40}$/);
    } else {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^error: oidc\.eks\.eu-west-1\.amazonaws\.com:443: /);
    }
  });
});
