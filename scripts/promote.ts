/**
 * `npm run promote -- --env <env> --site <site> [--dry-run] [--timeout-minutes 30]`
 * `npm run promote -- --env <env> --site <site> --detach [--dry-run]`
 *
 * Promotes a site's staging distribution to its primary without the pipeline, doing what the Promote state machine
 * (functions/state-machines/promote.asl.json) does: wait until both distributions are Deployed, call
 * UpdateDistributionWithStagingConfig with both ETags (reading them again after an ETag conflict), wait until the
 * primary is Deployed, invalidate `/*` with a fresh caller reference and wait for the invalidation.
 * Ids come from the SSM parameters the stack writes (modules/release/continuous-deployment.ts), so run it with credentials
 * for the environment's account after `npx cdktn deploy`, and after Configure has pointed staging at the release.
 *
 * `--detach` takes the continuous deployment policy off the primary (before turning continuous deployment off for a
 * site, or before a viewer-certificate/TLS change CloudFront refuses while a policy is attached): it disables the
 * policy, then sends UpdateDistribution with `ContinuousDeploymentPolicyId: ""`. Omitting the field is not enough:
 * CloudFront treats a missing ContinuousDeploymentPolicyId as "no change" and keeps the policy attached, and only an
 * empty string detaches it (https://github.com/aws/aws-sdk-js-v3/issues/7417,
 * https://github.com/hashicorp/terraform-provider-aws/issues/34511), although the UpdateDistribution reference says
 * the request replaces the whole configuration
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html). So it reads the primary
 * again afterwards and fails unless the policy is really gone.
 */
import { randomUUID } from "node:crypto";
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetContinuousDeploymentPolicyCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateContinuousDeploymentPolicyCommand,
  UpdateDistributionCommand,
  PreconditionFailed,
  UpdateDistributionWithStagingConfigCommand,
  waitUntilDistributionDeployed,
  waitUntilInvalidationCompleted,
} from "@aws-sdk/client-cloudfront";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { runCli, UsageError, UserError, type CliSpec, type ParsedArgs } from "./lib/cli";
import { loadEnvironments } from "../config/load";
import { releaseParameterNames } from "../model/names";

/** A failure the user can act on; printed without a stack trace. */
export class PromoteError extends UserError {
  name = "PromoteError";
}

export interface PromoteOptions {
  cloudfront: CloudFrontClient;
  ssm: SSMClient;
  /** SSM parameter names of the site (releaseParameterNames). */
  parameters: ReturnType<typeof releaseParameterNames>;
  /** Report what would happen, change nothing. */
  dryRun?: boolean;
  /** Longest wait for each deployment or invalidation, in seconds. */
  maxWaitSeconds?: number;
  /** Waiter polling bounds in seconds (the SDK's exponential backoff between them). */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  /** How often to say "still waiting", in seconds. */
  progressEverySeconds?: number;
  /** Promotion attempts when an ETag changes between read and write. */
  conflictAttempts?: number;
  /** Progress output. */
  log?: (line: string) => void;
}

interface DistributionState {
  id: string;
  etag: string;
  status: string;
  originPath: string;
  policyId: string;
}

const minutes = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

