/**
 * Rules of cluster access and workloads: the kubeconfig path (row Y: never ~/.kube/config by
 * default, never outside the project) and what the workloads stack needs from the platform.
 */
import { LB_CONTROLLER_FARGATE_PROFILE, SAMPLE_2048_NAMESPACE } from "../../lib/naming";
import { ALL_RULES } from "../../policy/rules";
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
    if (path.startsWith("~") || path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) {
      return [
        issue(
          where,
          path,
          `must be a path inside the project, like kubeconfigs/${env.name}.yaml; to add the cluster to ~/.kube/config run npm run kubeconfig -- ${env.name} --merge`,
        ),
      ];
    }
    if (path.split(/[\\/]/).some((part) => part === "..")) return [issue(where, path, "must not leave the project (no .. segments)")];
    if (!/^[\w./-]+$/.test(path) || path.endsWith("/")) return [issue(where, path, "must be a file path of letters, digits and ._-/")];
    return [];
  },
};

const workloads: EnvRule = {
  needs: ["workloads", "fargate", "nodeGroups"],
  check: (env) => {
    const out: ConfigIssue[] = [];
    if (LB_CONTROLLER_FARGATE_PROFILE in env.fargate.profiles) {
      out.push(
        issue(
          ["fargate", "profiles", LB_CONTROLLER_FARGATE_PROFILE],
          LB_CONTROLLER_FARGATE_PROFILE,
          "is reserved for the profile the project adds for the load balancer controller; pick another name",
        ),
      );
    }
    if (env.workloads.sample2048) {
      if (!env.workloads.loadBalancerController) {
        out.push(
          issue(
            ["workloads", "sample2048"],
            true,
            "needs workloads.loadBalancerController: its Ingress is served by the AWS Load Balancer Controller",
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
function hasWorkloads(env: Parameters<EnvRule["check"]>[0]): boolean {
  const awsAuth = env.eks.authenticationMode !== "API" && Object.keys(env.nodeGroups.selfManaged).length > 0;
  return awsAuth || env.workloads.loadBalancerController || env.workloads.sample2048;
}

const deployerAccess: EnvRule = {
  needs: ["assumeRole", "eks", "workloads", "nodeGroups"],
  check: (env) => {
    const role = env.assumeRole?.roleArn;
    if (!role || !hasWorkloads(env) || env.eks.bootstrapClusterCreatorAdminPermissions) return [];
    if (Object.values(env.eks.admins).includes(role)) return [];
    return [
      issue(
        ["eks", "admins"],
        env.eks.admins,
        `must include the deploy role ${role} (assumeRole.roleArn): the workloads stack talks to the cluster as that role, and the cluster creator gets no admin rights by default`,
      ),
    ];
  },
};

const suppressions: EnvRule = {
  needs: ["policy"],
  check: (env) =>
    env.policy.suppressions.flatMap((s, i) =>
      RULE_IDS.includes(s.rule)
        ? []
        : [issue(["policy", "suppressions", i, "rule"], s.rule, `is not a rule of the policy pack; use one of ${RULE_IDS.join(", ")}`)],
    ),
};

export const ACCESS_RULES: readonly EnvRule[] = [kubeconfig, workloads, deployerAccess, suppressions];
