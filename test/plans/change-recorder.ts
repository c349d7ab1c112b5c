/**
 * What Terraform will create for a change recorder, on a purpose-built environment (one site with an invalidator,
 * application-team roles, main region ap-northeast-1): rules in us-east-1 with the expected patterns, targets with
 * retries and the dead-letter queue, the function's permissions exactly its prefix and its parameter, and the
 * forwarder in the main region; with `alarms`, the recorder's queues and function page the environment's topics.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { validateEnvironments } from "../../config/load";
import dev from "../../environments/dev";
import { CLOUDFRONT_EVENT_PREFIXES, IAM_EVENT_NAMES, S3_EVENT_NAMES } from "../../model/change-recorder";
import type { PlanResult } from "../../scripts/lib/terraform";
import { synthesize } from "../support/synth";
import { describeWithTerraform } from "../support/terraform";

const ACCOUNT = dev.accountId;
const env = validateEnvironments([
  {
    file: "environments/dev.ts",
    input: {
      ...dev,
      sites: [{ name: "web", sid: "shop", distribution: {}, invalidation: {} }],
      alarms: { emails: ["oncall@example.com"] },
      changeRecorder: {
        repository: "example-org/edge-delivery",
        tokenParameter: "/edge/change-recorder/github-token",
        automationPrincipals: [`arn:aws:iam::${ACCOUNT}:role/edge-delivery-deploy`],
      },
    },
  },
])[0];
/** The purpose-built environment, synthesized: the case test/feature-plans.terraform.test.ts plans. */
export const stack = synthesize([env]).dev;
const BUCKET = `dev-change-records-${ACCOUNT}`;
const DLQ = `arn:aws:sqs:us-east-1:${ACCOUNT}:dev-change-recorder-dlq`;

