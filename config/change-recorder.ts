/**
 * `changeRecorder` in an environment file: record every change to what the account's stacks manage and raise
 * manual ones as GitHub issues (modules/observability/change-recorder.ts). Enabled in one environment per account; that recorder
 * watches every environment of the account. Schema fragment, cross-environment rule and resolve step.
 */
import { InfraRoleKind, infraRoleName } from "../model/deploy-roles";
import { z } from "zod";
import { RECORDER_DEFAULTS, RECORDER_LIMITS, RECORDER_REGION, type ResolvedChangeRecorder } from "../model/change-recorder";
import { containerFunctionName, containerFunctionRepositoryName, imageTagParameterName, ImageOwner } from "../model/container-function";
import { appTeamRoleName, defaultBucketName, functionName, iamRoleArn } from "../model/names";
import { AWS_REGIONS, FunctionOwner, type AppTeamRoleKind } from "../model/vocabulary";

/** At most this many ids per `watch` list: each is matched by the rules and carried in RECORDER_CONFIG (4 KB). */
const MAX_WATCHED_IDS = 20;

const idList = (pattern: RegExp, what: string) =>
  z
    .array(z.string().regex(pattern, what))
    .max(MAX_WATCHED_IDS, `lists more than ${MAX_WATCHED_IDS} ids`)
    .refine((ids) => new Set(ids).size === ids.length, "lists an id twice");

/** Resources outside the stacks the recorder watches when an environment lists them. */
const watchSchema = z
  .object({
    /** Route 53 hosted zone ids (e.g. "Z0123456789ABCDEFGHIJ") whose record changes are recorded and raised. @default [] */
    route53HostedZoneIds: idList(
      /^Z[A-Z0-9]{1,31}$/,
      'must be a Route 53 hosted zone id: "Z" and up to 31 capital letters or digits, without "/hostedzone/"',
    ).default([]),
    /** API Gateway REST or HTTP API ids (10 lowercase letters or digits) whose changes are recorded and raised. @default [] */
    apiGatewayIds: idList(/^[a-z0-9]{10}$/, "must be an API Gateway API id: 10 lowercase letters or digits").default([]),
  })
  .strict();

