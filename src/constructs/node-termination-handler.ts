import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import { policyDocument, type Statement } from "../lib/iam";
import { NODE_TERMINATION_HANDLER_CHART } from "../lib/helm-charts";
import { NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT } from "../lib/naming";
import { requireValidProps } from "../lib/validation";

/** The EventBridge events that mean a node is about to go, by rule name suffix. */
const TERMINATION_EVENTS: Readonly<Record<string, { source: string[]; "detail-type": string[]; detail?: Record<string, unknown> }>> = {
  "asg-termination": { source: ["aws.autoscaling"], "detail-type": ["EC2 Instance-terminate Lifecycle Action"] },
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  "scheduled-change": {
    source: ["aws.health"],
    "detail-type": ["AWS Health Event"],
    detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
  },
};

/** Props of {@link NodeTerminationQueue}. */
export interface NodeTerminationQueueProps {
  /** Prefix of the queue and rule names: the cluster name. */
  readonly name: string;
  /** Self-managed autoscaling group names whose lifecycle events are forwarded. */
  readonly autoscalingGroupNames: readonly string[];
}

/**
 * The AWS side of the AWS Node Termination Handler in queue mode: an SQS queue (SQS-managed
 * encryption) that EventBridge fills with the events that precede a node's end (an autoscaling
 * termination lifecycle action of this cluster's self-managed groups, spot interruptions, rebalance
 * recommendations, instance state changes and scheduled maintenance). The handler cordons and
 * drains the node, then completes the lifecycle action so the group terminates it.
 *
 * @see https://github.com/aws/aws-node-termination-handler#queue-processor
 */
export class NodeTerminationQueue extends Construct {
  readonly queue: SqsQueue;
  readonly queueUrl: string;
  readonly queueArn: string;

  constructor(scope: Construct, id: string, props: NodeTerminationQueueProps) {
    super(scope, id);
    requireValidProps("NodeTerminationQueue", [
      ["autoscalingGroupNames", props.autoscalingGroupNames, props.autoscalingGroupNames.length === 0 && "must name at least one group"],
    ]);
    this.queue = new SqsQueue(this, "queue", {
      name: `${props.name}-node-termination`,
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    this.queueUrl = this.queue.url;
    this.queueArn = this.queue.arn;
    const rules = Object.entries(TERMINATION_EVENTS).map(([suffix, pattern]) => {
      const eventPattern =
        suffix === "asg-termination" ? { ...pattern, detail: { AutoScalingGroupName: [...props.autoscalingGroupNames] } } : pattern;
      const rule = new CloudwatchEventRule(this, `rule_${suffix.replace(/-/g, "_")}`, {
        name: `${props.name}-nth-${suffix}`,
        description: `Node Termination Handler of ${props.name}: ${pattern["detail-type"][0]}`,
        eventPattern: JSON.stringify(eventPattern),
      });
      new CloudwatchEventTarget(this, `target_${suffix.replace(/-/g, "_")}`, { rule: rule.name, arn: this.queue.arn });
      return rule;
    });
    new SqsQueuePolicy(this, "queue_policy", {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          Sid: "EventBridgeRulesOfThisCluster",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
          Action: "sqs:SendMessage",
          Resource: this.queue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: this.queue.arn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
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
export class NodeTerminationHandler extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: NodeTerminationHandlerProps) {
    super(scope, id);
    const sa = NODE_TERMINATION_HANDLER_SERVICE_ACCOUNT;
    this.release = new Release(this, "release", {
      name: "aws-node-termination-handler",
      namespace: sa.namespace,
      repository: NODE_TERMINATION_HANDLER_CHART.repository,
      chart: NODE_TERMINATION_HANDLER_CHART.chart,
      version: NODE_TERMINATION_HANDLER_CHART.version,
      values: [
        stringify({
          enableSqsTerminationDraining: true,
          queueURL: props.queueUrl,
          awsRegion: props.region,
          checkTagBeforeDraining: true,
          managedTag: props.managedTag,
          serviceAccount: { create: true, name: sa.name, annotations: { "eks.amazonaws.com/role-arn": props.roleArn } },
        }),
      ],
      wait: true,
      timeout: 600,
      dependsOn: props.dependsOn,
    });
  }
}
