/**
 * oidc-thumbprint: prints the SHA-1 thumbprint of the last certificate an OIDC issuer's TLS server
 * sends, as Terraform's `external` data source expects.
 *
 *   echo '{"issuer":"https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"}' | node oidc-thumbprint.cjs
 *   node oidc-thumbprint.cjs eu-west-1          # as the original oidc_thumbprint.sh
 *
 * Query keys (all strings): exactly one of region | issuer | host; optional port, timeout_ms.
 * Stdin: read until it closes or holds one whole JSON object; without a complete query within
 * OIDC_THUMBPRINT_STDIN_TIMEOUT_MS (default 10000) it fails, even when the pipe stays open.
 * Output: {"thumbprint":"<40 lowercase hex>","host":"<host>"}. Any failure: a message on stderr
 * naming the host and the cause, exit status 1 (2 for bad arguments); never an empty thumbprint.
 * A served certificate that is expired or not yet valid is such a failure.
 */
import { CliError, parseArgs, runCli, UsageError } from "./common/cli";
import { oidcThumbprint, targetFromQuery, ThumbprintError } from "./thumbprint/oidc-thumbprint";

const STDIN_TIMEOUT_ENV = "OIDC_THUMBPRINT_STDIN_TIMEOUT_MS";
const DEFAULT_STDIN_TIMEOUT_MS = 10_000;
const MAX_STDIN_TIMEOUT_MS = 600_000;

const USAGE = `
usage: npm run thumbprint -- [region]      (query JSON on stdin, as Terraform's external data source sends it)
  query keys: region | issuer | host (exactly one), port (default 443), timeout_ms (default 5000)
  ${STDIN_TIMEOUT_ENV}   how long to wait for a complete query on stdin, in ms
                                     (default ${DEFAULT_STDIN_TIMEOUT_MS}, 1-${MAX_STDIN_TIMEOUT_MS}); then it fails, even if stdin stays open
`;

/** The stdin budget from the environment, or the default. */
function stdinTimeoutMs(): number {
  const raw = process.env[STDIN_TIMEOUT_ENV];
  if (raw === undefined || raw === "") return DEFAULT_STDIN_TIMEOUT_MS;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_STDIN_TIMEOUT_MS) {
    throw new CliError(`${STDIN_TIMEOUT_ENV} must be 1-${MAX_STDIN_TIMEOUT_MS} (milliseconds; got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

/** Whether the text read so far is a whole JSON object (Terraform sends exactly one). */
function isCompleteQuery(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith("{") || !t.endsWith("}")) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/**
 * The query on stdin: everything up to end of input, or as soon as a whole JSON object has arrived
 * (a writer may leave the pipe open). Fails after `timeoutMs` without a complete query, and lets go
 * of stdin either way so that an open pipe cannot keep the process alive.
 */
function readStdin(timeoutMs: number): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return Promise.resolve("");
  return new Promise((resolve, reject) => {
    let data = "";
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stdin.pause();
      stdin.destroy();
      if (err) reject(err);
      else resolve(data);
    };
    const timer = setTimeout(() => {
      const got = data.trim();
      finish(
        new CliError(
          got === ""
            ? `no query on stdin within ${timeoutMs} ms and stdin is still open: send one JSON object such as {"region":"eu-west-1"} and close stdin`
            : `no complete query on stdin within ${timeoutMs} ms (got ${JSON.stringify(got.slice(0, 80))} and stdin is still open)`,
        ),
      );
    }, timeoutMs);
    stdin.setEncoding("utf8");
    stdin.on("data", (chunk: string) => {
      data += chunk;
      if (isCompleteQuery(data)) finish();
    });
    stdin.on("end", () => finish());
    stdin.on("error", (err) => finish(new CliError(`cannot read stdin: ${err.message}`)));
  });
}

runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2)).positionals;
  if (args.length > 1) throw new UsageError("at most one argument (the region)");
  const text = (await readStdin(stdinTimeoutMs())).trim();
  let query: unknown = {};
  if (text !== "") {
    try {
      query = JSON.parse(text);
    } catch {
      throw new CliError(`invalid query: stdin is not JSON (got ${JSON.stringify(text.slice(0, 80))})`);
    }
  }
  if (args.length === 1) {
    if (typeof query === "object" && query !== null && Object.keys(query).length > 0) {
      throw new UsageError("give the region either as the argument or in the query, not both");
    }
    query = { region: args[0] };
  }
  try {
    const target = targetFromQuery(query);
    const thumbprint = await oidcThumbprint(target);
    process.stdout.write(`${JSON.stringify({ thumbprint, host: target.host })}\n`);
  } catch (err) {
    if (err instanceof ThumbprintError) throw new CliError(err.message);
    throw err;
  }
});
