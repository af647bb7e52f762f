/**
 * The synthesized S3 backend of a platform stack, unchanged, redirected with `-backend-config` to a
 * real S3 emulator (s3rver) and a real DynamoDB emulator (dynalite) on 127.0.0.1: state lands under
 * the stack's key, a concurrent run is refused with a lock error, and the lock is released after.
 * Also: the caller's-credentials rewrite of CI plans (no role assumed). (Moving the backend stack's
 * own state into its bucket is `npm run bootstrap`'s, proven on the emulated AWS of the e2e tier.)
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { lockTableName, stateBucketName, stateKey } from "../../src/lib/naming";
import { copyStack, OFFLINE_AWS_ENV, prepareOfflineWorkspace, terraformEnv, useCallerCredentials } from "../../scripts/terraform/terraform";
import { createLockTable, emulatorBackendConfig, lockIds, s3ObjectFile, startDynamo, startS3, type Started } from "../helpers/emulators";
import { fixtureEnv } from "../helpers/synth";
import { getToolchain, testOutputDir, tf, tfOk, type Toolchain } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("backend-emulators");
// alpha locks with the DynamoDB table only; bravo assumes a deploy role.
const env = await fixtureEnv("alpha");
const prod = await fixtureEnv("bravo");
const bucket = stateBucketName(env);
const table = lockTableName(env);
const key = stateKey(env.name, "platform");

describe.runIf(tc)("S3 backend with DynamoDB locking, against s3rver + dynalite", () => {
  const toolchain = tc as Toolchain;
  let s3: Started & { dataDir: string };
  let ddb: Started;
  let dir: string;

  beforeAll(async () => {
    s3 = await startS3(path.join(out, "s3"), [bucket]);
    ddb = await startDynamo(out);
    await createLockTable(ddb.port, table);

    const outdir = path.join(out, "cdktf.out");
    buildApp([env], outdir).app.synth();
    // Same workspace the offline checks use, but keeping the synthesized S3 backend.
    dir = prepareOfflineWorkspace(
      path.join(outdir, "stacks", "alpha-platform"),
      path.join(out, "work"),
      toolchain.unavailableProviders,
    ).dir;
    fs.rmSync(path.join(dir, "backend_override.tf.json"));
    emulatorBackendConfig(path.join(dir, "emulators.s3.tfbackend"), s3.port, ddb.port);
  });

  afterAll(async () => {
    await s3?.stop();
    await ddb?.stop();
  });

  it("initialises the synthesized backend and stores the state under the stack's key", async () => {
    const synthesized = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as { terraform: { backend: { s3: unknown } } };
    expect(synthesized.terraform.backend.s3).toMatchObject({ bucket, key, dynamodb_table: table, encrypt: true });
    await tfOk(toolchain, dir, ["init", "-input=false", "-no-color", "-backend-config=emulators.s3.tfbackend"]);
    await tfOk(toolchain, dir, ["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"]);
    const stored = s3ObjectFile(s3.dataDir, bucket, key);
    expect(fs.existsSync(stored), `no state object at s3://${bucket}/${key}`).toBe(true);
    expect(JSON.parse(fs.readFileSync(stored, "utf8"))).toMatchObject({ version: 4, terraform_version: toolchain.terraformVersion });
    // The digest item proves the DynamoDB table is in use; no lock is left behind.
    expect(await lockIds(ddb.port, table)).toEqual([`${bucket}/${key}-md5`]);
  });

  it("refuses a concurrent run with a lock error, and releases the lock afterwards", async () => {
    // GIVEN a terraform console holding the state lock (it keeps it until its stdin closes)
    const holder = spawn("terraform", ["console", "-no-color"], {
      cwd: dir,
      env: terraformEnv(toolchain.cliConfig, OFFLINE_AWS_ENV),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const holderExit = new Promise<number>((resolve) => holder.once("exit", (code) => resolve(code ?? 1)));
    try {
      const deadline = Date.now() + 30_000;
      while (!(await lockIds(ddb.port, table)).includes(`${bucket}/${key}`)) {
        if (Date.now() > deadline) throw new Error("terraform console never took the lock");
        await new Promise((r) => setTimeout(r, 200));
      }
      // WHEN a second run starts
      const second = await tf(toolchain, dir, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"]);
      // THEN it fails on the lock
      expect(second.code).not.toBe(0);
      expect(second.stderr + second.stdout).toContain("Error acquiring the state lock");
      expect(second.stderr + second.stdout).toContain("ConditionalCheckFailedException");
    } finally {
      holder.stdin.end();
      const timer = setTimeout(() => holder.kill("SIGKILL"), 20_000);
      await holderExit;
      clearTimeout(timer);
    }
    // AND once the holder is gone the lock is released and a new run succeeds
    expect(await lockIds(ddb.port, table)).toEqual([`${bucket}/${key}-md5`]);
    await tfOk(toolchain, dir, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"]);
  });
});

describe.runIf(tc)("plans with the caller's credentials (CI plan roles), against s3rver + dynalite", () => {
  const toolchain = tc as Toolchain;
  let s3: Started & { dataDir: string };
  let ddb: Started;
  let outdir: string;

  beforeAll(async () => {
    s3 = await startS3(path.join(out, "s3-caller"), [stateBucketName(prod)]);
    ddb = await startDynamo(out);
    await createLockTable(ddb.port, lockTableName(prod));
    outdir = path.join(out, "caller", "cdktf.out");
    buildApp([prod], outdir).app.synth();
  });

  afterAll(async () => {
    await s3?.stop();
    await ddb?.stop();
  });

  /** bravo-platform's S3 backend pointed at the emulators, with or without the caller's credentials. */
  async function init(callerCredentials: boolean) {
    const copy = path.join(out, "caller", `copy-${callerCredentials}`);
    const json = copyStack(path.join(outdir, "stacks", "bravo-platform"), copy);
    const dropped = callerCredentials ? useCallerCredentials(json) : [];
    fs.writeFileSync(path.join(copy, "cdk.tf.json"), JSON.stringify(json));
    const dir = prepareOfflineWorkspace(copy, path.join(out, "caller", `work-${callerCredentials}`), toolchain.unavailableProviders).dir;
    fs.rmSync(path.join(dir, "backend_override.tf.json"));
    emulatorBackendConfig(path.join(dir, "emulators.s3.tfbackend"), s3.port, ddb.port);
    fs.appendFileSync(path.join(dir, "emulators.s3.tfbackend"), "max_retries = 1\n");
    return { dropped, run: await tf(toolchain, dir, ["init", "-input=false", "-no-color", "-backend-config=emulators.s3.tfbackend"]) };
  }

  it("as synthesized, the backend assumes the deploy role (which a read-only plan role must not)", async () => {
    const { run } = await init(false);
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toContain("STS: AssumeRole");
  });

  it("with the caller's credentials, drops the role from provider and backend and initialises", async () => {
    const { dropped, run } = await init(true);
    expect(dropped).toEqual(["provider aws", "backend s3"]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain("Terraform has been successfully initialized!");
  });
});
