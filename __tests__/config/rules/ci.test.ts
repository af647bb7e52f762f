/** The ci section (GitHub workflows) and eks.viewers: one invalid environment -> its exact messages. */
import { describe, expect, it } from "vitest";
import { isGitHubHosted, planStacksOf } from "../../../src/config/rules/access";
import { configBase, errorsOf } from "../../helpers/config";

const base = { ...configBase, accountId: "123456789012" };
const role = (name: string, account = "123456789012") => `arn:aws:iam::${account}:role/${name}`;
const fargate2048 = { profiles: { apps: { selectors: [{ namespace: "2048-game" }] } } };
const workloads = { sample2048: true, sample2048Image: `registry.example.com/2048@sha256:${"0".repeat(64)}`, loadBalancerController: true };

describe("ci rules", () => {
  it("accepts a plan role and a deploy role in eks.admins, planning and deploying every stack, the backend stack included", () => {
    const ci = { planRoleArn: role("plan"), deployRoleArn: role("deploy"), githubEnvironment: "staging" };
    expect(errorsOf({ ...base, eks: { admins: { ci: role("deploy") } }, ci })).toEqual([]);
    // The backend stack's state always lives in its own bucket: CI may plan and deploy it.
    expect(errorsOf({ ...base, ci: { planRoleArn: role("plan"), planStacks: ["backend", "platform"] } })).toEqual([]);
    expect(errorsOf({ ...base, ci: { deployRoleArn: role("deploy") } })).toEqual([]);
    const privateWithWorkloads = {
      ...base,
      eks: { admins: { ci: role("deploy") }, apiAccess: { cidrs: ["10.99.0.0/24"] } },
      fargate: fargate2048,
      workloads,
    };
    expect(errorsOf({ ...privateWithWorkloads, ci: { ...ci, runsOn: ["self-hosted", "prod-vpc"] } })).toEqual([]);
    const openToAll = { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], allowPublicAccessFromAnywhere: true };
    expect(errorsOf({ ...privateWithWorkloads, eks: { ...privateWithWorkloads.eks, ...openToAll }, ci })).toEqual([]);
    expect(errorsOf({ ...privateWithWorkloads, ci: { planRoleArn: role("plan"), planStacks: ["platform"] } })).toEqual([]);
  });

  it.each([
    [
      "a plan role of another account",
      { ...base, ci: { planRoleArn: role("plan", "999999999999") } },
      [
        'env "test": ci.planRoleArn must be a role of the environment\'s account 123456789012: plans use it directly, without assumeRole (got "arn:aws:iam::999999999999:role/plan")',
      ],
    ],
    [
      "a plan role that is a cluster admin",
      { ...base, eks: { admins: { ci: role("plan") } }, ci: { planRoleArn: role("plan") } },
      [
        'env "test": ci.planRoleArn is in eks.admins; the plan role must be read-only (it gets a view access entry by itself) (got "arn:aws:iam::123456789012:role/plan")',
      ],
    ],
    [
      "a plan role listed as a viewer too",
      { ...base, eks: { viewers: { ci: role("plan") } }, ci: { planRoleArn: role("plan") } },
      [
        'env "test": ci.planRoleArn is in eks.viewers; remove it there, it gets the "ci-plan" view access entry by itself (got "arn:aws:iam::123456789012:role/plan")',
      ],
    ],
    [
      "a viewer named like the plan role's entry",
      { ...base, eks: { viewers: { "ci-plan": role("someone") } }, ci: { planRoleArn: role("plan") } },
      [
        'env "test": eks.viewers["ci-plan"] uses the name "ci-plan", which is kept for ci.planRoleArn; rename it (got "arn:aws:iam::123456789012:role/someone")',
      ],
    ],
    [
      "one role to plan and deploy",
      { ...base, ci: { planRoleArn: role("ci"), deployRoleArn: role("ci") } },
      [
        'env "test": ci.planRoleArn is also ci.deployRoleArn; pull-request plans need a read-only role of their own (got "arn:aws:iam::123456789012:role/ci")',
      ],
    ],
    [
      "a deploy role of another account without assumeRole",
      { ...base, ci: { deployRoleArn: role("deploy", "999999999999") } },
      [
        'env "test": ci.deployRoleArn must be a role of the environment\'s account 123456789012, or set assumeRole.roleArn to the role it should assume there (got "arn:aws:iam::999999999999:role/deploy")',
      ],
    ],
    [
      "a deploy workflow whose runners cannot reach the private endpoint",
      { ...base, fargate: fargate2048, workloads, ci: { deployRoleArn: role("deploy"), runsOn: ["self-hosted"] } },
      [
        'env "test": eks.apiAccess must say where the CI runners reach the private API endpoint from (cidrs or securityGroupIds): the workflows plan or deploy the workloads stack, which talks to the cluster, and only the nodes may reach it otherwise (got {"cidrs":[],"securityGroupIds":[]})',
      ],
    ],
    [
      "planning workloads behind a private endpoint from a GitHub-hosted runner",
      { ...base, fargate: fargate2048, workloads, ci: { planRoleArn: role("plan") } },
      [
        'env "test": ci.runsOn is a GitHub-hosted runner, which cannot reach the private API endpoint that the workloads stack talks to; name a self-hosted runner that can, or set ci.planStacks without "workloads" and leave ci.deployRoleArn unset (got ["ubuntu-24.04"])',
      ],
    ],
    [
      "planning workloads behind an allow-listed public endpoint from a GitHub-hosted runner",
      {
        ...base,
        eks: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
        fargate: fargate2048,
        workloads,
        ci: { planRoleArn: role("plan") },
      },
      [
        'env "test": ci.runsOn is a GitHub-hosted runner, which cannot reach the API endpoint, public only to 203.0.113.0/24, that the workloads stack talks to; name a self-hosted runner that can, or set ci.planStacks without "workloads" and leave ci.deployRoleArn unset (got ["ubuntu-24.04"])',
      ],
    ],
    [
      "an unknown stack and a bad runner label",
      { ...base, ci: { planStacks: ["infra"], runsOn: ["my runner"] } },
      [
        'env "test": ci.planStacks[0] must be "backend", "platform" or "workloads" (got "infra")',
        'env "test": ci.runsOn[0] must be a runner label of letters, digits and ._- (got "my runner")',
      ],
    ],
    [
      "a principal that is both admin and viewer",
      { ...base, eks: { admins: { a: role("ops") }, viewers: { b: role("ops") } } },
      [
        'env "test": eks.viewers.b is also in eks.admins; an IAM principal has one access entry, keep it in one list (got "arn:aws:iam::123456789012:role/ops")',
      ],
    ],
  ])("rejects %s", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("plans every stack by default, and the backend stack only where there is one", () => {
    const ci = { runsOn: ["ubuntu-24.04"] };
    expect(planStacksOf({ ci, backend: { kind: "s3" } } as never)).toEqual(["backend", "platform", "workloads"]);
    expect(planStacksOf({ ci: { ...ci, planStacks: ["platform"] }, backend: { kind: "s3" } } as never)).toEqual(["platform"]);
    // On HCP Terraform there is no backend stack to plan.
    expect(planStacksOf({ ci, backend: { kind: "hcp" } } as never)).toEqual(["platform", "workloads"]);
    expect(planStacksOf({ ci: { ...ci, planStacks: ["backend", "platform"] }, backend: { kind: "hcp" } } as never)).toEqual(["platform"]);
  });

  it("tells GitHub-hosted runners from self-hosted ones", () => {
    expect(isGitHubHosted(["ubuntu-24.04"])).toBe(true);
    expect(isGitHubHosted(["macos-15"])).toBe(true);
    expect(isGitHubHosted(["self-hosted", "linux"])).toBe(false);
    expect(isGitHubHosted(["prod-vpc"])).toBe(false);
  });
});
