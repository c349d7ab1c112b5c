import { Token } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RECORDER_REGION, WatchedService } from "../model/change-recorder";
import { iamRoleArn } from "../model/names";
import { ChangeRecorder, recorderEventPatterns, type WatchedResources } from "../modules/change-recorder";
import { ChangeRecorderForwarder } from "../modules/change-recorder-forwarder";
import type { EdgeStack } from "./edge-stack";

/**
 * The environment's change recorder (`changeRecorder`, resolved in environments/change-recorder.ts), watching every
 * environment of its account: this stack's distributions, continuous deployment policies and service roles by
 * reference, the rest by the resolved names. Called last by EdgeStack, when every other construct exists.
 */
export function addChangeRecorder(stack: EdgeStack): ChangeRecorder | undefined {
  const env = stack.env;
  const r = env.changeRecorder;
  if (!r) return undefined;

  const watch: WatchedResources = {
    distributionIds: [
      ...[...stack.sites.values()].map((s) => s.distribution.id),
      ...[...stack.continuousDeployments.values()].map((cd) => cd.staging.id),
      ...r.otherDistributionIds,
    ],
    continuousDeploymentPolicyIds: [...stack.continuousDeployments.values()].map((cd) => cd.policy.id),
    functionPrefixes: [...r.namePrefixes],
    keyValueStorePrefixes: [...r.namePrefixes],
    iamNamePrefixes: [...r.namePrefixes],
    buckets: [...r.buckets],
  };

  const recorder = new ChangeRecorder(stack, "change-recorder", {
    envName: env.name,
    accountId: env.accountId,
    provider: stack.usEast1,
    repository: r.repository,
    githubApiUrl: r.githubApiUrl,
    tokenParameter: r.tokenParameter,
    tokenKmsKeyArn: r.tokenKmsKeyArn,
    label: r.label,
    automationPrincipals: [...r.automationPrincipals, ...serviceRoleArns(stack)],
    appTeamPrincipals: [...r.appTeamPrincipals],
    appOwnedFunctions: [...r.appOwnedFunctions],
    watch,
    prefix: r.prefix,
    noncurrentVersionDays: r.noncurrentVersionDays,
    objectLockDays: r.objectLockDays,
    recordRetentionDays: r.recordRetentionDays,
    logRetentionDays: r.logRetentionDays,
  });

  // S3 events arrive in the buckets' regions: forward them to us-east-1.
  const s3Pattern = recorderEventPatterns(env.accountId, watch)[WatchedService.S3];
  if (s3Pattern)
    for (const region of r.forwardRegions) {
      const provider =
        region === env.region
          ? stack.provider
          : new AwsProvider(stack, `aws-change-recorder-${region}`, {
              region,
              alias: `change_recorder_${region.replace(/-/g, "_")}`,
              allowedAccountIds: stack.provider.allowedAccountIds,
              defaultTags: stack.provider.defaultTags,
            });
      const forwarder = new ChangeRecorderForwarder(stack, `change-recorder-forward-${region}`, { envName: env.name, accountId: env.accountId, region, provider, eventPattern: s3Pattern });
      // The queue lives in the forwarder's region; CloudWatch notifies topics of the alarm's region only.
      stack.alarms?.watchQueue(`change-recorder-forward-${region}-dlq`, forwarder.deadLetterQueueName, {
        provider,
        region,
        what: `the change recorder's forwarding dead-letter queue in ${region} (S3 change events not forwarded to ${RECORDER_REGION})`,
      });
    }

  // With `alarms`, a lost change event or a failing recorder pages the environment's topic like every other failure
  // (Alarms creates the topic's us-east-1 twin). Without `alarms`, no alarms, as for the invalidators.
  const usEast1 = { provider: stack.usEast1, region: RECORDER_REGION };
  stack.alarms?.watchQueue("change-recorder-dlq", recorder.deadLetterQueueName, { ...usEast1, what: "the change recorder's dead-letter queue (change events not recorded or not raised)" });
  stack.alarms?.watchFunction("change-recorder", recorder.functionName, { ...usEast1, what: "the change recorder" });
  return recorder;
}

/**
 * Roles of this stack that only an AWS service can assume: the invalidators, Configure/Promote, the pipelines and
 * builds. (Application-team roles trust people and GitHub; they are never automation.)
 */
function serviceRoleArns(stack: EdgeStack): string[] {
  return stack.node
    .findAll()
    .filter((c): c is IamRole => c instanceof IamRole)
    .filter((role) => {
      const trust = role.assumeRolePolicyInput;
      return typeof trust === "string" && /"Service":/.test(trust) && !/"Federated":|"AWS":/.test(trust);
    })
    .map((role) => {
      // A literal ARN when the name is literal (readable in plans), else Terraform's reference.
      const name = role.nameInput;
      return typeof name === "string" && !Token.isUnresolved(name) ? iamRoleArn(stack.env.accountId, name) : role.arn;
    });
}
