import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ChangeRecorder, forwardedEventPattern, recorderConfig, recorderEventPatterns, type ChangeRecorderProps } from "./change-recorder";
import { ChangeRecorderForwarder } from "./change-recorder-forwarder";
import { bundleLambda } from "../blocks/lambda-bundle";

const ACCOUNT = "123456789012";
const WATCH = {
  distributionIds: ["E1DEVSHOPWEB01"],
  functionPrefixes: ["dev-"],
  buckets: ["dev-shop-web-123456789012"],
  iamNamePrefixes: ["dev-"],
  continuousDeploymentPolicyIds: [],
  keyValueStorePrefixes: ["dev-"],
};

function synth(extra: Partial<ChangeRecorderProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const usEast1 = new AwsProvider(stack, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1" });
  const props: ChangeRecorderProps = {
    envName: "dev",
    accountId: ACCOUNT,
    provider: usEast1,
    repository: "example-org/edge-delivery",
    githubApiUrl: "https://api.github.com",
    tokenParameter: "/edge/github-token",
    label: "change-recorder",
    automationPrincipals: [`arn:aws:iam::${ACCOUNT}:role/edge-delivery-deploy`],
    appTeamPrincipals: [],
    appOwnedFunctions: [],
    watch: WATCH,
    prefix: "records/",
    noncurrentVersionDays: 30,
    recordRetentionDays: 731,
    logRetentionDays: 14,
    bundle: bundleLambda("change-recorder"),
    ...extra,
  };
  const recorder = new ChangeRecorder(stack, "change-recorder", props);
  return { json: JSON.parse(Testing.synth(stack)), props, recorder };
}
const one = (json: any, type: string) => Object.values(json.resource[type] ?? {}) as any[];
const policy = (json: any) => JSON.parse(one(json, "aws_iam_role_policy")[0].policy.replace(/\$\$\{/g, "${"));

test("without a customer managed key there is no KMS permission; with one, Decrypt only through SSM in us-east-1", () => {
  expect(policy(synth().json).Statement.map((s: any) => s.Sid)).toEqual(["WriteRecords", "ReadGitHubToken", "WriteOwnLogs", "DeadLetterFailedInvocations"]);
  const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10`;
  expect(policy(synth({ tokenKmsKeyArn: key }).json).Statement[4]).toEqual({
    Sid: "DecryptTokenThroughSsm",
    Effect: "Allow",
    Action: "kms:Decrypt",
    Resource: key,
    Condition: { StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } },
  });
});

test("the write permission follows the prefix; records kept forever have no expiration, superseded versions still expire", () => {
  const { json } = synth({ prefix: "audit/cloudtrail/", recordRetentionDays: undefined, noncurrentVersionDays: 90 });
  expect(policy(json).Statement[0].Resource).toBe(`arn:aws:s3:::dev-change-records-${ACCOUNT}/audit/cloudtrail/*`);
  const rules = one(json, "aws_s3_bucket_lifecycle_configuration")[0].rule;
  expect(rules[0]).toMatchObject({ id: "records", filter: [{ prefix: "audit/cloudtrail/" }], noncurrent_version_expiration: [{ noncurrent_days: 90 }] });
  expect(rules[0].expiration).toBeUndefined();
});

test("no IAM or S3 rule when nothing of that kind is watched; the CloudFront rule always exists", () => {
  const { json } = synth({ watch: { ...WATCH, buckets: [], iamNamePrefixes: [] } });
  expect(one(json, "aws_cloudwatch_event_rule").map((r) => r.name)).toEqual(["dev-change-recorder-cloudfront"]);
  expect(one(json, "aws_lambda_permission")).toHaveLength(1);
  expect(recorderEventPatterns(ACCOUNT, { buckets: [], iamNamePrefixes: [] })).toMatchObject({ s3: undefined, iam: undefined });
});

test("makes no alarm itself and names what the environment's Alarms watch", () => {
  const { json, recorder } = synth();
  expect(one(json, "aws_cloudwatch_metric_alarm")).toHaveLength(0);
  expect(recorder.deadLetterQueueName).toBe(one(json, "aws_sqs_queue")[0].name);
  expect(recorder.functionName).toBe(one(json, "aws_lambda_function")[0].function_name);
});

test("RECORDER_CONFIG carries what the handler needs and parses back", () => {
  const { props } = synth();
  const { parseConfig } = require("../../functions/change-recorder/config");
  expect(parseConfig(recorderConfig(props))).toMatchObject({
    bucket: `dev-change-records-${ACCOUNT}`,
    owner: "example-org",
    repo: "edge-delivery",
    tokenParameter: "/edge/github-token",
    watch: WATCH,
    environment: "dev",
  });
});

test("a forwarder refuses us-east-1, where the recorder's own rules see the events", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const p = new AwsProvider(stack, "aws", { region: "us-east-1" });
  expect(() => new ChangeRecorderForwarder(stack, "fwd", { envName: "dev", accountId: ACCOUNT, region: "us-east-1", provider: p, eventPattern: {} })).toThrow(
    /no forwarder is needed/,
  );
});

test("a configuration too large for Lambda's 4 KB of environment variables fails at synth with advice", () => {
  const many = Array.from({ length: 80 }, (_, i) => `arn:aws:iam::${ACCOUNT}:role/team-deploy-role-number-${i}`);
  expect(() => synth({ automationPrincipals: many })).toThrow(/test\/change-recorder: RECORDER_CONFIG would take about \d+ bytes, more than the 4096 bytes/);
  expect(() => synth({ automationPrincipals: many.slice(0, 10) })).not.toThrow();
});

test("the records bucket is never destroyed; Object Lock (governance, N days) only when asked for", () => {
  const bucketOf = (json: any) => Object.values<any>(json.resource.aws_s3_bucket).find((b) => b.bucket === `dev-change-records-${ACCOUNT}`); // eslint-disable-line @typescript-eslint/no-explicit-any
  const plain = synth().json;
  expect(bucketOf(plain).lifecycle).toEqual({ prevent_destroy: true });
  expect(bucketOf(plain).object_lock_enabled).toBeUndefined();
  expect(plain.resource.aws_s3_bucket_object_lock_configuration).toBeUndefined();
  const locked = synth({ objectLockDays: 365 }).json;
  expect(bucketOf(locked).object_lock_enabled).toBe(true);
  const [lock] = Object.values<any>(locked.resource.aws_s3_bucket_object_lock_configuration); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(lock.rule).toEqual({ default_retention: { mode: "GOVERNANCE", days: 365 } });
});

describe("container functions, Route 53 zones and APIs", () => {
  const watch = {
    ...WATCH,
    lambdaFunctionPrefixes: ["dev-"],
    repositoryPrefixes: ["dev-"],
    parameterNames: ["/edge/dev/shop/api/image-tag"],
    hostedZoneIds: ["Z0123456789ABCDEFGHIJ"],
    apiIds: ["a1b2c3d4e5"],
  };
  const patterns = recorderEventPatterns(ACCOUNT, watch) as Record<string, any>;

  test("one rule per watched service, each filtered to this project's names", () => {
    const { json } = synth({ watch });
    expect(
      one(json, "aws_cloudwatch_event_rule")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["apigateway", "cloudfront", "ecr", "iam", "lambda", "route53", "s3", "ssm"].map((s) => `dev-change-recorder-${s}`));
    expect(one(json, "aws_lambda_permission")).toHaveLength(8);
    // Lambda names the function by name or ARN; its event names carry the API version.
    expect(patterns.lambda.detail.requestParameters.functionName).toEqual([{ prefix: "dev-" }, { wildcard: `arn:aws:lambda:*:${ACCOUNT}:function:dev-*` }]);
    expect(patterns.lambda.detail.eventName).toContainEqual({ prefix: "UpdateFunctionCode" });
    expect(patterns.ecr.detail).toMatchObject({ eventSource: ["ecr.amazonaws.com"], requestParameters: { repositoryName: [{ prefix: "dev-" }] } });
    expect(patterns.ecr.detail.eventName).toContain("PutImage");
    expect(patterns.ssm.detail.$or).toEqual([
      { requestParameters: { name: ["/edge/dev/shop/api/image-tag"] } },
      { requestParameters: { names: ["/edge/dev/shop/api/image-tag"] } },
    ]);
    expect(patterns.route53.detail).toMatchObject({ eventSource: ["route53.amazonaws.com"], requestParameters: { hostedZoneId: ["Z0123456789ABCDEFGHIJ"] } });
    expect(patterns.apigateway.detail.$or).toEqual([{ requestParameters: { restApiId: ["a1b2c3d4e5"] } }, { requestParameters: { apiId: ["a1b2c3d4e5"] } }]);
  });

  test("nothing listed, no rule: the defaults watch only CloudFront, IAM and S3", () => {
    const { json } = synth();
    expect(
      one(json, "aws_cloudwatch_event_rule")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["cloudfront", "iam", "s3"].map((s) => `dev-change-recorder-${s}`));
  });

  test("a forwarder's pattern joins the regional services (S3, Lambda, ECR, SSM, API Gateway) with $or; one alone stays as it is", () => {
    const joined = forwardedEventPattern(patterns as any) as any;
    expect(joined["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(joined.$or.map((p: any) => p.source[0])).toEqual(["aws.s3", "aws.lambda", "aws.ecr", "aws.ssm", "aws.apigateway"]);
    expect(joined.$or.every((p: any) => p["detail-type"] === undefined)).toBe(true);
    const s3Only = recorderEventPatterns(ACCOUNT, WATCH);
    expect(forwardedEventPattern(s3Only)).toEqual(s3Only.s3);
    expect(forwardedEventPattern(recorderEventPatterns(ACCOUNT, { buckets: [], iamNamePrefixes: [] }))).toBeUndefined();
  });

  test("RECORDER_CONFIG carries the app-owned container functions and parses back", () => {
    const owned = [
      {
        function: "dev-shop-api",
        repository: "dev-shop-api",
        parameter: "/edge/dev/shop/api/image-tag",
        teamPrincipals: [`arn:aws:iam::${ACCOUNT}:role/dev-shop-cf2-cicd`],
      },
    ];
    const { props } = synth({ watch, appOwnedContainerFunctions: owned });
    const { parseConfig } = require("../../functions/change-recorder/config");
    expect(parseConfig(recorderConfig(props))).toMatchObject({ appOwnedContainerFunctions: owned, watch });
  });
});
