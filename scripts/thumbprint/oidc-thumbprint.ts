/**
 * The OIDC thumbprint: a TypeScript port of the Fargate post's `oidc_thumbprint.sh`, minus its bugs.
 *
 * Like the script it connects to the issuer host on port 443 with SNI, takes the LAST certificate the
 * server sends (the top intermediate CA, which is what IAM documents), and returns its SHA-1 as 40
 * lowercase hex digits without colons. Unlike the script it never succeeds with an empty value: DNS
 * errors, refused connections, timeouts, missing certificates and malformed queries all throw a
 * ThumbprintError naming the host and the cause. It also refuses a served chain with a certificate
 * that is expired or not yet valid: a thumbprint taken from it would pin a certificate IAM cannot use.
 *
 * It fingerprints the chain AS SERVED: Node completes a chain from its trust store even with
 * `rejectUnauthorized: false`, which would return the root instead; an empty CA list prevents that.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html
 */
import { createHash, X509Certificate } from "node:crypto";
import * as tls from "node:tls";

/** A failure with a message fit for the user (it names the host and the cause). */
export class ThumbprintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ThumbprintError";
  }
}

export interface ThumbprintTarget {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

/** Default connect + handshake budget. */
const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_MS = 60_000;
const QUERY_KEYS = ["region", "issuer", "host", "port", "timeout_ms"] as const;
const HOST_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const REGION_PATTERN = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * Reads the external data source's query (all values are strings): exactly one of `region`
 * (-> `oidc.eks.<region>.amazonaws.com`, as the original script), `issuer` (the cluster's issuer
 * URL) or `host`; optional `port` (default 443) and `timeout_ms` (default 5000).
 */
export function targetFromQuery(query: unknown): ThumbprintTarget {
  if (typeof query !== "object" || query === null || Array.isArray(query)) {
    throw new ThumbprintError('invalid query: expected a JSON object like {"region":"eu-west-1"}');
  }
  const q = query as Record<string, unknown>;
  const unknown = Object.keys(q).filter((k) => !(QUERY_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new ThumbprintError(`invalid query: unknown key(s) ${unknown.join(", ")}; allowed: ${QUERY_KEYS.join(", ")}`);
  for (const [k, v] of Object.entries(q)) {
    if (typeof v !== "string") throw new ThumbprintError(`invalid query: ${k} must be a string (got ${JSON.stringify(v)})`);
  }
  const given = (["region", "issuer", "host"] as const).filter((k) => q[k] !== undefined && q[k] !== "");
  if (given.length !== 1) throw new ThumbprintError("invalid query: give exactly one of region, issuer or host");

  let host: string;
  let port = 443;
  if (given[0] === "region") {
    const region = q.region as string;
    if (!REGION_PATTERN.test(region)) throw new ThumbprintError(`invalid query: region must look like eu-west-1 (got "${region}")`);
    host = `oidc.eks.${region}.amazonaws.com`;
  } else if (given[0] === "issuer") {
    let url: URL;
    try {
      url = new URL(q.issuer as string);
    } catch {
      throw new ThumbprintError(
        `invalid query: issuer must be a URL like https://oidc.eks.eu-west-1.amazonaws.com/id/ABC (got "${q.issuer as string}")`,
      );
    }
    if (url.protocol !== "https:") throw new ThumbprintError(`invalid query: issuer must be an https URL (got "${q.issuer as string}")`);
    host = url.hostname;
    if (url.port) port = Number(url.port);
  } else {
    host = q.host as string;
  }
  if (!HOST_PATTERN.test(host) && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    throw new ThumbprintError(`invalid query: "${host}" is not a host name`);
  }
  if (q.port !== undefined) {
    if (!/^\d{1,5}$/.test(q.port as string) || Number(q.port) < 1 || Number(q.port) > 65535) {
      throw new ThumbprintError(`invalid query: port must be 1-65535 (got "${q.port as string}")`);
    }
    port = Number(q.port);
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (q.timeout_ms !== undefined) {
    timeoutMs = Number(q.timeout_ms);
    if (!/^\d+$/.test(q.timeout_ms as string) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
      throw new ThumbprintError(`invalid query: timeout_ms must be 1-${MAX_TIMEOUT_MS} (got "${q.timeout_ms as string}")`);
    }
  }
  return { host, port, timeoutMs };
}

/** SHA-1 of a DER certificate: 40 lowercase hex digits, no colons. */
export function sha1Thumbprint(der: Buffer): string {
  return createHash("sha1").update(der).digest("hex");
}

/**
 * The certificates the server sends, leaf first, as DER. Connects with an empty CA list so Node
 * cannot append a root from the local trust store.
 */
function servedChain(target: ThumbprintTarget): Promise<Buffer[]> {
  const where = `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, chain?: Buffer[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(chain!);
    };
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: /^\d{1,3}(\.\d{1,3}){3}$/.test(target.host) ? undefined : target.host,
      ca: [],
      rejectUnauthorized: false,
    });
    const timer = setTimeout(
      () => finish(new ThumbprintError(`${where}: no TLS handshake within ${target.timeoutMs} ms (timed out)`)),
      target.timeoutMs,
    );
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate(true);
      if (!peer || !peer.raw) return finish(new ThumbprintError(`${where}: the server presented no certificate`));
      const chain: Buffer[] = [];
      const seen = new Set<string>();
      let cert: tls.DetailedPeerCertificate | undefined = peer;
      while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        chain.push(cert.raw);
        cert = cert.issuerCertificate;
      }
      finish(undefined, chain);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => finish(new ThumbprintError(`${where}: ${describeError(err, target.host)}`)));
  });
}

/** A certificate date as ISO 8601 UTC to the second, e.g. 2020-01-02T00:00:00Z. */
function isoDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Why the served chain (DER, leaf first) must not be fingerprinted at `now`, or undefined when every
 * certificate is within its validity period. `where` is the host:port the message names.
 */
export function chainValidityProblem(chain: readonly Buffer[], where: string, now: Date = new Date()): string | undefined {
  for (const [i, der] of chain.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch (err) {
      return `${where}: the served certificate ${i + 1} of ${chain.length} cannot be parsed (${(err as Error).message})`;
    }
    const subject = cert.subject.split("\n").join(", ");
    const from = new Date(cert.validFrom);
    const to = new Date(cert.validTo);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
      return `${where}: the served certificate ${i + 1} of ${chain.length} "${subject}" has unreadable validity dates (${cert.validFrom} to ${cert.validTo})`;
    }
    const validity = `valid from ${isoDate(from)} to ${isoDate(to)}`;
    const which = `${where}: the served certificate ${i + 1} of ${chain.length} "${subject}"`;
    if (now.getTime() > to.getTime()) return `${which} has expired (${validity}); the issuer must serve a current chain`;
    if (now.getTime() < from.getTime()) return `${which} is not yet valid (${validity}); check the issuer's chain and this machine's clock`;
  }
  return undefined;
}

/** The thumbprint of the last certificate the server sends, once every served certificate is in date. */
export async function oidcThumbprint(target: ThumbprintTarget): Promise<string> {
  const chain = await servedChain(target);
  const where = `${target.host}:${target.port}`;
  if (chain.length === 0) throw new ThumbprintError(`${where}: the server presented no certificate`);
  const problem = chainValidityProblem(chain, where);
  if (problem) throw new ThumbprintError(problem);
  return sha1Thumbprint(chain[chain.length - 1]);
}

function describeError(err: NodeJS.ErrnoException, host: string): string {
  switch (err.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve ${host} (DNS ${err.code})`;
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset during the TLS handshake";
    case "ETIMEDOUT":
      return "connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `no route to ${host} (${err.code})`;
    default:
      return err.code ? `${err.code}: ${err.message}` : err.message;
  }
}
