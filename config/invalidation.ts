/**
 * `sites[].invalidation`: invalidate the site's distribution(s) when objects in its bucket change
 * (modules/site-invalidator.ts). Its schema, every cross-field rule (linked sites, the replication source, how it
 * combines with continuous deployment) and its defaults.
 */
import { z } from "zod";
import { couldBeReleaseVersion, WRITER_PREFIX } from "../model/safeguards";
import { LIMITS } from "../model/limits";
import { invalidatorFunctionName } from "../model/names";
import { INVALIDATION_QUOTAS, MAX_PATHS_PER_BATCH } from "../model/release";
import type { ResolvedSite } from "../model/resolved";
import { INVALIDATION_EVENTS, INVALIDATION_PATH_MODES } from "../model/vocabulary";
import type { Issue } from "./rules";

export const invalidation = z
  .object({
    events: z
      .array(z.enum(INVALIDATION_EVENTS))
      .min(1, 'list at least one of "created", "removed"')
      .refine((e) => new Set(e).size === e.length, "lists an event twice")
      .default(["created"]),
    /** Only keys starting with this (no leading "/"). */
    prefix: z
      .string()
      .min(1)
      .max(1024)
      .refine((p) => !p.startsWith("/"), 'S3 keys have no leading "/"; write "assets/", not "/assets/"')
      .optional(),
    /** Only keys ending with this, e.g. ".html". */
    suffix: z.string().min(1).max(1024).optional(),
    paths: z.enum(INVALIDATION_PATH_MODES).default("wildcard"),
    /** With paths "changed": above this many paths per distribution and batch, send /* instead. */
    maxPaths: z
      .number()
      .int()
      .min(1)
      .max(
        MAX_PATHS_PER_BATCH,
        `at most ${MAX_PATHS_PER_BATCH}, so one batch can never use up CloudFront's ${INVALIDATION_QUOTAS.pathsInProgress} paths in progress per distribution`,
      )
      .default(50),
    /** How long Lambda gathers messages into one batch (one invalidation per distribution per batch). */
    batchingWindowSeconds: z
      .number()
      .int()
      .min(1, "at least 1 (batches of more than 10 messages need a window)")
      .max(300, "Lambda allows at most 300")
      .default(30),
    /** Receives before a message moves to the dead-letter queue. */
    maxReceiveCount: z.number().int().min(1).max(1000, "SQS allows 1-1000").default(5),
    /** Other sites of this environment whose distributions also serve this bucket's objects; the site's own is always included. */
    alsoInvalidate: z.array(z.string()).default([]),
    /** IAM role of another account that replicates into this bucket; the bucket policy admits it. */
    replicationSourceRoleArn: z
      .string()
      .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
      .optional(),
    /** Folder of the bucket the replication source may write (e.g. "vendor/"); required with continuous deployment. */
    replicationPrefix: z.string().optional(),
  })
  .strict();

type InvalidationConfig = z.output<typeof invalidation>;

/** The parts of a validated site these rules read. */
interface SiteView {
  name: string;
  sid: string;
  distribution: { defaultRootObject: string; behaviors: { pathPattern: string }[] };
  invalidation?: InvalidationConfig;
  continuousDeployment?: { pipeline?: { source: { type: "codestar" | "s3" } } };
}

/** Cross-field rules of the invalidation block of site `i` (linked sites, names, accounts, continuous deployment). */
export function invalidationProblems(env: { name: string; accountId: string; sites: { name: string }[] }, s: SiteView, i: number): Issue[] {
  const inv = s.invalidation;
  if (!inv) return [];
  const issues: Issue[] = [];
  const at = (field: string) => ["sites", i, "invalidation", field];
  const names = env.sites.map((x) => x.name);
  inv.alsoInvalidate.forEach((other, j) => {
    const path = ["sites", i, "invalidation", "alsoInvalidate", j];
    if (other === s.name) issues.push({ code: "custom", path, message: "the site's own distribution is always invalidated; list only other sites" });
    else if (!names.includes(other))
      issues.push({ code: "custom", path, message: `"${other}" is not a site of this environment; declared: ${names.join(", ")}` });
    else if (inv.alsoInvalidate.indexOf(other) !== j) issues.push({ code: "custom", path, message: `"${other}" is listed twice` });
  });
  const role = inv.replicationSourceRoleArn;
  if (role && role.split(":")[4] === env.accountId)
    issues.push({
      code: "custom",
      path: at("replicationSourceRoleArn"),
      message: "is in this environment's own account; only replication from another account needs the bucket policy",
    });
  const functionName = invalidatorFunctionName(env.name, s.sid, s.name);
  if (functionName.length > LIMITS.lambdaFunctionNameLength)
    issues.push({
      code: "custom",
      path: ["sites", i, "name"],
      message: `the invalidator function name "${functionName}" is ${functionName.length} characters; Lambda allows ${LIMITS.lambdaFunctionNameLength}: shorten the site name`,
    });
  // The invalidator turns a changed "<dir>/<index document>" into "<dir>/" and "<dir>": only a file name can be matched so.
  const root = s.distribution.defaultRootObject;
  if (root.includes("/"))
    issues.push({
      code: "custom",
      path: ["sites", i, "distribution", "defaultRootObject"],
      message: `is "${root}"; with invalidation it must be a file name such as index.html (no "/"): the invalidator matches it in every directory`,
    });
  if (inv.replicationPrefix !== undefined && !inv.replicationSourceRoleArn)
    issues.push({
      code: "custom",
      path: at("replicationPrefix"),
      message: "is the prefix of a replication source: set replicationSourceRoleArn too, or remove it",
    });
  if (inv.replicationPrefix !== undefined && !WRITER_PREFIX.test(inv.replicationPrefix))
    issues.push({
      code: "custom",
      path: at("replicationPrefix"),
      message: 'must be one folder name of lowercase letters, digits and hyphens ending in "/", e.g. "vendor/"',
    });
  return [...issues, ...withContinuousDeployment(s, i)];
}

