/**
 * Local S3 (s3rver) and DynamoDB (dynalite) emulators for backend tests: bound to 127.0.0.1,
 * started with bounded readiness loops, stopped by PID by the test that started them (or, when the
 * test worker is interrupted, by its signal handler: see src/lib/interrupts.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../src/app";
import { interruptOnDisconnect, setInterruptGrace, trackProcess } from "../../src/lib/interrupts";
import { freePort } from "../../scripts/common/ports";

// Vitest kills a worker 500 ms after its SIGTERM (stop the servers well within that), and exits on
// SIGTERM without stopping its workers (a worker whose parent is gone stops too).
setInterruptGrace(250);
interruptOnDisconnect();

export { freePort };

/** Waits until something accepts connections on 127.0.0.1:port; fails after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** A server process we started, stopped by PID. */
export interface Started {
  readonly pid: number;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node <script> <args>` and waits until 127.0.0.1:port accepts connections. */
export function startNode(script: string, args: string[], port: number, logFile: string): Promise<Started> {
  const log = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const pid = child.pid!;
  const untrack = trackProcess(pid, { group: false, label: path.basename(script) });
  const exited = new Promise<void>((resolve) => child.once("exit", () => (untrack(), resolve())));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, "SIGTERM");
      const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
      if (!killed) process.kill(pid, "SIGKILL");
    }
  };
  return waitForPort(port).then(
    () => ({ pid, port, child, stop }),
    async (err: Error) => {
      await stop();
      throw new Error(`${path.basename(script)} did not start: ${err.message}; see ${logFile}`);
    },
  );
}

/** s3rver on 127.0.0.1 with `buckets` created at start-up; objects live under `dataDir`. */
export async function startS3(dataDir: string, buckets: string[]): Promise<Started & { dataDir: string }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const script = path.join(PROJECT_ROOT, "node_modules", "s3rver", "bin", "s3rver.js");
  const args = ["-d", dataDir, "-a", "127.0.0.1", "-p", String(port), "--silent", ...buckets.flatMap((b) => ["--configure-bucket", b])];
  return { ...(await startNode(script, args, port, path.join(dataDir, "..", "s3rver.log"))), dataDir };
}

/** dynalite (in memory) on 127.0.0.1. */
export async function startDynamo(logDir: string): Promise<Started> {
  const port = await freePort();
  const script = path.join(PROJECT_ROOT, "node_modules", "dynalite", "cli.js");
  return startNode(
    script,
    ["--host", "127.0.0.1", "--port", String(port), "--createTableMs", "0"],
    port,
    path.join(logDir, "dynalite.log"),
  );
}

/** One DynamoDB JSON API call to dynalite (which checks that a signature is present, not its value). */
export function dynamo<T = Record<string, unknown>>(port: number, action: string, body: object): Promise<T> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        timeout: 5_000,
        headers: {
          "Content-Type": "application/x-amz-json-1.0",
          "X-Amz-Target": `DynamoDB_20120810.${action}`,
          "X-Amz-Date": "20260101T000000Z",
          Authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
          "Content-Length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        let data = "";
        res.on("data", (d: Buffer) => (data += d.toString()));
        res.on("end", () => {
          const parsed = JSON.parse(data || "{}") as T & { __type?: string; message?: string };
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`dynalite ${action}: ${parsed.__type} ${parsed.message}`));
          else resolve(parsed);
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`dynalite ${action} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Creates the S3 backend's lock table (hash key LockID, type S). */
export async function createLockTable(port: number, name: string): Promise<void> {
  await dynamo(port, "CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
}

/** The LockID values currently in the lock table. */
export async function lockIds(port: number, table: string): Promise<string[]> {
  const res = await dynamo<{ Items: { LockID: { S: string } }[] }>(port, "Scan", { TableName: table });
  return res.Items.map((i) => i.LockID.S).sort();
}

/** Where s3rver keeps an object's bytes on disk. */
export function s3ObjectFile(dataDir: string, bucket: string, key: string): string {
  return path.join(dataDir, bucket, `${key}._S3rver_object`);
}

/** A `-backend-config` file that redirects the synthesized S3 backend to the emulators. */
export function emulatorBackendConfig(file: string, s3Port: number, dynamoPort: number): string {
  fs.writeFileSync(
    file,
    [
      `endpoints = { s3 = "http://127.0.0.1:${s3Port}", dynamodb = "http://127.0.0.1:${dynamoPort}" }`,
      "use_path_style = true",
      "skip_credentials_validation = true",
      "skip_requesting_account_id = true",
      "skip_metadata_api_check = true",
      "skip_region_validation = true",
      'access_key = "S3RVER"',
      'secret_key = "S3RVER"',
      // No account exists to compare with; an empty list turns the account guard off for this run.
      "allowed_account_ids = []",
      "",
    ].join("\n"),
  );
  return file;
}

/** A test server of `servers/tls-server.cjs` (tls, silent, close, http-tls) on a free port. */
export async function startTestServer(mode: "tls" | "silent" | "close" | "http-tls", args: string[], logFile: string): Promise<Started> {
  const port = await freePort();
  return startNode(path.join(__dirname, "servers", "tls-server.cjs"), [mode, String(port), ...args], port, logFile);
}
