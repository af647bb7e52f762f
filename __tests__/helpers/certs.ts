/**
 * A root -> intermediate -> leaf certificate chain made with the real openssl CLI, for TLS tests.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface TestChain {
  readonly dir: string;
  readonly rootPem: string;
  readonly intermediatePem: string;
  readonly leafPem: string;
  readonly leafKey: string;
}

function openssl(cwd: string, args: string[]): string {
  return execFileSync("openssl", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
}

/** Creates the chain (EC P-256 keys, 2-day validity) in `dir`; the leaf is for localhost and 127.0.0.1. */
export function makeChain(dir: string): TestChain {
  fs.mkdirSync(dir, { recursive: true });
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  fs.writeFileSync(path.join(dir, "ca.ext"), "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
  fs.writeFileSync(
    path.join(dir, "leaf.ext"),
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
  );
  openssl(dir, [
    "req",
    "-x509",
    ...key,
    "-keyout",
    "root.key",
    "-out",
    "root.pem",
    "-days",
    "2",
    "-subj",
    "/CN=Thumbprint Test Root CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(dir, ["req", ...key, "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Thumbprint Test Intermediate CA"]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    "int.csr",
    "-CA",
    "root.pem",
    "-CAkey",
    "root.key",
    "-CAcreateserial",
    "-out",
    "int.pem",
    "-days",
    "2",
    "-extfile",
    "ca.ext",
  ]);
  openssl(dir, ["req", ...key, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost"]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "int.pem",
    "-CAkey",
    "int.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  ]);
  openssl(dir, ["verify", "-CAfile", "root.pem", "-untrusted", "int.pem", "leaf.pem"]);
  return {
    dir,
    rootPem: path.join(dir, "root.pem"),
    intermediatePem: path.join(dir, "int.pem"),
    leafPem: path.join(dir, "leaf.pem"),
    leafKey: path.join(dir, "leaf.key"),
  };
}

/** `openssl x509 -fingerprint -sha1` of a PEM file, as 40 lowercase hex digits without colons. */
export function opensslSha1(pemFile: string): string {
  const out = openssl(path.dirname(pemFile), ["x509", "-in", pemFile, "-noout", "-fingerprint", "-sha1"]);
  const match = /Fingerprint=([0-9A-F:]+)/i.exec(out);
  if (!match) throw new Error(`unexpected openssl output: ${out}`);
  return match[1].replace(/:/g, "").toLowerCase();
}

/** Concatenates PEM files into one chain file (the order a server sends them). */
export function chainFile(dir: string, name: string, parts: readonly string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, parts.map((p) => fs.readFileSync(p, "utf8")).join(""));
  return file;
}