/** Promotes staging to primary; resolves when the invalidation is complete. Returns the invalidation id (or undefined on a dry run). */
export async function promoteRelease(opts: PromoteOptions): Promise<string | undefined> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const maxWait = opts.maxWaitSeconds ?? 30 * 60;
  const waiter = { client: opts.cloudfront, maxWaitTime: maxWait, minDelay: opts.minDelaySeconds ?? 10, maxDelay: opts.maxDelaySeconds ?? 30 };
  const conflictAttempts = opts.conflictAttempts ?? 3;

  const { primaryId, stagingId } = await distributionIds(opts);
  const read = async (id: string): Promise<DistributionState> => {
    const r = await opts.cloudfront.send(new GetDistributionCommand({ Id: id }));
    const config = r.Distribution?.DistributionConfig;
    return {
      id,
      etag: r.ETag ?? "",
      status: r.Distribution?.Status ?? "unknown",
      originPath: config?.Origins?.Items?.[0]?.OriginPath ?? "",
      policyId: config?.ContinuousDeploymentPolicyId ?? "",
    };
  };

  let [primary, staging] = await Promise.all([read(primaryId), read(stagingId)]);
  log(`primary ${primary.id}: ${primary.status}, origin path "${primary.originPath}"`);
  log(`staging ${staging.id}: ${staging.status}, origin path "${staging.originPath}"`);
  if (!primary.policyId)
    throw new PromoteError(
      `primary ${primary.id} has no continuous deployment policy attached: run Configure for a release first (the pipeline's Configure stage or the <env>-<sid>-<site>-configure state machine)`,
    );
  if (staging.originPath === primary.originPath)
    log(`note: staging serves the same release as the primary ("${primary.originPath}"); promoting changes no content`);
  if (opts.dryRun) {
    log(
      `dry run: would wait until both are Deployed, promote staging onto the primary (If-Match "${primary.etag}, ${staging.etag}"), wait for the primary, then invalidate /*`,
    );
    return undefined;
  }

  const waitFor = async (what: string, wait: () => Promise<unknown>, onTimeout: string) => {
    const started = Date.now();
    log(`waiting for ${what} (up to ${minutes(maxWait)})...`);
    const progress = setInterval(() => log(`  still waiting for ${what}: ${minutes((Date.now() - started) / 1000)}`), (opts.progressEverySeconds ?? 30) * 1000);
    progress.unref();
    try {
      await wait();
    } catch (err) {
      if ((err as Error).name === "TimeoutError")
        throw new PromoteError(`timed out after ${minutes(maxWait)} waiting for ${what}; ${onTimeout}. Run again later, or raise --timeout-minutes`);
      throw err;
    } finally {
      clearInterval(progress);
    }
    log(`${what}: done after ${minutes((Date.now() - started) / 1000)}`);
  };

  const deployed = (d: DistributionState) => waitUntilDistributionDeployed(waiter, { Id: d.id });
  for (let attempt = 1; ; attempt++) {
    const pending = [primary, staging].filter((d) => d.status !== "Deployed");
    if (pending.length > 0)
      await waitFor(
        `${pending.map((d) => `${d === primary ? "primary" : "staging"} ${d.id}`).join(" and ")} to be Deployed`,
        () => Promise.all(pending.map(deployed)),
        "nothing was promoted",
      );
    [primary, staging] = await Promise.all([read(primaryId), read(stagingId)]);
    if (primary.status !== "Deployed" || staging.status !== "Deployed") continue; // changed again meanwhile
    try {
      log(`promoting staging ${staging.id} onto primary ${primary.id} (If-Match "${primary.etag}, ${staging.etag}")`);
      await opts.cloudfront.send(
        new UpdateDistributionWithStagingConfigCommand({ Id: primary.id, StagingDistributionId: staging.id, IfMatch: `${primary.etag}, ${staging.etag}` }),
      );
      break;
    } catch (err) {
      if (!(err instanceof PreconditionFailed)) throw err;
      if (attempt >= conflictAttempts)
        throw new PromoteError(
          `ETag conflict: primary ${primary.id} or staging ${staging.id} changed between reading and promoting, ${attempt} times; nothing was promoted. Someone else is updating them (a Terraform apply, a pipeline run): let it finish and run again`,
        );
      log(`ETag conflict (a distribution changed since it was read); reading both again (attempt ${attempt + 1} of ${conflictAttempts})`);
      [primary, staging] = await Promise.all([read(primaryId), read(stagingId)]);
    }
  }

  await waitFor(
    `primary ${primary.id} to deploy the promoted configuration`,
    () => waitUntilDistributionDeployed(waiter, { Id: primary.id }),
    "the promotion is done but not yet everywhere, and nothing was invalidated: invalidate /* once it is Deployed",
  );
  const created = await opts.cloudfront.send(
    new CreateInvalidationCommand({ DistributionId: primary.id, InvalidationBatch: { CallerReference: randomUUID(), Paths: { Quantity: 1, Items: ["/*"] } } }),
  );
  const invalidationId = created.Invalidation?.Id;
  if (!invalidationId) throw new PromoteError(`CreateInvalidation on ${primary.id} returned no invalidation id`);
  await waitFor(
    `invalidation ${invalidationId} of /*`,
    () => waitUntilInvalidationCompleted(waiter, { DistributionId: primary.id, Id: invalidationId }),
    "the promotion is done; cached objects expire on their own",
  );
  log(`promoted: primary ${primary.id} now serves origin path "${staging.originPath}"`);
  return invalidationId;
}

