/**
 * The resolve step: validated environments + validated CloudFront Function manifests -> one ResolvedEnvironment per
 * stack (model/resolved.ts). Every default is applied here once, every name computed once, and every cross
 * reference resolved (alsoInvalidate, function associations), so stacks only wire constructs together and modules
 * never see raw configuration.
 *
 * The schema has already checked every reference; resolving trusts it.
 */
import { resolveWaf } from "./waf-schema";
import { resolveResponseHeadersPolicy } from "./security-headers-schema";
import { resolveBucketAccessLogs } from "./access-logs-schema";
import { logKeysByRegion } from "./log-encryption-schema";
import { defaultBucketName, functionComment, functionName, invalidatorFunctionName, releaseParameterNames, siteBaseName } from "../model/names";
import type {
  BackendConfig,
  DistributionConfig,
  PipelineConfig,
  ResolvedAppTeam,
  ResolvedAssociation,
  ResolvedEnvironment,
  ResolvedFunction,
  ResolvedKeyValueStore,
  ResolvedSite,
  TrafficConfig,
} from "../model/resolved";
import { keyValueStoreName } from "../model/cf2-key-value-store";
import { functionsOf, type Cf2Function } from "./cf2/load";
import { resolveDeployRoles } from "./deploy-roles";
import { resolveChangeRecorder } from "./change-recorder";
import type { LambdaFunctionSpec } from "./lambda/load";
import { resolveContainerFunctions } from "./lambda/resolve";
import type { Environment, Site } from "./schema";

/** Tags the providers put on every taggable resource of an environment. */
export function defaultTags(env: Pick<Environment, "tags" | "name" | "repository">): Record<string, string> {
  return { ...env.tags, environment: env.name, "managed-by": "cdktf", repository: env.repository };
}

/** A manifest's key value store in one environment: created here (`<env>-<sid>-<name>`) or referenced by ARN. */
function resolveKeyValueStore(envName: string, m: Cf2Function["manifest"]): ResolvedKeyValueStore {
  const kvs = m.keyValueStore!;
  if ("arn" in kvs) return { arn: kvs.arn[envName] };
  return { name: keyValueStoreName(envName, m.sid, kvs.name), localName: `${m.sid}-${kvs.name}`, comment: `${m.ticket} ${kvs.comment ?? `read by ${functionName(envName, m.sid, m.name)}`}` };
}

/** Resolves every environment with the functions that list it. */
export function resolveEnvironments(envs: readonly Environment[], functions: readonly Cf2Function[] = [], lambdaFunctions: readonly LambdaFunctionSpec[] = []): ResolvedEnvironment[] {
  return envs.map((env) => resolveEnvironment(env, functions, lambdaFunctions, envs));
}

/**
 * One environment, ready for its stack. `lambdaFunctions`: every container-function manifest; `all`: every
 * environment validated with it (the change recorder watches its account's).
 */
export function resolveEnvironment(
  env: Environment,
  functions: readonly Cf2Function[] = [],
  lambdaFunctions: readonly LambdaFunctionSpec[] = [],
  all: readonly Environment[] = [env],
): ResolvedEnvironment {
  const ownFunctions = functionsOf(env.name, [...functions]);
  const resolvedFunctions = ownFunctions.map(({ manifest: m, code }): ResolvedFunction => ({
    name: m.name,
    functionName: functionName(env.name, m.sid, m.name),
    sid: m.sid,
    ticket: m.ticket,
    owner: m.owner,
    runtime: m.runtime,
    comment: functionComment(m),
    code,
    logRetentionDays: m.retentionDays ?? env.logRetentionDays,
    ...(m.keyValueStore ? { keyValueStore: resolveKeyValueStore(env.name, m) } : {}),
  }));
  const associations = new Map<string, ResolvedAssociation[]>();
  for (const { manifest: m } of ownFunctions)
    for (const a of m.associations) {
      const list = associations.get(a.site) ?? [];
      list.push({ function: m.name, behavior: a.behavior, eventType: a.eventType });
      associations.set(a.site, list);
    }
  const appTeams = env.products.flatMap((p): ResolvedAppTeam[] => (p.access ? [{ sid: p.sid, ...p.access }] : []));
  return {
    name: env.name,
    accountId: env.accountId,
    region: env.region,
    backend: resolveBackend(env),
    defaultTags: defaultTags(env),
    logRetentionDays: env.logRetentionDays,
    logKmsKeyArns: logKeysByRegion(env.logEncryption),
    sites: env.sites.map((site) => resolveSite(env, site, associations.get(site.name) ?? [])),
    functions: resolvedFunctions,
    containerFunctions: resolveContainerFunctions(env, lambdaFunctions),
    appTeams,
    // The provider only matters to stacks with application-team or deploy roles.
    githubOidc: appTeams.length > 0 || env.deployRoles ? env.githubOidc : undefined,
    deployRoles: resolveDeployRoles(env),
    security: env.security,
    alarms: env.alarms,
    changeRecorder: resolveChangeRecorder(env, all, functions),
  };
}

function resolveBackend(env: Environment): BackendConfig {
  const b = env.backend;
  return b.type === "local" ? { type: "local", path: b.path ?? `terraform.${env.name}.tfstate` } : b;
}

function resolveSite(env: Environment, site: Site, functionAssociations: ResolvedAssociation[]): ResolvedSite {
  // Compile-time check that the schema's output fits the slices modules take.
  const distribution: DistributionConfig = site.distribution;
  const inv = site.invalidation;
  const cd = site.continuousDeployment;
  const traffic: TrafficConfig | undefined = cd?.traffic;
  const pipeline: PipelineConfig | undefined = cd?.pipeline;
  return {
    name: site.name,
    sid: site.sid,
    baseName: siteBaseName(env.name, site.sid, site.name),
    bucketName: site.bucketName ?? defaultBucketName(env.name, site.sid, site.name, env.accountId),
    distribution,
    functionAssociations,
    invalidation: inv && {
      ...inv,
      // Under continuous deployment only the replication source's folder triggers: releases belong to the release flow.
      prefix: inv.prefix ?? (cd ? inv.replicationPrefix : undefined),
      functionName: invalidatorFunctionName(env.name, site.sid, site.name),
      indexDocument: site.distribution.defaultRootObject,
      logRetentionDays: env.logRetentionDays,
    },
    continuousDeployment: cd && {
      traffic: traffic!,
      pipeline,
      parameterNames: releaseParameterNames(env.name, site.sid, site.name),
      logRetentionDays: env.logRetentionDays,
    },
    // The replication source's folder stays reachable whatever release the primary serves.
    unversionedPrefix: cd ? inv?.replicationPrefix : undefined,
    waf: resolveWaf(site.waf, siteBaseName(env.name, site.sid, site.name)),
    responseHeadersPolicyId: resolveResponseHeadersPolicy(site.securityHeaders),
    bucketAccessLogs: resolveBucketAccessLogs(site.bucketAccessLogs, siteBaseName(env.name, site.sid, site.name)),
  };
}
