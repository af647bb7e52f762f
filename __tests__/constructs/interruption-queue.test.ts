import { describe, expect, it } from "vitest";
import { InterruptionQueue, type InterruptionQueueProps } from "../../src/constructs/interruption-queue";
import { EC2_INTERRUPTION_EVENTS } from "../../src/lib/interruption-events";
import { PropsError } from "../../src/lib/validation";
import { onlyResource, policyOf, resourcesOf, synthConstruct } from "../helpers/synth";

const props: InterruptionQueueProps = {
  queueName: "fixture-test-eks-karpenter",
  ruleNamePrefix: "fixture-test-eks-karpenter",
  reader: "Karpenter of fixture-test-eks",
  events: EC2_INTERRUPTION_EVENTS,
};

describe("InterruptionQueue", () => {
  const json = synthConstruct((s) => new InterruptionQueue(s, "interruption", props));

  it("defines an encrypted queue that keeps events five minutes", () => {
    expect(onlyResource(json, "aws_sqs_queue")).toMatchObject({
      name: "fixture-test-eks-karpenter",
      message_retention_seconds: 300,
      sqs_managed_sse_enabled: true,
    });
  });

  it("forwards each EC2 interruption event to the queue with a rule of its own", () => {
    const rules = resourcesOf(json, "aws_cloudwatch_event_rule");
    expect(Object.keys(rules).sort()).toEqual([
      "interruption_rule_rebalance",
      "interruption_rule_scheduled_change",
      "interruption_rule_spot_interruption",
      "interruption_rule_state_change",
    ]);
    expect(rules.interruption_rule_spot_interruption).toMatchObject({
      name: "fixture-test-eks-karpenter-spot-interruption",
      description: "Karpenter of fixture-test-eks: EC2 Spot Instance Interruption Warning",
    });
    expect(JSON.parse(rules.interruption_rule_scheduled_change.event_pattern as string)).toEqual({
      source: ["aws.health"],
      "detail-type": ["AWS Health Event"],
      detail: { service: ["EC2"], eventTypeCategory: ["scheduledChange"] },
    });
    const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(4);
    for (const t of targets) expect(t.arn).toBe("${aws_sqs_queue.interruption_queue.arn}");
  });

  it("admits only its own rules, and only over TLS", () => {
    const [allow, deny] = policyOf(onlyResource(json, "aws_sqs_queue_policy").policy).Statement;
    expect(allow.Action).toBe("sqs:SendMessage");
    expect(allow.Condition).toEqual({
      ArnEquals: {
        "aws:SourceArn": [
          "${aws_cloudwatch_event_rule.interruption_rule_spot_interruption.arn}",
          "${aws_cloudwatch_event_rule.interruption_rule_rebalance.arn}",
          "${aws_cloudwatch_event_rule.interruption_rule_state_change.arn}",
          "${aws_cloudwatch_event_rule.interruption_rule_scheduled_change.arn}",
        ],
      },
    });
    expect(deny).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it.each([[{ events: {} }, "InterruptionQueue: events must name at least one event (got [])"]])("refuses %j", (override, message) => {
    expect(() => synthConstruct((s) => new InterruptionQueue(s, "q", { ...props, ...override }))).toThrow(PropsError);
    expect(() => synthConstruct((s) => new InterruptionQueue(s, "q", { ...props, ...override }))).toThrow(message);
  });
});
