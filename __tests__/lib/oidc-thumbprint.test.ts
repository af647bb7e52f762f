import { describe, expect, it } from "vitest";
import { sha1Thumbprint, targetFromQuery, ThumbprintError } from "../../src/lib/oidc-thumbprint";

describe("targetFromQuery", () => {
  it("derives the host from a region, as the original script did", () => {
    expect(targetFromQuery({ region: "eu-west-1" })).toEqual({ host: "oidc.eks.eu-west-1.amazonaws.com", port: 443, timeoutMs: 5000 });
  });

  it("takes the host (and port) from the cluster's issuer URL", () => {
    expect(targetFromQuery({ issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF" })).toEqual({
      host: "oidc.eks.eu-west-1.amazonaws.com",
      port: 443,
      timeoutMs: 5000,
    });
    expect(targetFromQuery({ issuer: "https://localhost:8443/id/x", timeout_ms: "250" })).toEqual({
      host: "localhost",
      port: 8443,
      timeoutMs: 250,
    });
  });

  it("takes a host with an optional port", () => {
    expect(targetFromQuery({ host: "127.0.0.1", port: "9443" })).toEqual({ host: "127.0.0.1", port: 9443, timeoutMs: 5000 });
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
