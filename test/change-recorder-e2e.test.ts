/**
 * End to end: the deployable bundle (what `npm run build` writes to dist/change-recorder/index.js), run in fresh
 * Node processes the way Lambda runs it, with the real AWS SDK pointed at local S3 (conditional writes) and SSM
 * (SecureString) fakes and a local GitHub REST fake. Each run is a new execution environment, as a Lambda retry may be.
 */
import { existsSync } from "node:fs";
import { bundleLambda } from "../modules/blocks/lambda-bundle";
import { trailEvent, variant } from "./support/cloudtrail";
import { FakeGitHub } from "./support/fake-github";
import { FakeS3, FakeSsm } from "./support/fake-recorder-aws";
import { runBundle } from "./support/run-bundle";

const bundle = bundleLambda("change-recorder");
const ACCOUNT = "123456789012";
const BUCKET = "dev-change-records-123456789012";
const TOKEN = "github_pat_11EXAMPLE0123456789_local";
const PARAMETER = "/edge/dev/change-recorder/github-token";
const CONFIG = {
  bucket: BUCKET,
  prefix: "records/",
  repository: "example-org/edge-delivery",
  tokenParameter: PARAMETER,
  automationPrincipals: [`arn:aws:iam::${ACCOUNT}:role/edge-delivery-deploy`, `arn:aws:iam::${ACCOUNT}:role/dev-shop-web-cd-promote`],
  appTeamPrincipals: [`arn:aws:iam::${ACCOUNT}:role/dev-shop-cf2-cicd`],
  appOwnedFunctions: ["dev-shop-redirects"],
  watch: { distributionIds: ["E1DEVSHOPWEB01"], functionPrefixes: ["dev-"], buckets: ["dev-shop-web-123456789012"], iamNamePrefixes: ["dev-"] },
  environment: "dev",
  retryBaseMs: 20,
  maxAttempts: 3,
};

let s3: FakeS3;
let ssm: FakeSsm;
let github: FakeGitHub;

beforeEach(async () => {
  s3 = await new FakeS3().start();
  ssm = await new FakeSsm().start();
  github = await new FakeGitHub("example-org", "edge-delivery", TOKEN).start();
  ssm.parameters.set(PARAMETER, { type: "SecureString", value: TOKEN });
});
afterEach(async () => Promise.all([s3.stop(), ssm.stop(), github.stop()]));

const run = (event: unknown, config: object = {}) =>
  runBundle(bundle.file, event, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
    AWS_SECRET_ACCESS_KEY: "local-test-secret",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    RECORDER_CONFIG: JSON.stringify({ ...CONFIG, githubApiUrl: github.url, ...config }),
  });
const records = () => s3.records(BUCKET);
const puts = () => s3.requests.filter((r) => r.method === "PUT" && r.status === 200).length;

test("npm run build's artifact exists, exports handler and is at most 1 MB", () => {
  expect(existsSync(bundle.file)).toBe(true);
  expect(bundle.bytes).toBeLessThanOrEqual(1024 * 1024);
});

test("a manual change: one record, one issue with both markers; the token was read decrypted from SSM", async () => {
  const out = await run(trailEvent("console-sso-update-distribution"));
  expect(out.error).toBeUndefined();
  expect(out.result).toMatchObject({
    kind: "manual",
    stored: "written",
    issue: "created",
    issueNumber: 1,
    key: "records/2026/11/30/0f4c5d2e-9a51-4e55-a8b9-2b1d7c3e4f01.json",
  });
  expect(records()).toEqual({
    "records/2026/11/30/0f4c5d2e-9a51-4e55-a8b9-2b1d7c3e4f01.json": expect.objectContaining({
      operation: "UpdateDistribution",
      resource: { type: "distribution", id: "E1DEVSHOPWEB01" },
      actor: expect.objectContaining({ ssoUser: "alice@example.com" }),
      classification: expect.objectContaining({ kind: "manual" }),
    }),
  });
  expect(s3.requests).toEqual([expect.objectContaining({ method: "PUT", ifNoneMatch: "*", status: 200 })]);
  expect(ssm.requests).toEqual([{ target: "AmazonSSM.GetParameter", name: PARAMETER, withDecryption: true }]);
  expect(github.issues).toHaveLength(1);
  expect(github.issues[0]).toMatchObject({ title: "Manual change in dev: CloudFront distribution E1DEVSHOPWEB01", labels: ["change-recorder"], state: "open" });
  expect(github.issues[0].body).toContain("<!-- change-recorder:resource=123456789012/distribution/E1DEVSHOPWEB01 -->");
  expect(github.issues[0].body).toContain(`s3://${BUCKET}/records/2026/11/30/0f4c5d2e-9a51-4e55-a8b9-2b1d7c3e4f01.json`);
  expect(out.logs.map((l) => l.fields.msg)).toEqual(["change recorded", "issue opened"]);
});

test("a redelivered event creates neither a second record nor a second issue or comment", async () => {
  const event = trailEvent("console-sso-update-distribution");
  await run(event);
  const again = await run({ ...event, id: "another-eventbridge-delivery-id" });
  expect(again.result).toMatchObject({ stored: "already-recorded", issue: "already-posted", issueNumber: 1 });
  expect(puts()).toBe(1);
  expect(s3.requests.map((r) => r.status)).toEqual([200, 412]);
  expect(github.issues).toHaveLength(1);
  expect(github.issues[0].comments).toHaveLength(0);
  expect(github.requests.filter((r) => r.method === "POST")).toHaveLength(1);
});

