/**
 * The invalidator's configuration, generated at synth by modules/cloudfront/site-invalidator.ts and handed to the function as
 * the environment variable INVALIDATOR_CONFIG:
 *   {"links":[{"bucket":"<name>","distributionIds":["<id>",...]}],"paths":"wildcard"|"changed","maxPaths":<n>}
 * plus optional "indexDocument" (default "index.html"). Extra fields are allowed and ignored.
 *
 * Hand-checked rather than with zod: it keeps the bundle small and the checks are few.
 */

import { MAX_PATHS_PER_BATCH } from "../../model/release";

/** How a batch is turned into invalidation paths. */
export type PathMode = "wildcard" | "changed";

export interface BucketLink {
  /** Bucket name as it appears in S3 event records. */
  bucket: string;
  /** Distributions that serve this bucket's objects; each is invalidated once per batch. */
  distributionIds: string[];
}

export interface InvalidatorConfig {
  links: BucketLink[];
  /** "wildcard" sends /*; "changed" sends the changed objects' paths. */
  paths: PathMode;
  /** Above this many paths for one distribution, "changed" falls back to /* (one billed path). */
  maxPaths: number;
  /** The object a directory URL serves; changing it also invalidates the directory forms. */
  indexDocument: string;
}

/** Largest maxPaths: a third of CloudFront's 3,000 paths in progress per distribution, so one batch cannot use them up. */
export const MAX_PATHS_LIMIT = MAX_PATHS_PER_BATCH;

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(`INVALIDATOR_CONFIG ${message}`);
    this.name = "ConfigurationError";
  }
}

/** Parses and checks INVALIDATOR_CONFIG; throws a ConfigurationError naming the field. */
export function parseConfig(raw: string | undefined): InvalidatorConfig {
  if (raw === undefined || raw.trim() === "") throw new ConfigurationError("is not set");
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new ConfigurationError(`is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(data)) throw new ConfigurationError("must be a JSON object");
  if (!Array.isArray(data.links)) throw new ConfigurationError('field "links" must be an array of {bucket, distributionIds}');
  const links = data.links.map((link: unknown, i: number): BucketLink => {
    if (!isObject(link) || typeof link.bucket !== "string" || link.bucket === "")
      throw new ConfigurationError(`field "links[${i}].bucket" must be a bucket name`);
    const ids = link.distributionIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string" && /^[A-Z0-9]+$/.test(id)))
      throw new ConfigurationError(`field "links[${i}].distributionIds" must be a non-empty array of distribution ids`);
    return { bucket: link.bucket, distributionIds: [...new Set(ids as string[])] };
  });
  const buckets = links.map((l) => l.bucket);
  const duplicate = buckets.find((b, i) => buckets.indexOf(b) !== i);
  if (duplicate) throw new ConfigurationError(`field "links": bucket "${duplicate}" is listed twice`);
  if (data.paths !== "wildcard" && data.paths !== "changed") throw new ConfigurationError('field "paths" must be "wildcard" or "changed"');
  const maxPaths = data.maxPaths;
  if (typeof maxPaths !== "number" || !Number.isInteger(maxPaths) || maxPaths < 1 || maxPaths > MAX_PATHS_LIMIT)
    throw new ConfigurationError(`field "maxPaths" must be an integer from 1 to ${MAX_PATHS_LIMIT}`);
  const indexDocument = data.indexDocument ?? "index.html";
  if (typeof indexDocument !== "string" || indexDocument === "" || indexDocument.includes("/"))
    throw new ConfigurationError('field "indexDocument" must be a file name such as "index.html"');
  return { links, paths: data.paths, maxPaths, indexDocument };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
