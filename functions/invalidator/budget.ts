/**
 * What is already in progress on a distribution, against CloudFront's per-distribution quotas (3,000 paths and 15
 * wildcard paths in progress; a path containing "*" is a wildcard path and counts against both), and which caller
 * references it has used lately.
 *
 * ListInvalidations returns the newest first (API reference, ListInvalidations: "decreasing order from most recent
 * to oldest"), and in-progress invalidations are the newest, so the first page almost always holds all of them.
 * Each one's paths need a GetInvalidation. Above MAX_INSPECTED the handler does not look further and sends "/*"
 * (one path; it fits whenever anything fits).
 */
import { GetInvalidationCommand, ListInvalidationsCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { INVALIDATION_QUOTAS } from "../../model/release";
import { isWildcard } from "./paths";

/** In-progress (and, on redelivery, recent) invalidations read per distribution and batch, at most. */
export const MAX_INSPECTED = 50;
/** Pages of ListInvalidations read at most (100 summaries each). */
const MAX_PAGES = 3;

export interface Budget {
  /** Paths that may still be put in progress. */
  paths: number;
  /** Wildcard paths that may still be put in progress. */
  wildcards: number;
}

export interface Inspection {
  /** What is left of the quotas; undefined when it could not be read (listing refused, or too many to read). */
  remaining?: Budget;
  /** Caller references of the in-progress invalidations and of those created since `since`. */
  references: Set<string>;
  /** Why `remaining` is unknown, for the log. */
  unknownBecause?: string;
}

/** The full quota: what a distribution with nothing in progress has. */
export const FULL_BUDGET: Budget = { paths: INVALIDATION_QUOTAS.pathsInProgress, wildcards: INVALIDATION_QUOTAS.wildcardPathsInProgress };

/**
 * Reads the distribution's in-progress invalidations (and, with `since`, the completed ones created after it: a
 * redelivered batch may have been invalidated by an earlier attempt that did not report back).
 */
export async function inspect(cloudfront: CloudFrontClient, distributionId: string, since?: Date): Promise<Inspection> {
  const candidates: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await cloudfront.send(new ListInvalidationsCommand({ DistributionId: distributionId, Marker: marker, MaxItems: 100 }));
    const items = list.InvalidationList?.Items ?? [];
    let older = false;
    for (const item of items) {
      const recent = since !== undefined && item.CreateTime !== undefined && item.CreateTime >= since;
      if (item.Status === "InProgress" || recent) candidates.push(item.Id!);
      else older = true;
    }
    // Newest first: once a page reaches completed invalidations older than `since`, the rest are older still.
    if (older || !list.InvalidationList?.IsTruncated) break;
    marker = list.InvalidationList.NextMarker;
  }
  if (candidates.length > MAX_INSPECTED)
    return { references: new Set(), unknownBecause: `${candidates.length} invalidations in progress or recent (more than ${MAX_INSPECTED} to read)` };

  const invalidations = await Promise.all(candidates.map((id) => cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }))));
  const remaining = { ...FULL_BUDGET };
  const references = new Set<string>();
  for (const { Invalidation: inv } of invalidations) {
    if (inv?.InvalidationBatch?.CallerReference) references.add(inv.InvalidationBatch.CallerReference);
    if (inv?.Status !== "InProgress") continue;
    const paths = inv.InvalidationBatch?.Paths?.Items ?? [];
    remaining.paths -= paths.length;
    remaining.wildcards -= paths.filter(isWildcard).length;
  }
  return { remaining, references };
}
