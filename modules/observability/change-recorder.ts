import { AssetType, TerraformAsset, type TerraformProvider, type TerraformResource } from "cdktn";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import {
  APIGATEWAY_EVENT_PREFIXES,
  CLOUDFRONT_EVENT_PREFIXES,
  CLOUDTRAIL_DETAIL_TYPE,
  ECR_EVENT_NAMES,
  IAM_EVENT_NAMES,
  LAMBDA_EVENT_PREFIXES,
  ROUTE53_EVENT_NAMES,
  SSM_EVENT_NAMES,
  RECORDER_LIMITS,
  RECORDER_REGION,
  S3_EVENT_NAMES,
  WatchedService,
  changeRecorderNames,
} from "../../model/change-recorder";
import { ConstructError } from "../../model/errors";
import { eventRuleArn, iamPolicyArn, lambdaFunctionArn, s3ObjectArn, sqsQueueArn, ssmParameterArn } from "../../model/names";
import { queueKeyStatement } from "../aspects/message-encryption";
import { DeadLetterQueue } from "../blocks/dead-letter-queue";
import { writeLogsStatement } from "../blocks/grants";
import { bundleLambda, type LambdaBundle } from "../blocks/lambda-bundle";
import { NodejsFunction, type NodejsFunctionResources } from "../blocks/nodejs-function";
import { PrivateBucket } from "../blocks/private-bucket";
import { escapeTerraformTemplates, type PolicyStatement } from "../blocks/policy";

/** What the recorder treats as this project's resources (functions/change-recorder/config.ts, `watch`). */
export interface WatchedResources {
  /** Distribution ids (references for distributions of this stack); changes to others are recorded as unwatched. */
  readonly distributionIds: string[];
  /** CloudFront Function names start with one of these (`<env>-`). */
  readonly functionPrefixes: string[];
  /** Site bucket names; also the S3 rules' filter. */
  readonly buckets: string[];
  /** Role and customer-managed policy names start with one of these; also the IAM rule's filter. */
  readonly iamNamePrefixes: string[];
  /** Continuous deployment policy ids (references). */
  readonly continuousDeploymentPolicyIds: string[];
  /** Key value store names start with one of these. */
  readonly keyValueStorePrefixes: string[];
  /** Lambda function and ECR repository names start with one of these (`<env>-`); also the Lambda and ECR rules' filter. @default [] (no rule) */
  readonly lambdaFunctionPrefixes?: string[];
  /** ECR repository names start with one of these; also the ECR rule's filter. @default [] (no rule) */
  readonly repositoryPrefixes?: string[];
  /** SSM parameter names (the container functions' image tags); also the SSM rule's filter. @default [] (no rule) */
  readonly parameterNames?: string[];
  /** Route 53 hosted zone ids; also the Route 53 rule's filter. @default [] (no rule) */
  readonly hostedZoneIds?: string[];
  /** API Gateway REST or HTTP API ids; also the API Gateway rule's filter. @default [] (no rule) */
  readonly apiIds?: string[];
}

/** An app-owned container function in RECORDER_CONFIG: the team's code updates, pushes and tag writes are expected. */
export interface AppOwnedContainerFunction {
  /** Function name. */
  readonly function: string;
  /** ECR repository name. */
  readonly repository: string;
  /** Image-tag SSM parameter name. */
  readonly parameter: string;
  /** The team's role ARNs. */
  readonly teamPrincipals: string[];
}

