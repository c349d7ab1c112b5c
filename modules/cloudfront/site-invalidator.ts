import { Aspects, AssetType, TerraformAsset, TerraformStack } from "cdktn";
import { Construct } from "constructs";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { invalidationQueueNames, lambdaLogGroupName, s3BucketArn, siteBaseName, sqsQueueArn } from "../../model/names";
import type { ResolvedInvalidation } from "../../model/resolved";
import { InvalidationEvent } from "../../model/vocabulary";
import { invalidationStatement, writeLogsStatement } from "../blocks/grants";
import { DeadLetterQueue } from "../blocks/dead-letter-queue";
import { NodejsFunction } from "../blocks/nodejs-function";
import { bundleLambda, type LambdaBundle } from "../blocks/lambda-bundle";
import { escapeTerraformTemplates, policyJson, denyInsecureTransport } from "../blocks/policy";
import { SidTags } from "../aspects/sid-tags";
import type { StaticSite } from "./static-site";
import { queueKeyStatement } from "../aspects/message-encryption";

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
  /** The site's resolved invalidation (config/resolve.ts): events, filters, paths, batching, names. */
  readonly config: ResolvedInvalidation;
  /** Customer managed key of the main region's queues (messageEncryption): the function may decrypt its queue's messages. @default none (SSE-SQS) */
  readonly queueKmsKeyArn?: string;
  /** The handler bundle. @default functions/invalidator, bundled once per process */
  readonly bundle?: LambdaBundle;
}

