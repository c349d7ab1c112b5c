/**
 * Reads S3 event notifications out of SQS message bodies.
 *
 * S3 delivers at least once and unordered; a body holds one notification with one or more Records, or the
 * s3:TestEvent S3 sends when the notification configuration is written. Keys arrive URL-encoded with spaces as "+".
 */

/** One object change from an S3 event record. */
export interface ObjectChange {
  bucket: string;
  /** The decoded object key (no leading slash). */
  key: string;
  /** e.g. "ObjectCreated:Put", "ObjectRemoved:DeleteMarkerCreated". */
  eventName: string;
  /** Identifies this change of this key; the same event redelivered has the same id. */
  changeId: string;
}

export type ParsedMessage = { kind: "test" } | { kind: "changes"; changes: ObjectChange[] };

export class UnreadableMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreadableMessageError";
  }
}

/** Decodes an S3 event key: URL-encoded, with "+" for space. */
export function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

/** Parses one SQS message body. Throws UnreadableMessageError for anything that is not an S3 notification. */
export function parseMessage(body: string): ParsedMessage {
  let data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    data = JSON.parse(body);
  } catch (err) {
    throw new UnreadableMessageError(`body is not JSON: ${(err as Error).message}`);
  }
  if (data?.Event === "s3:TestEvent") return { kind: "test" };
  if (!Array.isArray(data?.Records)) throw new UnreadableMessageError("body is not an S3 event notification (no Records)");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untrusted S3 notification record, every field checked below
  const changes = data.Records.map((record: any, i: number): ObjectChange => {
    const bucket = record?.s3?.bucket?.name;
    const rawKey = record?.s3?.object?.key;
    const eventName = record?.eventName;
    if (record?.eventSource !== "aws:s3" || typeof bucket !== "string" || typeof rawKey !== "string" || typeof eventName !== "string")
      throw new UnreadableMessageError(`Records[${i}] is not an S3 object event`);
    let key: string;
    try {
      key = decodeKey(rawKey);
    } catch {
      throw new UnreadableMessageError(`Records[${i}] has a key that is not URL-encoded: ${JSON.stringify(rawKey)}`);
    }
    // The sequencer orders the events of one key; with bucket and key it identifies this change. Records without
    // one (not seen from S3, but tolerated) fall back to S3's request id.
    const marker = record.s3.object.sequencer ?? record.responseElements?.["x-amz-request-id"] ?? record.eventTime ?? "";
    return { bucket, key, eventName, changeId: `${bucket}/${rawKey}@${marker}` };
  });
  return { kind: "changes", changes };
}
