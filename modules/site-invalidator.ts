import { Aspects, AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { invalidatorFunctionName } from "../environments/schema";
import { bundleLambda, type LambdaBundle } from "./lambda-bundle";
import { escapeTerraformTemplates, policyJson } from "./policy";
import { SidTags } from "./sid-tags";
import type { StaticSite } from "./static-site";

/** S3 events that trigger an invalidation. */
export enum InvalidationEvent {
  CREATED = "created",
  REMOVED = "removed",
}

/** How a batch becomes invalidation paths (functions/invalidator/paths.ts). */
export enum InvalidationPaths {
  /** "/*": one billed path per distribution and batch. */
  WILDCARD = "wildcard",
  /** The changed objects' paths (index documents also as their directories); "/*" above maxPaths. */
  CHANGED = "changed",
}

/** A distribution that serves the bucket's objects. */
export interface LinkedDistribution {
  /** Distribution id (a reference for distributions created in this stack). */
  id: string;
  /** Distribution ARN, for the role's invalidation permission. */
  arn: string;
}

export interface SiteInvalidatorProps {
  /** Environment name, the first part of every resource name. */
  envName: string;
  /** AWS account of the bucket, queue and function. */
  accountId: string;
  /** The environment's main region (the bucket's region; S3 notifies only queues in it). */
  region: string;
  /** Product id; tagged on every resource. */
  sid: string;
  /** Site name, unique in the environment. */
  siteName: string;
  /** The site whose bucket is watched; its own distribution is always invalidated. */
  site: StaticSite;
  /** The bucket's name as a literal (ARNs in policies stay readable in the plan). */
  bucketName: string;
  /** Other distributions that serve this bucket's objects (other sites of the environment). */
  alsoInvalidate: LinkedDistribution[];
  /** S3 events to react to. */
  events: InvalidationEvent[];
  /** Only keys with this prefix. */
  prefix?: string;
  /** Only keys with this suffix. */
  suffix?: string;
  /** Path mode. */
  paths: InvalidationPaths;
  /** With CHANGED: above this many paths per distribution and batch, send "/*". */
  maxPaths: number;
  /** The object directory URLs serve (the distribution's default root object). */
  indexDocument: string;
  /** Seconds Lambda gathers messages into one batch (1-300). */
  batchingWindowSeconds: number;
  /** Receives before a message moves to the dead-letter queue (1-1000). */
  maxReceiveCount: number;
  /** Retention of the function's log group. */
  logRetentionDays: number;
  /** A role of another account that replicates into the bucket; admitted by the bucket policy. */
  replicationSourceRoleArn?: string;
  /** The handler bundle; defaults to functions/invalidator bundled once per process. */
  bundle?: LambdaBundle;
}

/** Seconds the function may run; invalidation calls take well under a second, the SDK's retries a few more. */
const FUNCTION_TIMEOUT_SECONDS = 60;
/** SQS keeps messages 4 days; the DLQ keeps them the maximum 14 days for someone to look and replay. */
const QUEUE_RETENTION_SECONDS = 4 * 24 * 3600;
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
/** Lambda closes a batch at this size, the batching window or 6 MB of messages (about 4,500 S3 events). */
const BATCH_SIZE = 10000;
/** Fewest concurrent batches Lambda allows; fewer concurrent batches mean fewer invalidations per window. */
const MAX_CONCURRENCY = 2;
const S3_EVENTS: Record<InvalidationEvent, string> = {
  [InvalidationEvent.CREATED]: "s3:ObjectCreated:*",
  [InvalidationEvent.REMOVED]: "s3:ObjectRemoved:*",
};

/**
 * Invalidates a site's distribution(s) when objects in its bucket change (seed 001, made reliable):
 * bucket notification -> encrypted SQS queue (with a dead-letter queue) -> Lambda (batching window, partial batch
 * failures) -> one CreateInvalidation per distribution per batch, idempotent on redelivery.
 *
 * Owns: the bucket's notification configuration (a bucket has exactly one: notifications configured elsewhere on
 * this bucket are replaced and show as drift), the queue, DLQ and their policies, the function, its role and
 * policy, its log group and the event source mapping. Leaves alone: the bucket's objects, and the distributions
 * (it only creates invalidations). With `replicationSourceRoleArn` it adds one statement to the site's bucket policy.
 */
export class SiteInvalidator extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly notification: S3BucketNotification;

  constructor(scope: Construct, id: string, props: SiteInvalidatorProps) {
    super(scope, id);
    validate(props);
    const base = `${props.envName}-${props.sid}-${props.siteName}`;
    const functionName = invalidatorFunctionName(props.envName, props.sid, props.siteName);
    const queueName = `${base}-invalidation`;
    const dlqName = `${queueName}-dlq`;
    const logGroupName = `/aws/lambda/${functionName}`;
    // Literal ARNs (not references) so the plan shows every policy whole.
    const arn = (service: string, resource: string) => `arn:aws:${service}:${props.region}:${props.accountId}:${resource}`;
    const queueArn = arn("sqs", queueName);
    const dlqArn = arn("sqs", dlqName);
    const bucketArn = `arn:aws:s3:::${props.bucketName}`;
    const distributions = [{ id: props.site.distribution.id, arn: props.site.distribution.arn }, ...props.alsoInvalidate];

    this.deadLetterQueue = new SqsQueue(this, "dlq", {
      name: dlqName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
    });
    this.queue = new SqsQueue(this, "queue", {
      name: queueName,
      // SSE-SQS: S3 can deliver to it without a KMS key policy (SSE-KMS with the AWS-managed key would refuse S3).
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: QUEUE_RETENTION_SECONDS,
      // AWS's rule for Lambda sources: at least 6 x the function timeout plus the batching window, so a batch in
      // flight does not reappear while it is still being handled.
      visibilityTimeoutSeconds: 6 * FUNCTION_TIMEOUT_SECONDS + props.batchingWindowSeconds,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: props.maxReceiveCount }),
      dependsOn: [this.deadLetterQueue],
    });
    // Only this queue may use the DLQ, and a DLQ redrive (start-message-move-task) returns messages to it.
    new SqsQueueRedriveAllowPolicy(this, "dlq-redrive-allow", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn] }),
      dependsOn: [this.queue],
    });
    const queuePolicy = new SqsQueuePolicy(this, "queue-policy", {
      queueUrl: this.queue.url,
      policy: policyJson({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AllowThisBucketsNotifications",
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queueArn,
            Condition: { ArnEquals: { "aws:SourceArn": bucketArn }, StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      }),
    });

    // The bucket's single notification configuration. S3 checks it can deliver (and sends s3:TestEvent) when it
    // is written, so the queue policy must exist first.
    this.notification = new S3BucketNotification(this, "notification", {
      bucket: props.site.bucket.id,
      queue: [
        {
          id: "cloudfront-invalidation",
          queueArn: this.queue.arn,
          events: props.events.map((e) => S3_EVENTS[e]),
          filterPrefix: props.prefix,
          filterSuffix: props.suffix,
        },
      ],
      dependsOn: [queuePolicy],
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: logGroupName, retentionInDays: props.logRetentionDays });

    this.role = new IamRole(this, "role", {
      name: functionName,
      description: `Invalidates ${base}'s CloudFront distributions when its bucket changes`,
      assumeRolePolicy: policyJson({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      role: this.role.name,
      name: "invalidate-linked-distributions",
      policy: policyJson({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "InvalidateLinkedDistributions",
            Effect: "Allow",
            // List and Get: the handler reads what is in progress to fit its paths into the quotas (functions/invalidator/budget.ts).
            Action: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", "cloudfront:ListInvalidations"],
            Resource: distributions.map((d) => d.arn),
          },
          {
            Sid: "ConsumeOwnQueue",
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            Resource: queueArn,
          },
          {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [arn("logs", `log-group:${logGroupName}`), arn("logs", `log-group:${logGroupName}:*`)],
          },
        ],
      }),
    });

    const bundle = props.bundle ?? bundleLambda("invalidator");
    const code = codeAsset(this, bundle);
    this.function = new LambdaFunction(this, "function", {
      functionName,
      description: `CloudFront invalidation for ${props.bucketName} (modules/site-invalidator.ts)`,
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: code.path,
      // The zip's bytes are not what changes the code; the bundle's hash is.
      sourceCodeHash: code.assetHash,
      memorySize: 256,
      timeout: FUNCTION_TIMEOUT_SECONDS,
      environment: { variables: { INVALIDATOR_CONFIG: invalidatorConfig(props, distributions.map((d) => d.id)) } },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      // The log group first, or the first invocation creates one without retention.
      dependsOn: [this.logGroup, rolePolicy],
    });

    new LambdaEventSourceMapping(this, "source", {
      functionName: this.function.arn,
      eventSourceArn: this.queue.arn,
      batchSize: BATCH_SIZE,
      maximumBatchingWindowInSeconds: props.batchingWindowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: MAX_CONCURRENCY },
      // Lambda checks the role can read the queue when the mapping is created.
      dependsOn: [rolePolicy],
    });

    if (props.replicationSourceRoleArn) {
      props.site.addBucketPolicyStatement({
        Sid: "AllowReplicationFromSourceAccount",
        Effect: "Allow",
        Principal: { AWS: props.replicationSourceRoleArn },
        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        Resource: `${bucketArn}/*`,
      });
      props.site.addBucketPolicyStatement({
        Sid: "AllowReplicationVersioningCheck",
        Effect: "Allow",
        Principal: { AWS: props.replicationSourceRoleArn },
        Action: "s3:GetBucketVersioning",
        Resource: bucketArn,
      });
    }

    Aspects.of(this).add(new SidTags(props.sid));
  }
}

