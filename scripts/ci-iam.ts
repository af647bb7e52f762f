/**
 * npm run -s ci:iam -- <env> --role deploy|plan
 *
 * Prints the IAM policy an environment's CI needs, derived from the resource types its stacks
 * define: one policy document, or an array of documents when one would be over IAM's managed-policy
 * size. `deploy` is what the identity Terraform deploys as needs (the environment's
 * `assumeRole.roleArn`, else the deploy role); `plan`, what the pull-request plan role needs.
 */
import { buildApp, ciPolicies } from "../src/app";
import { policyDocument } from "../src/lib/iam";
import { splitPolicy } from "../src/lib/ci-iam";
import { oneEnv } from "./deploy/select";
import { parseArgs, runCli, UsageError } from "./common/cli";

const USAGE = `
usage: npm run ci:iam -- <env> --role deploy|plan

Prints the IAM policy (JSON) of <env>'s CI (run it as npm run -s to keep npm's banner out of the JSON), derived from what its stacks define: one document, or an
array of documents when one would be over IAM's managed-policy size (6,144 characters).

  <env>           an environment of envs/
  --role deploy   what the identity Terraform deploys as needs (assumeRole.roleArn, else the deploy role)
  --role plan     what the pull-request plan role needs: the state, and the configuration a refresh reads
`;

runCli(USAGE, async () => {
  const { values, positionals } = parseArgs(process.argv.slice(2), { options: { role: { type: "string" } } });
  if (values.role !== "deploy" && values.role !== "plan")
    throw new UsageError(`--role must be "deploy" or "plan" (got ${JSON.stringify(values.role ?? "nothing")})`);
  const { env, all } = await oneEnv(positionals);
  const { stacks } = buildApp(all);
  const policies = ciPolicies(env, stacks[all.indexOf(env)]);
  const docs = splitPolicy(values.role === "deploy" ? policies.deploy : policies.plan).map((s) => JSON.parse(policyDocument(s)) as unknown);
  process.stdout.write(`${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`);
});
