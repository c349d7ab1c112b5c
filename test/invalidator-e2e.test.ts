/**
 * End to end: the deployable bundle (what `npm run build` writes to dist/invalidator/index.js), run in fresh Node
 * processes with the real AWS SDK pointed at a local server speaking CloudFront's CreateInvalidation REST/XML API
 * (AWS_ENDPOINT_URL_CLOUDFRONT). Covers the SDK's own retries, CloudFront's error responses and idempotency.
 */
import { existsSync } from "node:fs";
import { bundleLambda } from "../modules/blocks/lambda-bundle";
import { FakeCloudFront, PATH_QUOTA, WILDCARD_QUOTA } from "./support/fake-cloudfront";
import { localAwsEnv, runBundle } from "./support/run-bundle";
import { fixture, s3Notification, sqsEvent } from "./support/s3-events";

const bundle = bundleLambda("invalidator");
let cloudfront: FakeCloudFront;
/** The fake's clock, in seconds; invalidations complete COMPLETES_AFTER seconds after creation. */
let clock = 0;
const COMPLETES_AFTER = 300;

const CONFIG = {
  links: [
    { bucket: "static-site-replica", distributionIds: ["EREPLICA1", "EREPLICA2"] },
    { bucket: "mybucket", distributionIds: ["EMYBUCKET1"] },
    { bucket: "example-bucket", distributionIds: ["EEXAMPLE1"] },
    { bucket: "sourcebucket", distributionIds: ["ESOURCE1"] },
  ],
  paths: "changed",
  maxPaths: 20,
};
const run = (event: unknown, config: object = CONFIG) => runBundle(bundle.file, event, localAwsEnv(cloudfront.url, config));

beforeEach(async () => {
  clock = 0;
  cloudfront = await new FakeCloudFront({ now: () => clock, completesAfterSeconds: COMPLETES_AFTER }).start();
});
afterEach(async () => cloudfront.stop());

test("npm run build's artifact exists, exports handler and is at most 1 MB", async () => {
  expect(existsSync(bundle.file)).toBe(true);
  expect(bundle.bytes).toBeLessThanOrEqual(1024 * 1024);
  expect(await run({ Records: [] })).toEqual({ result: { batchItemFailures: [] }, logs: [expect.objectContaining({ level: "info" })] });
});

test("a batch of fixtures becomes one invalidation per distribution, with the paths CloudFront receives encoded", async () => {
  const event = sqsEvent([
    fixture("synthetic-multi-record"),
    fixture("synthetic-put-encoded-key"),
    fixture("aws-docs-s3-test-event"),
    fixture("aws-lambda-devguide-with-s3-example"), // a bucket nobody linked
    fixture("aws-docs-put-v2.1"),
  ]);
  const out = await run(event);
  expect(out.result).toEqual({ batchItemFailures: [] });
  expect(cloudfront.requests.map((r) => r.distributionId).sort()).toEqual(["EMYBUCKET1", "EREPLICA1", "EREPLICA2"]);
  const replica = cloudfront.invalidations.find((i) => i.distributionId === "EREPLICA1")!;
  expect(replica.paths).toEqual([
    "/",
    "/assets/app.js",
    "/blog/my%20post/%E6%97%A5%E6%9C%AC%E8%AA%9E",
    "/blog/my%20post/%E6%97%A5%E6%9C%AC%E8%AA%9E/",
    "/blog/my%20post/%E6%97%A5%E6%9C%AC%E8%AA%9E/index.html",
    "/index.html",
  ]);
  expect(out.logs).toContainEqual({
    level: "info",
    fields: expect.objectContaining({ msg: "invalidation created", distributionId: "EREPLICA1", paths: replica.paths, invalidationId: replica.id }),
  });
  expect(out.logs).toContainEqual({ level: "warn", fields: expect.objectContaining({ bucket: "DOC-EXAMPLE-BUCKET" }) });
});

test("a replayed batch creates no second invalidation: found in progress, or CloudFront returns the first for the same CallerReference", async () => {
  const event = sqsEvent([fixture("synthetic-multi-record"), fixture("sam-cli-S3Put.rendered")]);
  const first = await run(event);
  // Redelivered in another order, in a new execution environment (a DLQ replay looks the same).
  const replay = await run(sqsEvent([fixture("sam-cli-S3Put.rendered"), fixture("synthetic-multi-record")], "replayed-"));
  expect(first.result).toEqual({ batchItemFailures: [] });
  expect(replay.result).toEqual({ batchItemFailures: [] });
  expect(cloudfront.invalidations).toHaveLength(3); // EREPLICA1, EREPLICA2, EEXAMPLE1: nothing billed twice
  expect(cloudfront.requests).toHaveLength(3); // the replay found its invalidations in progress and sent nothing
  const refs = (o: typeof first, msg: string) =>
    o.logs
      .filter((l) => l.fields.msg === msg)
      .map((l) => l.fields.callerReference)
      .sort();
  expect(refs(replay, "already invalidated by an earlier delivery of this batch; nothing sent")).toEqual(refs(first, "invalidation created"));

  // After they completed, a plain redelivery (not marked as one) sends again and CloudFront returns the same ones.
  clock += COMPLETES_AFTER;
  const late = await run(sqsEvent([fixture("synthetic-multi-record"), fixture("sam-cli-S3Put.rendered")], "late-"));
  expect(late.result).toEqual({ batchItemFailures: [] });
  expect(cloudfront.invalidations).toHaveLength(3);
  const ids = (o: typeof first) =>
    o.logs
      .filter((l) => l.fields.msg === "invalidation created")
      .map((l) => l.fields.invalidationId)
      .sort();
  expect(ids(late)).toEqual(ids(first));
});