test("a second change to the same resource is a comment on its open issue; a redelivery of it adds nothing", async () => {
  await run(trailEvent("console-sso-update-distribution"));
  // bob, with his access key, changes the same distribution again (the call that was refused earlier, now allowed).
  const second = variant("noise-access-denied", "11111111-2222-4333-8444-555555555555", {
    errorCode: undefined,
    errorMessage: undefined,
    requestParameters: { id: "E1DEVSHOPWEB01", ifMatch: "E1YHBLAB2BBBBB", distributionConfig: { priceClass: "PriceClass_100" } },
  });
  const out = await run(second);
  expect(out.result).toMatchObject({ kind: "manual", stored: "written", issue: "commented", issueNumber: 1 });
  expect(github.issues).toHaveLength(1);
  expect(github.issues[0].comments).toHaveLength(1);
  expect(github.issues[0].comments[0].body).toContain("IAM user **bob**");
  expect(github.issues[0].comments[0].body).toContain("<!-- change-recorder:event=11111111-2222-4333-8444-555555555555 -->");
  const replay = await run(second);
  expect(replay.result).toMatchObject({ stored: "already-recorded", issue: "already-posted" });
  expect(github.issues[0].comments).toHaveLength(1);
  expect(Object.keys(records())).toHaveLength(2);
});

test("a closed issue is not reopened: the next change to the resource opens a new one", async () => {
  await run(trailEvent("console-sso-update-distribution"));
  github.issues[0].state = "closed";
  const out = await run(variant("console-sso-update-distribution", "22222222-3333-4444-8555-666666666666"));
  expect(out.result).toMatchObject({ issue: "created", issueNumber: 2 });
});

test("GitHub 502 and 403 rate limit are retried within the invocation, honouring Retry-After; nothing is lost", async () => {
  github.fail("GET", /\/issues$/, { status: 502, body: { message: "Server Error" } });
  github.fail("POST", /\/issues$/, {
    status: 403,
    headers: { "retry-after": "1", "x-ratelimit-remaining": "4990" },
    body: { message: "You have exceeded a secondary rate limit." },
  });
  const out = await run(trailEvent("root-delete-bucket-policy"));
  expect(out.error).toBeUndefined();
  expect(out.result).toMatchObject({ kind: "manual", issue: "created" });
  expect(github.issues).toHaveLength(1);
  expect(github.issues[0].body).toContain("**root user**");
  const posts = github.requests.filter((r) => r.method === "POST");
  expect(posts.map((r) => r.status)).toEqual([403, 201]);
  expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(950); // waited as Retry-After asked
  expect(out.logs.filter((l) => l.level === "warn").map((l) => [l.fields.msg, l.fields.status, l.fields.reason])).toEqual([
    ["GitHub call retried", 502, "server error"],
    ["GitHub call retried", 403, "rate limited"],
  ]);
});

test("GitHub down beyond the retries: the invocation fails loudly, the record stays; Lambda's retry raises the issue once", async () => {
  github.fail("POST", /\/issues$/, { status: 502 }, 3);
  github.fail(
    "GET",
    /\/issues$/,
    { status: 429, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) } },
    1,
  );
  const event = trailEvent("access-key-user-put-role-policy");
  const failed = await run(event);
  // The first GET waits for nothing: the limit resets in an hour, beyond maxRetryWaitSeconds.
  expect(failed.error).toMatchObject({ name: "GitHubError" });
  expect(failed.error!.message).toMatch(/more than maxRetryWaitSeconds/);
  expect(failed.logs).toContainEqual({
    level: "error",
    fields: expect.objectContaining({ msg: expect.stringMatching(/not raised/), eventId: event.detail.eventID }),
  });
  expect(Object.keys(records())).toHaveLength(1);

  const retry1 = await run(event); // GET ok; POST 502 x3: gives up after maxAttempts
  expect(retry1.error!.message).toMatch(/answered 502.*gave up after 3 attempts/s);
  expect(github.issues).toHaveLength(0);

  const retry2 = await run(event);
  expect(retry2.result).toMatchObject({ stored: "already-recorded", issue: "created" });
  expect(github.issues).toHaveLength(1);
  expect(puts()).toBe(1); // the record was written once and never rewritten
});

test("automation, promotion, app-team and noise: records, and no GitHub call at all", async () => {
  const names = [
    "deploy-role-update-distribution",
    "pipeline-role-create-invalidation",
    "sso-cli-promote",
    "app-cicd-update-function",
    "noise-test-function",
    "noise-scratch-function",
    "noise-access-denied",
  ];
  for (const out of await Promise.all(names.map((name) => run(trailEvent(name))))) {
    expect(out.error).toBeUndefined();
    expect(out.result.issue).toBe("none");
  }
  expect(
    Object.values(records())
      .map((r) => r.classification.kind)
      .sort(),
  ).toEqual(["app-team", "automation", "automation", "no-change", "no-change", "promotion", "unwatched"]);
  expect(github.requests).toHaveLength(0);
  expect(ssm.requests).toHaveLength(0);
});

test("problems fail the invocation with a reason: bad config, unreadable event, missing token parameter, S3 down", async () => {
  expect((await run(trailEvent("console-sso-update-distribution"), { repository: "nope" })).error!.message).toBe(
    'RECORDER_CONFIG field "repository" must be "owner/name"',
  );
  const unreadable = await run({ "detail-type": "Scheduled Event", detail: {} });
  expect(unreadable.error).toMatchObject({ name: "UnreadableEventError" });
  ssm.parameters.clear();
  const noToken = await run(trailEvent("console-sso-update-distribution"));
  expect(noToken.error).toMatchObject({ name: "ParameterNotFound" });
  expect(Object.keys(records())).toHaveLength(1); // recorded before the token was needed
  s3.fail(403, "AccessDenied", 1);
  expect((await run(trailEvent("root-delete-bucket-policy"))).error).toMatchObject({ name: "AccessDenied" });
  expect(github.requests).toHaveLength(0);
});
