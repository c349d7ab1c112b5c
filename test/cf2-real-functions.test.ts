/**
 * Functions modelled on what teams really write (test/fixtures/cf2-real/), through the checker and the runner on both
 * runtimes, with the outcome the CloudFront Developer Guide predicts: ES 5.1 code runs on both; let/const, import,
 * async/await, Buffer, atob and the cloudfront module are 2.0 only; 1.0's String.bytesFrom is gone in 2.0.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { analyzeFunctionCode } from "../toolchain/cf2/code";
import { Cf2Runtime } from "../model/vocabulary";
import { runFunction, type RunOptions } from "../toolchain/cf2/sandbox";
import { buildEvent } from "../toolchain/cf2/test-cases";

const V1 = Cf2Runtime.JS_1_0;
const V2 = Cf2Runtime.JS_2_0;
const DIR = path.join(__dirname, "fixtures", "cf2-real");
const only2 = (...features: string[]) =>
  features.map((f) => (/ is not available/.test(f) ? f : `${f}: only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`));

type Case = { event: Record<string, unknown>; opts?: RunOptions; output: unknown; origin?: unknown };
interface RealFunction {
  file: string;
  /** Distinct problems per runtime (line numbers left out); [] = the runtime runs it. */
  problems: Record<Cf2Runtime, string[]>;
  cases: Case[];
}

