import { mockClient } from "aws-sdk-client-mock";
import {
  AccessDenied,
  CloudFrontClient,
  CloudFrontServiceException,
  CreateInvalidationCommand,
  type CreateInvalidationCommandInput,
  TooManyInvalidationsInProgress,
} from "@aws-sdk/client-cloudfront";
import { fixture, s3Notification, sqsEvent } from "../../test/support/s3-events";
import { callerReferenceFor, handler } from "./index";
import { parseConfig } from "./config";
import { decodeKey } from "./events";
import { encodePath, fitToBudget, invalidationPaths, objectPaths, usageOf } from "./paths";

const cf = mockClient(CloudFrontClient);
let logs: { level: string; fields: any }[] = [];

const config = (paths: "wildcard" | "changed", extra: object = {}) =>
  JSON.stringify({
    links: [
      { bucket: "static-site-replica", distributionIds: ["EREPLICA1", "EREPLICA2"] },
      { bucket: "mybucket", distributionIds: ["EREPLICA1"] },
      { bucket: "example-bucket", distributionIds: ["EEXAMPLE1"] },
      { bucket: "sourcebucket", distributionIds: ["ESOURCE1"] },
    ],
    paths,
    maxPaths: 20,
    ...extra,
  });

beforeEach(() => {
  cf.reset();
  let n = 0;
  cf.on(CreateInvalidationCommand).callsFake(async () => ({ Invalidation: { Id: `I${++n}`, Status: "InProgress" } }));
  process.env.INVALIDATOR_CONFIG = config("wildcard");
  logs = [];
  for (const level of ["info", "warn", "error"] as const)
    jest.spyOn(console, level).mockImplementation((...args: any[]) => void logs.push({ level, fields: args[0] }));
});
afterEach(() => jest.restoreAllMocks());

/** The CreateInvalidation inputs sent, by distribution id. */
const sent = (): Record<string, CreateInvalidationCommandInput> =>
  Object.fromEntries(cf.commandCalls(CreateInvalidationCommand).map((c) => [c.args[0].input.DistributionId!, c.args[0].input]));
const pathsSent = () => Object.fromEntries(Object.entries(sent()).map(([id, input]) => [id, input.InvalidationBatch!.Paths!.Items]));

describe("every record of every message, one CreateInvalidation per distribution per batch", () => {
  test("three messages, four records, two buckets -> one call per linked distribution (not per record)", async () => {
    const event = sqsEvent([fixture("synthetic-multi-record"), fixture("aws-docs-put-v2.1"), fixture("synthetic-put-encoded-key")]);
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(cf.commandCalls(CreateInvalidationCommand)).toHaveLength(2);
    expect(pathsSent()).toEqual({ EREPLICA1: ["/*"], EREPLICA2: ["/*"] });
  });

  test('"changed" sends the changed paths of all records; index.html also as its directory, encoded', async () => {
    process.env.INVALIDATOR_CONFIG = config("changed");
    await handler(sqsEvent([fixture("synthetic-multi-record")]));
    // Records[0] (a naive handler reads only this one), [1] and [2], with "+" as space and UTF-8 percent-encoded.
    expect(pathsSent().EREPLICA1).toEqual([
      "/",
      "/assets/app.js",
      "/blog/my%20post/%E6%97%A5%E6%9C%AC%E8%AA%9E",
      "/blog/my%20post/%E6%97%A5%E6%9C%AC%E8%AA%9E/",
      "/blog/my%20post/%E6%97%A5%E6%9C%AC%E8%AA%9E/index.html",
      "/index.html",
    ]);
    expect(pathsSent().EREPLICA2).toEqual(pathsSent().EREPLICA1);
  });

  test("keys are decoded the way aws-lambda-go decodes them (urlDecodedKey in its fixture)", async () => {
    process.env.INVALIDATOR_CONFIG = config("changed");
    const f = fixture("aws-lambda-go-s3-event-with-decoded");
    await handler(sqsEvent([f]));
    expect(decodeKey(f.Records[0].s3.object.key)).toBe(f.Records[0].s3.object.urlDecodedKey);
    expect(pathsSent()).toEqual({ ESOURCE1: ["/Happy%20Face.jpg"] });
  });

  test("removed objects and delete markers are invalidated like changes (the notification decides which events come)", async () => {
    process.env.INVALIDATOR_CONFIG = config("changed");
    await handler(sqsEvent([fixture("sam-cli-S3Delete.rendered"), fixture("synthetic-delete-marker")]));
    expect(pathsSent()).toEqual({
      EEXAMPLE1: ["/test/key"],
      EREPLICA1: ["/old-page", "/old-page/", "/old-page/index.html"],
    });
  });

  test('above maxPaths, "changed" falls back to /* (one billed path)', async () => {
    process.env.INVALIDATOR_CONFIG = config("changed", { maxPaths: 8 });
    const keys = ["a/index.html", "b/index.html", "c/index.html"].map((key, i) => ({ key, sequencer: `00${i}` }));
    await handler(sqsEvent([s3Notification("mybucket", keys)]));
    expect(pathsSent()).toEqual({ EREPLICA1: ["/*"] }); // 9 paths > 8
    cf.resetHistory();
    process.env.INVALIDATOR_CONFIG = config("changed", { maxPaths: 9 });
    await handler(sqsEvent([s3Notification("mybucket", keys)]));
    expect(pathsSent().EREPLICA1).toHaveLength(9);
  });
});

