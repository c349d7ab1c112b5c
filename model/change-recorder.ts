/**
 * Vocabulary, limits, names and the resolved configuration of the change recorder (modules/observability/change-recorder.ts,
 * functions/change-recorder/). Imports nothing from environments/ or modules/.
 */
import type { AwsRegion } from "./vocabulary";
import { lambdaLogGroupName } from "./names";

/** Where CloudFront and IAM deliver their CloudTrail events to EventBridge, so where the recorder runs. */
export const RECORDER_REGION = "us-east-1";

/**
 * CloudFront write operations the rule matches, by prefix: CloudFront logs names with the API version appended
 * (UpdateDistribution2020_05_31), and a prefix also matches the variants (CreateDistributionWithTags,
 * UpdateDistributionWithStagingConfig, which the handler classifies as a promotion).
 */
export const CLOUDFRONT_EVENT_PREFIXES = [
  "CreateDistribution",
  "UpdateDistribution",
  "DeleteDistribution",
  "CopyDistribution",
  "AssociateAlias",
  "CreateInvalidation",
  "CreateFunction",
  "UpdateFunction",
  "PublishFunction",
  "DeleteFunction",
  "TestFunction",
  "CreateContinuousDeploymentPolicy",
  "UpdateContinuousDeploymentPolicy",
  "DeleteContinuousDeploymentPolicy",
  "CreateKeyValueStore",
  "UpdateKeyValueStore",
  "DeleteKeyValueStore",
] as const;

/**
 * Bucket configuration the site modules own (policy, notification, public access, lifecycle, replication, logging,
 * and the rest of StaticSite). CloudTrail names the lifecycle calls PutBucketLifecycle/DeleteBucketLifecycle
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html).
 */
export const S3_EVENT_NAMES = [
  "PutBucketPolicy",
  "DeleteBucketPolicy",
  "PutBucketNotification",
  "PutBucketPublicAccessBlock",
  "DeleteBucketPublicAccessBlock",
  "PutBucketOwnershipControls",
  "DeleteBucketOwnershipControls",
  "PutBucketEncryption",
  "DeleteBucketEncryption",
  "PutBucketVersioning",
  "PutBucketAcl",
  "PutBucketLifecycle",
  "DeleteBucketLifecycle",
  "PutBucketReplication",
  "DeleteBucketReplication",
  "PutBucketLogging",
  "DeleteBucket",
] as const;

/** Changes to roles and customer-managed policies. */
export const IAM_EVENT_NAMES = [
  "CreateRole",
  "DeleteRole",
  "UpdateRole",
  "UpdateRoleDescription",
  "UpdateAssumeRolePolicy",
  "PutRolePolicy",
  "DeleteRolePolicy",
  "AttachRolePolicy",
  "DetachRolePolicy",
  "PutRolePermissionsBoundary",
  "DeleteRolePermissionsBoundary",
  "TagRole",
  "UntagRole",
  "CreatePolicy",
  "CreatePolicyVersion",
  "DeletePolicyVersion",
  "SetDefaultPolicyVersion",
  "DeletePolicy",
  "TagPolicy",
  "UntagPolicy",
] as const;

/**
 * Lambda write operations, by prefix: Lambda logs names with its API version appended
 * (UpdateFunctionCode20150331v2, DeleteFunction20150331;
 * https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html).
 */
export const LAMBDA_EVENT_PREFIXES = [
  "CreateFunction",
  "UpdateFunctionCode",
  "UpdateFunctionConfiguration",
  "DeleteFunction",
  "PublishVersion",
  "AddPermission",
  "RemovePermission",
  "PutFunctionConcurrency",
  "PutFunctionEventInvokeConfig",
  "UpdateFunctionEventInvokeConfig",
] as const;

/** Changes to container images and their repositories (https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html). */
export const ECR_EVENT_NAMES = [
  "PutImage",
  "BatchDeleteImage",
  "DeleteRepository",
  "SetRepositoryPolicy",
  "DeleteRepositoryPolicy",
  "PutLifecyclePolicy",
  "DeleteLifecyclePolicy",
  "PutImageTagMutability",
  "PutImageScanningConfiguration",
] as const;

/** Changes to the image-tag parameters. */
export const SSM_EVENT_NAMES = ["PutParameter", "DeleteParameter", "DeleteParameters", "LabelParameterVersion"] as const;

/** Changes to the records of a listed hosted zone, or the zone itself (Route 53 logs in us-east-1). */
export const ROUTE53_EVENT_NAMES = ["ChangeResourceRecordSets", "DeleteHostedZone", "UpdateHostedZoneComment"] as const;

