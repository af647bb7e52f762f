import { describe, expect, it } from "vitest";
import { NodeTerminationQueue } from "../../src/constructs/node-termination-handler";
import { PropsError } from "../../src/lib/validation";
import { addresses, resourcesOf, synthConstruct } from "../helpers/synth";

describe("NodeTerminationQueue", () => {
  const json = synthConstruct(
    (s) => new NodeTerminationQueue(s, "node_termination", { name: "fixture-bravo-eks", autoscalingGroupNames: ["fixture-bravo-eks-app"] }),
  );

  it("keeps the addresses and names deployed queues have (the shared InterruptionQueue changed none)", () => {
    expect(addresses(json).filter((a) => !a.startsWith("data."))).toEqual([
      "aws_cloudwatch_event_rule.node_termination_rule_asg_termination",
      "aws_cloudwatch_event_rule.node_termination_rule_rebalance",
      "aws_cloudwatch_event_rule.node_termination_rule_scheduled_change",
      "aws_cloudwatch_event_rule.node_termination_rule_spot_interruption",
      "aws_cloudwatch_event_rule.node_termination_rule_state_change",
      "aws_cloudwatch_event_target.node_termination_target_asg_termination",
      "aws_cloudwatch_event_target.node_termination_target_rebalance",
      "aws_cloudwatch_event_target.node_termination_target_scheduled_change",
      "aws_cloudwatch_event_target.node_termination_target_spot_interruption",
      "aws_cloudwatch_event_target.node_termination_target_state_change",
      "aws_sqs_queue.node_termination_queue",
      "aws_sqs_queue_policy.node_termination_queue_policy",
    ]);
    expect(resourcesOf(json, "aws_sqs_queue").node_termination_queue.name).toBe("fixture-bravo-eks-node-termination");
    expect(resourcesOf(json, "aws_cloudwatch_event_rule").node_termination_rule_rebalance.name).toBe("fixture-bravo-eks-nth-rebalance");
  });

  it("forwards the termination lifecycle actions of this cluster's self-managed groups only", () => {
    const rule = resourcesOf(json, "aws_cloudwatch_event_rule").node_termination_rule_asg_termination;
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
      detail: { AutoScalingGroupName: ["fixture-bravo-eks-app"] },
    });
    expect(rule.description).toBe("Node Termination Handler of fixture-bravo-eks: EC2 Instance-terminate Lifecycle Action");
  });

  it("refuses to be built without a group", () => {
    expect(() => synthConstruct((s) => new NodeTerminationQueue(s, "q", { name: "c", autoscalingGroupNames: [] }))).toThrow(
      new PropsError("NodeTerminationQueue", ["autoscalingGroupNames must name at least one group (got [])"]),
    );
  });
});
