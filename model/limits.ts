/**
 * Limits of AWS and of this project's naming scheme, in one table. The schema (config/) enforces them on user
 * input; constructs rely on them. Each entry names its public source.
 */

/**
 * Values CloudWatch Logs accepts for retention_in_days (0, "never expire", is deliberately not offered).
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const LIMITS = {
  /** CloudFront Function names: [a-zA-Z0-9-_]{1,64} (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateFunction.html). */
  functionNameLength: 64,
  /** CloudFront Function comments: at most 128 characters (same page, FunctionConfig.Comment). */
  functionCommentLength: 128,
  /** CloudFront Function code: at most 10 KB, not adjustable (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-functions). */
  cf2CodeBytes: 10 * 1024,
  /** Distribution comment: at most 128 characters (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html). */
  distributionCommentLength: 128,
  /** Lambda function names: at most 64 characters (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html). */
  lambdaFunctionNameLength: 64,
  /** IAM role names: at most 64 characters (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
  iamRoleNameLength: 64,
  /** IAM MaxSessionDuration: 1-12 hours (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
  roleSessionHours: { min: 1, max: 12 },
  /** S3 bucket names: 3-63 characters (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
  bucketNameLength: { min: 3, max: 63 },
  /** Lambda's SQS batching window: at most 300 s (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html). */
  batchingWindowSeconds: { min: 1, max: 300 },
  /** SQS redrive maxReceiveCount: 1-1000 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html). */
  maxReceiveCount: { min: 1, max: 1000 },
  /** CloudFront: at most 3,000 invalidation paths in progress per distribution (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations). */
  invalidationPaths: { min: 1, max: 3000 },
  /** Continuous deployment: staging weight 0-0.15 (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/continuous-deployment-quotas-considerations.html). */
  stagingWeight: { min: 0, max: 0.15 },
  /** Session stickiness idle and maximum TTL: 300-3600 s (same page). */
  sessionStickinessSeconds: { min: 300, max: 3600 },
  /** Continuous deployment policies (and staging distributions) per account (same page). */
  continuousDeploymentsPerAccount: 20,
  /** Tags the environment may add; AWS allows 50 per resource and the project adds its own (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
  environmentTags: 40,
  /** Cache behavior path patterns: at most 255 characters (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern). */
  pathPatternLength: 255,
} as const;

/** Continuous deployment headers must start with this (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/continuous-deployment-workflow.html). */
export const CD_HEADER_PREFIX = "aws-cf-cd-";

/** Environment names (2-10 lowercase letters/digits): short, hyphen-free, so `<env>-<sid>-` prefixes never collide. */
export const ENV_NAME = /^[a-z][a-z0-9]{1,9}$/;
/** Product ids (2-16 lowercase letters/digits), hyphen-free for the same reason. */
export const SID = /^[a-z][a-z0-9]{1,15}$/;
/** Site names (2-32 lowercase letters, digits or hyphens). */
export const RESOURCE_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/** A Jira issue key, e.g. EDGE-123. */
export const TICKET_KEY = /^[A-Z][A-Z0-9_]+-[1-9][0-9]*$/;
/** A CloudFront Function's own name (also its directory name); the AWS name is `<env>-<sid>-<name>`. */
export const FUNCTION_NAME = /^[a-z][a-z0-9_-]*[a-z0-9]$/;
/**
 * What is wrong with a cache behavior's path pattern, or undefined. CloudFront allows at most 255 of
 * A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + & ? and treats a pattern with or without its leading "/" alike
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern);
 * this project writes every pattern one way, starting with "/" (or "*" for a pattern such as *.jpg), so that a
 * function manifest, a ticket and the environment name the same behavior with the same string. "*" and "/*" are the
 * default behavior, which is declared on its own.
 */
export function pathPatternProblem(pattern: string): string | undefined {
  if (pattern === "*" || pattern === "/*") return `"${pattern}" is the default behavior; declare it as defaultBehavior`;
  if (pattern.length === 0 || pattern.length > LIMITS.pathPatternLength) return `must be 1-${LIMITS.pathPatternLength} characters (is ${pattern.length})`;
  if (!/^[A-Za-z0-9_\-.*$/~"'@:+&?]+$/.test(pattern)) return "allows A-Z a-z 0-9 _ - . * $ / ~ \" ' @ : + & ? only";
  if (!/^[/*]/.test(pattern)) return `must start with "/" (or "*"), such as /${pattern.replace(/^\/*/, "")}`;
  return undefined;
}
