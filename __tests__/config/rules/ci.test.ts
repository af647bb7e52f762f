/** The ci section (GitHub workflows) and eks.viewers: one invalid environment -> its exact messages. */
import { describe, expect, it } from "vitest";
import { planStacksOf } from "../../../src/config/ci";
import { isGitHubHosted } from "../../../src/config/rules/access";
import { configBase, errorsOf } from "../../helpers/config";

const base = { ...configBase, accountId: "123456789012" };
const role = (name: string, account = "123456789012") => `arn:aws:iam::${account}:role/${name}`;
const fargate2048 = { profiles: { apps: { selectors: [{ namespace: "2048-game" }] } } };
const workloads = { sample2048: true, sample2048Image: `registry.example.com/2048@sha256:${"0".repeat(64)}`, loadBalancerController: true };

describe("ci rules", () => {
  it("accepts roles of your own, and the roles ci.github creates, planning the backend and platform stacks", () => {
    const ci = { planRoleArn: role("plan"), deployRoleArn: role("deploy"), githubEnvironment: "staging" };
    expect(errorsOf({ ...base, eks: { admins: { ci: role("deploy") } }, ci })).toEqual([]);
    expect(errorsOf({ ...base, ci: { planRoleArn: role("plan"), planStacks: ["backend", "platform"] } })).toEqual([]);
    expect(errorsOf({ ...base, ci: { deployRoleArn: role("deploy") } })).toEqual([]);
    expect(errorsOf({ ...base, ci: { github: { repository: "acme/platform" } } })).toEqual([]);
    const privateWithWorkloads = {
      ...base,
      eks: { admins: { ci: role("deploy") }, apiAccess: { cidrs: ["10.99.0.0/24"] } },
      fargate: fargate2048,
      workloads,
    };
    // Deploys run on the self-hosted runner in the VPC; pull requests plan on GitHub's runners.
    expect(errorsOf({ ...privateWithWorkloads, ci: { ...ci, runsOn: ["self-hosted", "prod-vpc"] } })).toEqual([]);
    expect(
      errorsOf({ ...privateWithWorkloads, ci: { ...ci, runsOn: ["self-hosted", "prod-vpc"], planRunsOn: ["self-hosted", "plan-vpc"] } }),
    ).toEqual([]);
    const openToAll = { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], allowPublicAccessFromAnywhere: true };
    expect(errorsOf({ ...privateWithWorkloads, eks: { ...privateWithWorkloads.eks, ...openToAll }, ci })).toEqual([]);
    // Plans never talk to the cluster: a plan-only environment behind a private endpoint needs no runner there.
    expect(errorsOf({ ...base, fargate: fargate2048, workloads, ci: { planRoleArn: role("plan") } })).toEqual([]);
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
      ['env "test": ci.planRoleArn is in eks.admins; the plan role must be read-only (got "arn:aws:iam::123456789012:role/plan")'],
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
      "a plan runner that is the deploy runner",
      { ...base, ci: { deployRoleArn: role("deploy"), runsOn: ["self-hosted", "prod-vpc"], planRunsOn: ["prod-vpc", "self-hosted"] } },
      [
        'env "test": ci.planRunsOn is the self-hosted runner that deploys (ci.runsOn): a pull request\'s code would run where the next deploy runs with the deploy role; plan on a GitHub-hosted runner (the default) or a runner of its own (got ["prod-vpc","self-hosted"])',
      ],
    ],
    [
      "a pull-request plan of the workloads stack",
      { ...base, ci: { planRoleArn: role("plan"), planStacks: ["platform", "workloads"] } },
      [
        'env "test": ci.planStacks includes "workloads", which pull requests never plan: it reads the cluster (Helm keeps its releases in Secrets), and a pull request\'s code must not; the deploy workflow plans and applies it (got ["platform","workloads"])',
      ],
    ],
    [
      "a deploy workflow whose self-hosted runners cannot reach the private endpoint",
      { ...base, fargate: fargate2048, workloads, ci: { deployRoleArn: role("deploy"), runsOn: ["self-hosted"] } },
      [
        'env "test": eks.apiAccess must say where the CI runners reach the private API endpoint from (cidrs or securityGroupIds): the deploy workflow applies the workloads stack, which talks to the cluster, and only the nodes may reach it otherwise (got {"cidrs":[],"securityGroupIds":[]})',
      ],
    ],
    [
      "deploying workloads behind a private endpoint from a GitHub-hosted runner",
      { ...base, fargate: fargate2048, workloads, ci: { deployRoleArn: role("deploy") } },
      [
        'env "test": ci.runsOn is a GitHub-hosted runner, which cannot reach the private API endpoint that the workloads stack talks to; name a self-hosted runner that can, or deploy without CI (no deploy role) (got ["ubuntu-24.04"])',
      ],
    ],
    [
      "deploying workloads behind an allow-listed public endpoint from a GitHub-hosted runner",
      {
        ...base,
        eks: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
        fargate: fargate2048,
        workloads,
        ci: { deployRoleArn: role("deploy") },
      },
      [
        'env "test": ci.runsOn is a GitHub-hosted runner, which cannot reach the API endpoint, public only to 203.0.113.0/24, that the workloads stack talks to; name a self-hosted runner that can, or deploy without CI (no deploy role) (got ["ubuntu-24.04"])',
      ],
    ],
    [
      "ci.github with roles of your own",
      { ...base, ci: { github: { repository: "acme/platform" }, planRoleArn: role("plan") } },
      [
        'env "test": ci.planRoleArn is the role ci.github creates; remove it, or remove ci.github to bring roles of your own (got "arn:aws:iam::123456789012:role/plan")',
      ],
    ],
    [
      "ci.github without an account",
      { ...configBase, ci: { github: { repository: "acme/platform" } } },
      [
        'env "test": ci.github needs accountId: the plan and deploy roles it creates are named by their ARNs in the workflows (got {"repository":"acme/platform","oidcProvider":"create","deploy":true,"workflowInSubject":false})',
      ],
    ],
    [
      "a repository that is not owner/name",
      { ...base, ci: { github: { repository: "platform" } } },
      ['env "test": ci.github.repository must be a GitHub repository like acme/platform (got "platform")'],
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
        'env "test": eks.viewers.b names the same principal as eks.admins.a; EKS gives a principal one access entry: keep it in one place (an admin can already read) (got "arn:aws:iam::123456789012:role/ops")',
      ],
    ],
  ])("rejects %s", (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });

  it("plans the backend and platform stacks by default, the backend stack only where there is one", () => {
    const ci = { runsOn: ["ubuntu-24.04"] };
    expect(planStacksOf({ ci, backend: { kind: "s3" } } as never)).toEqual(["backend", "platform"]);
    expect(planStacksOf({ ci: { ...ci, planStacks: ["platform"] }, backend: { kind: "s3" } } as never)).toEqual(["platform"]);
    // On HCP Terraform there is no backend stack to plan.
    expect(planStacksOf({ ci, backend: { kind: "hcp" } } as never)).toEqual(["platform"]);
  });

  it("tells GitHub-hosted runners from self-hosted ones", () => {
    expect(isGitHubHosted(["ubuntu-24.04"])).toBe(true);
    expect(isGitHubHosted(["macos-15"])).toBe(true);
    expect(isGitHubHosted(["self-hosted", "linux"])).toBe(false);
    expect(isGitHubHosted(["prod-vpc"])).toBe(false);
  });
});
