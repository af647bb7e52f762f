/**
 * Rules of cluster access and workloads: the kubeconfig path (never ~/.kube/config by
 * default, never outside the project) and what the workloads stack needs from the platform.
 */
import { OPEN_TO_INTERNET_ADDRESSES, parseCidr, publicAddressCount, type Cidr } from "../../lib/cidr";
import { KUBECONFIG_DIR, SAMPLE_2048_NAMESPACE } from "../../lib/naming";
import { ciRoles, stateReaders, stateWriters, workloadsPrincipal } from "../ci";
import { ALL_RULES } from "../../policy/rules";
import { hasNodeGroups } from "../resolve";
import type { ParsedEnv } from "../schema";
import { issue, type ConfigIssue, type EnvRule } from "./types";

const RULE_IDS = ALL_RULES.map((r) => r.id);

/** Whether a Fargate selector namespace (with `*` and `?` wildcards) matches a namespace. */
export function namespaceMatches(selector: string, namespace: string): boolean {
  const pattern = selector
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${pattern}$`).test(namespace);
}

const kubeconfig: EnvRule = {
  needs: ["name", "kubeconfig"],
  check: (env) => {
    const path = env.kubeconfig.path;
    if (path === undefined) return [];
    const where = ["kubeconfig", "path"];
    // Nothing the config says may write outside kubeconfigs/: not a project file, not the project root.
    const suggestion = `${KUBECONFIG_DIR}/${env.name}.yaml`;
    if (path.startsWith("~") || path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) {
      return [
        issue(
          where,
          path,
          `must be a file under ${KUBECONFIG_DIR}/ of the project, like ${suggestion}; to add the cluster to ~/.kube/config run npm run kubeconfig -- ${env.name} --merge`,
        ),
      ];
    }
    const parts = path.split("/");
    if (!/^[\w./-]+$/.test(path) || parts.some((p) => p === "" || p === "." || p === "..")) {
      return [
        issue(
          where,
          path,
          `must be a plain file path under ${KUBECONFIG_DIR}/ (letters, digits and ._-, no . or .. segments), like ${suggestion}`,
        ),
      ];
    }
    if (parts[0] !== KUBECONFIG_DIR || parts.length < 2) {
      return [issue(where, path, `must be under ${KUBECONFIG_DIR}/, where nothing else of the project lives, like ${suggestion}`)];
    }
    return [];
  },
};

const workloads: EnvRule = {
  needs: ["workloads", "fargate", "nodeGroups", "eks"],
  check: (env) => {
    const out: ConfigIssue[] = [];
    const autoMode = env.eks.autoMode !== undefined;
    if (autoMode && env.workloads.loadBalancerController) {
      out.push(
        issue(
          ["workloads", "loadBalancerController"],
          true,
          "must not be set with eks.autoMode: Auto Mode runs load balancing itself (the 2048 sample uses its IngressClass); remove it",
        ),
      );
    }
    if (env.workloads.sample2048 && !env.workloads.sample2048Image) {
      out.push(
        issue(
          ["workloads", "sample2048Image"],
          undefined,
          "is required with workloads.sample2048: the sample's image, pinned by digest (<repository>@sha256:<digest>)",
        ),
      );
    }
    if (env.workloads.sample2048 && !autoMode) {
      if (!env.workloads.loadBalancerController) {
        out.push(
          issue(
            ["workloads", "sample2048"],
            true,
            "needs workloads.loadBalancerController (or eks.autoMode): its Ingress is served by the AWS Load Balancer Controller",
          ),
        );
      }
      const onFargate = Object.values(env.fargate.profiles).some((p) =>
        p.selectors.some((s) => namespaceMatches(s.namespace, SAMPLE_2048_NAMESPACE) && !s.labels),
      );
      if (!onFargate) {
        out.push(
          issue(
            ["workloads", "sample2048"],
            true,
            `runs on Fargate: add a Fargate profile whose selector is namespace "${SAMPLE_2048_NAMESPACE}" (without labels)`,
          ),
        );
      }
    }
    return out;
  },
};

/** Whether the `<env>-workloads` stack will manage anything inside the cluster. */
function hasWorkloads(env: Pick<ParsedEnv, "workloads" | "nodeGroups" | "tables" | "eks" | "karpenter">): boolean {
  return (
    env.workloads.loadBalancerController ||
    env.workloads.sample2048 ||
    hasNodeGroups(env) ||
    env.eks.autoMode !== undefined ||
    env.karpenter !== undefined ||
    Object.keys(env.tables).length > 0
  );
}

/** One access entry per principal: EKS refuses a second one (ResourceInUseException). */
const accessEntries: EnvRule = {
  needs: ["eks"],
  check: (env) => {
    const first = new Map<string, string>();
    const out: ConfigIssue[] = [];
    for (const kind of ["admins", "viewers"] as const) {
      for (const [name, arn] of Object.entries(env.eks[kind])) {
        const where = `eks.${kind}.${name}`;
        const earlier = first.get(arn);
        if (earlier === undefined) first.set(arn, where);
        else
          out.push(
            issue(
              ["eks", kind, name],
              arn,
              `names the same principal as ${earlier}; EKS gives a principal one access entry: keep it in one place (an admin can already read)`,
            ),
          );
      }
    }
    return out;
  },
};

const clusterAdmins: EnvRule = {
  needs: ["assumeRole", "eks", "workloads", "nodeGroups", "tables", "karpenter"],
  check: (env) => {
    if (Object.keys(env.eks.admins).length === 0) {
      return [
        issue(
          ["eks", "admins"],
          {},
          "must name at least one cluster admin (an IAM role or user ARN): the cluster creator gets no admin rights, so nobody could manage the cluster",
        ),
      ];
    }
    if (!hasWorkloads(env)) return [];
    const principal = workloadsPrincipal(env);
    if (!principal) {
      return [
        issue(
          ["workloads", "roleArn"],
          undefined,
          "must name the role the workloads stack takes its cluster token as (one of eks.admins); without it and without assumeRole, the kubernetes and helm providers would authenticate as whoever runs Terraform",
        ),
      ];
    }
    if (Object.values(env.eks.admins).includes(principal)) return [];
    const field = env.workloads.roleArn ? ["workloads", "roleArn"] : ["assumeRole", "roleArn"];
    return [
      issue(
        field,
        principal,
        `must be one of eks.admins (${Object.values(env.eks.admins).join(", ")}): the workloads stack talks to the cluster as this role`,
      ),
    ];
  },
};

/** Whether a public endpoint with these CIDRs is reachable from anywhere (an empty list is 0.0.0.0/0). */
function opensToEveryone(cidrs: readonly string[], allowAnywhere: boolean): boolean {
  if (cidrs.length === 0) return allowAnywhere;
  const networks = cidrs.map(parseCidr).filter((c): c is Cidr => typeof c !== "string");
  return publicAddressCount(networks) >= OPEN_TO_INTERNET_ADDRESSES;
}

/** The account of a role ARN. */
function accountOf(arn: string): string {
  return arn.split(":")[4];
}

/** Whether runner labels name a GitHub-hosted runner (which cannot reach a private API endpoint). */
export function isGitHubHosted(labels: readonly string[]): boolean {
  return labels.length === 1 && /^(ubuntu|windows|macos)-/.test(labels[0]);
}

const ci: EnvRule = {
  needs: [
    "accountId",
    "assumeRole",
    "backend",
    "eks",
    "workloads",
    "nodeGroups",
    "tables",
    "karpenter",
    "ci",
    "iam",
    "name",
    "project",
    "region",
  ],
  check: (env) => {
    const out: ConfigIssue[] = [];
    if (env.ci.github) {
      if (env.backend.kind !== "s3")
        out.push(
          issue(
            ["ci", "github"],
            env.ci.github,
            'needs backend.kind "s3": its roles live in the backend stack (on HCP Terraform, give the workspaces dynamic credentials: docs/hcp-terraform.md)',
          ),
        );
      if (!env.accountId)
        out.push(
          issue(
            ["ci", "github"],
            env.ci.github,
            "needs accountId: the plan and deploy roles it creates are named by their ARNs in the workflows",
          ),
        );
      for (const field of ["planRoleArn", "deployRoleArn"] as const) {
        if (env.ci[field])
          out.push(
            issue(["ci", field], env.ci[field], "is the role ci.github creates; remove it, or remove ci.github to bring roles of your own"),
          );
      }
    }
    const { plan: planRoleArn, deploy: deployRoleArn } = ciRoles(env);
    if (planRoleArn && !env.ci.github) {
      if (env.accountId && accountOf(planRoleArn) !== env.accountId) {
        out.push(
          issue(
            ["ci", "planRoleArn"],
            planRoleArn,
            `must be a role of the environment's account ${env.accountId}: plans use it directly, without assumeRole`,
          ),
        );
      }
      if (Object.values(env.eks.admins).includes(planRoleArn)) {
        out.push(issue(["ci", "planRoleArn"], planRoleArn, "is in eks.admins; the plan role must be read-only"));
      }
      if (planRoleArn === deployRoleArn)
        out.push(
          issue(["ci", "planRoleArn"], planRoleArn, "is also ci.deployRoleArn; pull-request plans need a read-only role of their own"),
        );
    }
    if (deployRoleArn && !env.ci.github && !env.assumeRole && env.accountId && accountOf(deployRoleArn) !== env.accountId) {
      out.push(
        issue(
          ["ci", "deployRoleArn"],
          deployRoleArn,
          `must be a role of the environment's account ${env.accountId}, or set assumeRole.roleArn to the role it should assume there`,
        ),
      );
    }
    if (env.ci.planStacks?.includes("workloads")) {
      out.push(
        issue(
          ["ci", "planStacks"],
          env.ci.planStacks,
          'includes "workloads", which pull requests never plan: it reads the cluster (Helm keeps its releases in Secrets), and a pull request\'s code must not; the deploy workflow plans and applies it',
        ),
      );
    }
    if (env.backend.kind === "hcp" && env.ci.planStacks?.includes("backend")) {
      out.push(
        issue(
          ["ci", "planStacks"],
          env.ci.planStacks,
          'includes "backend", which an environment on HCP Terraform does not have; leave it out',
        ),
      );
    }
    // Pull-request code runs on the plan runner: never on a runner that deploys.
    if (!isGitHubHosted(env.ci.planRunsOn) && deployRoleArn && sameLabels(env.ci.planRunsOn, env.ci.runsOn)) {
      out.push(
        issue(
          ["ci", "planRunsOn"],
          env.ci.planRunsOn,
          "is the self-hosted runner that deploys (ci.runsOn): a pull request's code would run where the next deploy runs with the deploy role; plan on a GitHub-hosted runner (the default) or a runner of its own",
        ),
      );
    }
    // GitHub-hosted runners come from GitHub's changing address ranges: they reach the API only
    // when it is public to everyone. Only deploys talk to the cluster (the workloads stack).
    const reachesWorkloads = hasWorkloads(env) && deployRoleArn !== undefined;
    const apiAccess = env.eks.apiAccess.cidrs.length + env.eks.apiAccess.securityGroupIds.length > 0;
    if (reachesWorkloads && !env.eks.endpointPublicAccess && !apiAccess && !isGitHubHosted(env.ci.runsOn)) {
      out.push(
        issue(
          ["eks", "apiAccess"],
          env.eks.apiAccess,
          "must say where the CI runners reach the private API endpoint from (cidrs or securityGroupIds): the deploy workflow applies the workloads stack, which talks to the cluster, and only the nodes may reach it otherwise",
        ),
      );
    }
    const openToAll = env.eks.endpointPublicAccess && opensToEveryone(env.eks.publicAccessCidrs, env.eks.allowPublicAccessFromAnywhere);
    if (!openToAll && isGitHubHosted(env.ci.runsOn) && reachesWorkloads) {
      const endpoint = env.eks.endpointPublicAccess
        ? `API endpoint, public only to ${env.eks.publicAccessCidrs.join(", ")},`
        : "private API endpoint";
      out.push(
        issue(
          ["ci", "runsOn"],
          env.ci.runsOn,
          `is a GitHub-hosted runner, which cannot reach the ${endpoint} that the workloads stack talks to; name a self-hosted runner that can, or deploy without CI (no deploy role)`,
        ),
      );
    }
    return out;
  },
};

