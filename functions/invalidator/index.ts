/**
 * S3 notification -> SQS -> this function -> CloudFront CreateInvalidation (modules/cloudfront/site-invalidator.ts).
 *
 * One invocation gets a batch of SQS messages gathered over the batching window. For each distribution linked to a
 * changed bucket it sends ONE CreateInvalidation, whose CallerReference is derived from the distribution, the paths
 * and the batch's S3 changes: a redelivered or replayed batch gets the existing invalidation back instead of a new,
 * billed one. Explicit paths are fitted into CloudFront's in-progress quotas (3,000 paths, 15 wildcard paths per
 * distribution) and fall back once to "/*" when CloudFront still refuses them (see invalidate()). A failed invalidation fails exactly the messages that asked for it (ReportBatchItemFailures), so SQS
 * delivers them again and, after the configured receives, moves them to the dead-letter queue. Nothing is swallowed.
 *
 * Logs are objects passed to console.*: with the function's JSON log format, Lambda puts them in the record's
 * "message" field as JSON, so CloudWatch Logs Insights can filter on distributionId, invalidationId and so on.
 */
import { createHash } from "node:crypto";
import { CloudFrontClient, CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { parseConfig, type InvalidatorConfig } from "./config";
import { parseMessage } from "./events";
import { FULL_BUDGET, inspect, type Inspection } from "./budget";
import { fitToBudget, invalidationPaths, usageOf } from "./paths";

// Created once per execution environment. Region and endpoint come from the usual SDK sources (AWS_REGION,
// AWS_ENDPOINT_URL_CLOUDFRONT); the SDK retries throttling and 5xx itself before an error reaches us.
const cloudfront = new CloudFrontClient({});

/** Error names worth retrying later; the SDK's own retries for them are already spent when we see them. */
const RETRYABLE = new Set([
  "TooManyInvalidationsInProgress",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ServiceUnavailable",
  "InternalError",
  "InternalFailure",
]);

/** What one distribution is asked to invalidate by one batch. */
interface DistributionWork {
  keys: Set<string>;
  changeIds: Set<string>;
  messageIds: Set<string>;
  /** For a batch with redelivered messages: when the earliest of them was first received (an earlier attempt may have invalidated). */
  redeliveredSince?: Date;
}

/** A single "/*": one path, one wildcard path, covers everything. */
const EVERYTHING = ["/*"];
const isEverything = (paths: string[]) => paths.length === 1 && paths[0] === "/*";
/** Clock difference tolerated between SQS timestamps and CloudFront's CreateTime. */
const CLOCK_MARGIN_MS = 60_000;

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  // A broken configuration fails the whole batch: the messages come back and end in the DLQ, loudly.
  const config = parseConfig(process.env.INVALIDATOR_CONFIG);
  const failed = new Set<string>();
  const work = collectWork(event, config, failed);

  await Promise.all(
    [...work].map(async ([distributionId, w]) => {
      if (!(await invalidate(distributionId, w, config))) for (const id of w.messageIds) failed.add(id);
    }),
  );

  const batchItemFailures = event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId }));
  log("info", { msg: "batch done", received: event.Records.length, failed: batchItemFailures.length, distributions: work.size });
  return { batchItemFailures };
}

/**
 * Sends one distribution's invalidation for the batch; false when its messages must be retried.
 *
 * Explicit paths are fitted into what is left of the quotas (more wildcard paths or paths than remain collapse to
 * "/*"); a TooManyInvalidationsInProgress on explicit paths (another writer got there first) falls back once to
 * "/*". Each form has its own deterministic CallerReference, and both are looked for among the distribution's
 * in-progress (and, for a redelivered batch, recent) invalidations first, so whichever form an earlier delivery
 * created is found instead of being sent again.
 */
async function invalidate(distributionId: string, w: DistributionWork, config: InvalidatorConfig): Promise<boolean> {
  const wanted = invalidationPaths(w.keys, config.paths, config.maxPaths, config.indexDocument);
  const reference = (paths: string[]) => callerReferenceFor(distributionId, paths, w.changeIds);
  const base = { distributionId, objects: w.keys.size, messages: w.messageIds.size };

  let paths = wanted;
  if (!isEverything(wanted)) {
    let inspection: Inspection | undefined;
    try {
      inspection = await inspect(cloudfront, distributionId, w.redeliveredSince);
    } catch (err) {
      // Sending anyway is safe: CloudFront enforces the quotas, and the fallback below handles its refusal.
      log("warn", {
        msg: "could not read the invalidations in progress; fitting the paths to the full quota",
        ...base,
        error: (err as Error).name,
        errorMessage: (err as Error).message,
      });
    }
    const earlier = inspection && [reference(wanted), reference(EVERYTHING)].find((r) => inspection.references.has(r));
    if (earlier) {
      log("info", { msg: "already invalidated by an earlier delivery of this batch; nothing sent", ...base, callerReference: earlier });
      return true;
    }
    if (inspection && !inspection.remaining) log("info", { msg: "quota use unknown; sending /*", ...base, reason: inspection.unknownBecause });
    paths = inspection && !inspection.remaining ? EVERYTHING : fitToBudget(wanted, inspection?.remaining ?? FULL_BUDGET);
    if (paths !== wanted && isEverything(paths))
      log("info", {
        msg: "paths exceed what is left of the quotas; sending /*",
        ...base,
        wanted: usageOf(wanted),
        remaining: inspection?.remaining ?? FULL_BUDGET,
      });
  }

  const first = await create(distributionId, paths, reference(paths), base);
  if (first === "ok") return true;
  if (first.name === "TooManyInvalidationsInProgress" && !isEverything(paths)) {
    log("warn", { msg: "explicit paths refused (TooManyInvalidationsInProgress); falling back to /* once", ...base, wanted: usageOf(paths) });
    return (await create(distributionId, EVERYTHING, reference(EVERYTHING), base)) === "ok";
  }
  return false;
}

