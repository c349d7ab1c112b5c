/**
 * Every resource name and ARN the project computes, defined once. The schema checks the names it can (length,
 * characters) with these same functions, the resolve step (config/resolve.ts) computes them for each
 * environment, and the constructs, the CLIs and the tests use them instead of rebuilding strings.
 *
 * ARNs are written as literals (not Terraform references) wherever the name is known at synth, so a plan shows every
 * policy whole.
 */
import { createHash } from "node:crypto";
import { LIMITS } from "./limits";
import type { AppTeamRoleKind, FunctionOwner } from "./vocabulary";

/** The host of GitHub Actions' OIDC tokens (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience GitHub's aws-actions/configure-aws-credentials asks for. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/**
 * `<base>-<suffix>` when it fits in `max` characters (IAM role names: 64); otherwise the base is shortened and an
 * 8-character hash of the full name keeps it unique, so long site names never fail at apply time.
 */
export function boundedName(base: string, suffix: string, max: number): string {
  const full = `${base}-${suffix}`;
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  const keep = max - suffix.length - hash.length - 2;
  if (keep < 1) throw new RangeError(`cannot fit "${full}" into ${max} characters`);
  return `${base.slice(0, keep).replace(/-+$/, "")}-${hash}-${suffix}`;
}

/** A role an AWS service assumes for this project: `<base>-<suffix>`, within IAM's role name length. */
export function serviceRoleName(base: string, suffix: string): string {
  return boundedName(base, suffix, LIMITS.iamRoleNameLength);
}

/** `<env>-<sid>-<site>`: the start of every name of a site's resources. */
export function siteBaseName(env: string, sid: string, site: string): string {
  return `${env}-${sid}-${site}`;
}

/** A site's origin bucket unless the configuration names one: `<env>-<sid>-<site>-<account>` (bucket names are global). */
export function defaultBucketName(env: string, sid: string, site: string, accountId: string): string {
  return `${siteBaseName(env, sid, site)}-${accountId}`;
}

/** A CloudFront Function's AWS name: `<env>-<sid>-<name>`. The principal-tag roles match on exactly this prefix. */
export function functionName(env: string, sid: string, name: string): string {
  return `${env}-${sid}-${name}`;
}

/** The comment on a CloudFront Function: the ticket key first, so every function leads back to its request. */
export function functionComment(m: { ticket: string; name: string; owner: FunctionOwner; comment?: string }): string {
  return `${m.ticket} ${m.comment ?? `${m.name} (${m.owner === "app" ? "code owned by the application team" : "code from the repository"})`}`;
}

/** Where CloudFront writes a function's logs, always in us-east-1 (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-function-logs.html). */
export function cf2LogGroupName(fnName: string): string {
  return `/aws/cloudfront/function/${fnName}`;
}

/** Name of a site's invalidator function and of its role. */
export function invalidatorFunctionName(env: string, sid: string, site: string): string {
  return `${siteBaseName(env, sid, site)}-invalidator`;
}

/** A site's invalidation queue and its dead-letter queue. */
export function invalidationQueueNames(siteBase: string): { queue: string; deadLetterQueue: string } {
  const queue = `${siteBase}-invalidation`;
  return { queue, deadLetterQueue: `${queue}-dlq` };
}

/** The log group Lambda writes a function's logs to. */
export function lambdaLogGroupName(fnName: string): string {
  return `/aws/lambda/${fnName}`;
}

/** The log group of a CodeBuild project. */
export function codebuildLogGroupName(project: string): string {
  return `/aws/codebuild/${project}`;
}

/** SSM parameter names of a site's release, shared by the module, the state machines and `npm run promote`. */
export function releaseParameterNames(env: string, sid: string, site: string) {
  const base = `/edge/${env}/${sid}/${site}`;
  return {
    /** The release (version prefix in the bucket) staging points at; written by Deploy, read by Configure. */
    releaseVersion: `${base}/release-version`,
    primaryDistributionId: `${base}/primary-distribution-id`,
    stagingDistributionId: `${base}/staging-distribution-id`,
    policyId: `${base}/continuous-deployment-policy-id`,
  };
}
export type ReleaseParameterNames = ReturnType<typeof releaseParameterNames>;

/** Application-team role names: `<env>-<sid>-cf2-<kind>`. */
export function appTeamRoleName(env: string, sid: string, kind: AppTeamRoleKind): string {
  return `${env}-${sid}-cf2-${kind}`;
}

/** The one application-team policy of an environment. */
export function appTeamPolicyName(env: string): string {
  return `${env}-cf2-app-team`;
}

