/**
 * The thumbprint program against real TLS servers on 127.0.0.1 serving an openssl-made chain, as
 * served: the expected value is `openssl x509 -fingerprint -sha1` of the last certificate sent.
 * Also every failure mode (an expired or not yet valid certificate, a stdin that never closes), and
 * the program's round trip as Terraform's external data source runs it.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleScript } from "../../src/lib/bundle";
import { oidcThumbprint, ThumbprintError } from "../../scripts/thumbprint/oidc-thumbprint";
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

/**
 * Signs `csr` with `caCert`/`caKey` for the given notBefore/notAfter (YYYYMMDDHHMMSSZ) with
 * `openssl ca`, which (unlike `openssl x509 -req` before OpenSSL 3.4) takes explicit dates.
 */
function signWithDates(
  dir: string,
  o: { csr: string; caCert: string; caKey: string; ext: string; start: string; end: string; out: string },
) {
  const ca = path.join(dir, "dated-ca");
  fs.mkdirSync(ca, { recursive: true });
  fs.writeFileSync(
    path.join(ca, "ca.cnf"),
    [
      "[ ca ]",
      "default_ca = dated",
      "[ dated ]",
      `database = ${path.join(ca, "index.txt")}`,
      `new_certs_dir = ${ca}`,
      `serial = ${path.join(ca, "serial.txt")}`,
      "default_md = sha256",
      "policy = any_name",
      "unique_subject = no",
      "[ any_name ]",
      "commonName = supplied",
      "",
    ].join("\n"),
  );
  if (!fs.existsSync(path.join(ca, "index.txt"))) fs.writeFileSync(path.join(ca, "index.txt"), "");
  if (!fs.existsSync(path.join(ca, "serial.txt"))) fs.writeFileSync(path.join(ca, "serial.txt"), "1000\n");
  const args = ["ca", "-batch", "-notext", "-config", path.join(ca, "ca.cnf"), "-cert", o.caCert, "-keyfile", o.caKey, "-in", o.csr];
  args.push("-out", o.out, "-extfile", o.ext, "-startdate", o.start, "-enddate", o.end);
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
  return o.out;
}

beforeAll(async () => {
  chain = makeChain(path.join(out, "pki"));
  const pki = chain.dir;
  // The same keys and names, re-signed with dates out of range: an expired leaf, and an intermediate
  // that only becomes valid in 2099 (the leaf still chains to it: same name, same key).
  const expiredLeaf = signWithDates(pki, {
    csr: path.join(pki, "leaf.csr"),
    caCert: chain.intermediatePem,
    caKey: path.join(pki, "int.key"),
    ext: path.join(pki, "leaf.ext"),
    start: "20200101000000Z",
    end: "20200102000000Z",
    out: path.join(pki, "expired-leaf.pem"),
  });
  const futureIntermediate = signWithDates(pki, {
    csr: path.join(pki, "int.csr"),
    caCert: chain.rootPem,
    caKey: path.join(pki, "root.key"),
    ext: path.join(pki, "ca.ext"),
    start: "20990101000000Z",
    end: "20991231000000Z",
    out: path.join(pki, "future-int.pem"),
  });
  const served = {
    "leaf+intermediate": [chain.leafPem, chain.intermediatePem],
    "leaf+intermediate+root": [chain.leafPem, chain.intermediatePem, chain.rootPem],
    leaf: [chain.leafPem],
    "expired-leaf+intermediate": [expiredLeaf, chain.intermediatePem],
    "leaf+future-intermediate": [chain.leafPem, futureIntermediate],
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
      () => Promise.resolve({ host: "127.0.0.1", port: ports.silent, timeoutMs: 800 }),
      /^127\.0\.0\.1:\d+: no TLS handshake within 800 ms \(timed out\)$/,
    ],
    [
      "a server that hangs up",
      () => Promise.resolve({ host: "127.0.0.1", port: ports.close }),
      /^127\.0\.0\.1:\d+: .*(reset|disconnected|socket hang up)/i,
    ],
    [
      "a name that does not resolve",
      () => Promise.resolve({ host: "oidc.does-not-exist.invalid", port: 443 }),
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
    expect(option.stderr).toMatch(/^error: unknown option --verbose\n\nusage: npm run thumbprint/);
    expect(option.stdout).toBe("");
  });

  it("takes the region as its first argument, like the original script, and fails loudly offline", () => {
    const run = program(undefined, ["eu-west-1"]);
    // No internet here: the point is that it fails with the host named, never prints an empty thumbprint.
    // Where there is internet it succeeds, and prints the thumbprint (stderr is then not checked).
    const online = run.code === 0;
    const printed = online ? String((JSON.parse(run.stdout) as { thumbprint?: unknown }).thumbprint) : run.stdout;
    expect(run.code).toBe(online ? 0 : 1);
    expect(printed).toMatch(online ? /^[0-9a-f]{40}$/ : /^$/);
    expect(run.stderr).toMatch(online ? /^/ : /^error: oidc\.eks\.eu-west-1\.amazonaws\.com:443: /);
  });
});

