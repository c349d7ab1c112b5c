/**
 * S3 event fixtures (test/fixtures/s3-events/, copied from AWS docs, SAM CLI, aws-lambda-go and synthetic ones)
 * wrapped into the SQS events the invalidator receives: S3 -> SQS puts the notification JSON as the message body.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { SQSEvent, SQSRecord } from "aws-lambda";

export const FIXTURES_DIR = path.join(__dirname, "..", "..", "test", "fixtures", "s3-events");

/** A fixture's parsed JSON. */
export function fixture(name: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, `${name}.json`), "utf8"));
}

/** An S3 notification with one record per key (ObjectCreated:Put unless given), as S3 would send it. */
export function s3Notification(bucket: string, keys: { key: string; sequencer: string; eventName?: string }[]): object {
  const template = fixture("synthetic-put-encoded-key").Records[0];
  return {
    Records: keys.map(({ key, sequencer, eventName }) => ({
      ...template,
      eventName: eventName ?? "ObjectCreated:Put",
      s3: { ...template.s3, bucket: { ...template.s3.bucket, name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { ...template.s3.object, key, sequencer } },
    })),
  };
}

/**
 * An SQS event whose messages carry the given bodies (objects are JSON-encoded); message ids are m0, m1, ...
 * `receiveCount` > 1 makes them redeliveries (first received at 2025-01-01T00:00:00Z, like every test event).
 */
export function sqsEvent(bodies: (object | string)[], idPrefix = "m", receiveCount = 1): SQSEvent {
  return {
    Records: bodies.map((body, i): SQSRecord => ({
      messageId: `${idPrefix}${i}`,
      receiptHandle: `receipt-${idPrefix}${i}`,
      body: typeof body === "string" ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: "1735689600000",
        SenderId: "AIDAEXAMPLE",
        ApproximateFirstReceiveTimestamp: "1735689600000",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:ap-northeast-1:123456789012:dev-shop-web-invalidation",
      awsRegion: "ap-northeast-1",
    })),
  };
}