describe("CloudFront errors fail exactly the affected messages; the SDK retries what it should first", () => {
  // m0 -> EMYBUCKET1, m1 -> EEXAMPLE1, m2 -> ESOURCE1
  const event = () => sqsEvent([fixture("aws-docs-put-v2.1"), fixture("sam-cli-S3Put.rendered"), fixture("aws-lambda-go-s3-event-with-decoded")]);

  test("TooManyInvalidationsInProgress (not retried by the SDK), throttling and 503 (retried 3 times)", async () => {
    cloudfront.fail("EMYBUCKET1", { status: 400, code: "TooManyInvalidationsInProgress" });
    cloudfront.fail("EEXAMPLE1", { status: 400, code: "Throttling", message: "Rate exceeded" });
    const out = await run(event());
    expect(out.result).toEqual({ batchItemFailures: [{ itemIdentifier: "m0" }, { itemIdentifier: "m1" }] });
    const attempts = (id: string) => cloudfront.requests.filter((r) => r.distributionId === id).map((r) => r.paths.join(","));
    // Explicit paths refused, then the one fallback to /*, refused too; the SDK retries throttling 3 times.
    expect([attempts("EMYBUCKET1"), attempts("EEXAMPLE1").length, attempts("ESOURCE1").length]).toEqual([["/HappyFace.jpg", "/*"], 3, 1]);
    expect(
      out.logs
        .filter((l) => l.level === "error")
        .map((l) => [l.fields.distributionId, l.fields.error, l.fields.retryable])
        .sort(),
    ).toEqual([
      ["EEXAMPLE1", "Throttling", true],
      ["EMYBUCKET1", "TooManyInvalidationsInProgress", true],
      ["EMYBUCKET1", "TooManyInvalidationsInProgress", true],
    ]);

    cloudfront.reset(); // (otherwise ESOURCE1's invalidation from above is found in progress and nothing is sent)
    cloudfront.fail("ESOURCE1", { status: 503, code: "ServiceUnavailable" });
    const second = await run(event());
    expect(second.result).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(cloudfront.requests.filter((r) => r.distributionId === "ESOURCE1" && r.status === 503)).toHaveLength(3);
    expect(second.logs).toContainEqual({ level: "error", fields: expect.objectContaining({ distributionId: "ESOURCE1", httpStatus: 503, retryable: true }) });
  });

  test("a transient 503 is absorbed by the SDK's retry: nothing fails", async () => {
    cloudfront.fail("EEXAMPLE1", { status: 503, code: "ServiceUnavailable" }, 1);
    expect((await run(event())).result).toEqual({ batchItemFailures: [] });
    expect(cloudfront.invalidations.map((i) => i.distributionId).sort()).toEqual(["EEXAMPLE1", "EMYBUCKET1", "ESOURCE1"]);
  });

  test("the wildcard quota: a failed message redelivered after invalidations complete is invalidated, not lost", async () => {
    const wildcard = { ...CONFIG, paths: "wildcard" };
    // 15 earlier deploys' wildcards still in progress on the distribution: the next one is refused by CloudFront.
    for (let i = 0; i < 15; i++)
      cloudfront.invalidations.push({ id: `IEARLIER${i}`, distributionId: "EMYBUCKET1", callerReference: `earlier-${i}`, paths: ["/*"], status: "InProgress" });
    const sixteenth = sqsEvent([s3Notification("mybucket", [{ key: "index.html", sequencer: "A15" }])]);
    expect((await run(sixteenth, wildcard)).result).toEqual({ batchItemFailures: [{ itemIdentifier: "m0" }] });
    cloudfront.completeAll();
    expect((await run(sixteenth, wildcard)).result).toEqual({ batchItemFailures: [] });
    expect(cloudfront.invalidations).toHaveLength(16);
  });
});

