import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Alarms, type AlarmsProps } from "./alarms";
import { AlarmKind } from "../../model/alarms";

const base: AlarmsProps = { envName: "prod", accountId: "345678901234", region: "ap-northeast-1" };

function synth(props: Partial<AlarmsProps>, register: (a: Alarms, stack: TerraformStack) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const alarms = new Alarms(stack, "alarms", { ...base, ...props });
  register(alarms, stack);
  const json = JSON.parse(Testing.synth(stack));
  const of = (type: string) => Object.values<any>(json.resource[type] ?? {});
  return { json, alarms, of };
}

test("a dead-letter queue alarms on its first visible message and reports recovery", () => {
  const { of } = synth({}, (a) => a.watchQueue("dlq", "prod-shop-web-invalidation-dlq", { what: "the invalidation DLQ of web" }));
  const [alarm] = of("aws_cloudwatch_metric_alarm");
  expect(alarm).toMatchObject({
    alarm_name: "prod-shop-web-invalidation-dlq-depth",
    namespace: "AWS/SQS",
    metric_name: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: "prod-shop-web-invalidation-dlq" },
    statistic: "Maximum",
    threshold: 0,
    comparison_operator: "GreaterThanThreshold",
    evaluation_periods: 1,
    treat_missing_data: "notBreaching",
    alarm_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/)],
    ok_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/)],
  });
  expect(alarm.alarm_description).toContain("docs/alarms.md#alarms-runbook (dlq-depth)");
});

test("a function gets Errors and Throttles alarms; a state machine ExecutionsFailed and ExecutionsTimedOut", () => {
  const { of, alarms } = synth({}, (a) => {
    a.watchFunction("inv", "prod-shop-web-invalidator", { what: "invalidator" });
    a.watchStateMachine("configure", "prod-shop-web-configure", { what: "Configure" });
  });
  const rows = of("aws_cloudwatch_metric_alarm").map((a) => [a.namespace, a.metric_name, a.statistic, a.dimensions]);
  expect(rows.sort((x, y) => `${x[0]}${x[1]}`.localeCompare(`${y[0]}${y[1]}`))).toEqual([
    ["AWS/Lambda", "Errors", "Sum", { FunctionName: "prod-shop-web-invalidator" }],
    ["AWS/Lambda", "Throttles", "Sum", { FunctionName: "prod-shop-web-invalidator" }],
    ["AWS/States", "ExecutionsFailed", "Sum", { StateMachineArn: "arn:aws:states:ap-northeast-1:345678901234:stateMachine:prod-shop-web-configure" }],
    ["AWS/States", "ExecutionsTimedOut", "Sum", { StateMachineArn: "arn:aws:states:ap-northeast-1:345678901234:stateMachine:prod-shop-web-configure" }],
  ]);
  expect(alarms.alarms.map((a) => a.kind)).toEqual([
    AlarmKind.FUNCTION_ERRORS,
    AlarmKind.FUNCTION_THROTTLES,
    AlarmKind.EXECUTIONS_FAILED,
    AlarmKind.EXECUTIONS_TIMED_OUT,
  ]);
});

test("the topic policy admits exactly the registered alarms and the pipeline rule, by source ARN and account", () => {
  const { of } = synth({}, (a) => {
    a.watchQueue("dlq", "q-dlq", { what: "q" });
    a.watchPipeline("prod-shop-web-release");
  });
  const policy = JSON.parse(of("aws_sns_topic_policy")[0].policy);
  const publisher = (sid: string) => policy.Statement.find((s: any) => s.Sid === sid);
  expect(publisher("CloudWatchAlarms")).toMatchObject({
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: "sns:Publish",
    Condition: {
      ArnEquals: { "aws:SourceArn": ["arn:aws:cloudwatch:ap-northeast-1:345678901234:alarm:q-dlq-depth"] },
      StringEquals: { "aws:SourceAccount": "345678901234" },
    },
  });
  expect(publisher("FailedPipelineRule")).toMatchObject({
    Principal: { Service: "events.amazonaws.com" },
    Condition: { ArnEquals: { "aws:SourceArn": ["arn:aws:events:ap-northeast-1:345678901234:rule/prod-edge-pipeline-failed"] } },
  });
});

test("failed pipelines: one rule for every watched pipeline, state FAILED, a readable message to the topic", () => {
  const { of } = synth({}, (a) => {
    a.watchPipeline("prod-shop-web-release");
    a.watchPipeline("prod-media-lp-release");
  });
  const [rule] = of("aws_cloudwatch_event_rule");
  expect(JSON.parse(rule.event_pattern)).toEqual({
    source: ["aws.codepipeline"],
    "detail-type": ["CodePipeline Pipeline Execution State Change"],
    detail: { state: ["FAILED"], pipeline: ["prod-media-lp-release", "prod-shop-web-release"] },
  });
  const [target] = of("aws_cloudwatch_event_target");
  expect(target.input_transformer.input_template).toContain("FAILED");
  expect(target.input_transformer.input_paths.pipeline).toBe("$.detail.pipeline");
});

test("an existing topic is used as it is: nothing created, no policy written", () => {
  const topicArn = "arn:aws:sns:ap-northeast-1:345678901234:platform-alerts";
  const { of, alarms } = synth({ existingTopicArn: topicArn }, (a) => a.watchQueue("dlq", "q-dlq", { what: "q" }));
  expect(alarms.topicArn).toBe(topicArn);
  expect(of("aws_sns_topic")).toEqual([]);
  expect(of("aws_sns_topic_policy")).toEqual([]);
  expect(of("aws_cloudwatch_metric_alarm")[0].alarm_actions).toEqual([topicArn]);
});

test("e-mail addresses subscribe to the created topic", () => {
  const { of } = synth({ emails: ["oncall@example.com"] }, () => {});
  expect(of("aws_sns_topic_subscription")).toEqual([expect.objectContaining({ protocol: "email", endpoint: "oncall@example.com" })]);
});

test("an alarm in another region notifies a topic of that region (alarms cannot notify across regions)", () => {
  const { of } = synth({}, (a, stack) => {
    const usEast1 = new AwsProvider(stack, "us-east-1", { region: "us-east-1", alias: "us_east_1" });
    a.watchQueue("recorder-dlq", "prod-change-recorder-dlq", {
      what: "the change recorder's DLQ",
      provider: usEast1,
      region: "us-east-1",
      runbook: "change-recorder-dlq",
    });
  });
  const topics = of("aws_sns_topic");
  expect(topics.map((t) => t.name).sort()).toEqual(["prod-edge-alarms", "prod-edge-alarms-us-east-1"]);
  const [alarm] = of("aws_cloudwatch_metric_alarm");
  expect(alarm.provider).toBe("aws.us_east_1");
  expect(alarm.alarm_actions[0]).toMatch(/aws_sns_topic\.alarms_topic-us-east-1_\w+\.arn/);
  expect(alarm.alarm_description).toContain("(change-recorder-dlq)");
  const regional = of("aws_sns_topic_policy")
    .map((p) => JSON.parse(p.policy))
    .find((p) => p.Statement.some((s: any) => s.Sid === "CloudWatchAlarms"));
  expect(regional.Statement.find((s: any) => s.Sid === "CloudWatchAlarms").Condition.ArnEquals["aws:SourceArn"]).toEqual([
    "arn:aws:cloudwatch:us-east-1:345678901234:alarm:prod-change-recorder-dlq-depth",
  ]);
});
