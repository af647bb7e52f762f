/**
 * What the GitHub workflows need from the environment configs: which environments to plan and
 * deploy, with which role, region and runner (`.github/workflows/*.yml` read it through
 * `scripts/ci.ts`), and the body of the one pull-request comment per environment.
 *
 * What a comment shows comes from the pull request (the review quotes its plan; the log is
 * Terraform's output): names go in code spans, the log in a fence it cannot close, and control
 * characters are escaped (`\u001b`) everywhere but the line feeds and tabs of the layout.
 */
import type { EnvConfig } from "../../src/config";
import { STACK_KINDS, stackId } from "../../src/lib/naming";
import { escapeControlKeepingLines } from "../../src/lib/text";
import { codeBlock, codeSpan, plainText } from "../common/markdown";

/** One job of the plan matrix. */
export interface PlanJob {
  readonly env: string;
  readonly region: string;
  /** Role assumed through GitHub OIDC: `ci.planRoleArn`. */
  readonly roleArn: string;
  /** Stack kinds to plan, space-separated (`platform workloads`). */
  readonly stacks: string;
  readonly runsOn: readonly string[];
}

/** One job of the deploy matrix. */
export interface DeployJob {
  readonly env: string;
  readonly region: string;
  /** Role assumed through GitHub OIDC: `ci.deployRoleArn`. */
  readonly roleArn: string;
  /** Stack ids in deployment order, space-separated (`dev-backend dev-platform dev-workloads`). */
  readonly stacks: string;
  /** GitHub environment of the job (its protection rules apply). */
  readonly githubEnvironment: string;
  readonly runsOn: readonly string[];
  /** The environment's `assumeRole.roleArn`, or "" (chained after the OIDC role to reach the state bucket). */
  readonly assumeRoleArn: string;
  /** Where a failed apply's errored.tfstate is kept, encrypted with the state key. */
  readonly stateBucket: string;
  readonly stateKmsKey: string;
}

/** A GitHub Actions matrix (`strategy.matrix`). */
export interface Matrix<T> {
  readonly include: T[];
}

/**
 * The environments with a `ci.planRoleArn`, in config order. With `changed` (stack ids whose
 * synthesized JSON differs from the pull request's base), only the stacks among them, and
 * `skipped` names the planned-in-CI environments left out because none of their stacks changed.
 */
export function planMatrix(envs: readonly EnvConfig[], changed?: readonly string[]): Matrix<PlanJob> & { readonly skipped: string[] } {
  const skipped: string[] = [];
  const include = envs
    .filter((e) => e.derived.ciRoles.plan)
    .flatMap((e) => {
      const kinds = e.derived.planStacks.filter((k) => !changed || changed.includes(`${e.name}-${k}`));
      if (kinds.length === 0) {
        skipped.push(e.name);
        return [];
      }
      // The plan runner, never a deploy runner: pull-request code runs there.
      return [{ env: e.name, region: e.region, roleArn: e.derived.ciRoles.plan!, stacks: kinds.join(" "), runsOn: e.ci.planRunsOn }];
    });
  return { include, skipped };
}

/** The comment that lists the environments a pull request did not plan because nothing changed in them. */
export function skippedCommentBody(skipped: readonly string[], base: string): string {
  const marker = commentMarker("unchanged");
  const workloads =
    "The workloads stacks are never planned in pull requests: they read the cluster (Helm keeps its releases in Secrets), which a pull request's code must not; the deploy workflow plans and applies them.\n";
  if (skipped.length === 0)
    return `${marker}\nEvery environment planned in pull requests is affected by this change and was planned.\n\n${workloads}`;
  return `${marker}\n**Not planned, nothing in their synthesized Terraform JSON changed since ${codeSpan(base.slice(0, 12))}:** ${skipped.map(codeSpan).join(", ")}.\n\n${workloads}`;
}

/** The environments with a `ci.deployRoleArn` (or only `only`), in config order. */
export function deployMatrix(envs: readonly EnvConfig[], only?: string): Matrix<DeployJob> {
  if (only && !envs.some((e) => e.name === only)) {
    throw new Error(`no environment "${only}" in envs/ (have: ${envs.map((e) => e.name).join(", ")})`);
  }
  const chosen = envs.filter((e) => (!only || e.name === only) && e.derived.ciRoles.deploy);
  if (only && chosen.length === 0)
    throw new Error(`environment "${only}" has no deploy role (ci.github or ci.deployRoleArn), so the deploy workflow cannot deploy it`);
  return {
    include: chosen.map((e) => ({
      env: e.name,
      region: e.region,
      roleArn: e.derived.ciRoles.deploy!,
      // On HCP Terraform there is no backend stack, and no bucket: the workspaces keep the state.
      stacks: STACK_KINDS.filter((k) => k !== "backend" || e.backend.kind === "s3")
        .map((k) => stackId(e.name, k))
        .join(" "),
      githubEnvironment: e.ci.githubEnvironment ?? e.name,
      runsOn: e.ci.runsOn,
      assumeRoleArn: e.assumeRole?.roleArn ?? "",
      stateBucket: e.backend.kind === "s3" ? e.derived.names.stateBucket : "",
      stateKmsKey: e.backend.kind === "s3" ? e.derived.names.stateKeyAlias : "",
    })),
  };
}