type Req = Parameters<typeof buildEvent>[0]["request"];
type Res = Parameters<typeof buildEvent>[0]["response"];
const req = (request: Req, viewerIp?: string) => buildEvent({ eventType: "viewer-request", request, viewerIp });
const res = (request: Req, response: Res) => buildEvent({ eventType: "viewer-response", request, response });
const jwt = (payload: object, secret = "test-secret") => {
  const head = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${head}.${body}.${createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url")}`;
};
const FUTURE = Math.floor(Date.now() / 1000) + 3600;

const functions: RealFunction[] = [
  {
    file: "security-headers.js",
    problems: { [V1]: [], [V2]: [] },
    cases: [
      {
        event: res({ uri: "/" }, { statusCode: 200, headers: { "content-type": { value: "text/html" } } }),
        output: {
          statusCode: 200,
          statusDescription: "OK",
          cookies: {},
          headers: {
            "content-type": { value: "text/html" },
            "strict-transport-security": { value: "max-age=63072000; includeSubDomains; preload" },
            "x-content-type-options": { value: "nosniff" },
            "x-frame-options": { value: "DENY" },
            "referrer-policy": { value: "strict-origin-when-cross-origin" },
            "content-security-policy": { value: "default-src 'self'; img-src 'self' data:" },
          },
        },
      },
    ],
  },
  {
    file: "cors.js",
    problems: { [V1]: only2('"const"'), [V2]: [] },
    cases: [
      {
        event: res({ uri: "/api/items", headers: { origin: { value: "https://admin.example.com" } } }, { statusCode: 200 }),
        output: {
          statusCode: 200,
          statusDescription: "OK",
          cookies: {},
          headers: {
            "access-control-allow-origin": { value: "https://admin.example.com" },
            "access-control-allow-credentials": { value: "true" },
            vary: { value: "Origin" },
          },
        },
      },
      {
        event: res({ uri: "/api/items", headers: { origin: { value: "https://evil.example" } } }, { statusCode: 200 }),
        output: { statusCode: 200, statusDescription: "OK", cookies: {}, headers: {} },
      },
    ],
  },
  {
    file: "cache-headers.js",
    problems: { [V1]: [], [V2]: [] },
    cases: [
      {
        event: res({ uri: "/assets/app.3f2a9c1d.js" }, { statusCode: 200 }),
        output: { statusCode: 200, statusDescription: "OK", cookies: {}, headers: { "cache-control": { value: "public, max-age=31536000, immutable" } } },
      },
      {
        event: res({ uri: "/docs/" }, { statusCode: 200 }),
        output: { statusCode: 200, statusDescription: "OK", cookies: {}, headers: { "cache-control": { value: "no-cache" } } },
      },
    ],
  },
  {
    file: "spa-rewrite.js",
    problems: { [V1]: [], [V2]: [] },
    cases: [
      { event: req({ uri: "/orders/42" }), output: { method: "GET", uri: "/index.html", querystring: {}, headers: {}, cookies: {} } },
      { event: req({ uri: "/static/app.js" }), output: { method: "GET", uri: "/static/app.js", querystring: {}, headers: {}, cookies: {} } },
    ],
  },
  {
    file: "country-redirect.js",
    problems: { [V1]: [], [V2]: [] },
    cases: [
      {
        event: req({ uri: "/sale", querystring: { ref: { value: "mail" } }, headers: { "cloudfront-viewer-country": { value: "JP" } } }),
        output: { statusCode: 302, statusDescription: "Found", headers: { location: { value: "/ja/sale?ref=mail" } } },
      },
      {
        event: req({ uri: "/sale", headers: { "cloudfront-viewer-country": { value: "US" } } }),
        output: { method: "GET", uri: "/sale", querystring: {}, headers: { "cloudfront-viewer-country": { value: "US" } }, cookies: {} },
      },
    ],
  },
  {
    file: "select-origin-based-on-country.js",
    problems: { [V1]: only2('"import"', '"const"'), [V2]: [] },
    cases: [
      {
        event: req({ uri: "/img/a.png", headers: { "cloudfront-viewer-country": { value: "GB" } } }),
        output: { method: "GET", uri: "/img/a.png", querystring: {}, headers: { "cloudfront-viewer-country": { value: "GB" } }, cookies: {} },
        origin: {
          helper: "updateRequestOrigin",
          params: {
            domainName: "cloudfront-functions-demo-bucket-in-eu-west-2.s3.eu-west-2.amazonaws.com",
            originAccessControlConfig: { enabled: true, region: "eu-west-2", signingBehavior: "always", signingProtocol: "sigv4", originType: "s3" },
          },
        },
      },
    ],
  },
  {
    file: "normalize-query-string.js",
    problems: { [V1]: only2('"const"', '"let"'), [V2]: [] },
    cases: [
      {
        event: req({ uri: "/search", querystring: { Q: { value: "shoes" }, utm_source: { value: "mail" }, Page: { value: "2" }, gclid: { value: "x" } } }),
        output: { method: "GET", uri: "/search", querystring: { page: { value: "2" }, q: { value: "shoes" } }, headers: {}, cookies: {} },
      },
    ],
  },
  {
    file: "kvs-redirect.js",
    problems: { [V1]: only2('"import"', '"const"', '"async" functions', '"await"'), [V2]: [] },
    cases: [
      {
        event: req({ uri: "/old-sale" }),
        opts: { kvs: { "/old-sale": "/campaign/sale/" } },
        output: { statusCode: 301, statusDescription: "Moved Permanently", headers: { location: { value: "/campaign/sale/" } } },
      },
      {
        event: req({ uri: "/kept" }),
        opts: { kvs: { "/old-sale": "/campaign/sale/" } },
        output: { method: "GET", uri: "/kept", querystring: {}, headers: {}, cookies: {} },
      },
    ],
  },
  {
    file: "jwt-verify.js",
    problems: { [V1]: only2('"import"', '"const"', '"let"', "Buffer is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it"), [V2]: [] },
    cases: [
      {
        event: req({ uri: "/private", querystring: { jwt: { value: jwt({ sub: "u1", exp: FUTURE }) }, a: { value: "1" } } }),
        output: { method: "GET", uri: "/private", querystring: { a: { value: "1" } }, headers: {}, cookies: {} },
      },
      {
        event: req({ uri: "/private", querystring: { jwt: { value: jwt({ sub: "u1", exp: FUTURE }, "wrong") } } }),
        output: { statusCode: 401, statusDescription: "Unauthorized" },
      },
      {
        event: req({ uri: "/private", querystring: { jwt: { value: jwt({ sub: "u1", exp: 1 }) } } }),
        output: { statusCode: 401, statusDescription: "Unauthorized" },
      },
      { event: req({ uri: "/private" }), output: { statusCode: 401, statusDescription: "Unauthorized" } },
    ],
  },
  {
    file: "jwt-verify-es5.js",
    problems: { [V1]: [], [V2]: ["String.bytesFrom() is not available in cloudfront-js-2.0 (only 1.0 has it); use Buffer or TextEncoder/TextDecoder"] },
    cases: [
      {
        event: req({ uri: "/private", querystring: { jwt: { value: jwt({ sub: "u7" }) } } }),
        output: { method: "GET", uri: "/private", querystring: {}, headers: { "x-user": { value: "u7" } }, cookies: {} },
      },
      {
        event: req({ uri: "/private", querystring: { jwt: { value: jwt({ sub: "u7" }, "wrong") } } }),
        output: { statusCode: 401, statusDescription: "Unauthorized" },
      },
    ],
  },
  {
    file: "basic-auth.js",
    problems: { [V1]: ["atob is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it"], [V2]: [] },
    cases: [
      {
        event: req({ uri: "/", headers: { authorization: { value: `Basic ${Buffer.from("staff:let-me-in").toString("base64")}` } } }),
        output: { method: "GET", uri: "/", querystring: {}, headers: { authorization: { value: "Basic c3RhZmY6bGV0LW1lLWlu" } }, cookies: {} },
      },
      {
        event: req({ uri: "/" }),
        output: { statusCode: 401, statusDescription: "Unauthorized", headers: { "www-authenticate": { value: 'Basic realm="staging"' } } },
      },
    ],
  },
];

describe.each(functions)("$file", ({ file, problems, cases }) => {
  const code = readFileSync(path.join(DIR, file), "utf8");

  test.each([V1, V2])("checker on %s", (runtime) => {
    const analysis = analyzeFunctionCode(code, runtime, file);
    expect([...new Set(analysis.problems.map((p) => p.replace(/^[^:]+: line \d+: /, "")))]).toEqual(problems[runtime]);
    expect(analysis.warnings).toEqual([]);
  });

  const runnable = [V1, V2].filter((r) => problems[r].length === 0);
  test.each(runnable.flatMap((runtime) => cases.map((c, i) => [runtime, i, c] as const)))("runner on %s, case %i", async (runtime, _i, c) => {
    const result = await runFunction(code, runtime, c.event, c.opts);
    expect(result.output).toEqual(c.output);
    expect(result.origin).toEqual(c.origin);
  });
});