export const changeRecorderSchema = z
  .object({
    /** `owner/name` of the repository that receives the issues (usually this repository). */
    repository: z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9_.-]{1,100}$/, 'must be a GitHub repository "owner/name"'),
    /** Name of the SSM SecureString in us-east-1 holding the GitHub token; created outside Terraform. */
    tokenParameter: z
      .string()
      .regex(/^\/[A-Za-z0-9_.\-/]{1,1010}$/, 'must be an SSM parameter name starting with "/" (letters, digits, _ . - /), e.g. "/edge/github-token"')
      .refine((n) => !/^\/(aws|ssm)/i.test(n), 'must not start with "/aws" or "/ssm" (reserved by AWS)'),
    /** Customer managed KMS key (us-east-1) of the parameter; omit for the AWS managed aws/ssm key. */
    tokenKmsKeyArn: z
      .string()
      .regex(
        /^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/,
        "must be a KMS key ARN in us-east-1 (arn:aws:kms:us-east-1:<account>:key/<id>), where the parameter is",
      )
      .optional(),
    /**
     * Role (or user) ARNs of automation outside this stack whose changes raise no issue: the role that runs
     * `cdktn deploy`. `*` matches any run of characters. The stack adds its own service roles itself.
     */
    automationPrincipals: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@\-/*]{1,512}$/,
            "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>); * matches any characters",
          ),
      )
      .default([]),
    /** Route 53 zones and API Gateway APIs to watch besides what the stacks create. @default none */
    watch: watchSchema.optional(),
    /**
     * Regions besides us-east-1 whose site buckets, container functions and APIs are watched; default: the account's
     * main regions with sites, container functions or watched APIs.
     */
    watchRegions: z
      .array(z.enum(AWS_REGIONS))
      .refine((r) => !r.includes(RECORDER_REGION), `lists ${RECORDER_REGION}, which is always watched (the recorder runs there)`)
      .refine((r) => new Set(r).size === r.length, "lists a region twice")
      .optional(),
    /** Days a superseded version of a record (or any object) is kept. */
    noncurrentVersionDays: z
      .number()
      .int("must be a whole number of days")
      .min(1, `must be 1-${RECORDER_LIMITS.maxNoncurrentVersionDays} days`)
      .max(RECORDER_LIMITS.maxNoncurrentVersionDays, `must be 1-${RECORDER_LIMITS.maxNoncurrentVersionDays} days`)
      .default(RECORDER_DEFAULTS.noncurrentVersionDays),
    /**
     * Object Lock in governance mode for this many days: no record version can be deleted or overwritten before,
     * except by a principal allowed s3:BypassGovernanceRetention. Only when the bucket is created (S3 enables Object
     * Lock on new buckets; the bucket's prevent_destroy refuses a replacement). @default none
     */
    objectLockDays: z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(36500).optional(),
    /** Days a record is kept, or "never" to keep records forever. */
    recordRetentionDays: z
      .union([z.number().int("must be a whole number of days").min(30, "keep records at least 30 days").max(36500), z.literal("never")])
      .default(RECORDER_DEFAULTS.recordRetentionDays),
    /** Label of the recorder's issues (create it once in the repository). */
    label: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,50}$/, "must be 1-50 of letters, digits and _ . : -")
      .default(RECORDER_DEFAULTS.label),
    /** GitHub REST API base; GitHub Enterprise Server: https://<host>/api/v3. */
    githubApiUrl: z
      .string()
      .regex(/^https:\/\/[^\s/]+(\/[^\s]*)?$/, "must be an https URL")
      .default(RECORDER_DEFAULTS.githubApiUrl),
    /**
     * Removed: the recorder's alarms page the environment's `alarms` topic (stacks/change-recorder.ts). Kept in the
     * schema only to tell a user who still sets it where it went, instead of zod's bare "unrecognized key".
     */
    alarmTopicArn: z
      .never({ error: 'was removed: the recorder\'s alarms notify the environment\'s "alarms" topic (set "alarms" in the environment; docs/alarms.md)' })
      .optional(),
  })
  .strict();

export type ChangeRecorderConfig = z.output<typeof changeRecorderSchema>;

/** What the rule and the resolve step read of an environment (a validated environment fits). */
interface AccountEnvironment {
  name: string;
  accountId: string;
  region: (typeof AWS_REGIONS)[number];
  logRetentionDays: number;
  changeRecorder?: ChangeRecorderConfig;
  sites: { name: string; sid: string; bucketName?: string; distribution: { id?: string } }[];
  products: { sid: string; access?: Partial<Record<AppTeamRoleKind, unknown>> }[];
  deployRoles?: unknown;
}

/** A container-function manifest as far as the recorder cares. */
interface ContainerFunctionSpecLike {
  manifest: { name: string; sid: string; owner: string; environments: string[] };
}

/** Cross-environment rule: at most one environment per account enables the recorder (it watches the whole account). */
export function changeRecorderProblems<E extends AccountEnvironment>(envs: E[], fileOf: (env: E) => string): string[] {
  const first = new Map<string, E>();
  const problems: string[] = [];
  for (const env of envs) {
    if (!env.changeRecorder) continue;
    const other = first.get(env.accountId);
    if (other)
      problems.push(
        `${fileOf(env)}: field "changeRecorder": ${fileOf(other)} already records changes in account ${env.accountId} (one recorder per account watches all its environments); remove it here`,
      );
    else first.set(env.accountId, env);
  }
  return problems;
}

/** A function manifest as far as the recorder cares. */
interface FunctionManifestLike {
  manifest: { name: string; sid: string; owner: string; environments: string[] };
}

/**
 * The recorder of `env` (undefined unless it enables one), watching every environment of `all` in its account:
 * names, buckets, configured distribution ids, app-owned functions, and the other environments' roles by the names
 * their modules give them.
 */