describe("what is not an object change", () => {
  test("s3:TestEvent is ignored: no call, no failure", async () => {
    expect(await handler(sqsEvent([fixture("aws-docs-s3-test-event")]))).toEqual({ batchItemFailures: [] });
    expect(cf.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
  });

  test("a bucket that is not linked is logged and dropped, not retried", async () => {
    const result = await handler(sqsEvent([fixture("aws-lambda-devguide-with-s3-example")]));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(cf.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
    expect(logs).toContainEqual({
      level: "warn",
      fields: expect.objectContaining({ bucket: "DOC-EXAMPLE-BUCKET", key: "b21b84d653bb07b05b1e6b33684dc11b", messageId: "m0" }),
    });
  });

  test("a body that is not an S3 notification fails only its own message (it ends in the DLQ)", async () => {
    const event = sqsEvent([fixture("aws-docs-put-v2.1"), fixture("aws-docs-eventbridge-object-created"), "not json"]);
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }, { itemIdentifier: "m2" }] });
    expect(pathsSent()).toEqual({ EREPLICA1: ["/*"] });
    expect(logs.filter((l) => l.level === "error").map((l) => l.fields.messageId)).toEqual(["m1", "m2"]);
  });

  test("a broken INVALIDATOR_CONFIG fails the whole batch loudly", async () => {
    process.env.INVALIDATOR_CONFIG = JSON.stringify({ links: [], paths: "some", maxPaths: 10 });
    await expect(handler(sqsEvent([fixture("aws-docs-put-v2.1")]))).rejects.toThrow('INVALIDATOR_CONFIG field "paths" must be "wildcard" or "changed"');
  });
});