/** API Gateway writes, by prefix (REST APIs: CreateDeployment, UpdateStage, PutIntegration, ...; HTTP APIs alike). */
export const APIGATEWAY_EVENT_PREFIXES = ["Create", "Update", "Delete", "Put", "Import", "Reimport"] as const;

export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";

/** Watched services, one EventBridge rule each. */
export const WatchedService = {
  CLOUDFRONT: "cloudfront",
  IAM: "iam",
  S3: "s3",
  LAMBDA: "lambda",
  ECR: "ecr",
  SSM: "ssm",
  ROUTE53: "route53",
  APIGATEWAY: "apigateway",
} as const;
export type WatchedService = (typeof WatchedService)[keyof typeof WatchedService];

export const RECORDER_DEFAULTS = {
  prefix: "records/",
  label: "change-recorder",
  githubApiUrl: "https://api.github.com",
  noncurrentVersionDays: 30,
  recordRetentionDays: 731,
} as const;

export const RECORDER_LIMITS = {
  /** S3 lifecycle days are positive integers; ten years is plenty for superseded versions. */
  maxNoncurrentVersionDays: 3650,
  /** Lambda's asynchronous invocation retries (0-2). */
  maxLambdaRetries: 2,
  /** Longest age of an event Lambda keeps retrying, and EventBridge keeps trying to deliver (seconds). */
  lambdaMaxEventAgeSeconds: 21600,
  eventBridgeMaxEventAgeSeconds: 86400,
  /** Lambda's limit on all environment variables of a function together (keys and values): 4 KB. */
  lambdaEnvironmentBytes: 4096,
} as const;

/** Names of one environment's recorder resources. */
export function changeRecorderNames(envName: string, accountId: string) {
  const base = `${envName}-change-recorder`;
  return {
    base,
    functionName: base,
    roleName: base,
    logGroupName: lambdaLogGroupName(base),
    bucketName: `${envName}-change-records-${accountId}`,
    deadLetterQueueName: `${base}-dlq`,
    ruleName: (service: WatchedService) => `${base}-${service}`,
    forwarderRoleName: `${base}-forward`,
    forwarderRuleName: (region: string) => `${base}-forward-${region}`,
    forwarderDeadLetterQueueName: `${base}-forward-dlq`,
  };
}

/**
 * The recorder of an account, resolved from the environment that enables it and the other environments of its
 * account (config/change-recorder.ts). What the stack knows only as references (its own distributions,
 * policies and service roles) the stack adds; everything here is literal.
 */
export interface ResolvedChangeRecorder {
  /** `owner/name` of the repository that receives the issues. */
  readonly repository: string;
  readonly githubApiUrl: string;
  /** SSM SecureString (us-east-1) holding the GitHub token. */
  readonly tokenParameter: string;
  /** Customer managed KMS key of the parameter, if any. */
  readonly tokenKmsKeyArn?: string;
  readonly label: string;
  readonly prefix: string;
  readonly noncurrentVersionDays: number;
  /** Object Lock (governance) retention of records, days; undefined: no Object Lock. */
  readonly objectLockDays?: number;
  /** Days records are kept; undefined keeps them forever. */
  readonly recordRetentionDays?: number;
  readonly logRetentionDays: number;
  /** The configured automation plus the other environments' service roles (by naming pattern). */
  readonly automationPrincipals: readonly string[];
  /** Application-team roles of every environment of the account (this one's exactly, the others' by pattern). */
  readonly appTeamPrincipals: readonly string[];
  /** App-owned CloudFront Functions of every environment of the account. */
  readonly appOwnedFunctions: readonly string[];
  /** `<env>-` of every environment of the account: functions, roles, policies, key value stores. */
  readonly namePrefixes: readonly string[];
  /** Site buckets of every environment of the account. */
  readonly buckets: readonly string[];
  /** Configured distribution ids of the account's other environments (this stack's come as references). */
  readonly otherDistributionIds: readonly string[];
  /** Regions whose site-bucket, container-function and API events are forwarded to us-east-1. */
  readonly forwardRegions: readonly AwsRegion[];
  /** Container functions of every environment of the account: their function, repository and image-tag parameter. */
  readonly containerFunctions: readonly RecordedContainerFunction[];
  /** Route 53 hosted zones whose record changes are recorded (`changeRecorder.watch`). */
  readonly hostedZoneIds: readonly string[];
  /** API Gateway REST or HTTP API ids whose changes are recorded (`changeRecorder.watch`). */
  readonly apiGatewayIds: readonly string[];
}

/** A container function as the recorder sees it. */
export interface RecordedContainerFunction {
  readonly functionName: string;
  readonly repositoryName: string;
  readonly parameterName: string;
  /** For app-owned functions: the team's roles, whose code updates, image pushes and tag writes are expected. */
  readonly teamPrincipals?: readonly string[];
}
