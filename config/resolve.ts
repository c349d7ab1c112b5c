/**
 * The resolve step: validated environments + validated function manifests -> one ResolvedEnvironment per stack
 * (model/resolved.ts). Every default is applied once, every name computed once, and every cross reference resolved
 * (alsoInvalidate, function associations), so stacks only wire constructs together and modules never see raw
 * configuration. Each concern resolves its own part (site.ts, invalidation.ts, continuous-deployment.ts, ...).
 *
 * The schema has already checked every reference; resolving trusts it.
 */
import { functionComment, functionName } from "../model/names";
import type { ResolvedAppTeam, ResolvedAssociation, ResolvedEnvironment, ResolvedFunction, ResolvedKeyValueStore } from "../model/resolved";
import { keyValueStoreName } from "../model/cf2-key-value-store";
import { functionsOf, type Cf2Function } from "./functions/cf2/load";
import { resolveDeployRoles } from "./deploy-roles";
import { resolveChangeRecorder } from "./change-recorder";
import type { ContainerFunctionSpec } from "./functions/lambda/load";
import { resolveContainerFunctions } from "./functions/lambda/resolve";
import { resolveBackend } from "./backend";
import { logKeysByRegion } from "./log-encryption";
import { messageKeysByRegion } from "./message-encryption";
import type { Environment } from "./environment";
import { resolveSite } from "./site";

/** Tags the providers put on every taggable resource of an environment. */
export function defaultTags(env: Pick<Environment, "tags" | "name" | "repository">): Record<string, string> {
  return { ...env.tags, environment: env.name, "managed-by": "cdktf", repository: env.repository };
}

/** A manifest's key value store in one environment: created here (`<env>-<sid>-<name>`) or referenced by ARN. */
function resolveKeyValueStore(envName: string, m: Cf2Function["manifest"]): ResolvedKeyValueStore {
  const kvs = m.keyValueStore!;
  if ("arn" in kvs) return { arn: kvs.arn[envName] };
  return {
    name: keyValueStoreName(envName, m.sid, kvs.name),
    localName: `${m.sid}-${kvs.name}`,
    comment: `${m.ticket} ${kvs.comment ?? `read by ${functionName(envName, m.sid, m.name)}`}`,
  };
}

/** Resolves every environment with the functions that list it. */
export function resolveEnvironments(
  envs: readonly Environment[],
  functions: readonly Cf2Function[] = [],
  containerFunctions: readonly ContainerFunctionSpec[] = [],
): ResolvedEnvironment[] {
  return envs.map((env) => resolveEnvironment(env, functions, containerFunctions, envs));
}

/**
 * One environment, ready for its stack. `containerFunctions`: every container-function manifest; `all`: every
 * environment validated with it (the change recorder watches its account's).
 */
export function resolveEnvironment(
  env: Environment,
  functions: readonly Cf2Function[] = [],
  containerFunctions: readonly ContainerFunctionSpec[] = [],
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
    messageKmsKeyArns: messageKeysByRegion(env.messageEncryption),
    sites: env.sites.map((site) => resolveSite(env, site, associations.get(site.name) ?? [])),
    functions: resolvedFunctions,
    containerFunctions: resolveContainerFunctions(env, containerFunctions),
    appTeams,
    // The provider only matters to stacks with application-team or deploy roles.
    githubOidc: appTeams.length > 0 || env.deployRoles ? env.githubOidc : undefined,
    deployRoles: resolveDeployRoles(env),
    security: env.security,
    alarms: env.alarms,
    changeRecorder: resolveChangeRecorder(env, all, functions, containerFunctions),
  };
}