/** `arn:aws:<service>:<region>:<account>:<resource>` for regional services. */
export function regionalArn(service: string, region: string, accountId: string, resource: string): string {
  return `arn:aws:${service}:${region}:${accountId}:${resource}`;
}

/** `arn:aws:<service>::<account>:<resource>` for global services (IAM, CloudFront). */
export function globalArn(service: "iam" | "cloudfront", accountId: string, resource: string): string {
  return `arn:aws:${service}::${accountId}:${resource}`;
}

/** The account itself as a principal: whatever the account's IAM policies allow. */
export function accountRootArn(accountId: string): string {
  return globalArn("iam", accountId, "root");
}

export function s3BucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** Objects of a bucket under `key` (which may end in a `*` pattern). */
export function s3ObjectArn(bucket: string, key: string): string {
  return `${s3BucketArn(bucket)}/${key}`;
}

export function lambdaFunctionArn(region: string, accountId: string, functionName: string): string {
  return regionalArn("lambda", region, accountId, `function:${functionName}`);
}

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return regionalArn("states", region, accountId, `stateMachine:${name}`);
}

export function eventRuleArn(region: string, accountId: string, name: string): string {
  return regionalArn("events", region, accountId, `rule/${name}`);
}

export function eventBusArn(region: string, accountId: string, name: string): string {
  return regionalArn("events", region, accountId, `event-bus/${name}`);
}

export function cloudwatchAlarmArn(region: string, accountId: string, name: string): string {
  return regionalArn("cloudwatch", region, accountId, `alarm:${name}`);
}

export function ecrRepositoryArn(region: string, accountId: string, name: string): string {
  return regionalArn("ecr", region, accountId, `repository/${name}`);
}

export function codebuildProjectArn(region: string, accountId: string, name: string): string {
  return regionalArn("codebuild", region, accountId, `project/${name}`);
}

export function codepipelineArn(region: string, accountId: string, name: string): string {
  return regionalArn("codepipeline", region, accountId, name);
}

export function dynamodbTableArn(region: string, accountId: string, name: string): string {
  return regionalArn("dynamodb", region, accountId, `table/${name}`);
}

export function cloudfrontFunctionArn(accountId: string, name: string): string {
  return globalArn("cloudfront", accountId, `function/${name}`);
}

/** CodeStar and CodeConnections connections of an account in any region (the service has two names). */
export function connectionArnPatterns(accountId: string): [string, string] {
  return [`arn:aws:codestar-connections:*:${accountId}:connection/*`, `arn:aws:codeconnections:*:${accountId}:connection/*`];
}

export function sqsQueueArn(region: string, accountId: string, queue: string): string {
  return regionalArn("sqs", region, accountId, queue);
}

/** A log group's ARN in both spellings IAM checks: the group, and the group with ":*" (its streams). */
export function logGroupArns(region: string, accountId: string, group: string): [string, string] {
  const arn = regionalArn("logs", region, accountId, `log-group:${group}`);
  return [arn, `${arn}:*`];
}

/** An SSM parameter's ARN; `name` starts with "/", which the ARN keeps after "parameter". */
export function ssmParameterArn(region: string, accountId: string, name: string): string {
  return regionalArn("ssm", region, accountId, `parameter${name}`);
}

/** Executions of a state machine (for states:DescribeExecution). */
export function stateMachineExecutionsArn(region: string, accountId: string, stateMachineName: string): string {
  return regionalArn("states", region, accountId, `execution:${stateMachineName}:*`);
}

export function continuousDeploymentPolicyArn(accountId: string, policyId: string): string {
  return globalArn("cloudfront", accountId, `continuous-deployment-policy/${policyId}`);
}

export function iamRoleArn(accountId: string, name: string): string {
  return globalArn("iam", accountId, `role/${name}`);
}

export function iamPolicyArn(accountId: string, name: string): string {
  return globalArn("iam", accountId, `policy/${name}`);
}

export function githubOidcProviderArn(accountId: string): string {
  return globalArn("iam", accountId, `oidc-provider/${GITHUB_OIDC_HOST}`);
}

/**
 * IAM Identity Center creates one role per permission set and account, named
 * `AWSReservedSSO_<PermissionSet>_<random suffix>` under `aws-reserved/sso.amazonaws.com/` (plus a region segment
 * in some accounts; https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html). The
 * suffix changes when the permission set is re-provisioned, hence ArnLike, never the exact ARN.
 */
export function ssoRoleArnPattern(accountId: string, permissionSet: string): string {
  return iamRoleArn(accountId, `aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${permissionSet}_*`);
}

/** The OIDC subject GitHub puts in a token of a job that declares `environment: <name>`. */
export function githubSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}
