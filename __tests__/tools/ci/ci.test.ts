/** The workflow matrices and the pull-request comment, from the sample environments. */
import { describe, expect, it } from "vitest";
import { COMMENT_LIMIT, commentBody, commentMarker, deployMatrix, planMatrix } from "../../../src/tools/ci/ci";
import { sampleEnvs } from "../../helpers/synth";

const envs = await sampleEnvs();

describe("workflow matrices", () => {
  it("plans every environment with a plan role, with its region, stacks and runner", () => {
    const planned = planMatrix(envs).include;
    expect(planned.map((j) => j.env)).toEqual(envs.filter((e) => e.ci.planRoleArn).map((e) => e.name));
    expect(planned.filter((j) => j.env === "dev" || j.env === "prod")).toEqual([
      {
        env: "dev",
        region: "eu-west-1",
        roleArn: "arn:aws:iam::111111111111:role/acme-dev-ci-plan",
        stacks: "platform",
        runsOn: ["ubuntu-24.04"],
      },
      {
        env: "prod",
        region: "eu-west-1",
        roleArn: "arn:aws:iam::222222222222:role/acme-prod-ci-plan",
        stacks: "backend platform workloads",
        runsOn: ["self-hosted", "linux", "acme-prod-vpc"],
      },
    ]);
  });

  it("deploys environments with a deploy role, every stack in dependency order, in their GitHub environment", () => {
    expect(deployMatrix(envs).include).toEqual([
      {
        env: "prod",
        region: "eu-west-1",
        roleArn: "arn:aws:iam::222222222222:role/acme-prod-ci-deploy",
        stacks: "prod-backend prod-platform prod-workloads",
        githubEnvironment: "production",
        runsOn: ["self-hosted", "linux", "acme-prod-vpc"],
        assumeRoleArn: "arn:aws:iam::222222222222:role/acme-prod-deployer",
        stateBucket: "acme-prod-tfstate",
        stateKmsKey: "alias/acme-prod-tfstate",
      },
    ]);
    expect(deployMatrix(envs, "prod").include.map((j) => j.env)).toEqual(["prod"]);
  });

  it("refuses to deploy an unknown environment or one without a deploy role", () => {
    expect(() => deployMatrix(envs, "nosuchenv")).toThrow(
      `no environment "nosuchenv" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`,
    );
    expect(() => deployMatrix(envs, "dev")).toThrow('environment "dev" has no ci.deployRoleArn, so the deploy workflow cannot deploy it');
  });
});

describe("commentBody", () => {
  it("starts with the environment's marker and carries the review, the audit and a link to the run", () => {
    const body = commentBody({
      env: "dev",
      ok: true,
      summary: "## Plan: dev\n\n1 to create",
      audit: "## Audit\n```mermaid\nflowchart LR\n```",
      runUrl: "https://example.test/run/1",
      commit: "0123456789abcdef0123",
    });
    expect(body.startsWith(`${commentMarker("dev")}\n## Plan: dev`)).toBe(true);
    expect(body).toContain("<details><summary>Audit: what the stacks contain</summary>");
    expect(body).toContain("```mermaid");
    expect(body).toContain("commit 0123456789ab · [run, plan JSON and log](https://example.test/run/1)");
  });

  it("says when the plan did not even start (no log: a step before it failed)", () => {
    const body = commentBody({ env: "dev", ok: false });
    expect(body).toContain("## ❌ Plan failed: dev");
    expect(body).toContain("The plan did not start: a step before it failed (often the AWS credentials");
  });

  it("shows Terraform's output when the plan failed", () => {
    const body = commentBody({ env: "prod", ok: false, log: "Error: AccessDenied\n```x```" });
    expect(body).toContain("## ❌ Plan failed: prod");
    expect(body).toContain("Error: AccessDenied");
    expect(body.match(/```/g)).toHaveLength(2); // the log cannot close the code block early
  });

  it("stays under GitHub's comment limit, dropping the audit first and saying where the rest is", () => {
    const summary = `## Plan: dev\n${"| `aws_iam_role.x` | create |\n".repeat(4_000)}`;
    const body = commentBody({ env: "dev", ok: true, summary, audit: "audit text" });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 1_000);
    expect(body).not.toContain("audit text");
    expect(body).toMatch(/comment cut at 60,000 of [\d,]+ characters; the full text is in the run's artifact/);
  });
});