describe("failures are retried, never lost, and only for the messages they concern", () => {
  const event = () => sqsEvent([fixture("aws-docs-put-v2.1"), fixture("sam-cli-S3Put.rendered"), fixture("synthetic-put-encoded-key")]);
  // m0 -> mybucket -> EREPLICA1; m1 -> example-bucket -> EEXAMPLE1; m2 -> static-site-replica -> EREPLICA1, EREPLICA2

  const errors: [string, () => Error][] = [
    [
      "TooManyInvalidationsInProgress",
      () =>
        new TooManyInvalidationsInProgress({
          message: "Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.",
          $metadata: { httpStatusCode: 400 },
        }),
    ],
    [
      "Throttling (after the SDK's own retries)",
      () => new CloudFrontServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }),
    ],
    [
      "503 Service Unavailable",
      () => new CloudFrontServiceException({ name: "ServiceUnavailable", $fault: "server", message: "", $metadata: { httpStatusCode: 503 } }),
    ],
  ];

  test.each(errors)("%s on one distribution fails exactly the messages linked to it", async (_name, error) => {
    cf.on(CreateInvalidationCommand, { DistributionId: "EREPLICA2" }).rejects(error());
    const result = await handler(event());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(Object.keys(sent()).sort()).toEqual(["EEXAMPLE1", "EREPLICA1", "EREPLICA2"]);
    expect(logs).toContainEqual({
      level: "error",
      fields: expect.objectContaining({ distributionId: "EREPLICA2", paths: ["/*"], retryable: true, error: error().name }),
    });
  });

  test("a failure on a distribution shared by two messages fails both", async () => {
    cf.on(CreateInvalidationCommand, { DistributionId: "EREPLICA1" }).rejects(errors[0][1]());
    expect(await handler(event())).toEqual({ batchItemFailures: [{ itemIdentifier: "m0" }, { itemIdentifier: "m2" }] });
  });

  test("a non-retryable error (access denied) is not swallowed either: the message fails and is logged", async () => {
    cf.on(CreateInvalidationCommand, { DistributionId: "EEXAMPLE1" }).rejects(
      new AccessDenied({ message: "User is not authorized", $metadata: { httpStatusCode: 403 } }),
    );
    expect(await handler(event())).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }] });
    expect(logs).toContainEqual({
      level: "error",
      fields: expect.objectContaining({ distributionId: "EEXAMPLE1", error: "AccessDenied", retryable: false, httpStatus: 403 }),
    });
  });

  test("the redelivered message succeeds once CloudFront accepts again", async () => {
    let calls = 0;
    cf.on(CreateInvalidationCommand, { DistributionId: "EREPLICA2" }).callsFake(async () => {
      if (++calls === 1) throw errors[0][1]();
      return { Invalidation: { Id: "I-later", Status: "InProgress" } };
    });
    const first = sqsEvent([fixture("synthetic-put-encoded-key")]);
    expect(await handler(first)).toEqual({ batchItemFailures: [{ itemIdentifier: "m0" }] });
    expect(await handler(first)).toEqual({ batchItemFailures: [] });
  });
});

describe("CallerReference: a replayed batch creates no second invalidation", () => {
  const refs = () => Object.fromEntries(Object.entries(sent()).map(([id, input]) => [id, input.InvalidationBatch!.CallerReference]));

  test("the same batch again (redelivery, DLQ replay, other message order) sends the same references", async () => {
    await handler(sqsEvent([fixture("synthetic-multi-record"), fixture("aws-docs-put-v2.1")]));
    const first = refs();
    cf.resetHistory();
    await handler(sqsEvent([fixture("aws-docs-put-v2.1"), fixture("synthetic-multi-record")], "redelivered-"));
    expect(refs()).toEqual(first);
    // An S3 event delivered twice within one batch changes nothing either (at-least-once delivery).
    cf.resetHistory();
    await handler(sqsEvent([fixture("synthetic-multi-record"), fixture("aws-docs-put-v2.1"), fixture("aws-docs-put-v2.1")]));
    expect(refs()).toEqual(first);
  });

  test("references differ per distribution, and for a new change of the same key (new sequencer)", async () => {
    await handler(sqsEvent([fixture("synthetic-put-encoded-key")]));
    const first = refs();
    expect(first.EREPLICA1).not.toBe(first.EREPLICA2);
    const next = fixture("synthetic-put-encoded-key");
    next.Records[0].s3.object.sequencer = "0065A1B2C3D4E5F699";
    cf.resetHistory();
    await handler(sqsEvent([next]));
    expect(refs().EREPLICA1).not.toBe(first.EREPLICA1);
  });

  test("the reference depends on the paths (CloudFront rejects a known reference with other paths)", () => {
    expect(callerReferenceFor("E1", ["/*"], ["b/k@1"])).toBe(callerReferenceFor("E1", ["/*"], ["b/k@1"]));
    expect(callerReferenceFor("E1", ["/a"], ["b/k@1"])).not.toBe(callerReferenceFor("E1", ["/*"], ["b/k@1"]));
    expect(callerReferenceFor("E1", ["/*"], ["b/k@1"])).toMatch(/^s3-notification-[0-9a-f]{40}$/);
  });
});

test("structured logs carry distribution, paths and invalidation id", async () => {
  await handler(sqsEvent([fixture("aws-docs-put-v2.1")]));
  expect(logs).toContainEqual({
    level: "info",
    fields: expect.objectContaining({
      msg: "invalidation created",
      distributionId: "EREPLICA1",
      paths: ["/*"],
      invalidationId: "I1",
      callerReference: expect.any(String),
      messages: 1,
      objects: 1,
    }),
  });
});