export interface ChangeRecorderProps {
  /** Environment name, the first part of every resource name. */
  readonly envName: string;
  /** The account whose CloudTrail events are recorded. */
  readonly accountId: string;
  /** Provider for us-east-1, where CloudFront and IAM events arrive; every recorder resource lives there. */
  readonly provider: TerraformProvider;
  /** `owner/name` of the repository that receives the issues. */
  readonly repository: string;
  /** GitHub REST API base URL. */
  readonly githubApiUrl: string;
  /** Name of the SSM SecureString (us-east-1) holding the GitHub token; created outside Terraform. */
  readonly tokenParameter: string;
  /** KMS key of the parameter when it is a customer managed key; the AWS managed aws/ssm key needs no grant. @default none */
  readonly tokenKmsKeyArn?: string;
  /** Issue label that, with a hidden marker, finds a resource's open issue. */
  readonly label: string;
  /** Role ARNs (or `*` patterns) of this project's automation: no issue for their changes. */
  readonly automationPrincipals: string[];
  /** Role ARNs (or patterns) of application teams; expected only on app-owned function code. */
  readonly appTeamPrincipals: string[];
  /** Names of CloudFront Functions whose code application teams own. */
  readonly appOwnedFunctions: string[];
  /** Container functions whose image application teams own, with the team's roles. @default [] */
  readonly appOwnedContainerFunctions?: AppOwnedContainerFunction[];
  /** The project's resources. */
  readonly watch: WatchedResources;
  /** Key prefix of the records in the bucket; the function may write only below it. */
  readonly prefix: string;
  /** Days a superseded version of an object is kept. */
  readonly noncurrentVersionDays: number;
  /** Object Lock in governance mode for this many days (set when the bucket is created). @default none */
  readonly objectLockDays?: number;
  /** Days a record is kept; undefined keeps records forever. */
  readonly recordRetentionDays?: number;
  /** Retention of the function's log group. */
  readonly logRetentionDays: number;
  /** Regions whose rules forward events here (besides us-east-1); their forwarders send to this bus. @default [] */
  readonly forwardedFromRegions?: string[];
  /** Customer managed key of us-east-1's queues (messageEncryption): the function may send to its dead-letter queue. @default none (SSE-SQS) */
  readonly queueKmsKeyArn?: string;
  /** The handler bundle. @default functions/change-recorder bundled once per process */
  readonly bundle?: LambdaBundle;
}

/** Seconds the function may run: GitHub retries wait at most maxRetryWaitSeconds (30) a few times. */
const FUNCTION_TIMEOUT_SECONDS = 180;

/**
 * EventBridge patterns for the CloudTrail events of what the stacks manage. CloudFront, IAM and Route 53 events are
 * delivered in us-east-1 only (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/logging_using_cloudtrail.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/logging-using-cloudtrail.html); S3, Lambda, ECR, SSM
 * and API Gateway events in the resource's region (forwarded: `forwardedEventPattern`).
 * Prefix matching on eventName because CloudFront and Lambda append their API version (UpdateDistribution2020_05_31,
 * UpdateFunctionCode20150331v2). A service without anything to watch has no pattern (and no rule).
 */
export function recorderEventPatterns(
  accountId: string,
  watch: Pick<WatchedResources, "buckets" | "iamNamePrefixes"> & Partial<WatchedResources>,
): Record<WatchedService, object | undefined> {
  const base = { "detail-type": [CLOUDTRAIL_DETAIL_TYPE] };
  const service = (source: string, eventSource: string, eventName: unknown[], requestParameters: object | undefined) =>
    requestParameters === undefined ? undefined : { ...base, source: [source], detail: { eventSource: [eventSource], eventName, ...requestParameters } };
  const some = <T>(list: T[] | undefined, make: (l: T[]) => object) => (list && list.length > 0 ? make(list) : undefined);
  const prefixes = (list: string[]) => list.map((prefix) => ({ prefix }));
  return {
    [WatchedService.CLOUDFRONT]: service("aws.cloudfront", "cloudfront.amazonaws.com", prefixes([...CLOUDFRONT_EVENT_PREFIXES]), {}),
    [WatchedService.IAM]: service(
      "aws.iam",
      "iam.amazonaws.com",
      [...IAM_EVENT_NAMES],
      some(watch.iamNamePrefixes, (p) => ({
        $or: [
          { requestParameters: { roleName: prefixes(p) } },
          { requestParameters: { policyArn: p.map((x) => ({ prefix: iamPolicyArn(accountId, x) })) } },
          { requestParameters: { policyName: prefixes(p) } },
        ],
      })),
    ),
    [WatchedService.S3]: service(
      "aws.s3",
      "s3.amazonaws.com",
      [...S3_EVENT_NAMES],
      some(watch.buckets, (b) => ({ requestParameters: { bucketName: [...b] } })),
    ),
    // Lambda's requests name the function by name or by ARN (with or without a qualifier).
    [WatchedService.LAMBDA]: service(
      "aws.lambda",
      "lambda.amazonaws.com",
      prefixes([...LAMBDA_EVENT_PREFIXES]),
      some(watch.lambdaFunctionPrefixes, (p) => ({
        requestParameters: { functionName: [...prefixes(p), ...p.map((x) => ({ wildcard: lambdaFunctionArn("*", accountId, `${x}*`) }))] },
      })),
    ),
    [WatchedService.ECR]: service(
      "aws.ecr",
      "ecr.amazonaws.com",
      [...ECR_EVENT_NAMES],
      some(watch.repositoryPrefixes, (p) => ({ requestParameters: { repositoryName: prefixes(p) } })),
    ),
    // DeleteParameters names several parameters: an array matches when one element does.
    [WatchedService.SSM]: service(
      "aws.ssm",
      "ssm.amazonaws.com",
      [...SSM_EVENT_NAMES],
      some(watch.parameterNames, (n) => ({ $or: [{ requestParameters: { name: [...n] } }, { requestParameters: { names: [...n] } }] })),
    ),
    [WatchedService.ROUTE53]: service(
      "aws.route53",
      "route53.amazonaws.com",
      [...ROUTE53_EVENT_NAMES],
      some(watch.hostedZoneIds, (z) => ({ requestParameters: { hostedZoneId: [...z] } })),
    ),
    // REST APIs are named restApiId, HTTP and WebSocket APIs apiId.
    [WatchedService.APIGATEWAY]: service(
      "aws.apigateway",
      "apigateway.amazonaws.com",
      prefixes([...APIGATEWAY_EVENT_PREFIXES]),
      some(watch.apiIds, (ids) => ({ $or: [{ requestParameters: { restApiId: [...ids] } }, { requestParameters: { apiId: [...ids] } }] })),
    ),
  };
}

