/**
 * Every name this project derives from an environment's `project` and `name`, computed in one place.
 *
 * Constructs, stacks, scripts and config validation all call these functions, so a name is never
 * re-typed by hand (the first blog post's cluster-name bug) and validation checks exactly the names
 * that will be created.
 */

/** The parts of an environment config that names are derived from. */
export interface NameParts {
  readonly project: string;
  readonly name: string;
}

/** Stack kinds of one environment, in deployment order. */
export const STACK_KINDS = ["backend", "platform", "workloads"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** `<env>-<kind>`, the CDKTF stack id (and the folder under `cdktf.out/stacks/`). */
export function stackId(env: string, kind: StackKind): string {
  return `${env}-${kind}`;
}

/** `<project>-<env>`, the prefix of every AWS resource name of an environment. */
export function envPrefix(p: NameParts): string {
  return `${p.project}-${p.name}`;
}

/** The S3 bucket that holds the Terraform state of every stack of the environment. */
export function stateBucketName(p: NameParts & { readonly backend?: { readonly bucketName?: string } }): string {
  return p.backend?.bucketName ?? `${envPrefix(p)}-tfstate`;
}

/** The DynamoDB table that locks that state. */
export function lockTableName(p: NameParts & { readonly backend?: { readonly lockTableName?: string } }): string {
  return p.backend?.lockTableName ?? `${envPrefix(p)}-tflock`;
}

/** The alias of the customer-managed KMS key that encrypts the state bucket and lock table. */
export function stateKeyAlias(p: NameParts): string {
  return `alias/${envPrefix(p)}-tfstate`;
}

/** The HCP Terraform workspace of a stack: `<project>-<env>-<stack>`, unique across environments. */
export function workspaceName(p: NameParts, kind: StackKind): string {
  return `${envPrefix(p)}-${kind}`;
}

/** The object key of a stack's state in the bucket: unique per environment and stack. */
export function stateKey(env: string, kind: StackKind): string {
  return `${env}/${stackId(env, kind)}.tfstate`;
}

/**
 * Where the `<env>-backend` stack keeps its local state until it is migrated into its own bucket,
 * relative to the project root. Outside `cdktf.out` so a re-synth cannot lose it, and git-ignored
 * (`*.tfstate`) so a plain `git clean` keeps it.
 */
export function backendLocalStatePath(env: string): string {
  return `terraform-state/${stackId(env, "backend")}.tfstate`;
}

/**
 * The file an interrupted apply of a stack leaves next to the backend's local state, relative to
 * the project root: the next `npm run bootstrap` may import what that apply created but never recorded.
 */
export function interruptedApplyPath(stack: string): string {
  return `terraform-state/${stack}.interrupted`;
}

/** The EKS cluster name: computed once, used by every tag, role, log group and kubeconfig. */
export function clusterName(p: NameParts): string {
  return `${envPrefix(p)}-eks`;
}

/** IAM role names of an environment, by purpose (all environment-qualified). */
export function roleNames(p: NameParts): {
  cluster: string;
  node: string;
  autoModeNode: string;
  fargate: string;
  flowLogs: string;
  loadBalancerController: string;
  clusterAutoscaler: string;
  nodeTerminationHandler: string;
  ebsCsiDriver: string;
  vpcCni: string;
  karpenterController: string;
  karpenterNode: string;
  app: string;
  ciPlan: string;
  ciDeploy: string;
} {
  const cluster = clusterName(p);
  return {
    cluster: `${cluster}-cluster`,
    node: `${cluster}-node`,
    autoModeNode: `${cluster}-auto-node`,
    fargate: `${cluster}-fargate-pods`,
    flowLogs: `${envPrefix(p)}-vpc-flow-logs`,
    loadBalancerController: `${cluster}-aws-lb-controller`,
    clusterAutoscaler: `${cluster}-cluster-autoscaler`,
    nodeTerminationHandler: `${cluster}-node-termination`,
    ebsCsiDriver: `${cluster}-ebs-csi-driver`,
    vpcCni: `${cluster}-vpc-cni`,
    karpenterController: `${cluster}-karpenter`,
    karpenterNode: `${cluster}-karpenter-node`,
    app: `${envPrefix(p)}-app`,
    ciPlan: `${envPrefix(p)}-ci-plan`,
    ciDeploy: `${envPrefix(p)}-ci-deploy`,
  };
}

/** The ARN of a role of an environment's account, under the environment's role path. */
export function roleArnOf(partition: string, account: string, rolePath: string, name: string): string {
  return `arn:${partition}:iam::${account}:role${rolePath}${name}`;
}

/** The ARN of the account's IAM OIDC provider for GitHub Actions (one per account, a fixed name). */
export function githubOidcProviderArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
}

