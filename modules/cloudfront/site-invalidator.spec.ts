import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { bundleLambda } from "../blocks/lambda-bundle";
import type { ResolvedInvalidation } from "../../model/resolved";
import { InvalidationEvent, InvalidationPaths } from "../../model/vocabulary";
import { SiteInvalidator } from "./site-invalidator";
import { StaticSite, type StaticSiteProps } from "./static-site";

const siteProps = (siteName: string): StaticSiteProps => ({
  envName: "dev",
  accountId: "123456789012",
  sid: "shop",
  siteName,
  bucketName: `dev-shop-${siteName}-123456789012`,
  aliases: [],
  priceClass: "PriceClass_200",
  defaultRootObject: "index.html",
  defaultBehavior: { cachePolicy: "CachingOptimized", compress: true },
  behaviors: [],
});

type Extra = Partial<ResolvedInvalidation> & { linkOther?: boolean };

const config = (extra: Partial<ResolvedInvalidation> = {}, site = "web"): ResolvedInvalidation => ({
  events: [InvalidationEvent.CREATED],
  paths: InvalidationPaths.WILDCARD,
  maxPaths: 50,
  batchingWindowSeconds: 30,
  maxReceiveCount: 5,
  alsoInvalidate: [],
  functionName: `dev-shop-${site}-invalidator`,
  indexDocument: "index.html",
  logRetentionDays: 14,
  ...extra,
});

function synth(extra: Extra = {}, more?: (stack: TerraformStack, sites: Record<string, StaticSite>) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const sites = { web: new StaticSite(stack, "site-web", siteProps("web")), lp: new StaticSite(stack, "site-lp", siteProps("lp")) };
  const { linkOther, ...props } = extra;
  new SiteInvalidator(stack, "invalidator-web", {
    envName: "dev",
    accountId: "123456789012",
    region: "ap-northeast-1",
    sid: "shop",
    siteName: "web",
    site: sites.web,
    alsoInvalidate: linkOther ? [sites.lp] : [],
    config: config(props),
  });
  more?.(stack, sites);
  return JSON.parse(Testing.synth(stack));
}

