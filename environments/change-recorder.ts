/**
 * `changeRecorder` in an environment file: record every change to what the account's stacks manage and raise
 * manual ones as GitHub issues (modules/change-recorder.ts). Enabled in one environment per account; that recorder
 * watches every environment of the account.
 */
import { z } from "zod";
import { RECORDER_DEFAULTS, RECORDER_LIMITS, RECORDER_REGION } from "../model/change-recorder";

/** Regions are checked against the schema's list where the fragment is used. */
export function changeRecorderSchema(regions: readonly [string, ...string[]]) {
  return z
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
        .regex(/^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/, "must be a KMS key ARN in us-east-1 (arn:aws:kms:us-east-1:<account>:key/<id>), where the parameter is")
        .optional(),
      /**
       * Role (or user) ARNs of automation outside this stack whose changes raise no issue: the role that runs
       * `cdktf deploy`. `*` matches any run of characters. The stack adds its own service roles itself.
       */
      automationPrincipals: z
        .array(z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@\-/*]{1,512}$/, "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>); * matches any characters"))
        .default([]),
      /** Regions besides us-east-1 whose site buckets' configuration is watched; default: the main region. */
      watchRegions: z
        .array(z.enum(regions))
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
      /** Days a record is kept, or "never" to keep records forever. */
      recordRetentionDays: z
        .union([z.number().int("must be a whole number of days").min(30, "keep records at least 30 days").max(36500), z.literal("never")])
        .default(RECORDER_DEFAULTS.recordRetentionDays),
      /** Label of the recorder's issues (create it once in the repository). */
      label: z.string().regex(/^[A-Za-z0-9_.:-]{1,50}$/, "must be 1-50 of letters, digits and _ . : -").default(RECORDER_DEFAULTS.label),
      /** GitHub REST API base; GitHub Enterprise Server: https://<host>/api/v3. */
      githubApiUrl: z.string().regex(/^https:\/\/[^\s/]+(\/[^\s]*)?$/, "must be an https URL").default(RECORDER_DEFAULTS.githubApiUrl),
      /** SNS topic for the dead-letter alarm(s). */
      alarmTopicArn: z.string().regex(/^arn:aws:sns:us-east-1:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN in us-east-1 (where the alarm is)").optional(),
    })
    .strict();
}

export type ChangeRecorderConfig = z.output<ReturnType<typeof changeRecorderSchema>>;

interface AccountEnvironment {
  name: string;
  accountId: string;
  changeRecorder?: unknown;
}

/** The environments of each validated environment's account, recorded by `changeRecorderProblems`. */
const accountEnvironments = new WeakMap<object, AccountEnvironment[]>();

/**
 * Cross-environment rule: at most one environment per account enables the recorder (it watches the whole account).
 * Also remembers each environment's account peers for `accountPeers`.
 */
export function changeRecorderProblems<E extends AccountEnvironment>(envs: E[], fileOf: (env: E) => string): string[] {
  const problems: string[] = [];
  const byAccount = new Map<string, E[]>();
  for (const env of envs) byAccount.set(env.accountId, [...(byAccount.get(env.accountId) ?? []), env]);
  for (const env of envs) accountEnvironments.set(env, byAccount.get(env.accountId)!);
  for (const [account, list] of byAccount) {
    const enabled = list.filter((e) => e.changeRecorder);
    for (const extra of enabled.slice(1))
      problems.push(`${fileOf(extra)}: field "changeRecorder": ${fileOf(enabled[0])} already records changes in account ${account} (one recorder per account watches all its environments); remove it here`);
  }
  return problems;
}

/** The other environments in `env`'s account (as validated together with it); [] for an environment validated alone. */
export function accountPeers<E extends AccountEnvironment>(env: E): E[] {
  return ((accountEnvironments.get(env) ?? []) as E[]).filter((e) => e !== env);
}
