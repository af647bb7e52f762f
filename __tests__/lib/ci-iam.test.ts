/**
 * The CI policies derived from what the stacks synthesize. The emulator enforces IAM on the calls
 * the provider makes (the e2e tier), but not what AWS checks on the caller's behalf: passing a role
 * to a service, creating a service-linked role, KMS grants and the SSM parameter of a
 * `resolve:ssm:` image. Here those needs are read from the synthesized JSON, independently of the
 * policy table, and each must be granted by the generated deploy policy.
 */
import { describe, expect, it } from "vitest";
import { buildApp, ciPolicies } from "../../src/app";
import type { EnvConfig } from "../../src/config";
import { MANAGED_POLICY_LIMIT, planPolicy, policyLength, splitPolicy, TYPES, unknownTypes } from "../../src/lib/ci-iam";
import type { Statement } from "../../src/lib/iam";
import { stateBucketName } from "../../src/lib/naming";
import { existingVpcInput, fixtureEnvs, karpenterFixture, synthEnv, testEnv, type StackJson } from "../helpers/synth";

/**
 * The fixtures, Karpenter on its node group and on Fargate, and one environment in an existing VPC
 * whose subnets the platform tags (aws_ec2_tag): every resource type the stacks can synthesize.
 */
const envs = [
  ...(await fixtureEnvs()),
  await karpenterFixture("nodeGroup"),
  await karpenterFixture("fargate"),
  testEnv({
    name: "byo",
    accountId: "555555555555",
    vpc: { existing: existingVpcInput() },
    nodeGroups: { selfManaged: { app: {} }, managed: { sys: {} } },
  }),
];

/** `pattern` with IAM's `*` and `?` wildcards matches `value`. */
function glob(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(value);
}

const list = (v: unknown): string[] => (v === undefined ? [] : ([] as string[]).concat(v as string));

/** IAM's decision for one request: an explicit deny wins, then any allow whose conditions hold. */
function allowed(policy: readonly Statement[], action: string, resource: string, context: Record<string, string> = {}): boolean {
  const applies = (s: Statement) => {
    if (!list(s.Action).some((a) => glob(a, action))) return false;
    if (!list(s.Resource).some((r) => glob(r, resource))) return false;
    for (const [operator, conditions] of Object.entries(s.Condition ?? {})) {
      for (const [key, values] of Object.entries(conditions as Record<string, unknown>)) {
        const actual = context[key];
        if (actual === undefined) return false;
        if (!/StringEquals$/.test(operator)) throw new Error(`the test evaluates StringEquals only, not ${operator}`);
        if (!list(values).includes(actual)) return false;
      }
    }
    return true;
  };
  if (policy.some((s) => s.Effect === "Deny" && applies(s))) return false;
  return policy.some((s) => s.Effect === "Allow" && applies(s));
}

function policiesOf(env: EnvConfig) {
  const { stacks } = buildApp([env]);
  return ciPolicies(env, stacks[0]);
}

/** Every resource of the stacks: [type, name, config]. */
function resources(json: Record<string, StackJson>): [string, string, Record<string, unknown>][] {
  return Object.values(json).flatMap((stack) =>
    Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, config]) => [type, name, config] as [string, string, Record<string, unknown>]),
    ),
  );
}

/** The service each role-taking argument passes its role to, by resource type (what AWS reports as iam:PassedToService). */
const PASSED_TO: Record<string, Record<string, string>> = {
  aws_eks_cluster: { role_arn: "eks.amazonaws.com" },
  aws_eks_node_group: { node_role_arn: "eks.amazonaws.com" },
  aws_eks_fargate_profile: { pod_execution_role_arn: "eks.amazonaws.com" },
  aws_eks_addon: { service_account_role_arn: "eks.amazonaws.com" },
  aws_flow_log: { iam_role_arn: "vpc-flow-logs.amazonaws.com" },
  aws_iam_instance_profile: {},
};

/** Service-linked roles AWS creates for the caller the first time a type is created in an account. */
const SERVICE_LINKED: Record<string, string[]> = {
  aws_eks_cluster: ["eks.amazonaws.com"],
  // EKS creates the node group's autoscaling group for the caller, with autoscaling's role.
  aws_eks_node_group: ["eks-nodegroup.amazonaws.com", "autoscaling.amazonaws.com"],
  aws_eks_fargate_profile: ["eks-fargate.amazonaws.com"],
  aws_autoscaling_group: ["autoscaling.amazonaws.com"],
};

