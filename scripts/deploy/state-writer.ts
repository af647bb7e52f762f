/**
 * Whether whoever runs `npm run bootstrap` may write the environment's state. With named state
 * writers (the default when the environment has an account), the bucket denies everyone else's
 * state writes; the first write is the push of the backend's own state, after the backend exists.
 * Checking the caller first turns that late, half-done failure into an instant, actionable one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnvConfig } from "../../src/config";
import { CliError } from "../common/cli";
import { runProcess } from "../common/process";
import { parseJsonFrom } from "../../src/lib/text";

/**
 * Whether the STS caller `callerArn` is one of `writers`: a user by its ARN; an assumed role by its
 * account and role name (STS drops the role's path from an assumed-role ARN).
 */
export function isStateWriter(callerArn: string, writers: readonly string[]): boolean {
  const assumed = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/.exec(callerArn);
  if (!assumed) return writers.includes(callerArn);
  const [, partition, account, role] = assumed;
  return writers.some((w) => {
    const m = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(w);
    return m !== null && m[1] === partition && m[2] === account && m[3] === role;
  });
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? "").split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Fails when the caller cannot write `env`'s state. Returns a note when the check could not run
 * (no AWS CLI, a custom endpoint, STS unreachable), undefined when it passed or does not apply:
 * no named writers (no account), HCP Terraform, or `assumeRole` (Terraform then writes as that role,
 * which the config rules keep among the writers).
 */
export async function assertStateWriter(env: EnvConfig, processEnv: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.backend.kind !== "s3" || !env.accountId || env.assumeRole) return undefined;
  if (processEnv.AWS_ENDPOINT_URL) return "not checking who writes the state: AWS_ENDPOINT_URL points at another endpoint than AWS";
  if (!onPath("aws", processEnv)) return "not checking who writes the state: the AWS CLI is not installed";
  const run = await runProcess("aws", ["sts", "get-caller-identity", "--output", "json"], {
    cwd: process.cwd(),
    env: processEnv,
    timeoutMs: 30_000,
  });
  if (run.code !== 0) return `not checking who writes the state: aws sts get-caller-identity failed (${run.stderr.trim().split("\n")[0]})`;
  const caller = parseJsonFrom<{ Arn: string }>(run.stdout, "aws sts get-caller-identity").Arn;
  const writers = env.derived.stateWriters;
  if (isStateWriter(caller, writers)) return undefined;
  throw new CliError(
    [
      `environment "${env.name}": you are ${caller}, which may not write its state: the state bucket lets only backend.stateWriters write`,
      `(${writers.join(", ") || "none"}).`,
      `Run as one of them, or add your role's ARN to backend.stateWriters in the environment's file.`,
    ].join("\n"),
  );
}
