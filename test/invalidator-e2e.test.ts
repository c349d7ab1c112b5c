/**
 * End to end: the deployable bundle (what `npm run build` writes to dist/invalidator/index.js), run in fresh Node
 * processes with the real AWS SDK pointed at a local server speaking CloudFront's CreateInvalidation REST/XML API
 * (AWS_ENDPOINT_URL_CLOUDFRONT). Covers the SDK's own retries, CloudFront's error responses and idempotency.
 */
import { existsSync } from "node:fs";
import { bundleLambda } from "../modules/lambda-bundle";
import { FakeCloudFront } from "./support/fake-cloudfront";
import { localAwsEnv, runBundle } from "./support/run-bundle";
import { fixture, s3Notification, sqsEvent } from "./support/s3-events";

const bundle = bundleLambda("invalidator");
let cloudfront: FakeCloudFront;

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
  cloudfront = await new FakeCloudFront().start();
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

test("a replayed batch creates no second invalidation (same CallerReference, CloudFront returns the first)", async () => {
  const event = sqsEvent([fixture("synthetic-multi-record"), fixture("sam-cli-S3Put.rendered")]);
  const first = await run(event);
  // Redelivered in another order, in a new execution environment (a DLQ replay looks the same).
  const replay = await run(sqsEvent([fixture("sam-cli-S3Put.rendered"), fixture("synthetic-multi-record")], "replayed-"));
  expect(first.result).toEqual({ batchItemFailures: [] });
  expect(replay.result).toEqual({ batchItemFailures: [] });
  expect(cloudfront.requests).toHaveLength(6);
  expect(cloudfront.invalidations).toHaveLength(3); // EREPLICA1, EREPLICA2, EEXAMPLE1: nothing billed twice
  const ids = (o: typeof first) => o.logs.filter((l) => l.fields.msg === "invalidation created").map((l) => l.fields.invalidationId).sort();
  expect(ids(replay)).toEqual(ids(first));
});

describe("CloudFront errors fail exactly the affected messages; the SDK retries what it should first", () => {
  // m0 -> EMYBUCKET1, m1 -> EEXAMPLE1, m2 -> ESOURCE1
  const event = () => sqsEvent([fixture("aws-docs-put-v2.1"), fixture("sam-cli-S3Put.rendered"), fixture("aws-lambda-go-s3-event-with-decoded")]);

  test("TooManyInvalidationsInProgress (not retried by the SDK), throttling and 503 (retried 3 times)", async () => {
    cloudfront.fail("EMYBUCKET1", { status: 400, code: "TooManyInvalidationsInProgress" });
    cloudfront.fail("EEXAMPLE1", { status: 400, code: "Throttling", message: "Rate exceeded" });
    const out = await run(event());
    expect(out.result).toEqual({ batchItemFailures: [{ itemIdentifier: "m0" }, { itemIdentifier: "m1" }] });
    const attempts = (id: string) => cloudfront.requests.filter((r) => r.distributionId === id).length;
    expect([attempts("EMYBUCKET1"), attempts("EEXAMPLE1"), attempts("ESOURCE1")]).toEqual([1, 3, 1]);
    expect(out.logs.filter((l) => l.level === "error").map((l) => [l.fields.distributionId, l.fields.error, l.fields.retryable]).sort()).toEqual([
      ["EEXAMPLE1", "Throttling", true],
      ["EMYBUCKET1", "TooManyInvalidationsInProgress", true],
    ]);

    cloudfront.clearFailures();
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
