import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Construct } from "constructs";
import { EC2_INTERRUPTION_EVENTS } from "../../lib/interruption-events";
import { KARPENTER_SERVICE_ACCOUNT, karpenterQueueName } from "../../lib/naming";
import type { IEksClusterName } from "../eks";
import { NodeRole } from "../eks-worker-nodes";
import { InterruptionQueue } from "../interruption-queue";
import { IrsaRole, type OidcProvider } from "../irsa-role";
import { karpenterControllerStatements } from "./controller-policy";

/** Props of {@link KarpenterAws}. */
export interface KarpenterAwsProps {
  /** The cluster Karpenter scales (an {@link Eks}). */
  readonly cluster: IEksClusterName;
  /** The cluster's IAM OIDC provider, which the controller's IRSA role trusts. */
  readonly oidc: OidcProvider;
  /** Name of the controller's IRSA role. */
  readonly controllerRoleName: string;
  /** Name of the role of the nodes Karpenter launches. */
  readonly nodeRoleName: string;
  /** The AWS partition, for ARNs. */
  readonly partition: string;
  readonly region: string;
  /** The cluster's account, which scopes the controller's ARNs. @default - any account ("*") */
  readonly accountId?: string;
}

/**
 * Defines the AWS side of Karpenter: the role of the nodes it launches (the worker node minimum,
 * like the node groups' role) with an EC2_LINUX access entry so they join the cluster, its
 * interruption queue (an {@link InterruptionQueue} of the EC2 interruption events, so Karpenter
 * drains a node before a spot reclaim or maintenance takes it), and the controller's IRSA role,
 * trusted only by `kube-system/karpenter`, with a policy scoped to this cluster
 * ({@link karpenterControllerStatements}).
 *
 * There is no instance profile here: Karpenter creates one per EC2NodeClass from the node role's
 * name (under the path `/karpenter/<region>/<cluster>/`), and deletes it with the EC2NodeClass;
 * the controller policy allows exactly that.
 *
 * @see https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/
 */
export class KarpenterAws extends Construct {
  /** The node role (EC2NodeClass `spec.role` takes its name). */
  readonly nodeRole: IamRole;
  readonly nodeRoleName: string;
  readonly accessEntry: EksAccessEntry;
  readonly interruptionQueue: InterruptionQueue;
  /** The queue's name (Karpenter's `settings.interruptionQueue`). */
  readonly interruptionQueueName: string;
  readonly controllerRole: IrsaRole;

  constructor(scope: Construct, id: string, props: KarpenterAwsProps) {
    super(scope, id);
    const clusterName = props.cluster.clusterName;
    const node = new NodeRole(this, "node", {
      roleName: props.nodeRoleName,
      clusterName,
      partition: props.partition,
      description: `Nodes Karpenter launches for ${clusterName}`,
    });
    this.nodeRole = node.role;
    this.nodeRoleName = props.nodeRoleName;
    this.accessEntry = new EksAccessEntry(this, "node_access_entry", {
      clusterName: props.cluster.clusterNameRef,
      principalArn: node.roleArn,
      type: "EC2_LINUX",
    });
    this.interruptionQueueName = karpenterQueueName(clusterName);
    this.interruptionQueue = new InterruptionQueue(this, "interruption", {
      queueName: this.interruptionQueueName,
      ruleNamePrefix: this.interruptionQueueName,
      reader: `Karpenter of ${clusterName}`,
      events: EC2_INTERRUPTION_EVENTS,
    });
    this.controllerRole = new IrsaRole(this, "controller", {
      cluster: props.oidc,
      roleName: props.controllerRoleName,
      description: `Karpenter of ${clusterName}`,
      namespace: KARPENTER_SERVICE_ACCOUNT.namespace,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT.name,
      statements: karpenterControllerStatements({
        clusterName,
        partition: props.partition,
        region: props.region,
        account: props.accountId ?? "*",
        nodeRoleArn: node.roleArn,
        queueArn: this.interruptionQueue.queueArn,
      }),
    });
  }
}
