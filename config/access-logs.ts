/**
 * Schema fragment: a site's `bucketAccessLogs` (S3 server access logging of the origin bucket), hooked into
 * config/site.ts as `sites[].bucketAccessLogs`.
 */
import { z } from "zod";

export const bucketAccessLogsSchema = z
  .object({
    /** An existing bucket of the account and region that accepts S3 server access logs (its policy admits logging.s3.amazonaws.com). */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)"),
    /** Key prefix of this site's logs. @default "<env>-<sid>-<site>/" */
    prefix: z.string().max(256).optional(),
  })
  .strict();

export type BucketAccessLogsConfig = z.output<typeof bucketAccessLogsSchema>;

/** Where the origin bucket's server access logs go, defaults applied. */
export function resolveBucketAccessLogs(
  c: BucketAccessLogsConfig | undefined,
  siteBaseName: string,
): { readonly bucket: string; readonly prefix: string } | undefined {
  return c && { bucket: c.bucket, prefix: c.prefix ?? `${siteBaseName}/` };
}