/** Runs the bundled program with stdin a pipe this test never closes, bounded, killed by PID if it hangs. */
async function programWithOpenStdin(write: string, env: NodeJS.ProcessEnv, boundMs: number) {
  const started = Date.now();
  const child = spawn(process.execPath, [bundleScript("oidc-thumbprint")], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  // Writing to a child that has already exited must not fail the test with EPIPE.
  child.stdin.on("error", () => {});
  if (write !== "") child.stdin.write(write);
  try {
    const exit = await Promise.race([
      new Promise<{ code: number | null }>((resolve) => child.once("close", (code) => resolve({ code }))),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), boundMs)),
    ]);
    return { exited: exit !== undefined, code: exit?.code, stdout, stderr, ms: Date.now() - started };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
    child.stdin.destroy();
  }
}

describe("the program with a stdin that never closes", () => {
  it.each([
    [
      "nothing",
      "",
      'error: no query on stdin within 300 ms and stdin is still open: send one JSON object such as {"region":"eu-west-1"} and close stdin\n',
    ],
    ["half a query", '{"region":', 'error: no complete query on stdin within 300 ms (got "{\\"region\\":" and stdin is still open)\n'],
  ])("fails promptly with one line when %s arrives within the stdin timeout", async (_label, write, message) => {
    const run = await programWithOpenStdin(write, { OIDC_THUMBPRINT_STDIN_TIMEOUT_MS: "300" }, 10_000);
    expect(run.exited).toBe(true);
    expect(run.stderr).toBe(message);
    expect(run.stdout).toBe("");
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(5_000);
  });

  it("answers as soon as a whole query has arrived, even if the writer keeps stdin open", async () => {
    const query = JSON.stringify({ host: "127.0.0.1", port: String(ports["leaf+intermediate"]) });
    const run = await programWithOpenStdin(query, { OIDC_THUMBPRINT_STDIN_TIMEOUT_MS: "60000" }, 10_000);
    expect(run.exited).toBe(true);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ thumbprint: opensslSha1(chain.intermediatePem), host: "127.0.0.1" });
  });

  it("refuses a stdin timeout that is not a number of milliseconds", () => {
    const run = program("{}", [], { OIDC_THUMBPRINT_STDIN_TIMEOUT_MS: "10s" });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: OIDC_THUMBPRINT_STDIN_TIMEOUT_MS must be 1-600000 (milliseconds; got "10s")\n');
  });
});

describe("a served chain out of its validity period", () => {
  it.each([
    [
      "expired-leaf+intermediate",
      (port: number) =>
        `127.0.0.1:${port}: the served certificate 1 of 2 "CN=localhost" has expired (valid from 2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z); the issuer must serve a current chain`,
    ],
    [
      "leaf+future-intermediate",
      (port: number) =>
        `127.0.0.1:${port}: the served certificate 2 of 2 "CN=Thumbprint Test Intermediate CA" is not yet valid (valid from 2099-01-01T00:00:00Z to 2099-12-31T00:00:00Z); check the issuer's chain and this machine's clock`,
    ],
  ])("served %s: refused, naming the host, the subject and the dates", async (served, message) => {
    const port = ports[served];
    const error = await oidcThumbprint({ host: "127.0.0.1", port, timeoutMs: 5000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ThumbprintError);
    expect((error as Error).message).toBe(message(port));
    const run = program(JSON.stringify({ host: "127.0.0.1", port: String(port) }));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`error: ${message(port)}\n`);
  });
});