/** Seconds the function may run; invalidation calls take well under a second, the SDK's retries a few more. */
const FUNCTION_TIMEOUT_SECONDS = 60;
/** SQS keeps messages 4 days (its default); the DLQ keeps them 14 (DeadLetterQueue). */
const QUEUE_RETENTION_SECONDS = 4 * 24 * 3600;
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
  /** Names of the roles only an AWS service assumes (the change recorder treats their changes as automation). */
  readonly serviceRoleNames: string[];

  constructor(scope: Construct, id: string, props: SiteInvalidatorProps) {
    super(scope, id);
    const c = props.config;
    const base = siteBaseName(props.envName, props.sid, props.siteName);
    const names = invalidationQueueNames(base);
    this.deadLetterQueueName = names.deadLetterQueue;
    this.functionName = c.functionName;
    this.serviceRoleNames = [c.functionName];
    // Literal ARNs (not references) so the plan shows every policy whole.
    const queueArn = sqsQueueArn(props.region, props.accountId, names.queue);
    const distributions = [props.site, ...(props.alsoInvalidate ?? [])].map((s) => ({ id: s.distribution.id, arn: s.distribution.arn }));

    const { queue, deadLetterQueue, queuePolicy } = this.createQueues(props, names, queueArn);
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue;
    // The bucket's single notification configuration. S3 checks it can deliver (and sends s3:TestEvent) when it
    // is written, so the queue policy must exist first.
    this.notification = new S3BucketNotification(this, "notification", {
      bucket: props.site.bucket.id,
      queue: [
        { id: "cloudfront-invalidation", queueArn: this.queue.arn, events: c.events.map((e) => S3_EVENTS[e]), filterPrefix: c.prefix, filterSuffix: c.suffix },
      ],
      dependsOn: [queuePolicy],
    });

    const fn = NodejsFunction.resources(
      this,
      { logGroup: "logs", role: "role", rolePolicy: "role-policy", function: "function" },
      {
        functionName: c.functionName,
        description: `CloudFront invalidation for ${props.site.bucketName} (modules/site-invalidator.ts)`,
        code: codeAsset(this, props.bundle ?? bundleLambda("invalidator")),
        timeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
        environment: {
          INVALIDATOR_CONFIG: invalidatorConfig(
            props.site.bucketName,
            c,
            distributions.map((d) => d.id),
          ),
        },
        logRetentionDays: c.logRetentionDays,
        accountId: props.accountId,
        roleName: c.functionName,
        roleDescription: `Invalidates ${base}'s CloudFront distributions when its bucket changes`,
        // Lambda's documented trust policy for execution roles has no condition (ServiceRoleProps.sourceAccountCondition).
        sourceAccountCondition: false,
        policyName: "invalidate-linked-distributions",
        statements: [
          // With List: the handler reads what is in progress to fit its paths into the quotas (functions/invalidator/budget.ts).
          invalidationStatement(
            "InvalidateLinkedDistributions",
            distributions.map((d) => d.arn),
            { list: true },
          ),
          { Sid: "ConsumeOwnQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: queueArn },
          writeLogsStatement("WriteOwnLogs", props.region, props.accountId, lambdaLogGroupName(c.functionName)),
          ...(props.queueKmsKeyArn ? [queueKeyStatement("DecryptOwnQueue", props.queueKmsKeyArn, props.region, "receive")] : []),
        ],
      },
    );
    ({ logGroup: this.logGroup, role: this.role, function: this.function } = fn);

    new LambdaEventSourceMapping(this, "source", {
      functionName: this.function.arn,
      eventSourceArn: this.queue.arn,
      batchSize: BATCH_SIZE,
      maximumBatchingWindowInSeconds: c.batchingWindowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: MAX_CONCURRENCY },
      // Lambda checks the role can read the queue when the mapping is created.
      dependsOn: [fn.rolePolicy],
    });

    if (c.replicationSourceRoleArn) allowReplication(props.site, c.replicationSourceRoleArn, c.replicationPrefix);
    Aspects.of(this).add(new SidTags(props.sid));
  }

  /** The queue S3 notifies, its dead-letter queue and their policies (S3 needs the queue policy before it notifies). */
  private createQueues(props: SiteInvalidatorProps, names: { queue: string; deadLetterQueue: string }, queueArn: string) {
    const c = props.config;
    const dlqArn = sqsQueueArn(props.region, props.accountId, names.deadLetterQueue);
    const deadLetterQueue = DeadLetterQueue.resources(
      this,
      { queue: "dlq" },
      { name: names.deadLetterQueue, accountId: props.accountId, region: props.region },
    );
    const queue = new SqsQueue(this, "queue", {
      name: names.queue,
      // SSE-SQS: S3 can deliver to it without a KMS key policy (SSE-KMS with the AWS-managed key would refuse S3).
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: QUEUE_RETENTION_SECONDS,
      // AWS's rule for Lambda sources: at least 6 x the function timeout plus the batching window, so a batch in
      // flight does not reappear while it is still being handled.
      visibilityTimeoutSeconds: 6 * FUNCTION_TIMEOUT_SECONDS + c.batchingWindowSeconds,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: c.maxReceiveCount }),
      dependsOn: [deadLetterQueue],
    });
    // Only this queue may use the DLQ, and a DLQ redrive (start-message-move-task) returns messages to it.
    new SqsQueueRedriveAllowPolicy(this, "dlq-redrive-allow", {
      queueUrl: deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn] }),
      dependsOn: [queue],
    });
    const queuePolicy = new SqsQueuePolicy(this, "queue-policy", {
      queueUrl: queue.url,
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
            Condition: { ArnEquals: { "aws:SourceArn": s3BucketArn(props.site.bucketName) }, StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      }),
    });
    return { queue, deadLetterQueue, queuePolicy };
  }
}

/** Admits a replication source role (of another account) to write below `prefix` of the site's bucket. */
function allowReplication(site: StaticSite, roleArn: string, prefix: string | undefined): void {
  const bucketArn = s3BucketArn(site.bucketName);
  site.addBucketPolicyStatement({
    Sid: "AllowReplicationFromSourceAccount",
    Effect: "Allow",
    Principal: { AWS: roleArn },
    Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
    // One owner per key: with a prefix the source cannot write into release folders (or anything else).
    Resource: `${bucketArn}/${prefix ?? ""}*`,
  });
  site.addBucketPolicyStatement({
    Sid: "AllowReplicationVersioningCheck",
    Effect: "Allow",
    Principal: { AWS: roleArn },
    Action: "s3:GetBucketVersioning",
    Resource: bucketArn,
  });
}

/** The function's INVALIDATOR_CONFIG: JSON with distribution ids that Terraform fills in. */
export function invalidatorConfig(
  bucketName: string,
  c: Pick<ResolvedInvalidation, "paths" | "maxPaths" | "indexDocument">,
  distributionIds: string[],
): string {
  return escapeTerraformTemplates(
    JSON.stringify({ links: [{ bucket: bucketName, distributionIds }], paths: c.paths, maxPaths: c.maxPaths, indexDocument: c.indexDocument }),
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