export interface DetachOptions {
  cloudfront: CloudFrontClient;
  ssm: SSMClient;
  /** SSM parameter names of the site (releaseParameterNames). */
  parameters: ReturnType<typeof releaseParameterNames>;
  /** Report what would happen, change nothing. */
  dryRun?: boolean;
  /** Progress output. */
  log?: (line: string) => void;
}

/**
 * Detaches the site's continuous deployment policy from its primary: disable the policy (so no viewer is routed to
 * staging meanwhile), then UpdateDistribution with ContinuousDeploymentPolicyId "" (an omitted field keeps it), then
 * read the primary again to prove it. Returns whether anything was attached.
 */
export async function detachPolicy(opts: DetachOptions): Promise<boolean> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { primaryId } = await distributionIds(opts);
  const current = await opts.cloudfront.send(new GetDistributionConfigCommand({ Id: primaryId }));
  const policyId = current.DistributionConfig?.ContinuousDeploymentPolicyId ?? "";
  if (!policyId) {
    log(`primary ${primaryId} has no continuous deployment policy attached; nothing to do`);
    return false;
  }
  if (opts.dryRun) {
    log(`dry run: would disable policy ${policyId}, then update primary ${primaryId} (If-Match "${current.ETag}") with ContinuousDeploymentPolicyId ""`);
    return true;
  }
  const policy = await opts.cloudfront.send(new GetContinuousDeploymentPolicyCommand({ Id: policyId }));
  const config = policy.ContinuousDeploymentPolicy?.ContinuousDeploymentPolicyConfig;
  if (config?.Enabled) {
    log(`disabling policy ${policyId}`);
    await opts.cloudfront.send(
      new UpdateContinuousDeploymentPolicyCommand({ Id: policyId, IfMatch: policy.ETag, ContinuousDeploymentPolicyConfig: { ...config, Enabled: false } }),
    );
  }
  log(`detaching policy ${policyId} from primary ${primaryId} (ContinuousDeploymentPolicyId "")`);
  try {
    await opts.cloudfront.send(
      new UpdateDistributionCommand({
        Id: primaryId,
        IfMatch: current.ETag,
        DistributionConfig: { ...current.DistributionConfig!, ContinuousDeploymentPolicyId: "" },
      }),
    );
  } catch (err) {
    if (err instanceof PreconditionFailed)
      throw new PromoteError(`ETag conflict: primary ${primaryId} changed since it was read; the policy is disabled but still attached. Run again`);
    throw err;
  }
  const after = await opts.cloudfront.send(new GetDistributionConfigCommand({ Id: primaryId }));
  if (after.DistributionConfig?.ContinuousDeploymentPolicyId)
    throw new PromoteError(
      `primary ${primaryId} still names policy ${after.DistributionConfig.ContinuousDeploymentPolicyId} after the update; nothing else was changed`,
    );
  log(
    `detached: primary ${primaryId} has no continuous deployment policy; remove continuousDeployment from the site and deploy to delete the policy and staging`,
  );
  return true;
}

async function distributionIds(opts: {
  ssm: SSMClient;
  parameters: ReturnType<typeof releaseParameterNames>;
}): Promise<{ primaryId: string; stagingId: string }> {
  const names = [opts.parameters.primaryDistributionId, opts.parameters.stagingDistributionId];
  const r = await opts.ssm.send(new GetParametersCommand({ Names: names }));
  const value = (name: string) => r.Parameters?.find((p) => p.Name === name)?.Value;
  const missing = names.filter((n) => !value(n));
  if (missing.length > 0)
    throw new PromoteError(`SSM parameters not found: ${missing.join(", ")}. Has the stack been deployed with continuousDeployment enabled for this site?`);
  return { primaryId: value(names[0])!, stagingId: value(names[1])! };
}

const PROMOTE_OPTIONS = {
  env: { type: "string" },
  site: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  detach: { type: "boolean", default: false },
  "timeout-minutes": { type: "string", default: "30" },
} as const;