describe("CloudFront's in-progress quotas (15 wildcard paths, 3,000 paths per distribution)", () => {
  const CHANGED = { ...CONFIG, maxPaths: 1000 };
  /** One message of `count` keys in mybucket (-> EMYBUCKET1); `wild` makes each key contain a "*". */
  const batch = (prefix: string, count: number, wild: boolean, receiveCount = 1) =>
    sqsEvent(
      [
        s3Notification(
          "mybucket",
          Array.from({ length: count }, (_, i) => ({ key: `${prefix}/${i}/${wild ? "*" : "page.html"}`, sequencer: `${prefix}-${i}` })),
        ),
      ],
      prefix,
      receiveCount,
    );
  const earlier = (n: number, paths: (i: number) => string[]) => {
    for (let i = 0; i < n; i++)
      cloudfront.invalidations.push({
        id: `IEARLIER${i}`,
        distributionId: "EMYBUCKET1",
        callerReference: `earlier-${i}`,
        paths: paths(i),
        status: "InProgress",
        createdAt: clock,
      });
  };
  const sent = () => cloudfront.invalidations.filter((i) => !i.id.startsWith("IEARLIER")).map((i) => i.paths);

  test("a wildcard flood in one batch (16 keys with *) collapses to /* instead of failing every receive", async () => {
    const out = await run(batch("flood", WILDCARD_QUOTA + 1, true), CHANGED);
    expect(out.result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([["/*"]]);
    expect(cloudfront.requests.filter((r) => r.status !== 201)).toEqual([]);
  });

  test("wildcards are counted against what is in progress: 10 in progress leave room for 5, not 6", async () => {
    earlier(10, (i) => [`/old${i}/*`]);
    expect((await run(batch("five", 5, true), CHANGED)).result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([Array.from({ length: 5 }, (_, i) => `/five/${i}/*`)]);
    // Now 15 are in progress: one more wildcard does not fit, and neither does /*; retried after the quota frees up.
    const six = batch("six", 1, true);
    expect((await run(six, CHANGED)).result).toEqual({ batchItemFailures: [{ itemIdentifier: "six0" }] });
    expect(cloudfront.usage("EMYBUCKET1").wildcards).toBe(WILDCARD_QUOTA);
    clock += COMPLETES_AFTER; // the earlier invalidations complete
    expect((await run(batch("six", 1, true, 2), CHANGED)).result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([Array.from({ length: 5 }, (_, i) => `/five/${i}/*`), ["/six/0/*"]]);
  });

  test("the path quota: with 2,990 paths in progress, 20 explicit paths collapse to /*; with 3,000, /* waits", async () => {
    earlier(1, () => Array.from({ length: PATH_QUOTA - 10 }, (_, i) => `/p${i}.html`));
    expect((await run(batch("twenty", 20, false), CHANGED)).result).toEqual({ batchItemFailures: [] });
    expect(sent()).toEqual([["/*"]]);
    cloudfront.reset();
    earlier(1, () => Array.from({ length: PATH_QUOTA }, (_, i) => `/p${i}.html`));
    expect((await run(batch("more", 2, false), CHANGED)).result).toEqual({ batchItemFailures: [{ itemIdentifier: "more0" }] });
    expect(sent()).toEqual([]);
  });

  test("TooManyInvalidationsInProgress on explicit paths falls back once to /* with its own reference; a redelivery after completion sends nothing", async () => {
    // Another writer takes the quota between our look and our request: CloudFront refuses the explicit paths once.
    cloudfront.fail("EMYBUCKET1", { status: 400, code: "TooManyInvalidationsInProgress" }, 1);
    const event = batch("race", 3, false);
    const first = await run(event, CHANGED);
    expect(first.result).toEqual({ batchItemFailures: [] });
    expect(cloudfront.requests.map((r) => [r.paths.length, r.status])).toEqual([
      [3, 400],
      [1, 201],
    ]);
    const fallback = cloudfront.invalidations[0];
    expect(fallback.paths).toEqual(["/*"]);
    const refused = cloudfront.requests[0].callerReference;
    expect(fallback.callerReference).not.toBe(refused);

    // The same batch again (the first invocation timed out after CloudFront accepted /*), after everything
    // completed, when the explicit paths would fit: the earlier /* is found, nothing is sent or billed again.
    clock += COMPLETES_AFTER;
    const again = await run(batch("race", 3, false, 2), CHANGED);
    expect(again.result).toEqual({ batchItemFailures: [] });
    expect(cloudfront.invalidations).toHaveLength(1);
    expect(again.logs).toContainEqual({
      level: "info",
      fields: expect.objectContaining({ msg: expect.stringContaining("already invalidated"), callerReference: fallback.callerReference }),
    });
    // The fallback reference is deterministic: a second run of the fallback gets the same invalidation back.
    expect(fallback.callerReference).toMatch(/^s3-notification-[0-9a-f]{40}$/);
  });
});