const all = (json: any, type: string) => Object.entries<any>(json.resource[type] ?? {});
const one = (json: any, type: string, namePart = "invalidator-web") => all(json, type).find(([n]) => n.includes(namePart))![1];
const ref = (type: string, namePart: string, attr: string) => expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${namePart}_[0-9A-F]+\\.${attr}\\}$`));

test("the bucket's notification sends the configured events and filters to the queue, after the queue policy", () => {
  const json = synth({ events: [InvalidationEvent.CREATED, InvalidationEvent.REMOVED], prefix: "public/", suffix: ".html" });
  const n = one(json, "aws_s3_bucket_notification");
  expect(n.bucket).toEqual(ref("aws_s3_bucket", "site-web_bucket", "id"));
  expect(n.queue).toEqual([
    {
      id: "cloudfront-invalidation",
      queue_arn: ref("aws_sqs_queue", "invalidator-web_queue", "arn"),
      events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
      filter_prefix: "public/",
      filter_suffix: ".html",
    },
  ]);
  expect(n.depends_on).toEqual([expect.stringMatching(/^aws_sqs_queue_policy\.invalidator-web_queue-policy_/)]);
});

test("the queue admits only s3.amazonaws.com for this bucket and account; both queues are encrypted; redrive after maxReceiveCount", () => {
  const json = synth({ maxReceiveCount: 7, batchingWindowSeconds: 60 });
  const policy = JSON.parse(one(json, "aws_sqs_queue_policy").policy);
  expect(policy.Statement).toEqual([
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
  const queue = one(json, "aws_sqs_queue", "invalidator-web_queue");
  const dlq = one(json, "aws_sqs_queue", "invalidator-web_dlq");
  expect(queue.sqs_managed_sse_enabled).toBe(true);
  expect(dlq.sqs_managed_sse_enabled).toBe(true);
  expect(JSON.parse(queue.redrive_policy)).toEqual({
    deadLetterTargetArn: "arn:aws:sqs:ap-northeast-1:123456789012:dev-shop-web-invalidation-dlq",
    maxReceiveCount: 7,
  });
  expect(queue.visibility_timeout_seconds).toBe(6 * 60 + 60);
  expect(JSON.parse(one(json, "aws_sqs_queue_redrive_allow_policy").redrive_allow_policy)).toEqual({
    redrivePermission: "byQueue",
    sourceQueueArns: ["arn:aws:sqs:ap-northeast-1:123456789012:dev-shop-web-invalidation"],
  });
});

test("the function: nodejs22.x, code hash from the bundle, batching window and partial batch failures, own JSON log group", () => {
  const json = synth({ batchingWindowSeconds: 45, logRetentionDays: 30 });
  const fn = one(json, "aws_lambda_function");
  const bundle = bundleLambda("invalidator");
  expect(fn).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler", source_code_hash: bundle.hash, function_name: "dev-shop-web-invalidator" });
  expect(fn.filename).toBe(`assets/invalidator-code/${bundle.hash}/invalidator.zip`);
  expect(fn.logging_config).toEqual({ log_format: "JSON", log_group: ref("aws_cloudwatch_log_group", "invalidator-web_logs", "name") });
  expect(one(json, "aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/lambda/dev-shop-web-invalidator", retention_in_days: 30 });
  expect(one(json, "aws_lambda_event_source_mapping")).toMatchObject({
    event_source_arn: ref("aws_sqs_queue", "invalidator-web_queue", "arn"),
    maximum_batching_window_in_seconds: 45,
    function_response_types: ["ReportBatchItemFailures"],
  });
});

test("INVALIDATOR_CONFIG links the bucket to its own distribution and the linked ones, generated at synth", () => {
  const json = synth({ linkOther: true, paths: InvalidationPaths.CHANGED, maxPaths: 120 });
  const config = JSON.parse(one(json, "aws_lambda_function").environment.variables.INVALIDATOR_CONFIG);
  expect(config).toEqual({
    links: [
      {
        bucket: "dev-shop-web-123456789012",
        distributionIds: [ref("aws_cloudfront_distribution", "site-web_distribution", "id"), ref("aws_cloudfront_distribution", "site-lp_distribution", "id")],
      },
    ],
    paths: "changed",
    maxPaths: 120,
    indexDocument: "index.html",
  });
});

test("the role may invalidate only the linked distributions, consume only its queue and write only its log group", () => {
  const statements = (json: any) => JSON.parse(one(json, "aws_iam_role_policy").policy).Statement;
  expect(statements(synth())[0]).toEqual({
    Sid: "InvalidateLinkedDistributions",
    Effect: "Allow",
    Action: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "cloudfront:ListInvalidations"],
    Resource: [ref("aws_cloudfront_distribution", "site-web_distribution", "arn")],
  });
  const linked = statements(synth({ linkOther: true }));
  expect(linked[0].Resource).toEqual([
    ref("aws_cloudfront_distribution", "site-web_distribution", "arn"),
    ref("aws_cloudfront_distribution", "site-lp_distribution", "arn"),
  ]);
  expect(linked.slice(1)).toEqual([
    {
      Sid: "ConsumeOwnQueue",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
      Resource: "arn:aws:sqs:ap-northeast-1:123456789012:dev-shop-web-invalidation",
    },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/dev-shop-web-invalidator",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/dev-shop-web-invalidator:*",
      ],
    },
  ]);
});

test("a replication role of another account is admitted by the bucket policy; without one, the policy is unchanged", () => {
  const role = "arn:aws:iam::456789012345:role/vendor-replication";
  const bucketPolicy = (json: any) => JSON.parse(one(json, "aws_s3_bucket_policy", "site-web").policy).Statement;
  const withRole = bucketPolicy(synth({ replicationSourceRoleArn: role }));
  expect(withRole.slice(2)).toEqual([
    {
      Sid: "AllowReplicationFromSourceAccount",
      Effect: "Allow",
      Principal: { AWS: role },
      Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
      Resource: "arn:aws:s3:::dev-shop-web-123456789012/*",
    },
    {
      Sid: "AllowReplicationVersioningCheck",
      Effect: "Allow",
      Principal: { AWS: role },
      Action: "s3:GetBucketVersioning",
      Resource: "arn:aws:s3:::dev-shop-web-123456789012",
    },
  ]);
  expect(bucketPolicy(synth())).toHaveLength(2);
});

test("with a replication prefix the source may write only that folder (one owner per key)", () => {
  const role = "arn:aws:iam::456789012345:role/vendor-replication";
  const statements = JSON.parse(
    one(synth({ replicationSourceRoleArn: role, replicationPrefix: "vendor/" }), "aws_s3_bucket_policy", "site-web").policy,
  ).Statement;
  expect(statements.find((s: any) => s.Sid === "AllowReplicationFromSourceAccount").Resource).toBe("arn:aws:s3:::dev-shop-web-123456789012/vendor/*");
});

test("invalidators in one stack share one code asset (the bundle is copied once per stack, not per site)", () => {
  const json = synth({}, (stack, sites) => {
    new SiteInvalidator(stack, "invalidator-lp", {
      envName: "dev",
      accountId: "123456789012",
      region: "ap-northeast-1",
      sid: "shop",
      siteName: "lp",
      site: sites.lp,
      config: config({}, "lp"),
    });
  });
  const filenames = all(json, "aws_lambda_function").map(([, f]) => f.filename);
  expect(filenames).toHaveLength(2);
  expect(new Set(filenames).size).toBe(1);
});

test("every taggable resource carries the sid tag", () => {
  const json = synth();
  for (const type of ["aws_sqs_queue", "aws_lambda_function", "aws_iam_role", "aws_cloudwatch_log_group"])
    expect(one(json, type).tags).toEqual({ sid: "shop" });
});
