/**
 * Whether AWS credentials are there before a command that needs them starts Terraform, so a
 * missing login fails in a second with what to do instead of half a minute later with Terraform's
 * raw "No valid credential sources found".
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliError } from "../common/cli";

/**
 * Whether the AWS SDK would find credentials here without asking the network: environment
 * variables, a named profile, web identity (GitHub OIDC), container credentials, or the shared
 * credentials and config files.
 */
export function hasAwsCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return true;
  const home = os.homedir();
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config"),
  ];
  return files.some((f) => fs.existsSync(f));
}

/** Whether an EC2 instance profile answers (IMDSv2 token request, bounded to `timeoutMs`). */
export async function hasInstanceProfile(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1_000): Promise<boolean> {
  if (env.AWS_EC2_METADATA_DISABLED === "true") return false;
  try {
    const res = await fetch("http://169.254.169.254/latest/api/token", {
      method: "PUT",
      headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Fails with what to do when no AWS credentials can be found for `command` (`deploy`, `diff`,
 * `bootstrap`, ...) of the environment `env`.
 */
export async function assertAwsCredentials(
  command: string,
  env: string | undefined,
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (hasAwsCredentials(processEnv) || (await hasInstanceProfile(processEnv))) return;
  const target = env ?? "<env>";
  throw new CliError(
    [
      `npm run ${command} needs AWS credentials for the environment's account, and none were found.`,
      "Provide them the way the AWS CLI takes them, for example:",
      "  aws sso login --profile <profile> && export AWS_PROFILE=<profile>",
      "  export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... [AWS_SESSION_TOKEN=...]",
      "  (in GitHub Actions: aws-actions/configure-aws-credentials with the environment's role)",
      "Without an AWS account:",
      `  npm run deploy:emulated -- ${target} --keep   # deploys it against a local AWS emulator`,
      `  npm run plan -- ${target}                     # previews what a first deploy creates`,
    ].join("\n"),
  );
}
