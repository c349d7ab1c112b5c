/**
 * The AWS API requests Terraform (hashicorp/aws) makes to create, update and delete each resource of a synthesized
 * stack, with the ARN and the request context IAM authorizes them on: the input of the apply role's simulation.
 * A resource type missing here fails the test that uses it, so a new resource type must say what it calls.
 */
import type { StackJson } from "./synth";

export interface ApiRequest {
  /** `aws_<type>.<address>`, for messages. */
  readonly address: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

type Builder = (r: StackJson, c: ResourceContext) => { action: string; resource: string; context?: Record<string, string | string[]> }[];

interface ResourceContext {
  account: string;
  region: string;
  /** A referenced or literal value, as the name AWS sees (references resolved to the named resource's name). */
  lit(value: unknown): string;
  /** The ARN of a referenced resource, or the value itself when it is an ARN already. */
  arn(value: unknown): string;
  /** The permissions boundary (as configured) of a referenced or named role. */
  boundaryOf(role: unknown): string;
}

const PLACEHOLDER_ID = "E2EXAMPLE0ID";

const cf = (c: ResourceContext, kind: string) => `arn:aws:cloudfront::${c.account}:${kind}/${PLACEHOLDER_ID}`;
const each = (actions: string[], resource: string, context?: Record<string, string | string[]>) => actions.map((action) => ({ action, resource, context }));
const bucketArn = (c: ResourceContext, r: StackJson) => `arn:aws:s3:::${c.lit(r.bucket)}`;
const s3 = (actions: string[]) => ((r, c) => each(actions, bucketArn(c, r), { "s3:ResourceAccount": c.account })) as Builder;
const roleArn = (c: ResourceContext, name: string) => `arn:aws:iam::${c.account}:role/${name}`;
const fnArn = (c: ResourceContext, name: string) => `arn:aws:lambda:${c.region}:${c.account}:function:${name}`;
const queueArn = (c: ResourceContext, url: unknown) => `arn:aws:sqs:${c.region}:${c.account}:${c.lit(url)}`;

/** Per resource type: the create, update and delete calls (the provider's CRUD functions) on the resource's ARN. */
export const REQUESTS: Record<string, Builder> = {
  aws_cloudfront_distribution: (_r, c) =>
    each(
      [
        "cloudfront:CreateDistribution",
        "cloudfront:UpdateDistribution",
        "cloudfront:GetDistribution",
        "cloudfront:DeleteDistribution",
        "cloudfront:TagResource",
      ],
      cf(c, "distribution"),
    ),
  aws_cloudfront_function: (r, c) =>
    each(
      ["cloudfront:CreateFunction", "cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:DescribeFunction", "cloudfront:DeleteFunction"],
      `arn:aws:cloudfront::${c.account}:function/${r.name}`,
    ),
  aws_cloudfront_origin_access_control: (_r, c) =>
    each(
      ["cloudfront:CreateOriginAccessControl", "cloudfront:UpdateOriginAccessControl", "cloudfront:DeleteOriginAccessControl"],
      cf(c, "origin-access-control"),
    ),
  aws_cloudfront_continuous_deployment_policy: (_r, c) =>
    each(
      ["cloudfront:CreateContinuousDeploymentPolicy", "cloudfront:UpdateContinuousDeploymentPolicy", "cloudfront:DeleteContinuousDeploymentPolicy"],
      cf(c, "continuous-deployment-policy"),
    ),
  aws_cloudfront_key_value_store: (_r, c) =>
    each(
      ["cloudfront:CreateKeyValueStore", "cloudfront:UpdateKeyValueStore", "cloudfront:DescribeKeyValueStore", "cloudfront:DeleteKeyValueStore"],
      cf(c, "key-value-store"),
    ),
  aws_cloudfront_response_headers_policy: (_r, c) =>
    each(
      ["cloudfront:CreateResponseHeadersPolicy", "cloudfront:UpdateResponseHeadersPolicy", "cloudfront:DeleteResponseHeadersPolicy"],
      cf(c, "response-headers-policy"),
    ),
  aws_cloudwatch_event_rule: (r, c) =>
    each(["events:PutRule", "events:DeleteRule", "events:TagResource"], `arn:aws:events:${c.region}:${c.account}:rule/${r.name}`),
  aws_cloudwatch_event_target: (r, c) => each(["events:PutTargets", "events:RemoveTargets"], `arn:aws:events:${c.region}:${c.account}:rule/${c.lit(r.rule)}`),
  aws_cloudwatch_log_group: (r, c) =>
    each(
      ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource", "logs:DeleteLogGroup"],
      `arn:aws:logs:${c.region}:${c.account}:log-group:${r.name}`,
    ),
  aws_cloudwatch_metric_alarm: (r, c) =>
    each(
      ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:DeleteAlarms"],
      `arn:aws:cloudwatch:${c.region}:${c.account}:alarm:${r.alarm_name}`,
    ),
  aws_codebuild_project: (r, c) => [
    ...each(["codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:DeleteProject"], `arn:aws:codebuild:${c.region}:${c.account}:project/${r.name}`),
    { action: "iam:PassRole", resource: c.arn(r.service_role), context: { "iam:PassedToService": "codebuild.amazonaws.com" } },
  ],
  aws_codepipeline: (r, c) => [
    ...each(
      ["codepipeline:CreatePipeline", "codepipeline:UpdatePipeline", "codepipeline:DeletePipeline", "codepipeline:TagResource"],
      `arn:aws:codepipeline:${c.region}:${c.account}:${r.name}`,
    ),
    { action: "iam:PassRole", resource: c.arn(r.role_arn), context: { "iam:PassedToService": "codepipeline.amazonaws.com" } },
  ],
  aws_ecr_repository: (r, c) =>
    each(
      ["ecr:CreateRepository", "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:TagResource", "ecr:DeleteRepository"],
      `arn:aws:ecr:${c.region}:${c.account}:repository/${r.name}`,
    ),
  aws_ecr_lifecycle_policy: (r, c) =>
    each(["ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy"], `arn:aws:ecr:${c.region}:${c.account}:repository/${c.lit(r.repository)}`),
  aws_ecr_repository_policy: (r, c) =>
    each(["ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy"], `arn:aws:ecr:${c.region}:${c.account}:repository/${c.lit(r.repository)}`),
  aws_iam_openid_connect_provider: (_r, c) =>
    each(
      ["iam:CreateOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:DeleteOpenIDConnectProvider"],
      `arn:aws:iam::${c.account}:oidc-provider/token.actions.githubusercontent.com`,
    ),
  aws_iam_policy: (r, c) =>
    each(["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"], `arn:aws:iam::${c.account}:policy/${r.name}`),
  aws_iam_role: (r, c) => [
    ...each(["iam:CreateRole", "iam:PutRolePermissionsBoundary"], roleArn(c, r.name), { "iam:PermissionsBoundary": r.permissions_boundary ?? "" }),
    ...each(["iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:TagRole", "iam:DeleteRole"], roleArn(c, r.name)),
  ],
  aws_iam_role_policy: (r, c) => [
    { action: "iam:PutRolePolicy", resource: roleArn(c, c.lit(r.role)), context: { "iam:PermissionsBoundary": c.boundaryOf(r.role) } },
    { action: "iam:DeleteRolePolicy", resource: roleArn(c, c.lit(r.role)) },
  ],
  aws_iam_role_policy_attachment: (r, c) => [
    {
      action: "iam:AttachRolePolicy",
      resource: roleArn(c, c.lit(r.role)),
      context: { "iam:PermissionsBoundary": c.boundaryOf(r.role), "iam:PolicyARN": c.arn(r.policy_arn) },
    },
    { action: "iam:DetachRolePolicy", resource: roleArn(c, c.lit(r.role)), context: { "iam:PolicyARN": c.arn(r.policy_arn) } as Record<string, string> },
  ],
  aws_lambda_function: (r, c) => [
    ...each(
      ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:TagResource", "lambda:DeleteFunction"],
      fnArn(c, r.function_name),
    ),
    { action: "iam:PassRole", resource: c.arn(r.role), context: { "iam:PassedToService": "lambda.amazonaws.com" } },
  ],
  aws_lambda_event_source_mapping: (r, c) => [
    { action: "lambda:CreateEventSourceMapping", resource: "*", context: { "lambda:FunctionArn": fnArn(c, c.lit(r.function_name)) } },
    ...each(
      ["lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"],
      `arn:aws:lambda:${c.region}:${c.account}:event-source-mapping:00000000-0000-0000-0000-000000000000`,
    ),
  ],
  aws_lambda_function_event_invoke_config: (r, c) =>
    each(
      ["lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig"],
      fnArn(c, c.lit(r.function_name)),
    ),
  aws_lambda_function_url: (r, c) =>
    each(["lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig", "lambda:DeleteFunctionUrlConfig"], fnArn(c, c.lit(r.function_name))),
  aws_lambda_permission: (r, c) => each(["lambda:AddPermission", "lambda:RemovePermission"], fnArn(c, c.lit(r.function_name))),
  aws_s3_bucket: (r, c) =>
    each(["s3:CreateBucket", "s3:PutBucketTagging", "s3:DeleteBucket"], `arn:aws:s3:::${r.bucket ?? `${r.bucket_prefix}20260101000000000000000001`}`, {
      "s3:ResourceAccount": c.account,
    }),
  aws_s3_bucket_lifecycle_configuration: s3(["s3:PutLifecycleConfiguration"]),
  aws_s3_bucket_logging: s3(["s3:PutBucketLogging"]),
  aws_s3_bucket_notification: s3(["s3:PutBucketNotification"]),
  aws_s3_bucket_object_lock_configuration: s3(["s3:PutBucketObjectLockConfiguration"]),
  aws_s3_bucket_ownership_controls: s3(["s3:PutBucketOwnershipControls"]),
  aws_s3_bucket_policy: s3(["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]),
  aws_s3_bucket_public_access_block: s3(["s3:PutBucketPublicAccessBlock"]),
  aws_s3_bucket_server_side_encryption_configuration: s3(["s3:PutEncryptionConfiguration"]),
  aws_s3_bucket_versioning: s3(["s3:PutBucketVersioning"]),
  aws_sfn_state_machine: (r, c) => [
    ...each(
      ["states:CreateStateMachine", "states:UpdateStateMachine", "states:TagResource", "states:DeleteStateMachine"],
      `arn:aws:states:${c.region}:${c.account}:stateMachine:${r.name}`,
    ),
    { action: "iam:PassRole", resource: c.arn(r.role_arn), context: { "iam:PassedToService": "states.amazonaws.com" } },
  ],
  aws_sns_topic: (r, c) =>
    each(["sns:CreateTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:DeleteTopic"], `arn:aws:sns:${c.region}:${c.account}:${r.name}`),
  aws_sns_topic_policy: (r, c) => each(["sns:SetTopicAttributes"], c.arn(r.arn)),
  aws_sns_topic_subscription: (r, c) => each(["sns:Subscribe", "sns:Unsubscribe"], c.arn(r.topic_arn)),
  aws_sqs_queue: (r, c) =>
    each(["sqs:CreateQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:DeleteQueue"], `arn:aws:sqs:${c.region}:${c.account}:${r.name}`),
  aws_sqs_queue_policy: (r, c) => each(["sqs:SetQueueAttributes"], queueArn(c, r.queue_url)),
  aws_sqs_queue_redrive_allow_policy: (r, c) => each(["sqs:SetQueueAttributes"], queueArn(c, r.queue_url)),
  aws_ssm_parameter: (r, c) =>
    each(["ssm:PutParameter", "ssm:AddTagsToResource", "ssm:DeleteParameter"], `arn:aws:ssm:${c.region}:${c.account}:parameter${r.name}`),
  aws_wafv2_web_acl: (r, c) =>
    each(
      ["wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:TagResource"],
      `arn:aws:wafv2:us-east-1:${c.account}:global/webacl/${r.name}/${PLACEHOLDER_ID}`,
    ),
  // WAF logging to CloudWatch Logs also asks for these (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html).
  aws_wafv2_web_acl_logging_configuration: (r, c) => [
    ...each(["wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration"], c.arn(r.resource_arn)),
    ...each(["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], "*"),
  ],
};

/** The account a stack deploys to. */
function accountOf(stack: StackJson): string {
  const providers = stack.provider.aws;
  return (Array.isArray(providers) ? providers[0] : providers).allowed_account_ids[0];
}

const REF = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/;

/** Every API request of every resource of a stack; throws for a resource type without an entry. */
export function stackRequests(stack: StackJson): (ApiRequest & { type: string; resourceName: string })[] {
  const account = accountOf(stack);
  const providers: StackJson[] = [stack.provider.aws].flat();
  const regionOf = (provider: string | undefined) =>
    (provider
      ? (providers.find((p) => `aws.${p.alias}` === provider) ?? providers.find((p) => !p.alias && provider === "aws"))
      : providers.find((p) => !p.alias))!.region as string;
  const resources: Record<string, Record<string, StackJson>> = stack.resource ?? {};
  const target = (value: unknown): [string, StackJson] | undefined => {
    const m = typeof value === "string" ? REF.exec(value) : null;
    if (!m) return undefined;
    const r = resources[m[1]]?.[m[2]];
    if (!r) throw new Error(`reference ${value} names no resource of the stack`);
    return [m[1], r];
  };
  const nameOf = (r: StackJson) => String(r.name ?? r.bucket ?? r.function_name ?? (r.bucket_prefix ? `${r.bucket_prefix}20260101000000000000000001` : ""));
  const out: (ApiRequest & { type: string; resourceName: string })[] = [];
  for (const [type, byAddress] of Object.entries(resources)) {
    const build = REQUESTS[type];
    if (!build) throw new Error(`${type}: no entry in test/support/terraform-requests.ts says which API calls Terraform makes for it`);
    for (const [address, r] of Object.entries(byAddress)) {
      const region = regionOf(r.provider);
      const ctx: ResourceContext = {
        account,
        region,
        lit: (v) => {
          const t = target(v);
          if (!t) return String(v);
          const [, res] = t;
          return nameOf(res);
        },
        arn: (v) => {
          const t = target(v);
          if (!t) return String(v);
          const [ty, res] = t;
          const tRegion = regionOf(res.provider);
          if (ty === "aws_iam_role") return `arn:aws:iam::${account}:role/${res.name}`;
          if (ty === "aws_iam_policy") return `arn:aws:iam::${account}:policy/${res.name}`;
          if (ty === "aws_sns_topic") return `arn:aws:sns:${tRegion}:${account}:${res.name}`;
          if (ty === "aws_sqs_queue") return `arn:aws:sqs:${tRegion}:${account}:${res.name}`;
          if (ty === "aws_wafv2_web_acl") return `arn:aws:wafv2:us-east-1:${account}:global/webacl/${res.name}/${PLACEHOLDER_ID}`;
          throw new Error(`no ARN for a reference to ${ty}`);
        },
        boundaryOf: (role) => {
          const t =
            target(role) ??
            Object.entries(resources.aws_iam_role ?? {})
              .map(([, x]) => ["aws_iam_role", x] as [string, StackJson])
              .find(([, x]) => x.name === role);
          return t?.[1].permissions_boundary ?? "";
        },
      };
      for (const q of build(r, ctx))
        out.push({ address: `${type}.${address}`, type, resourceName: nameOf(r), action: q.action, resource: q.resource, context: q.context ?? {} });
    }
  }
  return out;
}
