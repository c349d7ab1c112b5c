import { Token } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { accountPeers } from "../environments/change-recorder";
import { functionName, FunctionOwner } from "../environments/cf2/manifest";
import { functionsOf, type Cf2Function } from "../environments/cf2/load";
import { defaultBucketName, type Environment } from "../environments/schema";
import { RECORDER_DEFAULTS, RECORDER_REGION, WatchedService, roleArn } from "../model/change-recorder";
import { ChangeRecorder, recorderEventPatterns, type WatchedResources } from "../modules/change-recorder";
import { ChangeRecorderForwarder } from "../modules/change-recorder-forwarder";
import type { EdgeStack } from "./edge-stack";

/**
 * The environment's change recorder (`changeRecorder`), watching every environment of its account: this stack's
 * resources exactly (references), the other environments' by their configured names and ids. Called last by
 * EdgeStack, when every other module exists, because it collects their roles, distributions and buckets.
 */
export function addChangeRecorder(stack: EdgeStack, functions: Cf2Function[]): ChangeRecorder | undefined {
  const env = stack.env;
  const config = env.changeRecorder;
  if (!config) return undefined;
  const peers = accountPeers(env);
  const all = [env, ...peers];

  const automationRoles = serviceRoleArns(stack, env.accountId);
  const appTeamRoles = [...stack.appTeamRoles.values()].flatMap((t) => [...t.roles.values()]).map((r) => literalRoleArn(r, env.accountId));
  const peerRole = (peer: Environment, suffix: string) => roleArn(env.accountId, `${peer.name}-*-${suffix}`);

  const watch: WatchedResources = {
    distributionIds: [
      ...[...stack.sites.values()].map((s) => s.distribution.id),
      ...[...stack.continuousDeployments.values()].map((cd) => cd.staging.id),
      ...peers.flatMap((p) => p.sites.flatMap((s) => (s.distribution.id ? [s.distribution.id] : []))),
    ],
    continuousDeploymentPolicyIds: [...stack.continuousDeployments.values()].map((cd) => cd.policy.id),
    functionPrefixes: all.map((e) => `${e.name}-`),
    keyValueStorePrefixes: all.map((e) => `${e.name}-`),
    iamNamePrefixes: all.map((e) => `${e.name}-`),
    buckets: all.flatMap((e) => e.sites.map((s) => s.bucketName ?? defaultBucketName(e.name, s.sid, s.name, e.accountId))),
  };

  const recorder = new ChangeRecorder(stack, "change-recorder", {
    envName: env.name,
    accountId: env.accountId,
    provider: stack.usEast1,
    repository: config.repository,
    githubApiUrl: config.githubApiUrl,
    tokenParameter: config.tokenParameter,
    tokenKmsKeyArn: config.tokenKmsKeyArn,
    label: config.label,
    automationPrincipals: [
      ...config.automationPrincipals,
      ...automationRoles,
      // Other environments' service roles, by the names their modules give them.
      ...peers.flatMap((p) => ["invalidator", "cd-configure", "cd-promote", "cd-pipeline", "cd-build", "cd-deploy"].map((s) => peerRole(p, s))),
    ],
    appTeamPrincipals: [...appTeamRoles, ...peers.flatMap((p) => ["cf2-maintenance", "cf2-cicd"].map((s) => peerRole(p, s)))],
    appOwnedFunctions: all.flatMap((e) =>
      functionsOf(e.name, functions)
        .filter((f) => f.manifest.owner === FunctionOwner.APP)
        .map((f) => functionName(e.name, f.manifest.sid, f.manifest.name)),
    ),
    watch,
    prefix: RECORDER_DEFAULTS.prefix,
    noncurrentVersionDays: config.noncurrentVersionDays,
    recordRetentionDays: config.recordRetentionDays === "never" ? undefined : config.recordRetentionDays,
    logRetentionDays: env.logRetentionDays,
    alarmTopicArn: config.alarmTopicArn,
  });

  // S3 events arrive in the buckets' regions: forward them to us-east-1.
  const s3Pattern = recorderEventPatterns(env.accountId, watch)[WatchedService.S3];
  const regions = config.watchRegions ?? [...new Set(all.filter((e) => e.sites.length > 0).map((e) => e.region))].filter((r) => r !== RECORDER_REGION);
  if (s3Pattern)
    for (const region of regions) {
      const provider =
        region === env.region
          ? stack.provider
          : new AwsProvider(stack, `aws-change-recorder-${region}`, {
              region,
              alias: `change_recorder_${region.replace(/-/g, "_")}`,
              allowedAccountIds: stack.provider.allowedAccountIds,
              defaultTags: stack.provider.defaultTags,
            });
      new ChangeRecorderForwarder(stack, `change-recorder-forward-${region}`, {
        envName: env.name,
        accountId: env.accountId,
        region,
        provider,
        eventPattern: s3Pattern,
      });
    }
  return recorder;
}

/** Roles of this stack that only an AWS service can assume (invalidators, Configure/Promote, pipelines, builds). */
function serviceRoleArns(stack: EdgeStack, accountId: string): string[] {
  return stack.node
    .findAll()
    .filter((c): c is IamRole => c instanceof IamRole)
    .filter((r) => {
      const trust = r.assumeRolePolicyInput;
      return typeof trust === "string" && /"Service":/.test(trust) && !/"Federated":|"AWS":/.test(trust);
    })
    .map((r) => literalRoleArn(r, accountId));
}

/** The role's ARN as a literal when its name is one (readable in plans), else Terraform's reference. */
function literalRoleArn(role: IamRole, accountId: string): string {
  const name = role.nameInput;
  return typeof name === "string" && !Token.isUnresolved(name) ? roleArn(accountId, name) : role.arn;
}