/** One CreateInvalidation, logged; "ok" or the error. */
async function create(distributionId: string, paths: string[], callerReference: string, base: Record<string, unknown>): Promise<"ok" | Error> {
  const fields = { ...base, paths, callerReference };
  try {
    const out = await cloudfront.send(
      new CreateInvalidationCommand({
        DistributionId: distributionId,
        InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    log("info", { msg: "invalidation created", ...fields, invalidationId: out.Invalidation?.Id, status: out.Invalidation?.Status });
    return "ok";
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
    const status = e.$metadata?.httpStatusCode;
    const retryable = RETRYABLE.has(e.name) || (status !== undefined && status >= 500) || Boolean(e.$retryable);
    // Non-retryable errors (access denied, no such distribution) fail the messages too: after the configured
    // receives they wait in the DLQ for someone to fix the cause and replay them.
    log("error", {
      msg: "invalidation failed; its messages will be retried",
      ...fields,
      error: e.name,
      errorMessage: e.message,
      httpStatus: status,
      retryable,
    });
    return e;
  }
}

/** Groups every record of every message by the distributions its bucket is linked to. */
function collectWork(event: SQSEvent, config: InvalidatorConfig, failed: Set<string>): Map<string, DistributionWork> {
  const links = new Map(config.links.map((l) => [l.bucket, l.distributionIds]));
  const work = new Map<string, DistributionWork>();
  for (const message of event.Records) {
    let parsed;
    try {
      parsed = parseMessage(message.body);
    } catch (err) {
      log("error", { msg: "unreadable message; it will end in the dead-letter queue", messageId: message.messageId, error: (err as Error).message });
      failed.add(message.messageId);
      continue;
    }
    if (parsed.kind === "test") {
      log("info", { msg: "s3:TestEvent ignored", messageId: message.messageId });
      continue;
    }
    for (const change of parsed.changes) {
      const distributionIds = links.get(change.bucket);
      if (!distributionIds) {
        // Retrying cannot help: the configuration decides which buckets are linked.
        log("warn", { msg: "bucket not linked to any distribution; record dropped", messageId: message.messageId, bucket: change.bucket, key: change.key });
        continue;
      }
      const redelivered = Number(message.attributes?.ApproximateReceiveCount ?? "1") > 1;
      const firstReceived = Number(message.attributes?.ApproximateFirstReceiveTimestamp ?? message.attributes?.SentTimestamp ?? NaN);
      for (const id of distributionIds) {
        const w: DistributionWork = work.get(id) ?? { keys: new Set(), changeIds: new Set(), messageIds: new Set() };
        w.keys.add(change.key);
        w.changeIds.add(change.changeId);
        w.messageIds.add(message.messageId);
        if (redelivered) {
          // Unknown timestamps widen the look-back to everything listed.
          const since = Number.isFinite(firstReceived) ? new Date(firstReceived - CLOCK_MARGIN_MS) : new Date(0);
          if (!w.redeliveredSince || since < w.redeliveredSince) w.redeliveredSince = since;
        }
        work.set(id, w);
      }
    }
  }
  return work;
}

/**
 * Same distribution, same paths and same S3 changes -> same reference, so CloudFront returns the existing
 * invalidation for a redelivered batch. Duplicate deliveries of one S3 event inside a batch collapse (a set).
 */
export function callerReferenceFor(distributionId: string, paths: string[], changeIds: Iterable<string>): string {
  const hash = createHash("sha256").update(distributionId).update("\n").update(paths.join("\n")).update("\n");
  for (const id of [...changeIds].sort()) hash.update(id).update("\n");
  return `s3-notification-${hash.digest("hex").slice(0, 40)}`;
}

function log(level: "info" | "warn" | "error", fields: Record<string, unknown>): void {
  console[level](fields);
}
