import { Lazy, type TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { AlarmKind, alarmName, alarmTopicName, MAX_ALARM_NAME_LENGTH, pipelineFailureRuleName, RUNBOOK_ANCHOR } from "../../model/alarms";
import { ConstructError } from "../../model/errors";
import { policyJson, type PolicyStatement, denyInsecureTransport } from "../blocks/policy";
import { stateMachineArn, eventRuleArn, cloudwatchAlarmArn, accountRootArn } from "../../model/names";

export interface AlarmsProps {
  /** Environment name: the topic and rule names start with it. */
  readonly envName: string;
  /** The environment's account (topic policy conditions, literal ARNs). */
  readonly accountId: string;
  /** The environment's main region: alarms on resources there notify the main topic. */
  readonly region: string;
  /** An SNS topic that exists in the main region; its policy is managed where it was made. @default a topic `<env>-edge-alarms` created here */
  readonly existingTopicArn?: string;
  /** E-mail addresses subscribed to the topics created here (each confirms once). @default none */
  readonly emails?: readonly string[];
}

/** Where a watched resource lives, when not in the main region (e.g. us-east-1 for CloudFront events). */
export interface AlarmPlacement {
  /** The provider of the resource's region. @default the stack's default provider */
  readonly provider?: TerraformProvider;
  /** That provider's region; alarms notify a topic of their own region only. @default the main region */
  readonly region?: string;
}

export interface WatchOptions extends AlarmPlacement {
  /** What the resource is, for the alarm's description ("invalidation dead-letter queue of prod-shop-web"). */
  readonly what: string;
  /** The runbook line to follow, as the runbook table in docs/alarms.md names it. @default the kind's line */
  readonly runbook?: string;
}

/** One alarm the module made, for tests and for callers that add it elsewhere (dashboards). */
export interface WatchedAlarm {
  readonly kind: AlarmKind;
  readonly name: string;
  readonly alarm: CloudwatchMetricAlarm;
}

const PERIOD_SECONDS = 300;

/**
 * Per environment: an SNS topic (or an existing one) that pages someone, CloudWatch alarms on what can fail
 * silently, and an EventBridge rule for failed release pipelines. Other modules register what they own with
 * `watchQueue`, `watchFunction`, `watchStateMachine` and `watchPipeline`, so a new module adds its alarms with one
 * call and the topic policy admits them automatically.
 *
 * Every alarm fires on the first occurrence (threshold 0, one period, missing data is not breaching) and reports
 * recovery (OK) too. Its description names the runbook line (docs/alarms.md) to follow.
 *
 * Owns: the topics it creates, their policies and e-mail subscriptions, every alarm, the pipeline rule and its
 * target. Leaves alone: an existing topic (its policy must admit CloudWatch and EventBridge: docs/alarms.md).
 */
export class Alarms extends Construct {
  /** The main region's topic ARN (created here or existing). */
  readonly topicArn: string;
  /** Every alarm made so far. */
  readonly alarms: WatchedAlarm[] = [];
  /** The rule for failed pipelines, once a pipeline is watched. */
  pipelineRule?: CloudwatchEventRule;
  private readonly topics = new Map<string, { arn: string; alarmArns: string[]; ruleArns: string[] }>();
  private readonly pipelines: string[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AlarmsProps,
  ) {
    super(scope, id);
    this.topicArn = this.topicFor({}).arn;
  }

  /** Dead-letter queue depth > 0: messages that failed every retry wait there for someone to look. */
  watchQueue(id: string, queueName: string, o: WatchOptions): WatchedAlarm {
    return this.metricAlarm(id, queueName, AlarmKind.DLQ_DEPTH, o, {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queueName },
      statistic: "Maximum",
    });
  }

  /** Errors > 0 and Throttles > 0 of a Lambda function. */
  watchFunction(id: string, functionName: string, o: WatchOptions): WatchedAlarm[] {
    const metric = (metricName: string) => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: functionName }, statistic: "Sum" });
    return [
      this.metricAlarm(`${id}-errors`, functionName, AlarmKind.FUNCTION_ERRORS, o, metric("Errors")),
      this.metricAlarm(`${id}-throttles`, functionName, AlarmKind.FUNCTION_THROTTLES, o, metric("Throttles")),
    ];
  }

  /** ExecutionsFailed > 0 and ExecutionsTimedOut > 0 of a state machine (by name and its literal ARN). */
  watchStateMachine(id: string, stateMachineName: string, o: WatchOptions): WatchedAlarm[] {
    const region = o.region ?? this.props.region;
    const arn = stateMachineArn(region, this.props.accountId, stateMachineName);
    const metric = (metricName: string) => ({ namespace: "AWS/States", metricName, dimensions: { StateMachineArn: arn }, statistic: "Sum" });
    return [
      this.metricAlarm(`${id}-failed`, stateMachineName, AlarmKind.EXECUTIONS_FAILED, o, metric("ExecutionsFailed")),
      this.metricAlarm(`${id}-timed-out`, stateMachineName, AlarmKind.EXECUTIONS_TIMED_OUT, o, metric("ExecutionsTimedOut")),
    ];
  }

  /**
   * BlockedRequests of a web ACL with scope CLOUDFRONT above `threshold` in 5 minutes (all rules: `Rule=ALL`). WAF
   * publishes CloudFront web ACLs' metrics in us-east-1 with the dimensions WebACL and Rule, without Region
   * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html): pass the us-east-1 placement.
   */
  watchWebAcl(id: string, webAclName: string, o: WatchOptions & { readonly threshold: number }): WatchedAlarm {
    return this.metricAlarm(
      id,
      webAclName,
      AlarmKind.WAF_BLOCKED_REQUESTS,
      o,
      { namespace: "AWS/WAFV2", metricName: "BlockedRequests", dimensions: { WebACL: webAclName, Rule: "ALL" }, statistic: "Sum" },
      o.threshold,
    );
  }

  /**
   * Failed executions of a CodePipeline pipeline in the main region: one EventBridge rule per environment matches
   * "CodePipeline Pipeline Execution State Change" with state FAILED for every watched pipeline and sends a readable
   * message to the topic.
   */
  watchPipeline(pipelineName: string): void {
    this.pipelines.push(pipelineName);
    if (this.pipelineRule) return;
    const name = pipelineFailureRuleName(this.props.envName);
    this.pipelineRule = new CloudwatchEventRule(this, "pipeline-failed", {
      name,
      description: `Failed release pipelines of ${this.props.envName}; runbook: ${RUNBOOK_ANCHOR} (${AlarmKind.PIPELINE_FAILED})`,
      eventPattern: Lazy.stringValue({
        produce: () =>
          JSON.stringify({
            source: ["aws.codepipeline"],
            "detail-type": ["CodePipeline Pipeline Execution State Change"],
            detail: { state: ["FAILED"], pipeline: [...this.pipelines].sort() },
          }),
      }),
    });
    new CloudwatchEventTarget(this, "pipeline-failed-target", {
      rule: this.pipelineRule.name,
      targetId: "alarm-topic",
      arn: this.topicArn,
      inputTransformer: {
        inputPaths: { pipeline: "$.detail.pipeline", execution: "$.detail.execution-id", time: "$.time" },
        inputTemplate: `"Release pipeline <pipeline> execution <execution> FAILED at <time>. Runbook: ${RUNBOOK_ANCHOR} (${AlarmKind.PIPELINE_FAILED})."`,
      },
    });
    this.topics.get(this.props.region)!.ruleArns.push(eventRuleArn(this.props.region, this.props.accountId, name));
  }

  private metricAlarm(
    id: string,
    resourceName: string,
    kind: AlarmKind,
    o: WatchOptions,
    metric: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string },
    threshold = 0,
  ): WatchedAlarm {
    const name = alarmName(resourceName, kind);
    // Names come from resource names the schema bounds; a caller passing something longer is a wiring bug.
    if (name.length > MAX_ALARM_NAME_LENGTH) ConstructError.fail(this, `alarm name "${name}" exceeds CloudWatch's ${MAX_ALARM_NAME_LENGTH} characters`);
    const topic = this.topicFor(o);
    const alarm = new CloudwatchMetricAlarm(this, id, {
      provider: o.provider,
      alarmName: name,
      alarmDescription: `${kind} of ${o.what}. Runbook: ${RUNBOOK_ANCHOR} (${o.runbook ?? kind})`,
      ...metric,
      period: PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold,
      comparisonOperator: "GreaterThanThreshold",
      // No data means nothing happened (no invocations, an empty queue): not an alarm.
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    });
    topic.alarmArns.push(cloudwatchAlarmArn(o.region ?? this.props.region, this.props.accountId, name));
    const watched = { kind, name, alarm };
    this.alarms.push(watched);
    return watched;
  }

  /** The topic of a region: CloudWatch alarms notify topics of their own region only. */
  private topicFor(o: AlarmPlacement): { arn: string; alarmArns: string[]; ruleArns: string[] } {
    const region = o.region ?? this.props.region;
    const existing = this.topics.get(region);
    if (existing) return existing;
    const main = region === this.props.region;
    if (main && this.props.existingTopicArn) {
      const entry = { arn: this.props.existingTopicArn, alarmArns: [], ruleArns: [] };
      this.topics.set(region, entry);
      return entry;
    }
    const suffix = main ? "" : `-${region}`;
    // Not encrypted here: CloudWatch and EventBridge cannot publish to a topic encrypted with the AWS managed SNS key,
    // and alarm messages carry no secrets (names and states only). With `messageEncryption` the MessageEncryption
    // aspect sets the customer managed key, whose policy must admit both services.
    const topic = new SnsTopic(this, `topic${suffix}`, { provider: o.provider, name: alarmTopicName(this.props.envName, main ? undefined : region) });
    const entry = { arn: topic.arn, alarmArns: [] as string[], ruleArns: [] as string[] };
    this.topics.set(region, entry);
    new SnsTopicPolicy(this, `topic-policy${suffix}`, {
      provider: o.provider,
      arn: topic.arn,
      // Rendered at synth time, after every module has registered its alarms.
      policy: Lazy.stringValue({ produce: () => this.topicPolicy(topic.arn, entry) }),
    });
    (this.props.emails ?? []).forEach(
      (email, i) => new SnsTopicSubscription(this, `email${suffix}-${i}`, { provider: o.provider, topicArn: topic.arn, protocol: "email", endpoint: email }),
    );
    return entry;
  }

  /** Only this account's named alarms and rule may publish; the account keeps managing the topic. */
  private topicPolicy(topicArn: string, entry: { alarmArns: string[]; ruleArns: string[] }): string {
    const publisher = (sid: string, service: string, sources: string[]): PolicyStatement[] =>
      sources.length === 0
        ? []
        : [
            {
              Sid: sid,
              Effect: "Allow",
              Principal: { Service: service },
              Action: "sns:Publish",
              Resource: topicArn,
              Condition: { ArnEquals: { "aws:SourceArn": sources }, StringEquals: { "aws:SourceAccount": this.props.accountId } },
            },
          ];
    return policyJson({
      Version: "2012-10-17",
      Statement: [
        denyInsecureTransport("sns", topicArn),
        {
          Sid: "AccountManagesTopic",
          Effect: "Allow",
          Principal: { AWS: accountRootArn(this.props.accountId) },
          Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
          Resource: topicArn,
        },
        ...publisher("CloudWatchAlarms", "cloudwatch.amazonaws.com", entry.alarmArns),
        ...publisher("FailedPipelineRule", "events.amazonaws.com", entry.ruleArns),
      ],
    });
  }
}