/** Services whose events arrive in the resource's region, so other regions forward them to us-east-1. */
export const REGIONAL_SERVICES: readonly WatchedService[] = [
  WatchedService.S3,
  WatchedService.LAMBDA,
  WatchedService.ECR,
  WatchedService.SSM,
  WatchedService.APIGATEWAY,
];

/**
 * One pattern for a forwarder: any of the regional services' patterns, joined with `$or`
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-complex-example-or);
 * undefined when no regional service has anything to watch.
 */
export function forwardedEventPattern(patterns: Record<WatchedService, object | undefined>): object | undefined {
  const regional = REGIONAL_SERVICES.map((s) => patterns[s]).filter((p): p is Record<string, unknown> => p !== undefined);
  if (regional.length === 0) return undefined;
  if (regional.length === 1) return regional[0];
  return { "detail-type": [CLOUDTRAIL_DETAIL_TYPE], $or: regional.map(({ "detail-type": _detailType, ...rest }) => rest) };
}

/**
 * Records every change to what this project manages and raises manual ones as GitHub issues:
 * CloudTrail -> EventBridge rules in us-east-1 -> Lambda (asynchronous: retries, then the dead-letter
 * queue) -> a record in a versioned bucket -> an issue per resource.
 *
 * It creates no trail: the account's (or organization's) trail must log management write events; without one
 * EventBridge receives no "AWS API Call via CloudTrail" events.
 *
 * Alarms are not made here: the stack registers `deadLetterQueueName` and `functionName` with the environment's
 * Alarms (stacks/change-recorder.ts), so a lost event pages the same topic as every other failure.
 *
 * Owns: the records bucket and its configuration, the dead-letter queue and its policy, the function, its
 * role, policy, log group, asynchronous invocation configuration and permissions, the rules and targets.
 * Leaves alone: the token parameter (created outside Terraform so the token never reaches state) and the objects.
 */
