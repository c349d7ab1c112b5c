/**
 * Records go to the versioned bucket at <prefix><yyyy>/<mm>/<dd>/<eventId>.json, written with If-None-Match: *.
 * EventBridge and Lambda deliver at least once; the conditional write makes the first delivery's record the only one
 * (S3 answers 412 Precondition Failed when the key exists: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { ChangeRecord } from "./normalize";
import type { Classification } from "./classify";

/** Date-partitioned by the call's time, so every delivery of one event computes the same key. */
export function recordKey(prefix: string, record: Pick<ChangeRecord, "eventTime" | "eventId">): string {
  const t = new Date(record.eventTime);
  const day = Number.isNaN(t.getTime()) ? "unknown-date" : t.toISOString().slice(0, 10).replace(/-/g, "/");
  return `${prefix}${day}/${record.eventId.replace(/[^A-Za-z0-9._-]/g, "_")}.json`;
}

export type StoreOutcome = "written" | "already-recorded";

/** Writes the record unless one exists for this event. Throws on anything but success or 412. */
export async function storeRecord(s3: S3Client, bucket: string, key: string, record: ChangeRecord & { classification: Classification }): Promise<StoreOutcome> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(record, null, 2),
        ContentType: "application/json",
        IfNoneMatch: "*",
      }),
    );
    return "written";
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    if (e.$metadata?.httpStatusCode === 412 || e.name === "PreconditionFailed") return "already-recorded";
    // 409 ConditionalRequestConflict: a concurrent write of the same key is in flight; the retry will see 412.
    throw err;
  }
}
