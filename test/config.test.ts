import { problemsAfter as check } from "./support/config";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, loadEnvironments, validateEnvironments } from "../config/load";
import dev from "../environments/dev";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Validates the dev example after `mutate`, returning the problems (or [] when valid). */
const problemsAfter = (mutate: (env: any) => void) => check(dev, "environments/dev.ts", mutate);

test("the example environments are valid", () => {
  expect(loadEnvironments(path.join(__dirname, "..", "environments")).map((e) => e.name)).toEqual(["dev", "prod", "stg"]);
});

const cases: [string, (env: any) => void, string][] = [
  ["account id with 11 digits", (e) => (e.accountId = "12345678901"), 'environments/dev.ts: field "accountId": must be a 12-digit AWS account id'],
  ["account id as a number", (e) => (e.accountId = 123456789012), 'field "accountId": must be a quoted string, not the number 123456789012'],
  ["unknown region", (e) => (e.region = "ap-northeast-9"), 'field "region": the text "ap-northeast-9" is not allowed; one of "us-east-1"'],
  [
    "retention CloudWatch does not offer",
    (e) => (e.logRetentionDays = 10),
    'field "logRetentionDays": must be a CloudWatch Logs retention value: one of 1, 3, 5, 7, 14',
  ],
  ["name different from the file", (e) => (e.name = "develop"), 'field "name": is "develop" but must equal the file name "dev"'],
  ["environment name with uppercase", (e) => (e.name = "Dev"), 'field "name": must be 2-10 lowercase letters or digits'],
  [
    "sid too long for function names",
    (e) => (e.products[0].sid = "averyveryverylongsid"),
    'entry products[0] "averyveryverylongsid", field "sid": must be 2-16 lowercase letters or digits',
  ],
  ["duplicate sid", (e) => (e.products[1].sid = "shop"), 'entry products[1] "shop", field "sid": duplicate sid "shop"'],
  [
    "site of an unknown product",
    (e) => (e.sites[0].sid = "blog"),
    'entry sites[0] "web", field "sid": "blog" is not a product of this environment; declared: shop, media',
  ],
  ["duplicate site name", (e) => (e.sites[1].name = "web"), 'entry sites[1] "web", field "name": duplicate site name "web"'],
  ["bucket name with uppercase", (e) => (e.sites[0].bucketName = "My-Bucket"), 'entry sites[0] "web", field "bucketName": may contain only lowercase letters'],
  ["site name too long", (e) => (e.sites[0].name = "a-very-long-site-name-for-buckets"), 'field "name": must be 2-32 lowercase'],
  [
    "generated bucket name over 63 characters",
    (e) => {
      e.products[0].sid = "shopfrontendteam";
      e.sites[0].sid = "shopfrontendteam";
      e.sites[0].name = "storefront-renewal-2026-tokyo-a";
    },
    'field "name": the generated bucket name "dev-shopfrontendteam-storefront-renewal-2026-tokyo-a-123456789012" must be 3-63 characters (is 65)',
  ],
  [
    "distribution id typo",
    (e) => (e.sites[0].distribution.id = "e1devshopweb01"),
    'entry sites[0] "web", field "distribution.id": must be a CloudFront distribution id like E2QWRUHAPOMQZL',
  ],
  [
    "comment over 128 characters",
    (e) => (e.sites[0].distribution.comment = "x".repeat(129)),
    'field "distribution.comment": CloudFront allows at most 128 characters',
  ],
  [
    "aliases without certificate",
    (e) => (e.sites[0].distribution.aliases = ["www.example.com"]),
    'field "distribution.certificateArn": is required when aliases are set',
  ],
  [
    "certificate outside us-east-1",
    (e) =>
      Object.assign(e.sites[0].distribution, {
        aliases: ["a.example.com"],
        certificateArn: "arn:aws:acm:ap-northeast-1:123456789012:certificate/0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10",
      }),
    'field "distribution.certificateArn": must be an ACM certificate ARN in us-east-1',
  ],
  [
    "unknown cache policy",
    (e) => (e.sites[0].distribution.behaviors[0].cachePolicy = "CachingSometimes"),
    'field "distribution.behaviors[0].cachePolicy": the text "CachingSometimes" is not allowed; one of "CachingOptimized", "CachingDisabled"',
  ],
  [
    "duplicate path pattern",
    (e) => (e.sites[0].distribution.behaviors[1].pathPattern = "/api/*"),
    'field "distribution.behaviors[1].pathPattern": duplicate path pattern "/api/*"',
  ],
  [
    "default path pattern as ordered behavior",
    (e) => (e.sites[0].distribution.behaviors[0].pathPattern = "*"),
    "is the default behavior; declare it as defaultBehavior",
  ],
  [
    "adopt without id",
    (e) => {
      e.sites[1].distribution.adopt = true;
      delete e.sites[1].distribution.id;
    },
    'entry sites[1] "lp", field "distribution.id": is required when adopt is true',
  ],
  ["unknown field (typo)", (e) => (e.logRetentionDay = 14), 'environments/dev.ts: unknown field "logRetentionDay": did you mean "logRetentionDays"?'],
  ["reserved tag", (e) => (e.tags = { environment: "x" }), 'field "tags.environment": tag "environment" is set by the project itself'],
  ["state key not a .tfstate", (e) => (e.backend.key = "/edge/dev"), 'field "backend.key": must be a relative object key ending in .tfstate'],
  ["unencrypted state", (e) => (e.backend.encrypt = false), 'field "backend.encrypt": state holds secrets in plain text: encrypt must be true'],
  ["unknown backend type", (e) => (e.backend = { type: "gcs" }), 'field "backend.type": the text "gcs" is not allowed; one of "s3", "local"'],
  ["no products", (e) => (e.products = []), 'field "products": declare at least one product'],
];

