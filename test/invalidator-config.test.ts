import { problemsAfter as check } from "./support/config";
import { validateEnvironments } from "../config/load";
import dev from "../environments/dev";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const problemsAfter = (mutate: (env: any) => void) => check(dev, "environments/dev.ts", mutate);

const inv = (e: any, patch: object) => Object.assign((e.sites[0].invalidation ??= {}), patch);
const where = 'environments/dev.ts: entry sites[0] "web", field';

test("the defaults: created events, wildcard, 50 paths, 30 s window, 5 receives, no links", () => {
  const env = validateEnvironments([{ file: "environments/dev.ts", input: { ...clone(dev), sites: [{ ...clone(dev).sites![1], invalidation: {} }] } }])[0];
  expect(env.sites[0].invalidation).toEqual({
    events: ["created"],
    paths: "wildcard",
    maxPaths: 50,
    batchingWindowSeconds: 30,
    maxReceiveCount: 5,
    alsoInvalidate: [],
  });
});

test("linking another site of the environment is accepted", () => {
  expect(problemsAfter((e) => inv(e, { alsoInvalidate: ["lp"] }))).toEqual([]);
});

const cases: [string, (env: any) => void, string][] = [
  [
    "link to an unknown site",
    (e) => inv(e, { alsoInvalidate: ["blog"] }),
    `${where} "invalidation.alsoInvalidate[0]": "blog" is not a site of this environment; declared: web, lp`,
  ],
  [
    "link to itself",
    (e) => inv(e, { alsoInvalidate: ["web"] }),
    `${where} "invalidation.alsoInvalidate[0]": the site's own distribution is always invalidated; list only other sites`,
  ],
  ["link listed twice", (e) => inv(e, { alsoInvalidate: ["lp", "lp"] }), `${where} "invalidation.alsoInvalidate[1]": "lp" is listed twice`],
  ["unknown path mode", (e) => inv(e, { paths: "all" }), `${where} "invalidation.paths": the text "all" is not allowed; one of "wildcard", "changed"`],
  [
    "unknown event",
    (e) => inv(e, { events: ["modified"] }),
    `${where} "invalidation.events[0]": the text "modified" is not allowed; one of "created", "removed"`,
  ],
  ["no events", (e) => inv(e, { events: [] }), `${where} "invalidation.events": list at least one of "created", "removed"`],
  ["event twice", (e) => inv(e, { events: ["created", "created"] }), `${where} "invalidation.events": lists an event twice`],
  ["batching window over 300 s", (e) => inv(e, { batchingWindowSeconds: 600 }), `${where} "invalidation.batchingWindowSeconds": Lambda allows at most 300`],
  [
    "batching window 0",
    (e) => inv(e, { batchingWindowSeconds: 0 }),
    `${where} "invalidation.batchingWindowSeconds": at least 1 (batches of more than 10 messages need a window)`,
  ],
  [
    "maxPaths over a third of the in-progress quota",
    (e) => inv(e, { maxPaths: 1001 }),
    `${where} "invalidation.maxPaths": at most 1000, so one batch can never use up CloudFront's 3000 paths in progress per distribution`,
  ],
  ["maxReceiveCount over SQS's limit", (e) => inv(e, { maxReceiveCount: 1001 }), `${where} "invalidation.maxReceiveCount": SQS allows 1-1000`],
  [
    "prefix with a leading slash",
    (e) => inv(e, { prefix: "/assets/" }),
    `${where} "invalidation.prefix": S3 keys have no leading "/"; write "assets/", not "/assets/"`,
  ],
  [
    "replication role that is not a role ARN",
    (e) => inv(e, { replicationSourceRoleArn: "arn:aws:iam::456789012345:user/vendor" }),
    `${where} "invalidation.replicationSourceRoleArn": must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
  ],
  [
    "replication role of the same account",
    (e) => inv(e, { replicationSourceRoleArn: "arn:aws:iam::123456789012:role/replication" }),
    `${where} "invalidation.replicationSourceRoleArn": is in this environment's own account`,
  ],
  [
    "typo in a field name",
    (e) => inv(e, { batchWindow: 30 }),
    `${where} "invalidation": unknown field "batchWindow"; allowed here: events, prefix, suffix, paths, maxPaths, batchingWindowSeconds, maxReceiveCount`,
  ],
  [
    "function name over 64 characters",
    (e) => {
      e.products[0].sid = "shopfrontendteam";
      e.sites[0].sid = "shopfrontendteam";
      e.sites[0].name = "storefront-renewal-2026-tokyo-ab";
      e.sites[0].bucketName = "storefront-renewal-bucket";
    },
    'entry sites[0] "storefront-renewal-2026-tokyo-ab", field "name": the invalidator function name "dev-shopfrontendteam-storefront-renewal-2026-tokyo-ab-invalidator" is 65 characters; Lambda allows 64',
  ],
];

describe("bad invalidation configuration gets a precise message", () => {
  test.each(cases)("%s", (_name, mutate, message) => {
    expect(problemsAfter(mutate)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });
});
