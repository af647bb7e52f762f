import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { Statement } from "../lib/iam";
import { NODE_TERMINATION_HANDLER_CHART } from "../lib/helm-charts";
import { NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT, nodeTerminationQueueName, nodeTerminationRulePrefix } from "../lib/naming";
import { requireValidProps } from "../lib/validation";
import { nodeTerminationEvents } from "../lib/interruption-events";
import { HelmAddon } from "./helm-addon";
import { InterruptionQueue } from "./interruption-queue";

/** Props of {@link NodeTerminationQueue}. */
export interface NodeTerminationQueueProps {
  /** Prefix of the queue and rule names: the cluster name. */
  readonly name: string;
  /** Self-managed autoscaling group names whose lifecycle events are forwarded. */
  readonly autoscalingGroupNames: readonly string[];
}

/**
 * The AWS side of the AWS Node Termination Handler in queue mode: an {@link InterruptionQueue}
 * (`<cluster>-node-termination`, rules `<cluster>-nth-<event>`) fed with the termination lifecycle
 * actions of this cluster's self-managed groups and the EC2 interruption events (spot
 * interruptions, rebalance recommendations, instance state changes and scheduled maintenance). The
 * handler cordons and drains the node, then completes the lifecycle action so the group terminates it.
 *
 * @see https://github.com/aws/aws-node-termination-handler#queue-processor
 */
export class NodeTerminationQueue extends InterruptionQueue {
  constructor(scope: Construct, id: string, props: NodeTerminationQueueProps) {
    requireValidProps("NodeTerminationQueue", [
      ["autoscalingGroupNames", props.autoscalingGroupNames, props.autoscalingGroupNames.length === 0 && "must name at least one group"],
    ]);
    super(scope, id, {
      queueName: nodeTerminationQueueName(props.name),
      ruleNamePrefix: nodeTerminationRulePrefix(props.name),
      reader: `Node Termination Handler of ${props.name}`,
      events: nodeTerminationEvents(props.autoscalingGroupNames),
    });
  }
}

/** What the handler calls: read and delete its queue's messages, complete lifecycle actions. */
export function nodeTerminationHandlerStatements(p: { readonly queueArn: string; readonly autoscalingGroupArns: string }): Statement[] {
  return [
    { Sid: "ReadItsQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: p.queueArn },
    {
      Sid: "ReleaseDrainedNodes",
      Effect: "Allow",
      Action: "autoscaling:CompleteLifecycleAction",
      Resource: p.autoscalingGroupArns,
    },
    {
      Sid: "DescribeNodes",
      Effect: "Allow",
      Action: ["autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances"],
      Resource: "*",
    },
  ];
}

/** Props of {@link NodeTerminationHandler}. */
export interface NodeTerminationHandlerProps {
  readonly region: string;
  readonly queueUrl: string;
  /** The handler's IRSA role. */
  readonly roleArn: string;
  /** The instance tag the handler requires before it drains a node (set by the self-managed groups). */
  readonly managedTag: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The AWS Node Termination Handler, installed with its Helm chart in queue-processor mode: one
 * deployment that reads the {@link NodeTerminationQueue}, and drains only nodes carrying this
 * cluster's tag.
 */
export class NodeTerminationHandler extends HelmAddon {
  constructor(scope: Construct, id: string, props: NodeTerminationHandlerProps) {
    super(scope, id, {
      name: "aws-node-termination-handler",
      chart: NODE_TERMINATION_HANDLER_CHART,
      serviceAccount: NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT,
      roleArn: props.roleArn,
      values: (serviceAccount) => ({
        enableSqsTerminationDraining: true,
        queueURL: props.queueUrl,
        awsRegion: props.region,
        checkTagBeforeDraining: true,
        managedTag: props.managedTag,
        serviceAccount,
      }),
      dependsOn: props.dependsOn,
    });
  }
}
