/**
 * What Terraform will send for an invalidator, on a small purpose-built environment: one site invalidating its own
 * and a linked site's distribution, and a third site that is not linked.
 */
import { validateEnvironments } from "../../config/load";
import dev from "../../environments/dev";
import type { PlanResult } from "../../scripts/lib/terraform";
import { synthesize } from "../support/synth";
import { describeWithTerraform } from "../support/terraform";

const env = validateEnvironments([
  {
    file: "environments/dev.ts",
    input: {
      ...dev,
      sites: [
        { name: "web", sid: "shop", distribution: {}, invalidation: { alsoInvalidate: ["lp"], events: ["created", "removed"], suffix: ".html" } },
        { name: "lp", sid: "media", distribution: {} },
        { name: "blog", sid: "media", distribution: {} },
      ],
    },
  },
])[0];
/** The purpose-built environment, synthesized: the case test/feature-plans.terraform.test.ts plans. */
export const stack = synthesize([env]).dev;

/** The tests, on the plan of `stack` (its case of the batch; a function so the plan is computed on first use). */
export function describePlan(planOf: () => PlanResult): void {
  describeWithTerraform("invalidator: the offline plan", () => {
    let plan: any;
    beforeAll(() => {
      plan = planOf().plan;
    });
    const config = (addressPrefix: string) => plan.configuration.root_module.resources.find((r: any) => r.address.startsWith(addressPrefix));
    const after = (addressPrefix: string) => plan.resource_changes.find((r: any) => r.address.startsWith(addressPrefix)).change.after;

    test("the role's invalidation permission names exactly the site's own and the linked distribution, not the third", () => {
      const expr = config("aws_iam_role_policy.invalidator-web_role-policy").expressions.policy;
      const distributions = (name: string) =>
        plan.resource_changes.find((r: any) => r.address.startsWith(`aws_cloudfront_distribution.site-${name}_distribution`)).address;
      const [web, lp, blog] = ["web", "lp", "blog"].map(distributions);
      // The ARNs exist only after apply; the plan shows the expression Terraform will evaluate and what it refers to.
      expect(
        expr.references
          .filter((r: string) => r.startsWith("aws_cloudfront_distribution."))
          .filter((r: string) => r.endsWith(".arn"))
          .sort(),
      ).toEqual([`${lp}.arn`, `${web}.arn`].sort());
      expect(expr.references.join(" ")).not.toContain(blog);
      const statements = JSON.parse(expr.constant_value).Statement;
      expect(statements.filter((s: any) => s.Action.some((a: string) => a.startsWith("cloudfront:")))).toEqual([
        {
          Sid: "InvalidateLinkedDistributions",
          Effect: "Allow",
          Action: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "cloudfront:ListInvalidations"],
          Resource: [`\${${web}.arn}`, `\${${lp}.arn}`],
        },
      ]);
    });

    test("the queue admits only S3 for this bucket and account; the notification sends the configured events to it", () => {
      expect(JSON.parse(after("aws_sqs_queue_policy.invalidator-web").policy).Statement).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: "arn:aws:sqs:ap-northeast-1:123456789012:dev-shop-web-invalidation",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "AllowThisBucketsNotifications",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:ap-northeast-1:123456789012:dev-shop-web-invalidation",
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::dev-shop-web-123456789012" }, StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ]);
      expect(after("aws_s3_bucket_notification.invalidator-web").queue).toEqual([
        { id: "cloudfront-invalidation", events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], filter_prefix: null, filter_suffix: ".html" },
      ]);
      expect(config("aws_s3_bucket_notification.invalidator-web").depends_on).toEqual([
        expect.stringMatching(/^aws_sqs_queue_policy\.invalidator-web_queue-policy_/),
      ]);
    });

    test("encrypted queues with redrive, batching window with partial failures, nodejs22.x with its own JSON log group", () => {
      expect(after("aws_sqs_queue.invalidator-web_queue")).toMatchObject({ sqs_managed_sse_enabled: true, visibility_timeout_seconds: 390 });
      expect(JSON.parse(after("aws_sqs_queue.invalidator-web_queue").redrive_policy)).toEqual({
        deadLetterTargetArn: "arn:aws:sqs:ap-northeast-1:123456789012:dev-shop-web-invalidation-dlq",
        maxReceiveCount: 5,
      });
      expect(after("aws_sqs_queue.invalidator-web_dlq")).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
      expect(after("aws_lambda_event_source_mapping.invalidator-web")).toMatchObject({
        maximum_batching_window_in_seconds: 30,
        function_response_types: ["ReportBatchItemFailures"],
        batch_size: 10000,
      });
      expect(after("aws_lambda_function.invalidator-web")).toMatchObject({
        runtime: "nodejs22.x",
        handler: "index.handler",
        logging_config: [{ log_format: "JSON", log_group: "/aws/lambda/dev-shop-web-invalidator" }],
      });
      expect(after("aws_cloudwatch_log_group.invalidator-web")).toMatchObject({ name: "/aws/lambda/dev-shop-web-invalidator", retention_in_days: 14 });
    });
  });
}
