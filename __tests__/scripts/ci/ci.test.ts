/** The workflow matrices and the pull-request comment, from the fixture environments. */
import { describe, expect, it } from "vitest";
import { COMMENT_LIMIT, commentBody, commentMarker, deployMatrix, driftIssueBody, planMatrix } from "../../../scripts/ci/ci";
import { HOSTILE } from "../../helpers/markdown";
import { fixtureEnvs } from "../../helpers/synth";

const envs = await fixtureEnvs();

describe("workflow matrices", () => {
  it("plans every environment with a plan role, with its region, stacks and a runner apart from the deploy runner", () => {
    const planned = planMatrix(envs).include;
    expect(planned.map((j) => j.env)).toEqual(["alpha", "bravo", "charlie"]);
    expect(planned.filter((j) => j.env === "alpha" || j.env === "bravo")).toEqual([
      {
        env: "alpha",
        region: "eu-west-1",
        roleArn: "arn:aws:iam::444444444444:role/fixture-alpha-ci-plan",
        stacks: "backend platform",
        runsOn: ["ubuntu-24.04"],
      },
      {
        // bravo deploys from a self-hosted runner: its pull-request plans still run on GitHub's runners.
        env: "bravo",
        region: "us-east-2",
        roleArn: "arn:aws:iam::555555555555:role/fixture-bravo-ci-plan",
        stacks: "backend platform",
        runsOn: ["ubuntu-24.04"],
      },
    ]);
    const deployRunners = new Set(deployMatrix(envs).include.map((j) => JSON.stringify(j.runsOn)));
    for (const job of planned) expect(deployRunners.has(JSON.stringify(job.runsOn)), job.env).toBe(false);
  });

  it("deploys environments with a deploy role, every stack in dependency order, in their GitHub environment", () => {
    expect(deployMatrix(envs).include).toEqual([
      {
        env: "bravo",
        region: "us-east-2",
        roleArn: "arn:aws:iam::555555555555:role/fixture-bravo-ci-deploy",
        stacks: "bravo-backend bravo-platform bravo-workloads",
        githubEnvironment: "bravo-production",
        runsOn: ["self-hosted", "linux", "fixture-bravo-vpc"],
        assumeRoleArn: "arn:aws:iam::555555555555:role/fixture-bravo-deployer",
        stateBucket: "fixture-bravo-tfstate",
        stateKmsKey: "alias/fixture-bravo-tfstate",
      },
    ]);
    expect(deployMatrix(envs, "bravo").include.map((j) => j.env)).toEqual(["bravo"]);
  });

  it("refuses to deploy an unknown environment or one without a deploy role", () => {
    expect(() => deployMatrix(envs, "nosuchenv")).toThrow('no environment "nosuchenv" in envs/ (have: alpha, bravo, charlie)');
    expect(() => deployMatrix(envs, "alpha")).toThrow(
      'environment "alpha" has no deploy role (ci.github or ci.deployRoleArn), so the deploy workflow cannot deploy it',
    );
  });
});

describe("commentBody", () => {
  it("starts with the environment's marker and carries the review, the audit and a link to the run", () => {
    const body = commentBody({
      env: "alpha",
      ok: true,
      summary: "## Plan: alpha\n\n1 to create",
      audit: "## Audit\n```mermaid\nflowchart LR\n```",
      runUrl: "https://example.test/run/1",
      commit: "0123456789abcdef0123",
    });
    expect(body.startsWith(`${commentMarker("alpha")}\n## Plan: alpha`)).toBe(true);
    expect(body).toContain("<details><summary>Audit: what the stacks contain</summary>");
    expect(body).toContain("```mermaid");
    expect(body).toContain("commit 0123456789ab · [run, plan JSON and log](https://example.test/run/1)");
  });

  it("says when the plan did not even start (no log: a step before it failed)", () => {
    const body = commentBody({ env: "alpha", ok: false });
    expect(body).toContain("## ❌ Plan failed: alpha");
    expect(body).toContain("The plan did not start: a step before it failed (often the AWS credentials");
  });

  it("shows Terraform's output when the plan failed", () => {
    const body = commentBody({ env: "bravo", ok: false, log: "Error: AccessDenied\n```x```" });
    expect(body).toContain("## ❌ Plan failed: bravo");
    expect(body).toContain("Error: AccessDenied");
    // The log is shown as it is, in a fence longer than any run of backticks in it: it cannot close it.
    expect(body).toContain("````text\nError: AccessDenied\n```x```\n````\n");
  });

  it("keeps what a pull request puts in the log, the review and the audit inert", () => {
    const hostile = HOSTILE.join(" ");
    const body = commentBody({
      env: "bravo",
      ok: false,
      log: `Error: ${hostile}\n\u0007\r\n\`\`\`\`\`\n${hostile}`,
      summary: `## Plan: bravo\n\n| \`aws_s3_bucket.a\` | create |\n\u001b[2J\u0007\u009b31m\r\n`,
      audit: "## Audit\n\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007",
      runUrl: "javascript:alert(1)//https://x",
      commit: "<img src=x>",
    });
    // eslint-disable-next-line no-control-regex
    expect(body).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const lines = body.split("\n");
    const open = lines.indexOf("``````text");
    expect(open).toBeGreaterThan(0);
    // Inside the fence, the log's own lines (a newline in it is one), its five backticks, escapes for the rest.
    const [first, second] = HOSTILE.join(" ").replace("\u001b", "\\u001b").split("\n");
    expect(lines.slice(open + 1, lines.indexOf("``````", open + 1))).toEqual([
      `Error: ${first}`,
      second,
      "\\u0007",
      "`````",
      first,
      second,
    ]);
    expect(body).toContain("\\u001b[2J\\u0007\\u009b31m\n");
    expect(body).toContain("\\u001b]8;;https://evil.example\\u0007link");
    // Not a link: a URL that is not plain https is shown as text.
    expect(lines.find((l) => l.startsWith("<sub>"))).toBe("<sub>commit \\<img src=x\\> · run `javascript:alert(1)//https://x`</sub>");
  });

  it("refuses an environment name that could end the comment's marker", () => {
    expect(() => commentBody({ env: "x --> <img src=x>", ok: true })).toThrow('not an environment name: "x --> <img src=x>"');
    expect(commentMarker("unchanged")).toBe("<!-- cdktf-eks-plan:unchanged -->");
  });

  it("stays under GitHub's comment limit, dropping the audit first and saying where the rest is", () => {
    const summary = `## Plan: alpha\n${"| `aws_iam_role.x` | create |\n".repeat(4_000)}`;
    const body = commentBody({ env: "alpha", ok: true, summary, audit: "audit text" });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 1_000);
    expect(body).not.toContain("audit text");
    expect(body).toMatch(/comment cut at 60,000 of [\d,]+ characters; the full text is in the run's artifact/);
  });
});

describe("driftIssueBody", () => {
  it("starts with the environment's drift marker, carries the escaped review and links the run", () => {
    const body = driftIssueBody({
      env: "alpha",
      summary: `## Plan: alpha\n\n${HOSTILE.join("\n")}`,
      runUrl: "https://github.com/o/r/actions/runs/1",
    });
    expect(body.startsWith("<!-- cdktf-eks-drift:alpha -->\n")).toBe(true);
    expect(body).toContain("## Plan: alpha");
    expect(body).toContain("[run, plan JSON and log](https://github.com/o/r/actions/runs/1)");
    expect(body).not.toContain("\u001b");
    expect(() => driftIssueBody({ env: "Bad Env", summary: "x" })).toThrow('not an environment name: "Bad Env"');
  });
});