/** The name of the aws_iam_role a `${aws_iam_role.x.arn}` reference points at. */
function referencedRole(json: Record<string, StackJson>, value: unknown): string | undefined {
  const m = /\$\{aws_iam_role\.([\w-]+)\.arn\}/.exec(String(value));
  if (!m) return undefined;
  for (const stack of Object.values(json)) {
    const role = stack.resource?.aws_iam_role?.[m[1]];
    if (role) return `${typeof role.path === "string" ? role.path : "/"}${String(role.name)}`;
  }
  return undefined;
}

describe.each(envs.map((e) => [e.name, e] as const))("CI policies of %s", (_name, env) => {
  const json = synthEnv(env).json as unknown as Record<string, StackJson>;
  const all = resources(json);
  const { deploy, plan } = policiesOf(env);
  const account = env.accountId ?? "*";
  const roleArn = (pathAndName: string) => `arn:aws:iam::${account}:role${pathAndName}`;

  it("knows every AWS resource type the stacks synthesize", () => {
    expect(unknownTypes(all.map(([type]) => type))).toEqual([]);
  });

  it("lets the deploy identity pass each role only to the service the synthesized resource passes it to", () => {
    let passed = 0;
    for (const [type, name, config] of all) {
      for (const [key, value] of Object.entries(config)) {
        if (!key.endsWith("role_arn") || type.startsWith("kubernetes_") || type.startsWith("helm_")) continue;
        const role = referencedRole(json, value);
        if (!role) continue;
        const service = PASSED_TO[type]?.[key];
        expect(service, `${type}.${name}.${key}: add the service it passes the role to`).toBeDefined();
        expect(allowed(deploy, "iam:PassRole", roleArn(role), { "iam:PassedToService": service }), `${type}.${name} passes ${role}`).toBe(
          true,
        );
        // Never to another service.
        expect(allowed(deploy, "iam:PassRole", roleArn(role), { "iam:PassedToService": "lambda.amazonaws.com" })).toBe(false);
        passed++;
      }
    }
    expect(passed).toBeGreaterThan(0);
    // Roles of other environments or outside the role path are never passed.
    expect(allowed(deploy, "iam:PassRole", roleArn("/someone-else"), { "iam:PassedToService": "eks.amazonaws.com" })).toBe(false);
  });

  it("lets the deploy identity create the service-linked roles of the types it creates, and no others", () => {
    const types = new Set(all.map(([type]) => type));
    const services = new Set(Object.values(SERVICE_LINKED).flat());
    for (const service of services) {
      const needed = Object.entries(SERVICE_LINKED).filter(([type, s]) => types.has(type) && s.includes(service));
      const granted = allowed(deploy, "iam:CreateServiceLinkedRole", `arn:aws:iam::${account}:role/aws-service-role/${service}/x`, {
        "iam:AWSServiceName": service,
      });
      expect(granted, `${service} (needed by ${needed.map(([t]) => t).join(", ") || "nothing synthesized"})`).toBe(needed.length > 0);
    }
  });

  it("lets the deploy identity read the public SSM parameter of every resolve:ssm: image", () => {
    const images = all.filter(([type, , c]) => type === "aws_launch_template" && String(c.image_id).startsWith("resolve:ssm:"));
    for (const [, name, config] of images) {
      const parameter = String(config.image_id).slice("resolve:ssm:".length).replace(/:\d+$/, "");
      expect(allowed(deploy, "ssm:GetParameters", `arn:aws:ssm:${env.region}::parameter${parameter}`), name).toBe(true);
    }
    expect(allowed(deploy, "ssm:GetParameters", `arn:aws:ssm:${env.region}:${account}:parameter/app/secret`)).toBe(false);
    expect(images.length > 0).toBe(Object.keys(env.nodeGroups.selfManaged).length > 0);
  });

  it("lets the deploy identity create grants on the keys the stacks encrypt with", () => {
    const usesKeyForService = all.some(([type]) => ["aws_eks_cluster", "aws_dynamodb_table", "aws_ecr_repository"].includes(type));
    expect(usesKeyForService).toBe(true);
    const key = `arn:aws:kms:${env.region}:${account}:key/0000`;
    expect(allowed(deploy, "kms:CreateGrant", key)).toBe(true);
    expect(allowed(deploy, "kms:DescribeKey", key)).toBe(true);
    expect(allowed(deploy, "kms:CreateGrant", `arn:aws:kms:${env.region}:999999999999:key/0000`)).toBe(env.accountId === undefined);
  });

  it("reads configuration, never data, in the plan policy", () => {
    // Decrypting is limited to the state key (by its alias); everything else is a Describe, List or Get.
    const stateKey = plan.filter((s) => list(s.Action).includes("kms:Decrypt"));
    expect(stateKey.map((s) => s.Condition)).toEqual([
      { "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${env.project}-${env.name}-tfstate` } },
    ]);
    const actions = plan.flatMap((s) => (s.Effect === "Allow" && s !== stateKey[0] ? list(s.Action) : []));
    for (const a of actions) expect(a, a).toMatch(/:(Describe|List|Get)[A-Za-z]*$|^sts:GetCallerIdentity$/);
    const forbidden = [
      "s3:GetObject",
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "logs:GetLogEvents",
      "secretsmanager:GetSecretValue",
    ];
    const data = `arn:aws:s3:::${env.project}-${env.name}-data/x`;
    expect(allowed(plan, "s3:GetObject", data)).toBe(false);
    expect(allowed(plan, "dynamodb:GetItem", `arn:aws:dynamodb:${env.region}:${account}:table/${env.project}-${env.name}-app`)).toBe(false);
    for (const a of forbidden.slice(2)) expect(allowed(plan, a, "*"), a).toBe(false);
    expect(actions.filter((a) => a.startsWith("ssm:") || a.startsWith("secretsmanager:") || a === "logs:GetLogEvents")).toEqual([]);
    // The state is the one exception: its objects (environments on HCP Terraform have none here).
    const state = `arn:aws:s3:::${stateBucketName(env)}/${env.name}/x.tfstate`;
    expect(allowed(plan, "s3:GetObject", state)).toBe(env.backend.kind === "s3");
    expect(allowed(plan, "s3:PutObject", state)).toBe(false);
  });

  it("gives every statement an id of its own, as IAM requires", () => {
    for (const policy of [deploy, plan]) {
      const sids = policy.map((s) => s.Sid);
      expect(sids.every((sid) => sid !== undefined && /^[A-Za-z0-9]+$/.test(sid))).toBe(true);
      expect(new Set(sids).size).toBe(sids.length);
    }
  });

  it("fits IAM's managed-policy size, split into as few documents as needed", () => {
    const docs = splitPolicy(deploy);
    for (const d of docs) expect(policyLength(d)).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    expect(docs.flat()).toEqual(deploy);
    // IAM attaches at most 10 managed policies to a role (20 with a quota increase).
    expect(docs.length).toBeLessThanOrEqual(10);
  });
});

describe("the policy table", () => {
  it("gives every type a scope, reads for a refresh and writes for create, update and delete", () => {
    for (const [type, t] of Object.entries(TYPES)) {
      for (const a of t.read) expect(a, type).toMatch(/^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/);
      expect(t.read.length + t.write.length + (t.also?.length ?? 0), type).toBeGreaterThan(0);
    }
  });

  it("scopes roles to the environment's path and name prefix, and holds no action on every resource but reads", () => {
    const c = {
      partition: "aws",
      account: "123456789012",
      region: "eu-west-1",
      prefix: "acme-dev",
      env: "dev",
      cluster: "acme-dev-eks",
      stateBucket: "acme-dev-tfstate",
      rolePath: "/eks/acme-dev/",
      clusterRoles: [],
    };
    const plan = planPolicy(Object.keys(TYPES), c);
    const onEverything = plan.filter((s) => list(s.Resource).includes("*")).flatMap((s) => list(s.Action));
    expect(onEverything.length).toBeGreaterThan(0);
    for (const a of onEverything) expect(a).toMatch(/:(Describe|List|Get)[A-Za-z]*$/);
  });

  it("splits a policy over the size limit, and refuses one statement over it", () => {
    const big = (i: number): Statement => ({
      Sid: `S${i}`,
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [`arn:aws:s3:::${"b".repeat(100)}/${i}`],
    });
    const statements = Array.from({ length: 100 }, (_, i) => big(i));
    const docs = splitPolicy(statements);
    expect(docs.length).toBeGreaterThan(1);
    expect(docs.flat()).toEqual(statements);
    expect(() => splitPolicy([big(1)], 50)).toThrow("one statement (S1) is over IAM's 50-character policy limit");
  });
});
