import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { policyDocument } from "../lib/iam";
import { interruptionRuleNames, type InterruptionEventPattern } from "../lib/interruption-events";
import { requireValidProps } from "../lib/validation";

/** Props of {@link InterruptionQueue}. */
export interface InterruptionQueueProps {
  /** Name of the SQS queue (1-80 letters, digits, `-` and `_`). */
  readonly queueName: string;
  /** Prefix of the EventBridge rule names: each rule is `<prefix>-<event suffix>`. */
  readonly ruleNamePrefix: string;
  /** Who reads the queue, the start of each rule's description: "Karpenter of acme-dev-eks". */
  readonly reader: string;
  /** The events the rules forward, by rule name suffix, in rule order (at least one). */
  readonly events: Readonly<Record<string, InterruptionEventPattern>>;
}

/**
 * Defines an SQS queue that EventBridge fills with the events announcing a node's end, read by a
 * controller that drains the node in time: the queue (SQS-managed encryption, 5-minute retention,
 * as such events are stale after that), one rule and target per event, and a queue policy that
 * admits only these rules, over TLS. The resources are named `<id>_queue`, `<id>_rule_<event>`,
 * `<id>_target_<event>` and `<id>_queue_policy`.
 *
 * @see https://github.com/aws/aws-node-termination-handler#queue-processor
 * @see https://karpenter.sh/docs/concepts/disruption/#interruption
 */
export class InterruptionQueue extends Construct {
  readonly queue: SqsQueue;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** The queue's name, as controllers are configured with it. */
  readonly queueName: string;
  /** The rules by event suffix. */
  readonly rules: Record<string, CloudwatchEventRule> = {};

  constructor(scope: Construct, id: string, props: InterruptionQueueProps) {
    super(scope, id);
    const events = Object.entries(props.events);
    // The queue and rule names are the config's (checked there); the events are the callers' code.
    requireValidProps("InterruptionQueue", [["events", Object.keys(props.events), events.length === 0 && "must name at least one event"]]);
    const ruleNames = interruptionRuleNames(props.ruleNamePrefix, props.events);

    this.queueName = props.queueName;
    this.queue = new SqsQueue(this, "queue", { name: props.queueName, messageRetentionSeconds: 300, sqsManagedSseEnabled: true });
    this.queueUrl = this.queue.url;
    this.queueArn = this.queue.arn;
    events.forEach(([suffix, pattern], i) => {
      const id = suffix.replace(/-/g, "_");
      const rule = new CloudwatchEventRule(this, `rule_${id}`, {
        name: ruleNames[i],
        description: `${props.reader}: ${pattern["detail-type"][0]}`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `target_${id}`, { rule: rule.name, arn: this.queue.arn });
      this.rules[suffix] = rule;
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
          Condition: { ArnEquals: { "aws:SourceArn": Object.values(this.rules).map((r) => r.arn) } },
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
