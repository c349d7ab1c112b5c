import type { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RECORDER_REGION } from "../model/change-recorder";
import { iamRoleArn } from "../model/names";
import type { ResolvedEnvironment } from "../model/resolved";
import type { AwsProviders } from "../modules/aws-providers";
import type { StaticSite } from "../modules/cloudfront/static-site";
import type { Alarms } from "../modules/observability/alarms";
import { ChangeRecorder, forwardedEventPattern, recorderEventPatterns, type WatchedResources } from "../modules/observability/change-recorder";
import { ChangeRecorderForwarder } from "../modules/observability/change-recorder-forwarder";
import type { ContinuousDeployment } from "../modules/release/continuous-deployment";

/** What the change recorder takes from the rest of the stack. */
export interface ChangeRecorderInputs {
  /** The environment's providers: forwarders in other regions get theirs from `forRegion`. */
  readonly providers: AwsProviders;
  /** Provider of us-east-1, where the recorder lives. */
  readonly usEast1: AwsProvider;
  /** This stack's sites: their distributions are watched by reference. */
  readonly sites: Iterable<StaticSite>;
  /** This stack's continuous deployments: their staging distributions and policies are watched by reference. */
  readonly continuousDeployments: Iterable<ContinuousDeployment>;
  /**
   * Names of this stack's roles that only an AWS service assumes (invalidators, container functions, release state
   * machines, pipelines and builds): their changes are automation. Application-team roles trust people and GitHub.
   */
  readonly serviceRoleNames: readonly string[];
  /** The environment's alarms, which then watch the recorder and its forwarders. @default no alarms */
  readonly alarms?: Alarms;
}

/**
 * The environment's change recorder (`changeRecorder`, resolved in config/change-recorder.ts), watching every
 * environment of its account: this stack's distributions, continuous deployment policies and service roles by
 * reference, the rest by the resolved names. Wired last, when everything it watches exists.
 */
export function addChangeRecorder(scope: Construct, env: ResolvedEnvironment, inputs: ChangeRecorderInputs): ChangeRecorder | undefined {
  const r = env.changeRecorder;
  if (!r) return undefined;
  const continuousDeployments = [...inputs.continuousDeployments];

  const watch: WatchedResources = {
    distributionIds: [...[...inputs.sites].map((s) => s.distribution.id), ...continuousDeployments.map((cd) => cd.staging.id), ...r.otherDistributionIds],
    continuousDeploymentPolicyIds: continuousDeployments.map((cd) => cd.policy.id),
    functionPrefixes: [...r.namePrefixes],
    keyValueStorePrefixes: [...r.namePrefixes],
    iamNamePrefixes: [...r.namePrefixes],
    buckets: [...r.buckets],
    // Every Lambda function of the account's stacks is `<env>-...`: container functions, invalidators, the recorder.
    lambdaFunctionPrefixes: [...r.namePrefixes],
    repositoryPrefixes: r.containerFunctions.length > 0 ? [...r.namePrefixes] : [],
    parameterNames: r.containerFunctions.map((f) => f.parameterName),
    hostedZoneIds: [...r.hostedZoneIds],
    apiIds: [...r.apiGatewayIds],
  };

  const recorder = new ChangeRecorder(scope, "change-recorder", {
    envName: env.name,
    accountId: env.accountId,
    provider: inputs.usEast1,
    repository: r.repository,
    githubApiUrl: r.githubApiUrl,
    tokenParameter: r.tokenParameter,
    tokenKmsKeyArn: r.tokenKmsKeyArn,
    label: r.label,
    automationPrincipals: [...r.automationPrincipals, ...inputs.serviceRoleNames.map((name) => iamRoleArn(env.accountId, name))],
    appTeamPrincipals: [...r.appTeamPrincipals],
    appOwnedFunctions: [...r.appOwnedFunctions],
    appOwnedContainerFunctions: r.containerFunctions.flatMap((f) =>
      f.teamPrincipals ? [{ function: f.functionName, repository: f.repositoryName, parameter: f.parameterName, teamPrincipals: [...f.teamPrincipals] }] : [],
    ),
    watch,
    prefix: r.prefix,
    noncurrentVersionDays: r.noncurrentVersionDays,
    objectLockDays: r.objectLockDays,
    recordRetentionDays: r.recordRetentionDays,
    logRetentionDays: r.logRetentionDays,
    queueKmsKeyArn: env.messageKmsKeyArns?.[RECORDER_REGION],
  });

  const forwarded = forwardedEventPattern(recorderEventPatterns(env.accountId, watch));
  if (forwarded) for (const region of r.forwardRegions) addForwarder(scope, env, inputs, region, forwarded);

  // With `alarms`, a lost change event or a failing recorder pages the environment's topic like every other failure
  // (Alarms creates the topic's us-east-1 twin). Without `alarms`, no alarms, as for the invalidators.
  const usEast1 = { provider: inputs.usEast1, region: RECORDER_REGION };
  inputs.alarms?.watchQueue("change-recorder-dlq", recorder.deadLetterQueueName, {
    ...usEast1,
    what: "the change recorder's dead-letter queue (change events not recorded or not raised)",
  });
  inputs.alarms?.watchFunction("change-recorder", recorder.functionName, { ...usEast1, what: "the change recorder" });
  return recorder;
}

/** S3, Lambda, ECR, SSM and API Gateway events arrive in the resources' regions: forward them from `region` to us-east-1. */
function addForwarder(scope: Construct, env: ResolvedEnvironment, inputs: ChangeRecorderInputs, region: string, eventPattern: object): void {
  const provider = inputs.providers.forRegion(region, "change-recorder");
  const forwarder = new ChangeRecorderForwarder(scope, `change-recorder-forward-${region}`, {
    envName: env.name,
    accountId: env.accountId,
    region,
    provider,
    eventPattern,
  });
  // The queue lives in the forwarder's region; CloudWatch notifies topics of the alarm's region only.
  inputs.alarms?.watchQueue(`change-recorder-forward-${region}-dlq`, forwarder.deadLetterQueueName, {
    provider,
    region,
    what: `the change recorder's forwarding dead-letter queue in ${region} (change events not forwarded to ${RECORDER_REGION})`,
  });
}
