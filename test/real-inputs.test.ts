/**
 * Inputs nobody on this project wrote (test/fixtures/real/, sources and licences in SOURCES.md), with the exact
 * outcome a user gets: Jira REST issues with real ADF and wiki descriptions through `npm run ticket`, and public
 * CloudFront Functions through the checker and the runner.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Cf2Runtime } from "../model/vocabulary";
import { snapshot } from "./support/tickets";
import { ticketToFunction } from "../scripts/lib/ticket-to-function";
import { analyzeFunctionCode } from "../toolchain/cf2/code";
import { runTestCase } from "../toolchain/cf2/sandbox";
import { buildEvent } from "../toolchain/cf2/test-cases";
import { adfToText, type AdfNode } from "../toolchain/ticket/adf";
import { parseTicket } from "../toolchain/ticket/parse";
import { TicketError } from "../toolchain/ticket/scaffold";

const REAL = path.join(__dirname, "fixtures", "real");
const ENVS = path.join(__dirname, "fixtures", "environments");
const FUNCTIONS = path.join(__dirname, "fixtures", "cf2-functions");
const V1 = Cf2Runtime.JS_1_0;
const V2 = Cf2Runtime.JS_2_0;
const read = (p: string) => readFileSync(path.join(REAL, p), "utf8");

/** Runs the ticket command's work on a copy of the fixture functions. */
function runTicket(text: string, name: string): { problems?: string[]; dir: string; result?: ReturnType<typeof ticketToFunction> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-ticket-fns-"));
  cpSync(FUNCTIONS, dir, { recursive: true });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "ticket-")), name);
  writeFileSync(file, text);
  const before = snapshot(dir);
  try {
    return { dir, result: ticketToFunction(file, { envDir: ENVS, functionsDir: dir }) };
  } catch (err) {
    if (!(err instanceof TicketError)) throw err;
    expect(snapshot(dir)).toEqual(before); // nothing written
    return { dir, problems: err.problems };
  }
}

const NO_TEMPLATE = [
  'no function name: add "CF2の命名: <name>" (Function name)',
  'no environments: add "構築する環境一覧: dev, stg, prod" (Environments)',
  'no distribution: add "関連づけるCloudfFrontのARN: arn:aws:cloudfront::<account>:distribution/<id>" (or the site name)',
  'no cache behavior table: add a row per behavior under "関連づけるcache behavior | ビューワーリクエスト | ビューワーレスポンス"',
];

describe("Jira issues as Jira's REST API returns them", () => {
  test.each([
    ["API v3, ADF description (jira-cli issue.json)", "jira/jira-cli-issue-v3.json"],
    ["API v2, wiki description (jira-cli issue-2.json)", "jira/jira-cli-issue-v2.json"],
  ])("%s without the template: what is missing, nothing written", (_name, file) => {
    expect(runTicket(read(file), "issue.json").problems).toEqual(NO_TEMPLATE);
  });

  test("a rich ADF document (jira-cli md.json) without the template: what is missing; its tables are not mistaken for the template", () => {
    const issue = JSON.stringify({ key: "TEST-1", fields: { description: JSON.parse(read("jira/jira-cli-adf-md.json")) } });
    expect(runTicket(issue, "issue.json").problems).toEqual(NO_TEMPLATE);
  });

  test("the template inside the real document's formatting (SOURCES.md, 'Built from real documents'): read, and everything else listed as ignored", () => {
    const doc = JSON.parse(read("jira/jira-cli-adf-md.json")) as AdfNode & { content: AdfNode[] };
    const txt = (t: string, strong = false) => ({ type: "text", text: t, ...(strong ? { marks: [{ type: "strong" }] } : {}) });
    const para = (...c: object[]) => ({ type: "paragraph", content: c });
    const cell = (...c: object[]) => ({ type: "tableCell", attrs: {}, content: c });
    const th = (t: string) => ({ type: "tableHeader", attrs: {}, content: [para(txt(t, true))] });
    const check = { type: "emoji", attrs: { shortName: ":white_check_mark:", id: "2705", text: "✅" } };
    const panel = doc.content.findIndex((n) => n.type === "panel");
    const fields = {
      type: "panel",
      attrs: { panelType: "info" },
      content: [
        para(txt("CF2の命名:", true), txt(" real-doc")),
        para(txt("構築する環境一覧:", true), txt(" dev, stg")),
        para(txt("関連づけるCloudfFrontのARN:", true), txt(" arn:aws:cloudfront::123456789012:distribution/E1DEVSHOPWEB01")),
      ],
    };
    const table = {
      type: "table",
      attrs: {},
      content: [
        { type: "tableRow", content: [th("関連づけるcache behavior"), th("ビューワーリクエスト"), th("ビューワーレスポンス")] },
        { type: "tableRow", content: [cell(para(txt("/api/*"))), cell(), cell(para(check))] },
      ],
    };
    const withTemplate = { ...doc, content: [...doc.content.slice(0, panel + 1), fields, ...doc.content.slice(panel + 1), table] };
    const r = runTicket(JSON.stringify({ key: "SHOP-4242", fields: { description: withTemplate } }), "issue.json");
    expect(r.problems).toBeUndefined();
    expect(JSON.parse(readFileSync(path.join(r.dir, "real-doc", "manifest.json"), "utf8"))).toEqual({
      ticket: "SHOP-4242",
      name: "real-doc",
      sid: "shop",
      environments: ["dev", "stg"],
      associations: [{ site: "web", behavior: "/api/*", eventType: "viewer-response" }],
      runtime: "cloudfront-js-2.0",
      owner: "app",
    });
    // Every line of the original document is ignored and listed, none is used.
    const original = parseTicket(adfToText(doc)).ignored.map((x) => x.text);
    expect(original).toHaveLength(42);
    expect(r.result!.ignored.map((x) => x.text)).toEqual(original);
    expect(r.result!.ignored[0]).toEqual({ line: "description line 3", text: "1. Some text" });
  });
});