export class ChangeRecorder extends Construct {
  readonly bucket: PrivateBucket["bucket"];
  readonly deadLetterQueue: SqsQueue;
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly rules: CloudwatchEventRule[] = [];
  /** The dead-letter queue's name (for alarms). */
  readonly deadLetterQueueName: string;
  /** The function's name (for alarms). */
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ChangeRecorderProps) {
    super(scope, id);
    const names = changeRecorderNames(props.envName, props.accountId);
    this.deadLetterQueueName = names.deadLetterQueueName;
    this.functionName = names.functionName;
    const patterns = recorderEventPatterns(props.accountId, props.watch);
    const services = (Object.keys(patterns) as WatchedService[]).filter((s) => patterns[s] !== undefined);

    this.bucket = this.createRecordsBucket(props, names.bucketName);
    this.deadLetterQueue = this.createDeadLetterQueue(props, names, services);
    const fn = this.createFunction(props, names);
    ({ logGroup: this.logGroup, role: this.role, function: this.function } = fn);
    new LambdaFunctionEventInvokeConfig(this, "async", {
      provider: props.provider,
      functionName: this.function.functionName,
      maximumRetryAttempts: RECORDER_LIMITS.maxLambdaRetries,
      maximumEventAgeInSeconds: RECORDER_LIMITS.lambdaMaxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
      dependsOn: [fn.rolePolicy],
    });
    for (const service of services) this.rules.push(this.createRule(props, names, service, patterns[service]!));
  }

  /** The records bucket: private, encrypted, TLS only (PrivateBucket), versioned, with lifecycle. */
  private createRecordsBucket(props: ChangeRecorderProps, bucketName: string): PrivateBucket["bucket"] {
    const provider = props.provider;
    const records = PrivateBucket.inScope(
      this,
      { bucket: "bucket", ownership: "ownership", publicAccess: "public-access", encryption: "encryption", policy: "policy", versioning: "versioning" },
      // Versioning keeps every version a writer could have replaced; the function itself never overwrites (If-None-Match).
      { provider, bucket: bucketName, versioning: true },
    );
    // The audit trail outlives any plan: never destroyed or replaced by Terraform (the apply role may not delete it
    // or change its lifecycle either: modules/permissions-boundary.ts).
    records.bucket.lifecycle = { ...records.bucket.lifecycle, preventDestroy: true };
    if (props.objectLockDays !== undefined) {
      records.bucket.objectLockEnabled = true;
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        provider,
        bucket: records.bucket.id,
        rule: { defaultRetention: { mode: "GOVERNANCE", days: props.objectLockDays } },
        dependsOn: [records.versioning!],
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket: records.bucket.id,
      rule: [
        {
          id: "records",
          status: "Enabled",
          filter: [{ prefix: props.prefix }],
          expiration: props.recordRetentionDays === undefined ? undefined : [{ days: props.recordRetentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
        },
        {
          id: "superseded-versions-and-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      // As the provider's documentation advises for versioned buckets: versioning first, then noncurrent-version rules.
      dependsOn: [this.node.findChild("versioning") as TerraformResource],
    });
    return records.bucket;
  }

  /** The dead-letter queue for events EventBridge could not deliver and invocations Lambda gave up on. */
  private createDeadLetterQueue(props: ChangeRecorderProps, names: ChangeRecorderNames, services: WatchedService[]): SqsQueue {
    return DeadLetterQueue.resources(
      this,
      { queue: "dlq", policy: "dlq-policy" },
      {
        provider: props.provider,
        name: names.deadLetterQueueName,
        accountId: props.accountId,
        region: RECORDER_REGION,
        fromRules: { sid: "AllowThisRecordersRules", ruleArns: services.map((s) => eventRuleArn(RECORDER_REGION, props.accountId, names.ruleName(s))) },
      },
    );
  }

  /** The function, its log group (first, with retention), role and policy. */
  private createFunction(props: ChangeRecorderProps, names: ChangeRecorderNames): NodejsFunctionResources {
    const dlqArn = sqsQueueArn(RECORDER_REGION, props.accountId, names.deadLetterQueueName);
    const parameterArn = ssmParameterArn(RECORDER_REGION, props.accountId, `/${props.tokenParameter.replace(/^\//, "")}`);
    const statements: PolicyStatement[] = [
      // PutObject only: the function never reads, lists or deletes; If-None-Match needs nothing more.
      { Sid: "WriteRecords", Effect: "Allow", Action: "s3:PutObject", Resource: s3ObjectArn(names.bucketName, `${props.prefix}*`) },
      { Sid: "ReadGitHubToken", Effect: "Allow", Action: "ssm:GetParameter", Resource: parameterArn },
      writeLogsStatement("WriteOwnLogs", RECORDER_REGION, props.accountId, names.logGroupName),
      // Lambda's on-failure destination sends with the function's role.
      { Sid: "DeadLetterFailedInvocations", Effect: "Allow", Action: "sqs:SendMessage", Resource: dlqArn },
      ...(props.queueKmsKeyArn ? [queueKeyStatement("EncryptDeadLetters", props.queueKmsKeyArn, RECORDER_REGION, "send")] : []),
    ];
    if (props.tokenKmsKeyArn)
      statements.push({
        Sid: "DecryptTokenThroughSsm",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: props.tokenKmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `ssm.${RECORDER_REGION}.amazonaws.com` } },
      });

    const config = recorderConfig(props);
    // Terraform fills in the references (distribution and policy ids, at most ~20 characters each); Lambda refuses
    // more than 4 KB of environment variables (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
    const bytes = "RECORDER_CONFIG".length + Buffer.byteLength(config.replace(/\$\{TfToken\[[^\]]*\]\}/g, "E".repeat(20)));
    if (bytes > RECORDER_LIMITS.lambdaEnvironmentBytes)
      ConstructError.fail(
        this,
        `RECORDER_CONFIG would take about ${bytes} bytes, more than the ${RECORDER_LIMITS.lambdaEnvironmentBytes} bytes Lambda allows for environment variables: ` +
          `name automation roles with "*" patterns in changeRecorder.automationPrincipals, or split the account's environments`,
      );

    const bundle = props.bundle ?? bundleLambda("change-recorder");
    return NodejsFunction.resources(
      this,
      { logGroup: "logs", role: "role", rolePolicy: "role-policy", function: "function" },
      {
        provider: props.provider,
        functionName: names.functionName,
        description: `Change recorder for ${props.envName} -> ${props.repository} (modules/change-recorder.ts)`,
        code: new TerraformAsset(this, "code", { path: bundle.zip, type: AssetType.FILE, assetHash: bundle.hash }),
        timeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
        // One at a time: two edits of one resource a second apart must find each other's issue, not open two.
        reservedConcurrentExecutions: 1,
        environment: { RECORDER_CONFIG: config },
        logRetentionDays: props.logRetentionDays,
        accountId: props.accountId,
        roleName: names.roleName,
        roleDescription: `Records changes to ${props.envName}'s CloudFront, S3, IAM, Lambda, ECR and SSM resources and raises manual ones on GitHub`,
        policyName: "record-changes",
        statements,
      },
    );
  }

  /** One rule per watched service on the default bus, targeting the function with retries and the DLQ. */
  private createRule(props: ChangeRecorderProps, names: ChangeRecorderNames, service: WatchedService, pattern: object): CloudwatchEventRule {
    const provider = props.provider;
    const rule = new CloudwatchEventRule(this, `rule-${service}`, {
      provider,
      name: names.ruleName(service),
      description: `${service} changes for the ${props.envName} change recorder (CloudTrail management events)`,
      eventPattern: escapeTerraformTemplates(JSON.stringify(pattern)),
    });
    new CloudwatchEventTarget(this, `target-${service}`, {
      provider,
      rule: rule.name,
      targetId: "change-recorder",
      arn: this.function.arn,
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: RECORDER_LIMITS.eventBridgeMaxEventAgeSeconds },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
    new LambdaPermission(this, `invoke-${service}`, {
      provider,
      statementId: `events-${service}`,
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });
    return rule;
  }
}

type ChangeRecorderNames = ReturnType<typeof changeRecorderNames>;

/** The function's RECORDER_CONFIG (functions/change-recorder/config.ts). */
export function recorderConfig(props: ChangeRecorderProps): string {
  const names = changeRecorderNames(props.envName, props.accountId);
  return escapeTerraformTemplates(
    JSON.stringify({
      bucket: names.bucketName,
      prefix: props.prefix,
      repository: props.repository,
      githubApiUrl: props.githubApiUrl,
      tokenParameter: props.tokenParameter,
      label: props.label,
      environment: props.envName,
      automationPrincipals: props.automationPrincipals,
      appTeamPrincipals: props.appTeamPrincipals,
      appOwnedFunctions: props.appOwnedFunctions,
      appOwnedContainerFunctions: props.appOwnedContainerFunctions ?? [],
      watch: props.watch,
    }),
  );
}