export function resolveChangeRecorder(
  env: AccountEnvironment,
  all: readonly AccountEnvironment[],
  functions: readonly FunctionManifestLike[],
  containerFunctions: readonly ContainerFunctionSpecLike[] = [],
): ResolvedChangeRecorder | undefined {
  const c = env.changeRecorder;
  if (!c) return undefined;
  const peers = all.filter((e) => e.accountId === env.accountId && e.name !== env.name);
  const account = [env, ...peers];
  const pattern = (e: AccountEnvironment, suffix: string) => iamRoleArn(env.accountId, `${e.name}-*-${suffix}`);
  const ownAppTeams = env.products.flatMap((p) =>
    (["maintenance", "cicd"] as AppTeamRoleKind[]).filter((k) => p.access?.[k]).map((k) => iamRoleArn(env.accountId, appTeamRoleName(env.name, p.sid, k))),
  );
  // An application team's own roles of one environment: the maintenance and CI/CD roles its product has.
  const teamRoles = (e: AccountEnvironment, sid: string) =>
    (["maintenance", "cicd"] as AppTeamRoleKind[])
      .filter((k) => e.products.find((p) => p.sid === sid)?.access?.[k])
      .map((k) => iamRoleArn(env.accountId, appTeamRoleName(e.name, sid, k)));
  const containers = account.flatMap((e) =>
    containerFunctions
      .filter((f) => f.manifest.environments.includes(e.name))
      .map(({ manifest: m }) => ({
        functionName: containerFunctionName(e.name, m.sid, m.name),
        repositoryName: containerFunctionRepositoryName(e.name, m.sid, m.name),
        parameterName: imageTagParameterName(e.name, m.sid, m.name),
        ...(m.owner === ImageOwner.APP ? { teamPrincipals: teamRoles(e, m.sid) } : {}),
      })),
  );
  const apiGatewayIds = c.watch?.apiGatewayIds ?? [];
  const regional = account.filter(
    (e) => e.sites.length > 0 || containerFunctions.some((f) => f.manifest.environments.includes(e.name)) || (e === env && apiGatewayIds.length > 0),
  );
  return {
    repository: c.repository,
    githubApiUrl: c.githubApiUrl,
    tokenParameter: c.tokenParameter,
    tokenKmsKeyArn: c.tokenKmsKeyArn,
    label: c.label,
    prefix: RECORDER_DEFAULTS.prefix,
    noncurrentVersionDays: c.noncurrentVersionDays,
    objectLockDays: c.objectLockDays,
    recordRetentionDays: c.recordRetentionDays === "never" ? undefined : c.recordRetentionDays,
    logRetentionDays: env.logRetentionDays,
    automationPrincipals: [
      ...c.automationPrincipals,
      // The infrastructure team's apply role of every environment of the account that has one: CI's applies.
      ...account.filter((e) => e.deployRoles).map((e) => iamRoleArn(env.accountId, infraRoleName(e.name, InfraRoleKind.APPLY))),
      // The other environments' service roles: invalidators and the release roles (<base>-cd-<step>).
      ...peers.flatMap((p) => ["invalidator", "cd-configure", "cd-promote", "cd-pipeline", "cd-build", "cd-deploy"].map((s) => pattern(p, s))),
    ],
    appTeamPrincipals: [...ownAppTeams, ...peers.flatMap((p) => ["cf2-maintenance", "cf2-cicd"].map((s) => pattern(p, s)))],
    appOwnedFunctions: account.flatMap((e) =>
      functions
        .filter((f) => f.manifest.environments.includes(e.name) && f.manifest.owner === FunctionOwner.APP)
        .map((f) => functionName(e.name, f.manifest.sid, f.manifest.name)),
    ),
    namePrefixes: account.map((e) => `${e.name}-`),
    buckets: account.flatMap((e) => e.sites.map((s) => s.bucketName ?? defaultBucketName(e.name, s.sid, s.name, e.accountId))),
    otherDistributionIds: peers.flatMap((p) => p.sites.flatMap((s) => (s.distribution.id ? [s.distribution.id] : []))),
    forwardRegions: c.watchRegions ?? [...new Set(regional.map((e) => e.region))].filter((r) => r !== RECORDER_REGION),
    containerFunctions: containers,
    hostedZoneIds: c.watch?.route53HostedZoneIds ?? [],
    apiGatewayIds,
  };
}