/** A self-managed group's launch template and autoscaling group name. */
export function selfManagedGroupName(cluster: string, group: string): string {
  return `${cluster}-${group}`;
}

/** The letter of an availability zone ("a" of "eu-west-1a"): names subnets and per-zone groups. */
export function zoneSuffix(zone: string): string {
  return zone.slice(-1);
}

/** The name of one zone's group of a `perZone` node group: `<group>-<zone letter>`. */
export function perZoneGroupName(group: string, zone: string): string {
  return `${group}-${zoneSuffix(zone)}`;
}

/** A managed node group's launch template name. */
export function managedGroupTemplateName(cluster: string, group: string): string {
  return `${cluster}-mng-${group}`;
}

/** An ECR repository of an environment: `<project>-<env>/<image>`. */
export function ecrRepositoryName(p: NameParts, image: string): string {
  return `${envPrefix(p)}/${image}`;
}

/** An application DynamoDB table of an environment: `<project>-<env>-<table>`. */
export function appTableName(p: NameParts, table: string): string {
  return `${envPrefix(p)}-${table}`;
}

/** The control-plane log group EKS writes to (its name is fixed by EKS). */
export function clusterLogGroupName(p: NameParts): string {
  return `/aws/eks/${clusterName(p)}/cluster`;
}

/** The VPC flow-log group. */
export function flowLogGroupName(p: NameParts): string {
  return `/aws/vpc/${envPrefix(p)}/flow-logs`;
}

/** Name of the Fargate profile that runs CoreDNS on clusters without node groups (reserved). */
export const COREDNS_FARGATE_PROFILE = "coredns";

/** Name of the Fargate profile that runs the AWS Load Balancer Controller on clusters without node groups (reserved). */
export const LB_CONTROLLER_FARGATE_PROFILE = "aws-lb-controller";

/** Namespace and service account of the AWS Load Balancer Controller (its Helm chart's defaults). */
export const LB_CONTROLLER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-load-balancer-controller" } as const;

/** Name of the Fargate profile that runs metrics-server on clusters without node groups (reserved). */
export const METRICS_SERVER_FARGATE_PROFILE = "metrics-server";

/** Namespace and service account of the cluster autoscaler (set in its Helm values). */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;

/** Namespace and service account of the AWS Node Termination Handler (set in its Helm values). */
export const NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node-termination-handler" } as const;

/** Namespace and service account of the EBS CSI driver's controller (fixed by the EKS add-on). */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

/** Namespace and service account of the VPC CNI's aws-node DaemonSet (fixed by the EKS add-on). */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

/** Namespace and service account of the Karpenter controller (set in its Helm values; Karpenter's documented namespace). */
export const KARPENTER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "karpenter" } as const;

/** Name of the Fargate profile of the Karpenter controller (`karpenter.controllerOn` "fargate"; reserved). */
export const KARPENTER_FARGATE_PROFILE = "karpenter";

/** Name of the managed node group of the Karpenter controller (`karpenter.controllerOn` "nodeGroup"; reserved). */
export const KARPENTER_NODE_GROUP = "karpenter";

/** The Node Termination Handler's queue (self-managed groups). */
export function nodeTerminationQueueName(cluster: string): string {
  return `${cluster}-node-termination`;
}

/** The prefix of the Node Termination Handler's EventBridge rule names (`<prefix>-<event>`). */
export function nodeTerminationRulePrefix(cluster: string): string {
  return `${cluster}-nth`;
}

/** Karpenter's interruption queue, also the prefix of its EventBridge rules. */
export function karpenterQueueName(cluster: string): string {
  return `${cluster}-karpenter`;
}

/** The instance tag the Node Termination Handler requires before it drains a node of this cluster. */
export function drainTag(cluster: string): string {
  return `aws-node-termination-handler/${cluster}`;
}

/** Namespace of the Fargate post's 2048 sample. */
export const SAMPLE_2048_NAMESPACE = "2048-game";

/** The project folder the kubeconfigs are written to; config paths may not leave it. */
export const KUBECONFIG_DIR = "kubeconfigs";

/** The kubeconfig file the platform stack writes, relative to the project root. */
export function kubeconfigPath(p: NameParts & { readonly kubeconfig?: { readonly path?: string } }): string {
  return p.kubeconfig?.path ?? `${KUBECONFIG_DIR}/${p.name}.yaml`;
}