/** The tests, on the plan of `stack` (its case of the batch; a function so the plan is computed on first use). */
export function describePlan(planOf: () => PlanResult): void {
  describeWithTerraform("change recorder: the offline plan", () => {
    let plan: any;
    beforeAll(() => {
      plan = planOf().plan;
    });
    const configs = (prefix: string) => plan.configuration.root_module.resources.filter((r: any) => r.address.startsWith(prefix));
    const after = (prefix: string) => plan.resource_changes.find((r: any) => r.address.startsWith(prefix)).change.after;

    test("every recorder resource is in us-east-1; the forwarder is in the main region", () => {
      const recorder = configs("aws_").filter((r: any) => r.address.includes(".change-recorder_"));
      expect(recorder.length).toBeGreaterThan(15);
      expect(new Set(recorder.map((r: any) => r.provider_config_key))).toEqual(new Set(["aws.us_east_1"]));
      const forwarder = configs("aws_").filter((r: any) => r.address.includes(".change-recorder-forward-ap-northeast-1_"));
      expect(new Set(forwarder.map((r: any) => r.provider_config_key))).toEqual(new Set(["aws"]));
    });

    test("the CloudFront rule matches every watched operation by prefix (API-version suffixes), including promotions", () => {
      const pattern = JSON.parse(after("aws_cloudwatch_event_rule.change-recorder_rule-cloudfront").event_pattern);
      expect(pattern).toEqual({
        "detail-type": ["AWS API Call via CloudTrail"],
        source: ["aws.cloudfront"],
        detail: { eventSource: ["cloudfront.amazonaws.com"], eventName: CLOUDFRONT_EVENT_PREFIXES.map((prefix) => ({ prefix })) },
      });
      // What EventBridge's prefix matching will do with real event names:
      const matches = (name: string) => pattern.detail.eventName.some((p: { prefix: string }) => name.startsWith(p.prefix));
      for (const name of [
        "UpdateDistribution2020_05_31",
        "UpdateDistributionWithStagingConfig2020_05_31",
        "CreateDistributionWithTags2020_05_31",
        "PublishFunction2020_05_31",
        "CreateInvalidation2020_05_31",
      ])
        expect(matches(name)).toBe(true);
      for (const name of ["GetDistribution2020_05_31", "ListFunctions2020_05_31", "GetDistributionConfig2020_05_31"]) expect(matches(name)).toBe(false);
    });

    test("the S3, IAM and Lambda rules are limited to the site buckets and the environment's roles, policies and functions", () => {
      expect(JSON.parse(after("aws_cloudwatch_event_rule.change-recorder_rule-s3").event_pattern).detail).toEqual({
        eventSource: ["s3.amazonaws.com"],
        eventName: [...S3_EVENT_NAMES],
        requestParameters: { bucketName: [`dev-shop-web-${ACCOUNT}`] },
      });
      // The forwarder of the buckets' region sends what the regional rules match there (the site buckets and the
      // environment's Lambda functions), one pattern joined with $or.
      const withoutDetailType = (rule: string) => {
        const { "detail-type": _detailType, ...rest } = JSON.parse(after(rule).event_pattern);
        return rest;
      };
      expect(JSON.parse(after("aws_cloudwatch_event_rule.change-recorder-forward-ap-northeast-1").event_pattern)).toEqual({
        "detail-type": ["AWS API Call via CloudTrail"],
        $or: [
          withoutDetailType("aws_cloudwatch_event_rule.change-recorder_rule-s3"),
          withoutDetailType("aws_cloudwatch_event_rule.change-recorder_rule-lambda"),
        ],
      });
      expect(JSON.parse(after("aws_cloudwatch_event_rule.change-recorder_rule-lambda").event_pattern).detail.requestParameters).toEqual({
        functionName: [{ prefix: "dev-" }, { wildcard: `arn:aws:lambda:*:${ACCOUNT}:function:dev-*` }],
      });
      expect(JSON.parse(after("aws_cloudwatch_event_rule.change-recorder_rule-iam").event_pattern).detail).toEqual({
        eventSource: ["iam.amazonaws.com"],
        eventName: [...IAM_EVENT_NAMES],
        $or: [
          { requestParameters: { roleName: [{ prefix: "dev-" }] } },
          { requestParameters: { policyArn: [{ prefix: `arn:aws:iam::${ACCOUNT}:policy/dev-` }] } },
          { requestParameters: { policyName: [{ prefix: "dev-" }] } },
        ],
      });
    });

    test("the environment's Alarms watch both dead-letter queues and the function, each notifying the topic of its own region", () => {
      const alarms = plan.configuration.root_module.resources.filter((r: any) => r.type === "aws_cloudwatch_metric_alarm");
      const alarm = (dimension: string, value: string, metric: string) => {
        const found = alarms.filter(
          (r: any) => r.expressions.dimensions?.constant_value?.[dimension] === value && r.expressions.metric_name.constant_value === metric,
        );
        expect([value, metric, found.length]).toEqual([value, metric, 1]);
        return found[0];
      };
      const topicOf = (providerKey: string) => configs("aws_sns_topic.").find((t: any) => (t.provider_config_key ?? "aws") === providerKey).address;
      const expectPages = (a: any, providerKey: string) => {
        expect(a.provider_config_key ?? "aws").toBe(providerKey);
        expect(a.expressions.alarm_actions.references).toContain(`${topicOf(providerKey)}.arn`);
      };
      expectPages(alarm("QueueName", "dev-change-recorder-dlq", "ApproximateNumberOfMessagesVisible"), "aws.us_east_1");
      for (const metric of ["Errors", "Throttles"]) expectPages(alarm("FunctionName", "dev-change-recorder", metric), "aws.us_east_1");
      // The forwarder's queue is in the main region (ap-northeast-1): the main topic.
      expectPages(alarm("QueueName", "dev-change-recorder-forward-dlq", "ApproximateNumberOfMessagesVisible"), "aws");
      // The us-east-1 topic admits exactly the alarms of that region.
      const policyOf = configs("aws_sns_topic_policy.").find((p: any) => p.expressions.arn.references.includes(`${topicOf("aws.us_east_1")}.arn`)).address;
      // Unknown in the plan (it names the new topic's ARN): read the synthesized policy.
      const policy = JSON.parse((stack as any).resource.aws_sns_topic_policy[policyOf.split(".")[1]].policy);
      const sources = policy.Statement.find((s: any) => s.Sid === "CloudWatchAlarms").Condition.ArnEquals["aws:SourceArn"];
      expect([...sources].sort()).toEqual(
        ["dev-change-recorder-dlq-depth", "dev-change-recorder-function-errors", "dev-change-recorder-function-throttles"].map(
          (n) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${n}`,
        ),
      );
    });

    test("each target has a retry policy and the dead-letter queue; Lambda's own retries end there too", () => {
      for (const service of ["cloudfront", "iam", "s3", "lambda"]) {
        const target = configs(`aws_cloudwatch_event_target.change-recorder_target-${service}`)[0].expressions;
        expect(target.dead_letter_config[0].arn.references).toContain(configs("aws_sqs_queue.change-recorder_dlq")[0].address + ".arn");
        expect(target.arn.references).toContain(configs("aws_lambda_function.change-recorder_")[0].address + ".arn");
        expect(after(`aws_cloudwatch_event_target.change-recorder_target-${service}`).retry_policy).toEqual([
          { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86400 },
        ]);
      }
      expect(after("aws_lambda_function_event_invoke_config.change-recorder_")).toMatchObject({
        maximum_retry_attempts: 2,
        maximum_event_age_in_seconds: 21600,
      });
      expect(
        configs("aws_lambda_function_event_invoke_config.change-recorder_")[0].expressions.destination_config[0].on_failure[0].destination.references,
      ).toContain(configs("aws_sqs_queue.change-recorder_dlq")[0].address + ".arn");
      expect(
        JSON.parse(after("aws_sqs_queue_policy.change-recorder_").policy).Statement.find((s: any) => s.Sid === "AllowThisRecordersRules").Condition,
      ).toEqual({
        ArnEquals: { "aws:SourceArn": ["cloudfront", "iam", "s3", "lambda"].map((s) => `arn:aws:events:us-east-1:${ACCOUNT}:rule/dev-change-recorder-${s}`) },
      });
    });

    test("the function may put objects only under its prefix and read only its parameter (plus its logs and DLQ)", () => {
      const statements = JSON.parse(after("aws_iam_role_policy.change-recorder_").policy).Statement;
      expect(statements).toEqual([
        { Sid: "WriteRecords", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/records/*` },
        {
          Sid: "ReadGitHubToken",
          Effect: "Allow",
          Action: "ssm:GetParameter",
          Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/edge/change-recorder/github-token`,
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [
            `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/dev-change-recorder`,
            `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/dev-change-recorder:*`,
          ],
        },
        { Sid: "DeadLetterFailedInvocations", Effect: "Allow", Action: "sqs:SendMessage", Resource: DLQ },
      ]);
      expect(plan.resource_changes.filter((r: any) => r.address.startsWith("aws_iam_role_policy_attachment.change-recorder_"))).toEqual([]);
    });

    test("evaluated by an IAM policy simulator: writes only below records/, reads nothing, only its own token", async () => {
      const policy = JSON.parse(after("aws_iam_role_policy.change-recorder_").policy);
      const decide = async (action: string, resource: string) => {
        const r = await runSimulation(
          {
            request: {
              principal: `arn:aws:sts::${ACCOUNT}:assumed-role/dev-change-recorder/dev-change-recorder`,
              action,
              resource: { resource, accountId: ACCOUNT },
              contextVariables: {},
            },
            identityPolicies: [{ name: "record-changes", policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
          },
          {},
        );
        if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
        return r.overallResult;
      };
      const obj = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
      const param = (name: string) => `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/${name}`;
      const cases: [string, string, string][] = [
        ["s3:PutObject", obj("records/2026/11/30/0f4c5d2e.json"), "Allowed"],
        ["s3:PutObject", obj("elsewhere/x.json"), "ImplicitlyDenied"],
        ["s3:PutObject", `arn:aws:s3:::dev-shop-web-${ACCOUNT}/records/x.json`, "ImplicitlyDenied"],
        ["s3:GetObject", obj("records/2026/11/30/0f4c5d2e.json"), "ImplicitlyDenied"],
        ["s3:DeleteObject", obj("records/2026/11/30/0f4c5d2e.json"), "ImplicitlyDenied"],
        ["s3:DeleteObjectVersion", obj("records/2026/11/30/0f4c5d2e.json"), "ImplicitlyDenied"],
        ["ssm:GetParameter", param("edge/change-recorder/github-token"), "Allowed"],
        ["ssm:GetParameter", param("edge/change-recorder/github-token-old"), "ImplicitlyDenied"],
        ["ssm:GetParameters", param("edge/change-recorder/github-token"), "ImplicitlyDenied"],
        ["ssm:PutParameter", param("edge/change-recorder/github-token"), "ImplicitlyDenied"],
      ];
      for (const [action, resource, expected] of cases) expect([action, resource, await decide(action, resource)]).toEqual([action, resource, expected]);
    });

    test("the records bucket: versioned, private, encrypted, TLS only, with lifecycle; the log group exists before the function", () => {
      expect(after("aws_s3_bucket_versioning.change-recorder_").versioning_configuration).toMatchObject([{ status: "Enabled" }]);
      expect(after("aws_s3_bucket_public_access_block.change-recorder_")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(after("aws_s3_bucket_server_side_encryption_configuration.change-recorder_").rule[0].apply_server_side_encryption_by_default).toMatchObject([
        { sse_algorithm: "AES256" },
      ]);
      expect(JSON.parse(after("aws_s3_bucket_policy.change-recorder_").policy).Statement[0]).toMatchObject({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
      const rules = after("aws_s3_bucket_lifecycle_configuration.change-recorder_").rule;
      expect(rules.find((r: any) => r.id === "records")).toMatchObject({
        expiration: [expect.objectContaining({ days: 731 })],
        noncurrent_version_expiration: [expect.objectContaining({ noncurrent_days: 30 })],
        filter: [expect.objectContaining({ prefix: "records/" })],
      });
      expect(configs("aws_lambda_function.change-recorder_")[0].depends_on).toContain(configs("aws_cloudwatch_log_group.change-recorder_")[0].address);
      expect(after("aws_lambda_function.change-recorder_")).toMatchObject({
        runtime: "nodejs22.x",
        reserved_concurrent_executions: 1,
        logging_config: [{ log_format: "JSON", log_group: "/aws/lambda/dev-change-recorder" }],
      });
    });
  });
}