export const PROMOTE_CLI: CliSpec<typeof PROMOTE_OPTIONS> = {
  command: "promote",
  usage: [
    "usage: npm run promote -- --env <env> --site <site> [--dry-run] [--timeout-minutes 30]",
    "       npm run promote -- --env <env> --site <site> --detach [--dry-run]",
    "  --env, --site      the environment and the site whose staging distribution is promoted",
    "  --dry-run          say what would be done, change nothing",
    "  --timeout-minutes  how long to wait for each deployment (default 30)",
    "  --detach           detach the continuous deployment policy from the primary instead of promoting",
  ].join("\n"),
  options: PROMOTE_OPTIONS,
};

async function main({ values }: ParsedArgs<typeof PROMOTE_OPTIONS>): Promise<void> {
  if (!values.env || !values.site) throw new UsageError(`${!values.env ? "--env" : "--site"} is required`);
  const timeout = Number(values["timeout-minutes"]);
  if (!(timeout > 0)) throw new PromoteError(`--timeout-minutes must be a positive number, not "${values["timeout-minutes"]}"`);
  const envs = loadEnvironments();
  const env = envs.find((e) => e.name === values.env);
  if (!env) throw new PromoteError(`no environment "${values.env}"; known: ${envs.map((e) => e.name).join(", ")}`);
  const site = env.sites.find((s) => s.name === values.site);
  if (!site) throw new PromoteError(`environments/${env.name}.ts has no site "${values.site}"; known: ${env.sites.map((s) => s.name).join(", ")}`);
  if (!site.continuousDeployment)
    throw new PromoteError(`environments/${env.name}.ts: site "${site.name}" has no continuousDeployment block, so it has no staging distribution`);
  try {
    if (values.detach) {
      await detachPolicy({
        cloudfront: new CloudFrontClient({ region: "us-east-1" }),
        ssm: new SSMClient({ region: env.region }),
        parameters: releaseParameterNames(env.name, site.sid, site.name),
        dryRun: values["dry-run"],
      });
      return;
    }
    await promoteRelease({
      cloudfront: new CloudFrontClient({ region: "us-east-1" }),
      ssm: new SSMClient({ region: env.region }),
      parameters: releaseParameterNames(env.name, site.sid, site.name),
      dryRun: values["dry-run"],
      maxWaitSeconds: timeout * 60,
    });
  } catch (err) {
    const problem = credentialProblem(err, env.name, env.accountId, process.env.AWS_PROFILE);
    throw problem ? new PromoteError(problem) : err;
  }
}

/**
 * One line for the credential failures people hit (none found, expired, invalid, or another account's), naming the
 * account and profile the command needs; undefined for anything else.
 */
export function credentialProblem(err: unknown, envName: string, accountId: string, profile: string | undefined): string | undefined {
  const e = err as { name?: string; message?: string; Code?: string };
  const name = e?.name ?? e?.Code ?? "";
  const message = e?.message ?? "";
  const needs = `npm run promote needs credentials for account ${accountId} (environment ${envName})`;
  const how = profile ? `the profile "${profile}" (AWS_PROFILE)` : "the default credentials (no AWS_PROFILE set)";
  if (
    name === "CredentialsProviderError" ||
    /Could not load credentials|Token is expired|SSO session .* (expired|invalid)|profile .* could not be found/i.test(message)
  )
    return `${needs}: ${how} gave none (${message.split("\n")[0]}). Set AWS_PROFILE to a profile for that account and log in (aws sso login --profile <profile>), or export its credentials`;
  if (/^(ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(name) || /security token included in the request is expired/i.test(message))
    return `${needs}: the credentials of ${how} have expired; log in again (aws sso login${profile ? ` --profile ${profile}` : ""}) and rerun`;
  if (/^(InvalidClientTokenId|UnrecognizedClientException|InvalidSignatureException|SignatureDoesNotMatch|IncompleteSignature)$/.test(name))
    return `${needs}: AWS does not accept the credentials of ${how} (${name}); check the profile, or export fresh credentials`;
  if (/^(AccessDenied|AccessDeniedException)$/.test(name))
    return `${needs} with ssm:GetParameters on /edge/${envName}/... and CloudFront read/promote/invalidate on the site's distributions (docs/continuous-deployment.md): ${how} was refused (${message.split("\n")[0]})`;
  return undefined;
}

if (require.main === module) void runCli(PROMOTE_CLI, process.argv.slice(2), main);