/** Named state readers and writers must include every identity Terraform runs as for this environment. */
const stateAccess: EnvRule = {
  needs: ["accountId", "assumeRole", "backend", "eks", "ci", "iam", "name", "project", "region"],
  check: (env) => {
    if (!env.backend.stateWriters && !env.backend.stateReaders) return [];
    const out: ConfigIssue[] = [];
    const writers = stateWriters(env);
    const { plan, deploy } = ciRoles(env);
    // Terraform writes the state as assumeRole.roleArn when set, else as the caller (the CI deploy role in CI).
    const mustWrite = [
      ...(env.assumeRole ? [["assumeRole.roleArn", env.assumeRole.roleArn]] : deploy ? [["the CI deploy role", deploy]] : []),
    ] as [string, string][];
    for (const [what, arn] of mustWrite) {
      if (env.backend.stateWriters && !writers.includes(arn))
        out.push(
          issue(
            ["backend", "stateWriters"],
            env.backend.stateWriters,
            `leaves out ${what} ${arn}, which Terraform writes the state as; add it`,
          ),
        );
    }
    if (plan && env.backend.stateReaders && !stateReaders(env).includes(plan))
      out.push(
        issue(
          ["backend", "stateReaders"],
          env.backend.stateReaders,
          `leaves out the CI plan role ${plan}, which reads the state in pull requests; add it`,
        ),
      );
    return out;
  },
};

/** Whether two runner label lists name the same runners. */
function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((l, i) => l === [...b].sort()[i]);
}

const suppressions: EnvRule = {
  needs: ["policy"],
  check: (env) =>
    env.policy.suppressions.flatMap((s, i) =>
      RULE_IDS.includes(s.rule)
        ? []
        : [issue(["policy", "suppressions", i, "rule"], s.rule, `is not a rule of the policy pack; use one of ${RULE_IDS.join(", ")}`)],
    ),
};

export const ACCESS_RULES: readonly EnvRule[] = [kubeconfig, workloads, accessEntries, clusterAdmins, ci, stateAccess, suppressions];
