import { Aspects, AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { invalidationQueueNames, lambdaLogGroupName, s3BucketArn, siteBaseName, sqsQueueArn } from "../model/names";
import type { ResolvedInvalidation } from "../model/resolved";
import { InvalidationEvent, InvalidationPaths } from "../model/vocabulary";
import { invalidationStatement, writeLogsStatement } from "./grants";
import { ServiceRole } from "./service-role";
import { bundleLambda, type LambdaBundle } from "./lambda-bundle";
import { denyInsecureTransport, escapeTerraformTemplates, policyJson } from "./policy";
import { SidTags } from "./sid-tags";
import type { StaticSite } from "./static-site";

export { InvalidationEvent, InvalidationPaths };

export interface SiteInvalidatorProps {
  /** Environment name, the first part of every resource name. */
  readonly envName: string;
  /** AWS account of the bucket, queue and function. */
  readonly accountId: string;
  /** The environment's main region (the bucket's region; S3 notifies only queues in it). */
  readonly region: string;
  /** Product id; tagged on every resource. */
  readonly sid: string;
  /** Site name, unique in the environment. */
  readonly siteName: string;
  /** The site whose bucket is watched; its own distribution is always invalidated. */
  readonly site: StaticSite;
  /** Other sites whose distributions serve this bucket's objects. @default none */
  readonly alsoInvalidate?: readonly StaticSite[];
  /** The site's resolved invalidation (environments/resolve.ts): events, filters, paths, batching, names. */
  readonly config: ResolvedInvalidation;
  /** The handler bundle. @default functions/invalidator, bundled once per process */
  readonly bundle?: LambdaBundle;
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
 * Invalidates a site's distribution(s) when objects in its bucket change, including objects S3 replication copies
 * in from another account (replication fires s3:ObjectCreated:*, https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html):
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
  /** The dead-letter queue's name, literal (alarms watch it). */
  readonly deadLetterQueueName: string;
  /** The function's name, literal (alarms watch it). */
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: SiteInvalidatorProps) {
    super(scope, id);
    const c = props.config;
    const base = siteBaseName(props.envName, props.sid, props.siteName);
    const functionName = c.functionName;
    const { queue: queueName, deadLetterQueue: dlqName } = invalidationQueueNames(base);
    const logGroupName = lambdaLogGroupName(functionName);
    this.deadLetterQueueName = dlqName;
    this.functionName = functionName;
    // Literal ARNs (not references) so the plan shows every policy whole.
    const queueArn = sqsQueueArn(props.region, props.accountId, queueName);
    const dlqArn = sqsQueueArn(props.region, props.accountId, dlqName);
    const bucketName = props.site.bucketName;
    const bucketArn = s3BucketArn(bucketName);
    const distributions = [props.site, ...(props.alsoInvalidate ?? [])].map((s) => ({ id: s.distribution.id, arn: s.distribution.arn }));

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
      visibilityTimeoutSeconds: 6 * FUNCTION_TIMEOUT_SECONDS + c.batchingWindowSeconds,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: c.maxReceiveCount }),
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
          denyInsecureTransport("sqs", queueArn),
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
          events: c.events.map((e) => S3_EVENTS[e]),
          filterPrefix: c.prefix,
          filterSuffix: c.suffix,
        },
      ],
      dependsOn: [queuePolicy],
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: logGroupName, retentionInDays: c.logRetentionDays });

    const { role, policy: rolePolicy } = ServiceRole.resources(this, { role: "role", policy: "role-policy" }, {
      name: base,
      suffix: "invalidator",
      roleName: functionName,
      service: "lambda.amazonaws.com",
      accountId: props.accountId,
      sourceAccountCondition: false,
      description: `Invalidates ${base}'s CloudFront distributions when its bucket changes`,
      policyName: "invalidate-linked-distributions",
      policyRoleAttribute: "name",
      statements: [
        // With List: the handler reads what is in progress to fit its paths into the quotas (functions/invalidator/budget.ts).
        invalidationStatement("InvalidateLinkedDistributions", distributions.map((d) => d.arn), { list: true }),
        { Sid: "ConsumeOwnQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: queueArn },
        writeLogsStatement("WriteOwnLogs", props.region, props.accountId, logGroupName),
      ],
    });
    this.role = role;

    const bundle = props.bundle ?? bundleLambda("invalidator");
    const code = codeAsset(this, bundle);
    this.function = new LambdaFunction(this, "function", {
      functionName,
      description: `CloudFront invalidation for ${bucketName} (modules/site-invalidator.ts)`,
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: code.path,
      // The zip's bytes are not what changes the code; the bundle's hash is.
      sourceCodeHash: code.assetHash,
      memorySize: 256,
      timeout: FUNCTION_TIMEOUT_SECONDS,
      environment: { variables: { INVALIDATOR_CONFIG: invalidatorConfig(bucketName, c, distributions.map((d) => d.id)) } },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      // The log group first, or the first invocation creates one without retention.
      dependsOn: [this.logGroup, rolePolicy],
    });

    new LambdaEventSourceMapping(this, "source", {
      functionName: this.function.arn,
      eventSourceArn: this.queue.arn,
      batchSize: BATCH_SIZE,
      maximumBatchingWindowInSeconds: c.batchingWindowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: MAX_CONCURRENCY },
      // Lambda checks the role can read the queue when the mapping is created.
      dependsOn: [rolePolicy],
    });

    if (c.replicationSourceRoleArn) {
      props.site.addBucketPolicyStatement({
        Sid: "AllowReplicationFromSourceAccount",
        Effect: "Allow",
        Principal: { AWS: c.replicationSourceRoleArn },
        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        // One owner per key: with a prefix the source cannot write into release folders (or anything else).
        Resource: `${bucketArn}/${c.replicationPrefix ?? ""}*`,
      });
      props.site.addBucketPolicyStatement({
        Sid: "AllowReplicationVersioningCheck",
        Effect: "Allow",
        Principal: { AWS: c.replicationSourceRoleArn },
        Action: "s3:GetBucketVersioning",
        Resource: bucketArn,
      });
    }

    Aspects.of(this).add(new SidTags(props.sid));
  }
}

/** The function's INVALIDATOR_CONFIG: JSON with distribution ids that Terraform fills in. */
export function invalidatorConfig(bucketName: string, c: Pick<ResolvedInvalidation, "paths" | "maxPaths" | "indexDocument">, distributionIds: string[]): string {
  return escapeTerraformTemplates(JSON.stringify({ links: [{ bucket: bucketName, distributionIds }], paths: c.paths, maxPaths: c.maxPaths, indexDocument: c.indexDocument }));
}

/** One asset per stack, shared by every invalidator in it: the zip is copied once per stack, not per site. */
function codeAsset(scope: Construct, bundle: LambdaBundle): TerraformAsset {
  const stack = TerraformStack.of(scope);
  const id = "invalidator-code";
  const existing = stack.node.tryFindChild(id);
  if (existing instanceof TerraformAsset) return existing;
  return new TerraformAsset(stack, id, { path: bundle.zip, type: AssetType.FILE, assetHash: bundle.hash });
}
