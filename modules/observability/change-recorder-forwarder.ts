import type { TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { RECORDER_LIMITS, RECORDER_REGION, changeRecorderNames } from "../../model/change-recorder";
import { ConstructError } from "../../model/errors";
import { DeadLetterQueue } from "../blocks/dead-letter-queue";
import { escapeTerraformTemplates } from "../blocks/policy";
import { ServiceRole } from "../blocks/service-role";
import { eventBusArn, eventRuleArn } from "../../model/names";

export interface ChangeRecorderForwarderProps {
  /** Environment name, the first part of every resource name. */
  readonly envName: string;
  /** The account. */
  readonly accountId: string;
  /** The region whose events are forwarded (not us-east-1). */
  readonly region: string;
  /** Provider for that region. */
  readonly provider: TerraformProvider;
  /** The pattern of the events to forward (S3 bucket configuration of the site buckets). */
  readonly eventPattern: object;
}

/**
 * Forwards one region's matching CloudTrail events to the default event bus in us-east-1, where the recorder's rules
 * pick them up (EventBridge cannot target a Lambda function in another region, but can target an event bus:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html). Retries and a dead-letter queue in
 * the rule's region (EventBridge requires the queue in the rule's region); the stack registers that queue with the
 * environment's Alarms in this region (`deadLetterQueueName`).
 *
 * Owns: the rule, its target, the forwarding role and policy, the regional dead-letter queue and its policy.
 */
export class ChangeRecorderForwarder extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly deadLetterQueue: SqsQueue;
  /** The regional dead-letter queue's name (for alarms). */
  readonly deadLetterQueueName: string;

  constructor(scope: Construct, id: string, props: ChangeRecorderForwarderProps) {
    super(scope, id);
    if (props.region === RECORDER_REGION) ConstructError.fail(this, `events in ${RECORDER_REGION} reach the recorder's own rules; no forwarder is needed`);
    const names = changeRecorderNames(props.envName, props.accountId);
    const provider = props.provider;
    const ruleName = names.forwarderRuleName(props.region);
    const ruleArn = eventRuleArn(props.region, props.accountId, ruleName);
    const targetBus = eventBusArn(RECORDER_REGION, props.accountId, "default");
    this.deadLetterQueueName = names.forwarderDeadLetterQueueName;

    this.deadLetterQueue = DeadLetterQueue.resources(
      this,
      { queue: "dlq", policy: "dlq-policy" },
      {
        provider,
        name: names.forwarderDeadLetterQueueName,
        accountId: props.accountId,
        region: props.region,
        fromRules: { sid: "AllowTheForwardingRule", ruleArns: ruleArn },
      },
    );

    const { role } = ServiceRole.resources(
      this,
      { role: "role", policy: "role-policy" },
      {
        provider,
        name: names.forwarderRoleName,
        suffix: props.region,
        roleName: `${names.forwarderRoleName}-${props.region}`,
        description: `Forwards ${props.envName}'s change events from ${props.region} to ${RECORDER_REGION}`,
        service: "events.amazonaws.com",
        accountId: props.accountId,
        policyName: "forward-to-recorder-region",
        policyRoleAttribute: "name",
        statements: [{ Sid: "PutOnRecorderBus", Effect: "Allow", Action: "events:PutEvents", Resource: targetBus }],
      },
    );

    this.rule = new CloudwatchEventRule(this, "rule", {
      provider,
      name: ruleName,
      description: `Forwards ${props.envName}'s ${props.region} change events to the change recorder in ${RECORDER_REGION}`,
      eventPattern: escapeTerraformTemplates(JSON.stringify(props.eventPattern)),
    });
    new CloudwatchEventTarget(this, "target", {
      provider,
      rule: this.rule.name,
      targetId: "recorder-region-bus",
      arn: targetBus,
      roleArn: role.arn,
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: RECORDER_LIMITS.eventBridgeMaxEventAgeSeconds },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
  }
}