/**
 * Under continuous deployment the bucket holds releases under <release>/ and the release flow owns them and their
 * invalidation: uploads of an unapproved release must never invalidate (or reach) the primary. Only a replication
 * source with a folder of its own may keep an invalidation block.
 */
function withContinuousDeployment(s: SiteView, i: number): Issue[] {
  const inv = s.invalidation!;
  const cd = s.continuousDeployment;
  if (!cd) return [];
  const issues: Issue[] = [];
  const at = (field: string) => ["sites", i, "invalidation", field];
  if (inv.paths === "changed")
    issues.push({
      code: "custom",
      path: at("paths"),
      message:
        'cannot be "changed" with continuousDeployment: the primary serves the bucket under /<release>, so changed keys become paths no viewer requests; use "wildcard" (the release flow invalidates releases itself)',
    });
  if (!inv.replicationSourceRoleArn) {
    issues.push({
      code: "custom",
      path: ["sites", i, "invalidation"],
      message:
        "with continuousDeployment the release flow invalidates releases; an invalidation block would flush the primary on every upload of an unapproved release. Remove it, or use it only for a replication source (replicationSourceRoleArn + replicationPrefix)",
    });
    return issues;
  }
  if (inv.replicationPrefix === undefined) {
    issues.push({
      code: "custom",
      path: at("replicationPrefix"),
      message:
        'is required with continuousDeployment: a replication grant on the whole bucket writes into release prefixes and changes live content without an approval. Give the source its own folder, e.g. "vendor/" (or replicate into a bucket of its own)',
    });
    return issues;
  }
  const folder = inv.replicationPrefix.replace(/\/$/, "");
  const served = `/${inv.replicationPrefix}*`;
  const clash = s.distribution.behaviors.findIndex((b) => b.pathPattern === served);
  if (clash >= 0)
    issues.push({
      code: "custom",
      path: ["sites", i, "distribution", "behaviors", clash, "pathPattern"],
      message: `"${served}" is the behavior that serves the replication source's folder outside the release (added for invalidation.replicationPrefix); remove it here`,
    });
  const source = cd.pipeline?.source.type ?? "manual";
  if (couldBeReleaseVersion(folder, source))
    issues.push({
      code: "custom",
      path: at("replicationPrefix"),
      message: `"${inv.replicationPrefix}" could be a release prefix (releases are named after the ${source === "codestar" ? "commit id" : "source object's version id"}); choose a name that is not`,
    });
  if (inv.prefix !== undefined && !inv.prefix.startsWith(inv.replicationPrefix))
    issues.push({
      code: "custom",
      path: at("prefix"),
      message: `must start with replicationPrefix "${inv.replicationPrefix}" with continuousDeployment: only the replication source's uploads may trigger an invalidation, never a release upload`,
    });
  return issues;
}

/** The site's invalidator, defaults and names applied. */
export function resolveInvalidation(env: { name: string; logRetentionDays: number }, s: SiteView): ResolvedSite["invalidation"] {
  const inv = s.invalidation;
  return (
    inv && {
      ...inv,
      // Under continuous deployment only the replication source's folder triggers: releases belong to the release flow.
      prefix: inv.prefix ?? (s.continuousDeployment ? inv.replicationPrefix : undefined),
      functionName: invalidatorFunctionName(env.name, s.sid, s.name),
      indexDocument: s.distribution.defaultRootObject,
      logRetentionDays: env.logRetentionDays,
    }
  );
}
