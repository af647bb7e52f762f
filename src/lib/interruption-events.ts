/**
 * The EventBridge events that announce the end of an EC2 instance, which the interruption queues
 * of the Node Termination Handler and Karpenter receive. Plain data: the constructs build rules
 * from it, the config validation checks the rule names it makes.
 */

/** An EventBridge event pattern (the fields this project filters on). */
export interface InterruptionEventPattern {
  readonly source: readonly string[];
  readonly "detail-type": readonly string[];
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * By rule name suffix: a spot interruption warning (two minutes ahead), a rebalance
 * recommendation, an instance state change (stopping, terminated) and scheduled EC2 maintenance
 * from AWS Health.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
 */
export const EC2_INTERRUPTION_EVENTS: Readonly<Record<string, InterruptionEventPattern>> = {
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  "scheduled-change": {
    source: ["aws.health"],
    "detail-type": ["AWS Health Event"],
    detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
  },
};

/**
 * The events of the Node Termination Handler's queue, by rule name suffix: the termination
 * lifecycle actions of the cluster's self-managed groups, then {@link EC2_INTERRUPTION_EVENTS}.
 * The config checks the rule names they make with no group names (names do not depend on them).
 */
export function nodeTerminationEvents(autoscalingGroupNames: readonly string[]): Record<string, InterruptionEventPattern> {
  return {
    "asg-termination": {
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
      detail: { AutoScalingGroupName: [...autoscalingGroupNames] },
    },
    ...EC2_INTERRUPTION_EVENTS,
  };
}

/** The EventBridge rule names of a queue whose rules are `<prefix>-<event>`. */
export function interruptionRuleNames(prefix: string, events: Readonly<Record<string, unknown>> = EC2_INTERRUPTION_EVENTS): string[] {
  return Object.keys(events).map((suffix) => `${prefix}-${suffix}`);
}
