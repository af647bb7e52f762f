/**
 * oidc-thumbprint: prints the SHA-1 thumbprint of the last certificate an OIDC issuer's TLS server
 * sends, as Terraform's `external` data source expects.
 *
 *   echo '{"issuer":"https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"}' | node oidc-thumbprint.cjs
 *   node oidc-thumbprint.cjs eu-west-1          # as the original oidc_thumbprint.sh
 *
 * Query keys (all strings): exactly one of region | issuer | host; optional port, timeout_ms.
 * Output: {"thumbprint":"<40 lowercase hex>","host":"<host>"}. Any failure: a message on stderr
 * naming the host and the cause, exit status 1 (2 for bad arguments); never an empty thumbprint.
 */
import { CliError, runCli, UsageError } from "../src/lib/cli";
import { oidcThumbprint, targetFromQuery, ThumbprintError } from "../src/lib/oidc-thumbprint";

const USAGE = `
usage: oidc-thumbprint [region]            (query JSON on stdin, as Terraform's external data source sends it)
  query keys: region | issuer | host (exactly one), port (default 443), timeout_ms (default 5000)
`;
const STDIN_TIMEOUT_MS = 10_000;

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve("");
  return new Promise((resolve, reject) => {
    let data = "";
    const timer = setTimeout(() => reject(new CliError(`no query on stdin within ${STDIN_TIMEOUT_MS} ms`)), STDIN_TIMEOUT_MS);
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => (data += chunk));
    process.stdin.on("end", () => {
      clearTimeout(timer);
      resolve(data);
    });
    process.stdin.on("error", (err) => {
      clearTimeout(timer);
      reject(new CliError(`cannot read stdin: ${err.message}`));
    });
  });
}

runCli(USAGE, async () => {
  const args = process.argv.slice(2);
  if (args.some((a) => a.startsWith("-"))) throw new UsageError(`unknown option ${args.find((a) => a.startsWith("-"))}`);
  if (args.length > 1) throw new UsageError("at most one argument (the region)");
  const text = (await readStdin()).trim();
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
