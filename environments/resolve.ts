/**
 * The resolve step: validated environments + validated CloudFront Function manifests -> one ResolvedEnvironment per
 * stack (model/resolved.ts). Every default is applied here once, every name computed once, and every cross
 * reference resolved (alsoInvalidate, function associations), so stacks only wire constructs together and modules
 * never see raw configuration.
 *
 * The schema has already checked every reference; resolving trusts it.
 */
import { defaultBucketName, functionComment, functionName, invalidatorFunctionName, releaseParameterNames, siteBaseName } from "../model/names";
import type {
  BackendConfig,
  DistributionConfig,
  PipelineConfig,
  ResolvedAppTeam,
  ResolvedAssociation,
  ResolvedEnvironment,
  ResolvedFunction,
  ResolvedSite,
  TrafficConfig,
} from "../model/resolved";
import { functionsOf, type Cf2Function } from "./cf2/load";
import { resolveDeployRoles } from "./deploy-roles";
import type { Environment, Site } from "./schema";

/** Tags the providers put on every taggable resource of an environment. */
export function defaultTags(env: Pick<Environment, "tags" | "name" | "repository">): Record<string, string> {
  return { ...env.tags, environment: env.name, "managed-by": "cdktf", repository: env.repository };
}

/** Resolves every environment with the functions that list it. */
export function resolveEnvironments(envs: readonly Environment[], functions: readonly Cf2Function[] = []): ResolvedEnvironment[] {
  return envs.map((env) => resolveEnvironment(env, functions));
}

/** One environment, ready for its stack. */
export function resolveEnvironment(env: Environment, functions: readonly Cf2Function[] = []): ResolvedEnvironment {
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
    sites: env.sites.map((site) => resolveSite(env, site, associations.get(site.name) ?? [])),
    functions: resolvedFunctions,
    appTeams,
    // The provider only matters to stacks with application-team or deploy roles.
    githubOidc: appTeams.length > 0 || env.deployRoles ? env.githubOidc : undefined,
    deployRoles: resolveDeployRoles(env),
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
  };
}