/** The hidden marker that finds an environment's comment again on the next push. */
export function commentMarker(env: string): string {
  // An environment name (or "unchanged"): nothing that could end the HTML comment.
  if (!/^[a-z0-9][a-z0-9-]*$/.test(env)) throw new Error(`not an environment name: ${JSON.stringify(env)}`);
  return `<!-- cdktf-eks-plan:${env} -->`;
}

/** A link to the run, when it is a plain https URL; otherwise the text, in a code span. */
function runLink(url: string): string {
  // No spaces, parentheses, brackets or quotes: nothing that could end the link or start another.
  return /^https:\/\/[A-Za-z0-9._~:/?#@!$&+,;=%-]+$/.test(url) ? `[run, plan JSON and log](${url})` : `run ${codeSpan(url)}`;
}

/** GitHub rejects comments over 65,536 characters; keep a margin for the footer. */
export const COMMENT_LIMIT = 60_000;

export interface CommentInput {
  readonly env: string;
  /** The plan review (`plans/<env>/<env>.summary.md`), when the plan got that far. */
  readonly summary?: string;
  /** The audit (`npm run audit`), shown collapsed. */
  readonly audit?: string;
  /** The plan command's output, shown when it failed. */
  readonly log?: string;
  readonly ok: boolean;
  /** Link to the workflow run (artifacts, full log). */
  readonly runUrl?: string;
  readonly commit?: string;
}

function cut(text: string, max: number, what: string): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n\n… ${what} cut at ${max.toLocaleString("en-US")} of ${text.length.toLocaleString("en-US")} characters; the full text is in the run's artifact.\n`;
}

/** The Markdown of one environment's pull-request comment: marker, status, review, audit, footer. */
export function commentBody(input: CommentInput): string {
  const footer = [
    "",
    "---",
    `<sub>${[input.commit ? `commit ${plainText(input.commit.slice(0, 12))}` : "", input.runUrl ? runLink(input.runUrl) : ""].filter(Boolean).join(" · ") || "cdktf-eks plan"}</sub>`,
    "",
  ].join("\n");
  const parts = [commentMarker(input.env)];
  if (!input.ok && input.log === undefined) {
    parts.push(
      `## ❌ Plan failed: ${plainText(input.env)}`,
      "",
      "The plan did not start: a step before it failed (often the AWS credentials: the plan role or its trust policy). The run's log says which.",
      "",
    );
  } else if (!input.ok) {
    parts.push(
      `## ❌ Plan failed: ${plainText(input.env)}`,
      "",
      "The plan did not finish; its output:",
      "",
      ...codeBlock(cut(input.log!.trim() || "(no output)", 20_000, "output")),
      "",
    );
  }
  if (input.summary) parts.push(escapeControlKeepingLines(input.summary.trim()), "");
  else if (input.ok) parts.push(`## Plan: ${plainText(input.env)}`, "", "No stack was planned.", "");
  let body = parts.join("\n");
  const room = COMMENT_LIMIT - body.length - footer.length - 200;
  if (input.audit && room > 2_000) {
    body += [
      "",
      "<details><summary>Audit: what the stacks contain</summary>",
      "",
      cut(escapeControlKeepingLines(input.audit.trim()), room, "audit"),
      "",
      "</details>",
      "",
    ].join("\n");
  }
  return cut(body, COMMENT_LIMIT, "comment") + footer;
}

/** The hidden marker that finds an environment's drift issue again on the next nightly run. */
export function driftMarker(env: string): string {
  return commentMarker(env).replace("cdktf-eks-plan:", "cdktf-eks-drift:");
}

/**
 * The body of an environment's drift issue: what the nightly plan with the plan role found
 * changed outside Terraform (the plan review), and how to resolve it.
 */
export function driftIssueBody(input: { readonly env: string; readonly summary: string; readonly runUrl?: string }): string {
  const env = plainText(input.env);
  const parts = [
    driftMarker(input.env),
    `Nightly plan of ${env}: the deployed resources differ from what the code defines (drift).`,
    "Either the change made outside Terraform is wanted (put it in the environment's code), or it is not",
    `(deploy ${env} again to put things back). This issue closes itself once a nightly plan is clean.`,
    "",
    cut(escapeControlKeepingLines(input.summary.trim()), COMMENT_LIMIT - 2_000, "review"),
    "",
    "---",
    `<sub>${input.runUrl ? runLink(input.runUrl) : "cdktf-eks drift"}</sub>`,
    "",
  ];
  return parts.join("\n");
}