/** The function's INVALIDATOR_CONFIG: JSON with distribution ids that Terraform fills in. */
export function invalidatorConfig(props: Pick<SiteInvalidatorProps, "bucketName" | "paths" | "maxPaths" | "indexDocument">, distributionIds: string[]): string {
  return escapeTerraformTemplates(
    JSON.stringify({ links: [{ bucket: props.bucketName, distributionIds }], paths: props.paths, maxPaths: props.maxPaths, indexDocument: props.indexDocument }),
  );
}

/** One asset per stack, shared by every invalidator in it: the zip is copied once per stack, not per site. */
function codeAsset(scope: Construct, bundle: LambdaBundle): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const id = "invalidator-code";
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof TerraformAsset) return existing;
  return new TerraformAsset(stack, id, { path: bundle.zip, type: AssetType.FILE, assetHash: bundle.hash });
}

function validate(props: SiteInvalidatorProps): void {
  const name = `${props.envName}-${props.sid}-${props.siteName}`;
  const fail = (msg: string) => {
    throw new Error(`${name} invalidator: ${msg}`);
  };
  if (props.events.length === 0) fail("events must list at least one of created, removed");
  if (!Number.isInteger(props.batchingWindowSeconds) || props.batchingWindowSeconds < 1 || props.batchingWindowSeconds > 300)
    fail(`batchingWindowSeconds must be 1-300 (is ${props.batchingWindowSeconds})`);
  if (!Number.isInteger(props.maxReceiveCount) || props.maxReceiveCount < 1 || props.maxReceiveCount > 1000)
    fail(`maxReceiveCount must be 1-1000 (is ${props.maxReceiveCount})`);
  if (!Number.isInteger(props.maxPaths) || props.maxPaths < 1 || props.maxPaths > 3000) fail(`maxPaths must be 1-3000 (is ${props.maxPaths})`);
  if (props.indexDocument === "" || props.indexDocument.includes("/")) fail(`indexDocument must be a file name such as index.html (is "${props.indexDocument}")`);
  if (props.prefix?.startsWith("/")) fail('prefix must not start with "/" (S3 keys have no leading slash)');
  const functionName = invalidatorFunctionName(props.envName, props.sid, props.siteName);
  if (functionName.length > 64) fail(`function name "${functionName}" exceeds Lambda's 64 characters`);
}
