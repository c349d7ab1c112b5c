/**
 * `sites[]`: a static site (bucket + distribution) owned by one product, with its optional invalidation and
 * continuous deployment; the rules that span an environment's sites, and the resolve step of a site.
 */
import { z } from "zod";
import { RESOURCE_NAME } from "../model/limits";
import { defaultBucketName, siteBaseName } from "../model/names";
import type { DistributionConfig, ResolvedAssociation, ResolvedSite } from "../model/resolved";
import { continuousDeployment, resolveContinuousDeployment } from "./continuous-deployment";
import { distribution } from "./distribution";
import { bucketName, bucketNameProblem } from "./fields";
import { invalidation, resolveInvalidation } from "./invalidation";
import { resolveWaf, wafSchema } from "./waf";
import { resolveResponseHeadersPolicy, securityHeadersSchema } from "./security-headers";
import { bucketAccessLogsSchema, resolveBucketAccessLogs } from "./access-logs";
import type { Issue } from "./rules";

export const site = z
  .object({
    /** Site name, unique in the environment; used in resource names. */
    name: z.string().regex(RESOURCE_NAME, "must be 2-32 lowercase letters, digits or hyphens, starting with a letter"),
    /** The product that owns the site; must be one of this environment's products. */
    sid: z.string(),
    /** Origin bucket name; defaults to <env>-<sid>-<name>-<accountId>. */
    bucketName: bucketName.optional(),
    distribution,
    /** Invalidate the distribution(s) when objects in the bucket change. */
    invalidation: invalidation.optional(),
    /** Release through a staging distribution and a continuous deployment policy. */
    continuousDeployment: continuousDeployment.optional(),
    /** A web ACL in front of the distribution (config/waf.ts); required with security.requireWaf. */
    waf: wafSchema.optional(),
    /** Response headers on every behavior (config/security-headers.ts): omitted = AWS SecurityHeadersPolicy, false = none. */
    securityHeaders: securityHeadersSchema.optional(),
    /** S3 server access logs of the origin bucket (config/access-logs.ts). @default none */
    bucketAccessLogs: bucketAccessLogsSchema.optional(),
  })
  .strict();

type Site = z.output<typeof site>;

/** The fields of an environment the site rules read. */
export const SITES_READS = [
  ["name"],
  ["accountId"],
  ["products", "*", "sid"],
  ["sites", "*", "name"],
  ["sites", "*", "sid"],
  ["sites", "*", "bucketName"],
  ["sites", "*", "distribution", "id"],
] as const;

/** A site's bucket: its own bucketName, or the generated one. */
export function siteBucketName(env: { name: string; accountId: string }, s: { name: string; sid: string; bucketName?: string }): string {
  return s.bucketName ?? defaultBucketName(env.name, s.sid, s.name, env.accountId);
}

/** Rules across an environment's sites: unique names and distribution ids, a declared product, a usable generated bucket name. */
export function siteProblems(env: {
  name: string;
  accountId: string;
  products: { sid: string }[];
  sites: { name: string; sid: string; bucketName?: string; distribution: { id?: string } }[];
}): Issue[] {
  const issues: Issue[] = [];
  const sids = new Set(env.products.map((p) => p.sid));
  const names = new Set<string>();
  const ids = new Set<string>();
  env.sites.forEach((s, i) => {
    if (names.has(s.name)) issues.push({ code: "custom", path: ["sites", i, "name"], message: `duplicate site name "${s.name}"` });
    names.add(s.name);
    if (!sids.has(s.sid))
      issues.push({ code: "custom", path: ["sites", i, "sid"], message: `"${s.sid}" is not a product of this environment; declared: ${[...sids].join(", ")}` });
    const id = s.distribution.id;
    if (id && ids.has(id)) issues.push({ code: "custom", path: ["sites", i, "distribution", "id"], message: `distribution id ${id} is declared twice` });
    if (id) ids.add(id);
    if (!s.bucketName) {
      const generated = siteBucketName(env, s);
      const problem = bucketNameProblem(generated);
      if (problem)
        issues.push({
          code: "custom",
          path: ["sites", i, "name"],
          message: `the generated bucket name "${generated}" ${problem}; set bucketName or shorten the name`,
        });
    }
  });
  return issues;
}

/** One site, ready for its stack: names computed, defaults applied, function associations attached. */
export function resolveSite(
  env: { name: string; accountId: string; logRetentionDays: number },
  s: Site,
  functionAssociations: ResolvedAssociation[],
): ResolvedSite {
  // Compile-time check that the schema's output fits the slices modules take.
  const distribution: DistributionConfig = s.distribution;
  return {
    name: s.name,
    sid: s.sid,
    baseName: siteBaseName(env.name, s.sid, s.name),
    bucketName: siteBucketName(env, s),
    distribution,
    functionAssociations,
    invalidation: resolveInvalidation(env, s),
    continuousDeployment: resolveContinuousDeployment(env, s),
    // The replication source's folder stays reachable whatever release the primary serves.
    unversionedPrefix: s.continuousDeployment ? s.invalidation?.replicationPrefix : undefined,
    waf: resolveWaf(s.waf, siteBaseName(env.name, s.sid, s.name)),
    responseHeadersPolicyId: resolveResponseHeadersPolicy(s.securityHeaders),
    bucketAccessLogs: resolveBucketAccessLogs(s.bucketAccessLogs, siteBaseName(env.name, s.sid, s.name)),
  };
}
