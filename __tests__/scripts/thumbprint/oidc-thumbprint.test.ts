import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { chainValidityProblem, sha1Thumbprint, targetFromQuery, ThumbprintError } from "../../../scripts/thumbprint/oidc-thumbprint";

/** A self-signed certificate, O=Example Org, CN=Thumbprint Fixture, valid 2020-01-01 to 2020-01-02 (UTC). */
const fixture = new X509Certificate(fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "thumbprint-cert-2020-01-01.pem"))).raw;

describe("targetFromQuery", () => {
  it.each([
    ["derives the host from a region, as the original script did", { region: "eu-west-1" }, "oidc.eks.eu-west-1.amazonaws.com", 443, 5000],
    [
      "takes the host from the cluster's issuer URL",
      { issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF" },
      "oidc.eks.eu-west-1.amazonaws.com",
      443,
      5000,
    ],
    [
      "takes the host and port from an issuer URL, and a timeout",
      { issuer: "https://localhost:8443/id/x", timeout_ms: "250" },
      "localhost",
      8443,
      250,
    ],
    ["takes a host with an optional port", { host: "127.0.0.1", port: "9443" }, "127.0.0.1", 9443, 5000],
  ])("%s", (_label, query, host, port, timeoutMs) => {
    expect(targetFromQuery(query)).toEqual({ host, port, timeoutMs });
  });

  it.each([
    [[], 'invalid query: expected a JSON object like {"region":"eu-west-1"}'],
    [{}, "invalid query: give exactly one of region, issuer or host"],
    [{ region: "eu-west-1", host: "x.example" }, "invalid query: give exactly one of region, issuer or host"],
    [{ region: "EU" }, 'invalid query: region must look like eu-west-1 (got "EU")'],
    [{ issuer: "not a url" }, 'invalid query: issuer must be a URL like https://oidc.eks.eu-west-1.amazonaws.com/id/ABC (got "not a url")'],
    [{ issuer: "http://oidc.example/id/1" }, 'invalid query: issuer must be an https URL (got "http://oidc.example/id/1")'],
    [{ host: "bad host" }, 'invalid query: "bad host" is not a host name'],
    [{ host: "x.example", port: "70000" }, 'invalid query: port must be 1-65535 (got "70000")'],
    [{ host: "x.example", timeout_ms: "0" }, 'invalid query: timeout_ms must be 1-60000 (got "0")'],
    [{ host: "x.example", port: 443 }, "invalid query: port must be a string (got 443)"],
    [{ hostname: "x.example" }, "invalid query: unknown key(s) hostname; allowed: region, issuer, host, port, timeout_ms"],
  ])("rejects %j", (query, message) => {
    expect(() => targetFromQuery(query)).toThrow(ThumbprintError);
    expect(() => targetFromQuery(query)).toThrow(message);
  });
});

describe("sha1Thumbprint", () => {
  it("is 40 lowercase hex digits without colons", () => {
    expect(sha1Thumbprint(Buffer.from("abc"))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
  });
});

describe("chainValidityProblem", () => {
  const subject = '"O=Example Org, CN=Thumbprint Fixture"';
  const dates = "(valid from 2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z)";
  it.each([
    ["within its validity period", [fixture], "2020-01-01T12:00:00Z", undefined],
    ["on its last second", [fixture], "2020-01-02T00:00:00Z", undefined],
    [
      "after it expired",
      [fixture],
      "2026-06-01T00:00:00Z",
      `oidc.example:443: the served certificate 1 of 1 ${subject} has expired ${dates}; the issuer must serve a current chain`,
    ],
    [
      "before it is valid",
      [fixture],
      "2019-12-31T23:59:59Z",
      `oidc.example:443: the served certificate 1 of 1 ${subject} is not yet valid ${dates}; check the issuer's chain and this machine's clock`,
    ],
    [
      "in a chain of two (its position is named)",
      [fixture, fixture],
      "2021-01-01T00:00:00Z",
      `oidc.example:443: the served certificate 1 of 2 ${subject} has expired ${dates}; the issuer must serve a current chain`,
    ],
    [
      "with bytes that are no certificate",
      [Buffer.from("not DER")],
      "2020-01-01T12:00:00Z",
      expect.stringMatching(/^oidc\.example:443: the served certificate 1 of 1 cannot be parsed \(.+\)$/),
    ],
  ])("a chain checked %s", (_label, chain, now, expected) => {
    expect(chainValidityProblem(chain, "oidc.example:443", new Date(now))).toEqual(expected);
  });
});