describe("bad configuration gets a precise message", () => {
  test.each(cases)("%s", (_name, mutate, message) => {
    const problems = problemsAfter(mutate);
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });
});

test("every problem of every file is reported at once", () => {
  const a = clone(dev) as any;
  a.accountId = "x";
  a.region = "nowhere";
  const b = clone(dev) as any;
  b.name = "stg";
  b.sites[0].bucketName = "Bad";
  try {
    validateEnvironments([
      { file: "environments/dev.ts", input: a },
      { file: "environments/stg.ts", input: b },
    ]);
    throw new Error("expected a ConfigError");
  } catch (err) {
    expect((err as ConfigError).problems).toEqual([
      expect.stringMatching(/^environments\/dev\.ts: field "accountId"/),
      expect.stringMatching(/^environments\/dev\.ts: field "region"/),
      expect.stringMatching(/^environments\/stg\.ts: entry sites\[0\] "web", field "bucketName"/),
    ]);
  }
});

test("a bucket name used in two environments is reported (S3 names are global)", () => {
  const a = clone(dev) as any;
  const b = clone(dev) as any;
  b.name = "stg";
  a.sites[0].bucketName = b.sites[0].bucketName = "shared-site-bucket";
  expect(() =>
    validateEnvironments([
      { file: "environments/dev.ts", input: a },
      { file: "environments/stg.ts", input: b },
    ]),
  ).toThrow(
    /environments\/stg\.ts: entry sites\[0\] "web", field "bucketName": bucket "shared-site-bucket" is also used by environments\/dev\.ts sites\[0\] "web"/,
  );
});

test("an invalid environment stops the synth before anything is written", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-envs-"));
  const good = clone(dev);
  const bad = { ...clone(dev), name: "qa", accountId: "not-an-account" };
  writeFileSync(path.join(dir, "dev.json"), JSON.stringify(good));
  writeFileSync(path.join(dir, "qa.json"), JSON.stringify(bad));
  const outdir = path.join(dir, "out");
  const r = spawnSync(process.execPath, [path.join(__dirname, "..", "scripts", "app.mjs")], {
    env: { ...process.env, EDGE_ENVIRONMENTS_DIR: dir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("nothing was synthesized");
  expect(r.stderr).toContain(`${dir}/qa.json: field "accountId": must be a 12-digit AWS account id`);
  expect(existsSync(outdir)).toBe(false);
});

test("a file that is not JSON is named", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-envs-"));
  writeFileSync(path.join(dir, "dev.json"), "{ name: dev");
  expect(() => loadEnvironments(dir)).toThrow(/dev\.json: is not valid JSON/);
});