describe("paths", () => {
  test.each([
    ["index.html", ["/index.html", "/"]],
    ["docs/index.html", ["/docs/index.html", "/docs/", "/docs"]],
    ["docs/index.html.bak", ["/docs/index.html.bak"]],
    ["a b/c+d.html", ["/a%20b/c+d.html"]],
    ["q?x=1#frag", ["/q%3Fx=1%23frag"]],
    ['100%/~user/[1]{2}|3^`\\"<>', ["/100%25/%7Euser/%5B1%5D%7B2%7D%7C3%5E%60%5C%22%3C%3E"]],
    ["日本語.html", ["/%E6%97%A5%E6%9C%AC%E8%AA%9E.html"]],
    ["img/logo*.png", ["/img/logo*"]],
    ["a&b=c;d@e$f!g'h(i),j:k", ["/a&b=c;d@e$f!g'h(i),j:k"]],
  ])("%s -> %j", (key, expected) => {
    expect(objectPaths(key, "index.html")).toEqual(expected);
  });

  test("the index document name follows the configuration", () => {
    expect(objectPaths("docs/home.htm", "home.htm")).toEqual(["/docs/home.htm", "/docs/", "/docs"]);
  });

  test("wildcard mode ignores the keys; changed mode de-duplicates and sorts", () => {
    expect(invalidationPaths(["a", "b"], "wildcard", 10, "index.html")).toEqual(["/*"]);
    expect(invalidationPaths(["b", "a", "b"], "changed", 10, "index.html")).toEqual(["/a", "/b"]);
    expect(encodePath("tab\tnewline\n")).toBe("tab%09newline%0A");
  });
});

describe("INVALIDATOR_CONFIG", () => {
  test.each([
    [undefined, "INVALIDATOR_CONFIG is not set"],
    ["{", "INVALIDATOR_CONFIG is not valid JSON"],
    ['{"links":{},"paths":"wildcard","maxPaths":1}', 'field "links" must be an array'],
    ['{"links":[{"bucket":"b","distributionIds":[]}],"paths":"wildcard","maxPaths":1}', 'field "links[0].distributionIds" must be a non-empty array'],
    [
      '{"links":[{"bucket":"b","distributionIds":["E1"]},{"bucket":"b","distributionIds":["E2"]}],"paths":"wildcard","maxPaths":1}',
      'bucket "b" is listed twice',
    ],
    ['{"links":[],"paths":"changed","maxPaths":1001}', 'field "maxPaths" must be an integer from 1 to 1000'],
    ['{"links":[],"paths":"changed","maxPaths":5,"indexDocument":"a/b.html"}', 'field "indexDocument" must be a file name'],
  ])("%s -> %s", (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(message);
  });

  test("extra fields are allowed; indexDocument defaults to index.html", () => {
    expect(parseConfig('{"links":[{"bucket":"b","distributionIds":["E1","E1"]}],"paths":"changed","maxPaths":5,"comment":"x"}')).toEqual({
      links: [{ bucket: "b", distributionIds: ["E1"] }],
      paths: "changed",
      maxPaths: 5,
      indexDocument: "index.html",
    });
  });
});

describe("fitting paths into the in-progress quotas", () => {
  const paths = ["/a.html", "/b/*", "/c/*"];
  test("a path containing * is a wildcard path and counts against both quotas", () => {
    expect(usageOf(paths)).toEqual({ paths: 3, wildcards: 2 });
  });
  test("paths that fit are sent as they are; more wildcards or paths than remain collapse to /*", () => {
    expect(fitToBudget(paths, { paths: 3, wildcards: 2 })).toBe(paths);
    expect(fitToBudget(paths, { paths: 3, wildcards: 1 })).toEqual(["/*"]);
    expect(fitToBudget(paths, { paths: 2, wildcards: 15 })).toEqual(["/*"]);
  });
  test("keys containing * become wildcard paths, so a batch of them is counted", () => {
    const keys = Array.from({ length: 16 }, (_, i) => `v${i}/*`);
    const wanted = invalidationPaths(keys, "changed", 1000, "index.html");
    expect(usageOf(wanted)).toEqual({ paths: 16, wildcards: 16 });
    expect(fitToBudget(wanted, { paths: 3000, wildcards: 15 })).toEqual(["/*"]);
  });
});
