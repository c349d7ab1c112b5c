/**
 * Part of `npm run bench` (section "invalidator"): a simulated deployment against a local CloudFront API
 * (test/support/fake-cloudfront.ts, with the 15-wildcards-in-progress quota and a simulated clock), run through
 * a naive handler's logic and through the built bundle (dist/invalidator/index.js).
 *
 * Deployment: 1,000 objects, 20 of them index.html, replicated into the bucket evenly over DEPLOY_SECONDS; S3
 * delivers 1% of the events twice (at least once). Invalidations complete COMPLETES_AFTER seconds after creation.
 * Quota cases: a wildcard flood (every 5th key contains "*", each a wildcard path with paths "changed") and a
 * distribution whose 15 wildcard paths are all held by other invalidations when the deployment starts.
 * Prints one line per strategy; asserts nothing.
 */
import { CloudFrontClient, CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import type { SQSEvent } from "aws-lambda";
import { bundleLambda } from "../../modules/blocks/lambda-bundle";
import { FakeCloudFront } from "../support/fake-cloudfront";
import { s3Notification, sqsEvent } from "../support/s3-events";

const OBJECTS = 1000;
const INDEX_FILES = 20;
const DEPLOY_SECONDS = 120;
const COMPLETES_AFTER = 90;
const WINDOW = 30;
const BUCKET = "prod-shop-web-345678901234";
const DISTRIBUTION = "E3PRODSHOPWEB1";

interface S3Delivery {
  at: number;
  body: object;
  key: string;
}

/** The deployment's S3 deliveries in arrival order (duplicates included); `wild` puts a "*" in every 5th key. */
function deliveries(wild = false): S3Delivery[] {
  const out: S3Delivery[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    const plain = i % (OBJECTS / INDEX_FILES) === OBJECTS / INDEX_FILES - 1 ? `page${i}/index.html` : `assets/chunk-${i}.js`;
    const key = wild && i % 5 === 0 ? `assets/v${i}/*` : plain;
    const at = (i * DEPLOY_SECONDS) / OBJECTS;
    const body = s3Notification(BUCKET, [{ key, sequencer: `00${i.toString(16).padStart(8, "0")}` }]);
    out.push({ at, body, key });
    if (i % 100 === 49) out.push({ at: at + 0.05, body, key }); // delivered twice
  }
  return out;
}

interface Outcome {
  calls: number;
  created: number;
  billedPaths: number;
  rejected: number;
  lost: number;
  /** Most receives any message needed (5 would reach the dead-letter queue with the default maxReceiveCount). */
  maxReceives?: number;
}

/** Invalidations this run created (not the ones other writers held). */
const ours = (cf: FakeCloudFront) => cf.invalidations.filter((i) => !i.id.startsWith("IHELD"));

function outcome(cf: FakeCloudFront, lost: number): Outcome {
  return {
    calls: cf.requests.length,
    created: ours(cf).length,
    billedPaths: ours(cf).reduce((n, i) => n + i.paths.length, 0),
    rejected: cf.requests.filter((r) => r.status >= 400).length,
    lost,
  };
}

/**
 * A naive handler, as often written for S3 -> Lambda invalidation: Records[0] only, "/*" per index.html event,
 * Date.now() as CallerReference, errors logged and dropped. CloudFront allows 15 wildcard paths in progress per
 * distribution (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations),
 * so such a handler loses invalidations during a large deployment.
 */
async function naive(): Promise<Outcome> {
  clock = 0;
  const cf = await new FakeCloudFront({ now: () => clock, completesAfterSeconds: COMPLETES_AFTER }).start();
  const client = new CloudFrontClient({ region: "us-east-1", endpoint: cf.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  let lost = 0;
  for (const d of deliveries()) {
    clock = d.at;
    const record = (d.body as any).Records[0];
    if (!record.s3.object.key.includes("index.html")) continue;
    try {
      await client.send(
        new CreateInvalidationCommand({
          DistributionId: DISTRIBUTION,
          InvalidationBatch: { CallerReference: String(Date.now()), Paths: { Items: ["/*"], Quantity: 1 } },
        }),
      );
    } catch {
      lost++; // logged and swallowed: the invocation succeeds, so Lambda never retries
    }
  }
  await cf.stop();
  return outcome(cf, lost);
}

/** Ours: SQS batches closed every WINDOW seconds, the built bundle, failed messages redelivered in a later batch. */
let clock = 0;
/** One server for every run of the bundle: its SDK client keeps the endpoint it resolved first. */
const server = new FakeCloudFront({ now: () => clock, completesAfterSeconds: COMPLETES_AFTER });

async function run(
  paths: "wildcard" | "changed",
  opts: { redeliverBatch?: number; wild?: boolean; heldWildcards?: number; maxPaths?: number } = {},
): Promise<Outcome & { batches: number }> {
  clock = 0;
  const cf = server;
  cf.reset();
  // Other writers' invalidations (a Promote, a person in the console) holding wildcard paths when the deployment starts.
  for (let i = 0; i < (opts.heldWildcards ?? 0); i++)
    cf.invalidations.push({
      id: `IHELD${i}`,
      distributionId: DISTRIBUTION,
      callerReference: `held-${i}`,
      paths: [`/held${i}/*`],
      status: "InProgress",
      createdAt: 0,
    });
  process.env.AWS_ENDPOINT_URL_CLOUDFRONT = cf.url;
  process.env.INVALIDATOR_CONFIG = JSON.stringify({ links: [{ bucket: BUCKET, distributionIds: [DISTRIBUTION] }], paths, maxPaths: opts.maxPaths ?? 50 });
  const { handler } = require(bundleLambda("invalidator").file) as { handler: (e: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }> };
  let pending: (S3Delivery & { receives?: number })[] = deliveries(opts.wild);
  let batches = 0;
  let maxReceives = 1;
  for (let windowEnd = WINDOW; pending.length > 0; windowEnd += WINDOW) {
    if (windowEnd > 100 * WINDOW) throw new Error(`messages still failing after ${windowEnd} s: ${pending.length}`);
    clock = windowEnd;
    const batch = pending.filter((d) => d.at < windowEnd);
    pending = pending.filter((d) => d.at >= windowEnd);
    if (batch.length === 0) continue;
    const receives = Math.max(...batch.map((d) => d.receives ?? 1));
    maxReceives = Math.max(maxReceives, receives);
    const event = sqsEvent(
      batch.map((d) => d.body),
      `w${windowEnd}-`,
      receives,
    );
    const runs = batches === opts.redeliverBatch ? 2 : 1; // e.g. the function timed out after CloudFront accepted
    for (let r = 0; r < runs; r++) {
      const { batchItemFailures } = await handler(event);
      const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      // Failed messages come back after the visibility timeout (390 s) in a later batch.
      if (r === runs - 1)
        event.Records.forEach((m, i) => failed.has(m.messageId) && pending.push({ ...batch[i], at: windowEnd + 390, receives: (batch[i].receives ?? 1) + 1 }));
    }
    batches++;
  }
  return { ...outcome(cf, 0), batches, maxReceives };
}

async function main(): Promise<void> {
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_ACCESS_KEY_ID = "bench";
  process.env.AWS_SECRET_ACCESS_KEY = "bench";
  for (const level of ["log", "info", "warn", "error"] as const) console[level] = () => {};
  await server.start();
  const rows: [string, Outcome & { batches?: number }][] = [
    ["naive (Records[0], /* per index.html)", await naive()],
    ["ours, wildcard", await run("wildcard")],
    ["ours, changed (maxPaths 50)", await run("changed")],
    ["ours, wildcard, one batch redelivered", await run("wildcard", { redeliverBatch: 1 })],
    ["ours, changed, one batch redelivered", await run("changed", { redeliverBatch: 1 })],
    ["ours, changed (maxPaths 1000)", await run("changed", { maxPaths: 1000 })],
    ["ours, changed 1000, 200 keys with *", await run("changed", { wild: true, maxPaths: 1000 })],
    ["ours, changed 1000, 15 wildcards held", await run("changed", { heldWildcards: 15, maxPaths: 1000 })],
    ["ours, changed 1000, flood + 15 held", await run("changed", { wild: true, heldWildcards: 15, maxPaths: 1000 })],
  ];
  await server.stop();
  const out = process.stdout;
  out.write(
    `  deployment: ${OBJECTS} objects (${INDEX_FILES} index.html) over ${DEPLOY_SECONDS} s, 1% delivered twice; ${WINDOW} s batching window; invalidations complete after ${COMPLETES_AFTER} s; 1 distribution\n`,
  );
  for (const [label, o] of rows)
    out.write(
      `  ${label.padEnd(44)} CreateInvalidation calls ${String(o.calls).padStart(3)}   invalidations ${String(o.created).padStart(3)}   billed paths ${String(o.billedPaths).padStart(4)}   rejected ${String(o.rejected).padStart(2)}   lost ${o.lost}${o.batches !== undefined ? `   batches ${o.batches}   max receives ${o.maxReceives}` : ""}\n`,
    );
}

void main();