const file = (name: string) => `test/fixtures/real/cf2/${name}`;
const problemsOf = (name: string, runtime: Cf2Runtime) => analyzeFunctionCode(read(`cf2/${name}`), runtime, file(name)).problems;

describe("public CloudFront Functions (terraform-aws-modules/terraform-aws-cloudfront examples)", () => {
  test.each(["tam-ab-testing.js", "tam-example-function.js", "tam-kvstore-redirect.js", "tam-viewer-request-security.js", "tam-viewer-response-headers.js"])(
    "%s passes the checks of both runtimes",
    (name) => {
      expect([problemsOf(name, V1), problemsOf(name, V2)]).toEqual([[], []]);
    },
  );

  test("the mTLS connection function is recognised as one, which this project does not deploy", () => {
    const connection = `${file("tam-mtls-connection.js")}: line 1: "connectionHandler" makes this a connection function (viewer mTLS); this project deploys viewer-request and viewer-response functions only, not connection functions yet`;
    expect(problemsOf("tam-mtls-connection.js", V2)).toEqual([connection]);
    expect(problemsOf("tam-mtls-connection.js", V1)).toEqual([
      connection,
      `${file("tam-mtls-connection.js")}: line 9: "const": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`,
    ]);
  });

  const run = (name: string, t: Parameters<typeof runTestCase>[2]) => runTestCase(read(`cf2/${name}`), V2, t, file(name));

  test("ab-testing.js reads event.viewer.address, which the event does not have (it has viewer.ip): a new viewer makes it throw, named at its line", async () => {
    const outcome = await run("tam-ab-testing.js", {
      description: "new viewer",
      eventType: "viewer-request",
      request: { uri: "/index.html" },
      expected: undefined,
      hasExpected: false,
    });
    expect(outcome.failures).toEqual([
      `the handler threw at ${file("tam-ab-testing.js")}: line 20: TypeError: Cannot read properties of undefined (reading 'length')`,
    ]);
  });

  test("ab-testing.js with its cookie: group B is rewritten to /variant-b and tagged", async () => {
    const request = { uri: "/index.html", cookies: { "ab-test-group": { value: "B" } } };
    const expected = {
      ...(buildEvent({ eventType: "viewer-request", request }).request as object),
      uri: "/variant-b/index.html",
      headers: { "x-ab-test-group": { value: "B" } },
    };
    expect((await run("tam-ab-testing.js", { description: "B", eventType: "viewer-request", request, expected })).failures).toEqual([]);
  });

  test("example-function.js answers every request with its redirect", async () => {
    const expected = {
      statusCode: 302,
      statusDescription: "Found",
      headers: { "cloudfront-functions": { value: "generated-by-CloudFront-Functions" }, location: { value: "https://aws.amazon.com/cloudfront/" } },
    };
    expect((await run("tam-example-function.js", { description: "redirect", eventType: "viewer-request", expected })).failures).toEqual([]);
  });

  test("viewer-request-security.js lower-cases the host, keeps only allowed query parameters and tags the country (unknown: the event has no viewer.country)", async () => {
    const request = { uri: "/p", headers: { host: { value: "WWW.Example.COM" } }, querystring: { id: { value: "7" }, utm_source: { value: "x" } } };
    const expected = {
      method: "GET",
      uri: "/p",
      querystring: { id: { value: "7" } },
      headers: { host: { value: "www.example.com" }, "x-viewer-country": { value: "unknown" } },
      cookies: {},
    };
    expect((await run("tam-viewer-request-security.js", { description: "security", eventType: "viewer-request", request, expected })).failures).toEqual([]);
  });

  test("viewer-response-headers.js adds the security headers, and the immutable cache-control for static assets", async () => {
    const outcome = await run("tam-viewer-response-headers.js", {
      description: "headers",
      eventType: "viewer-response",
      request: { uri: "/app.js" },
      expected: undefined,
      hasExpected: false,
    });
    expect(Object.keys((outcome.result!.output as { headers: object }).headers).sort()).toEqual([
      "cache-control",
      "referrer-policy",
      "strict-transport-security",
      "x-cloudfront-function",
      "x-content-type-options",
      "x-frame-options",
      "x-xss-protection",
    ]);
  });
});
