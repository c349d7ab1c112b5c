/**
 * Every function under functions/cf2 runs against its test events in the local sandbox (toolchain/cf2/sandbox.ts),
 * and the sandbox offers only what the CloudFront Functions runtime offers.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { functionsDir } from "../config/functions/cf2/load";
import { Cf2Runtime } from "../model/vocabulary";
import { buildFunctionCode } from "../toolchain/cf2/code";
import { runFunction, runTestCase } from "../toolchain/cf2/sandbox";
import { buildEvent, readTestCases, testCaseFromJson, type TestCase } from "../toolchain/cf2/test-cases";

// Whatever functions there are ($EDGE_FUNCTIONS_DIR or functions/cf2): each one's own tests must pass.
const FUNCTIONS = functionsDir();
const functionDirs = readdirSync(FUNCTIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith("."))
  .map((e) => e.name);

describe.each(functionDirs.length ? functionDirs : ["(none)"])("functions/cf2/%s", (name) => {
  if (name === "(none)") {
    test.skip("no functions in this directory", () => undefined);
    return;
  }
  const dir = path.join(FUNCTIONS, name);
  const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
  const runtime: Cf2Runtime = manifest.runtime ?? Cf2Runtime.JS_2_0;
  const built = buildFunctionCode(path.join(dir, "index.js"), runtime, `functions/cf2/${name}/index.js`);
  const cases = readTestCases(dir);

  test("has test events, each well-formed", () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect([c.file, c.testCase instanceof Error ? c.testCase.message : "ok"]).toEqual([c.file, "ok"]);
  });

  test("passes the runtime check", () => expect(built.problems).toEqual([]));

  test.each(cases.filter((c) => !(c.testCase instanceof Error)).map((c) => [path.basename(c.file), c.testCase as TestCase] as const))(
    "%s",
    async (_file, testCase) => {
      const outcome = await runTestCase(built.code, runtime, testCase);
      expect(outcome.failures).toEqual([]);
    },
  );
});

describe("the sandbox offers only what the runtime offers", () => {
  const request = buildEvent({ eventType: "viewer-request" });
  const run = (body: string, runtime: Cf2Runtime = Cf2Runtime.JS_2_0, kvs?: Record<string, string>) => runFunction(body, runtime, request, { kvs });

  test("the event has the documented shape", async () => {
    const { output } = await run("function handler(event) { return event; }");
    expect(output).toEqual({
      version: "1.0",
      context: { distributionDomainName: expect.any(String), distributionId: expect.any(String), eventType: "viewer-request", requestId: expect.any(String) },
      viewer: { ip: "198.51.100.11" },
      request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {} },
    });
  });

  test("strict mode: assigning an undeclared variable throws", async () => {
    await expect(run("function handler(event) { undeclared = 1; return event.request; }")).rejects.toThrow(/undeclared is not defined/);
  });

  test.each(["setTimeout", "process", "fetch", "globalThis.require('fs')"])("%s is not there", async (what) => {
    await expect(run(`function handler(event) { ${what}; return event.request; }`)).rejects.toThrow();
  });

  test("eval and new Function are refused", async () => {
    await expect(run("function handler(event) { return eval('event.request'); }")).rejects.toThrow(/Code generation from strings disallowed/);
  });

  test("require gives crypto and querystring only", async () => {
    const { output } = await run(
      "var crypto = require('crypto'); var qs = require('querystring'); function handler(event) { return { h: crypto.createHash('sha256').update('a').digest('hex').slice(0, 8), q: qs.stringify({ a: 1 }) }; }",
      Cf2Runtime.JS_1_0,
    );
    expect(output).toEqual({ h: "ca978112", q: "a=1" });
    await expect(run("var fs = require('fs'); function handler(event) { return event.request; }")).rejects.toThrow('module "fs" is not available');
  });

  test("Buffer only on cloudfront-js-2.0", async () => {
    const body = "function handler(event) { return typeof Buffer; }";
    expect((await run(body, Cf2Runtime.JS_2_0)).output).toBe("function");
    expect((await run(body, Cf2Runtime.JS_1_0)).output).toBe("undefined");
  });

  test("import cf from 'cloudfront' reads the KeyValueStore fixture (2.0)", async () => {
    const code =
      "import cf from 'cloudfront';\nconst kvs = cf.kvs();\nasync function handler(event) {\n  const target = await kvs.get(event.request.uri);\n  console.log('redirect to ' + target);\n  return { statusCode: 302, headers: { location: { value: target } } };\n}\n";
    const result = await run(code, Cf2Runtime.JS_2_0, { "/": "/ja/" });
    expect(result).toEqual({ output: { statusCode: 302, headers: { location: { value: "/ja/" } } }, logs: ["redirect to /ja/"] });
    await expect(run(code, Cf2Runtime.JS_2_0, {})).rejects.toThrow('KeyValueStore: key "/" not found');
  });
});

describe("exactly what each runtime's page lists, no more", () => {
  const request = buildEvent({ eventType: "viewer-request" });
  const typeOf = async (names: string[], runtime: Cf2Runtime) =>
    (await runFunction(`function handler(event) { return { ${names.map((n) => `${JSON.stringify(n)}: typeof ${n}`).join(", ")} }; }`, runtime, request))
      .output as Record<string, string>;
  const V2_ONLY = ["atob", "btoa", "TextEncoder", "TextDecoder", "Buffer", "Symbol", "DataView"];
  const NEITHER = [
    "Map",
    "Set",
    "WeakMap",
    "Proxy",
    "Reflect",
    "Intl",
    "BigInt",
    "setTimeout",
    "setInterval",
    "queueMicrotask",
    "fetch",
    "URL",
    "URLSearchParams",
    "process",
    "structuredClone",
    "escape",
    "WebAssembly",
    "SharedArrayBuffer",
  ];
  const BOTH = [
    "globalThis",
    "Object",
    "JSON",
    "Math",
    "Date",
    "RegExp",
    "Promise",
    "Uint8Array",
    "ArrayBuffer",
    "TypeError",
    "encodeURIComponent",
    "parseInt",
    "console",
    "require",
  ];

  test.each([Cf2Runtime.JS_1_0, Cf2Runtime.JS_2_0])("%s", async (runtime) => {
    const seen = await typeOf([...V2_ONLY, ...NEITHER, ...BOTH], runtime);
    for (const n of BOTH) expect([n, seen[n]]).not.toEqual([n, "undefined"]);
    for (const n of NEITHER) expect([n, seen[n]]).toEqual([n, "undefined"]);
    for (const n of V2_ONLY) expect([n, seen[n] === "undefined"]).toEqual([n, runtime === Cf2Runtime.JS_1_0]);
  });

  test("1.0 has the non-standard string methods; 2.0 does not, and its digest() without encoding is a Buffer", async () => {
    const body =
      "var c = require('crypto'); function handler(e) { return { u: typeof ''.toUTF8, b: typeof String.bytesFrom, d: typeof c.createHash('sha1').update('a').digest() }; }";
    expect((await runFunction(body, Cf2Runtime.JS_1_0, request)).output).toEqual({ u: "function", b: "function", d: "string" });
    expect((await runFunction(body, Cf2Runtime.JS_2_0, request)).output).toEqual({ u: "undefined", b: "undefined", d: "object" });
  });

  test("the crypto module offers createHash/createHmac with md5, sha1, sha256 only", async () => {
    await expect(
      runFunction("var c = require('crypto'); function handler(e) { return { r: c.randomBytes }; }", Cf2Runtime.JS_2_0, request),
    ).resolves.toMatchObject({ output: {} });
    await expect(
      runFunction("var c = require('crypto'); function handler(e) { c.createHash('sha512'); return e.request; }", Cf2Runtime.JS_2_0, request),
    ).rejects.toThrow('crypto.createHash: unsupported algorithm "sha512"; cloudfront-js-2.0 supports md5, sha1, sha256');
  });
});

describe("the cloudfront module's helpers (2.0), validated as documented", () => {
  const viewerRequest = (headers: Record<string, { value: string }> = {}) =>
    buildEvent({ eventType: "viewer-request", request: { uri: "/index.html", headers } });
  const run = (code: string, event = viewerRequest(), opts = {}) => runFunction(`import cf from 'cloudfront';\n${code}`, Cf2Runtime.JS_2_0, event, opts);

  // aws-samples/amazon-cloudfront-functions, select-origin-based-on-country/index.js, as published.
  const SELECT_ORIGIN_BY_COUNTRY = readFileSync(path.join(__dirname, "fixtures", "cf2-real", "select-origin-based-on-country.js"), "utf8");

  test.each([
    ["JP", "ap-northeast-1"],
    ["DE", "eu-central-1"],
    ["BR", "us-east-1"],
  ])("the AWS sample 'select origin by country' runs: viewer in %s -> the bucket in %s", async (country, region) => {
    const { output, origin } = await runFunction(
      SELECT_ORIGIN_BY_COUNTRY,
      Cf2Runtime.JS_2_0,
      viewerRequest({ "cloudfront-viewer-country": { value: country } }),
    );
    expect(output).toMatchObject({ uri: "/index.html" });
    expect(origin).toEqual({
      helper: "updateRequestOrigin",
      params: {
        domainName: `cloudfront-functions-demo-bucket-in-${region}.s3.${region}.amazonaws.com`,
        originAccessControlConfig: { enabled: true, region, signingBehavior: "always", signingProtocol: "sigv4", originType: "s3" },
      },
    });
  });

  test("selectRequestOriginById and createRequestOriginGroup record the choice; unknown origins are refused", async () => {
    const origins = ["s3-primary", "s3-failover"];
    expect((await run("function handler(e) { cf.selectRequestOriginById('s3-failover'); return e.request; }", viewerRequest(), { origins })).origin).toEqual({
      helper: "selectRequestOriginById",
      originId: "s3-failover",
    });
    await expect(run("function handler(e) { cf.selectRequestOriginById('nope'); return e.request; }", viewerRequest(), { origins })).rejects.toThrow(
      'cf.selectRequestOriginById(): origin "nope" is not an origin of the distribution (origins: s3-primary, s3-failover)',
    );
    const group =
      "function handler(e) { cf.createRequestOriginGroup({ originIds: ['s3-primary', 's3-failover'], failoverCriteria: { statusCodes: [500, 502, 503] } }); return e.request; }";
    expect((await run(group, viewerRequest(), { origins })).origin).toEqual({
      helper: "createRequestOriginGroup",
      params: { originIds: origins, failoverCriteria: { statusCodes: [500, 502, 503] } },
    });
    await expect(
      run("function handler(e) { cf.createRequestOriginGroup({ originIds: ['s3-primary'], failoverCriteria: { statusCodes: [500] } }); return e.request; }"),
    ).rejects.toThrow("originIds must list exactly two origin ids");
  });

  test.each([
    [{ domainName: "a.example.com", timeouts: { connectionTimeout: 11 } }, "timeouts.connectionTimeout must be an integer from 1 to 10"],
    [{ domainName: "a.example.com", connectionAttempts: 4 }, "connectionAttempts must be an integer from 1 to 3"],
    [{ originPath: "assets/" }, 'originPath must start with "/" and not end with "/"'],
    [
      { originAccessControlConfig: { enabled: true, signingBehavior: "sometimes", signingProtocol: "sigv4", originType: "s3" } },
      "originAccessControlConfig.signingBehavior must be always, never, no-override",
    ],
    [{ customOriginConfig: { port: 443, protocol: "ftp" } }, "customOriginConfig.protocol must be http or https"],
    [{ domain: "a.example.com" }, 'unknown setting "domain"'],
  ])("updateRequestOrigin(%j) is refused: %s", async (params, message) => {
    await expect(run(`function handler(e) { cf.updateRequestOrigin(${JSON.stringify(params)}); return e.request; }`)).rejects.toThrow(
      `cf.updateRequestOrigin(): ${message}`,
    );
  });

  test("origin helpers only in viewer-request functions", async () => {
    await expect(
      run("function handler(e) { cf.selectRequestOriginById('a'); return e.response; }", buildEvent({ eventType: "viewer-response" })),
    ).rejects.toThrow("cf.selectRequestOriginById() can only be used in viewer-request functions (this event is viewer-response)");
  });

  test("kvs(id) must name the associated store; kvs() without one throws", async () => {
    const code = "async function handler(e) { return { statusCode: 302, headers: { location: { value: await cf.kvs('EXAMPLE-KVS').get('/old') } } }; }";
    expect((await run(code, viewerRequest(), { kvs: { "/old": "/new" }, kvsId: "EXAMPLE-KVS" })).output).toEqual({
      statusCode: 302,
      headers: { location: { value: "/new" } },
    });
    await expect(run(code, viewerRequest(), { kvs: { "/old": "/new" } })).rejects.toThrow(
      'cf.kvs("EXAMPLE-KVS"): that key value store is not associated with this function (associated: "local-test-kvs")',
    );
    await expect(run(code, viewerRequest(), {})).rejects.toThrow("cf.kvs(): no key value store is associated with this function");
    const json = "async function handler(e) { var v = await cf.kvs().get('cfg', { format: 'json' }); return { statusCode: v.code }; }";
    expect((await run(json, viewerRequest(), { kvs: { cfg: '{"code":418}' } })).output).toEqual({ statusCode: 418 });
  });

  test("edgeLocation in viewer-request, empty in viewer-response", async () => {
    const code = "function handler(e) { return { statusCode: 200, headers: { 'x-pop': { value: String(cf.edgeLocation.name) } } }; }";
    expect((await run(code, viewerRequest(), { edgeLocation: { name: "SEA", serverIp: "192.0.2.1", region: "us-west-2" } })).output).toMatchObject({
      headers: { "x-pop": { value: "SEA" } },
    });
    expect((await run(code, buildEvent({ eventType: "viewer-response" }))).output).toMatchObject({ headers: { "x-pop": { value: "undefined" } } });
  });
});

describe("test events in the console / test-function format", () => {
  // aws-samples/amazon-cloudfront-functions, add-cors-header/test-objects/cors-header.json: written with "multivalue".
  const corsSample = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "cf2-real", "cors-header.event.json"), "utf8"));

  test("the misspelling multivalue is reported with a hint, for every place it occurs", () => {
    const result = testCaseFromJson(corsSample, "cors-header");
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message.split("; ")).toEqual([
      'field "request.querystring.arg.multivalue": did you mean "multiValue"? (keys are case-sensitive)',
      'field "request.headers.accept.multivalue": did you mean "multiValue"? (keys are case-sensitive)',
      'field "response.cookies.id.multivalue": did you mean "multiValue"? (keys are case-sensitive)',
    ]);
  });

  test("spelt right, the same event converts to a test case (bare, and wrapped with description and expected)", () => {
    const fixed = JSON.parse(JSON.stringify(corsSample).replace(/"multivalue"/g, '"multiValue"'));
    const bare = testCaseFromJson(fixed, "cors-header") as TestCase;
    expect(bare).toMatchObject({ description: "cors-header", eventType: "viewer-response", viewerIp: "0.0.0.0", hasExpected: false });
    expect(buildEvent(bare)).toEqual({ ...fixed, context: { ...(buildEvent(bare).context as object), eventType: "viewer-response" } });
    const wrapped = testCaseFromJson({ description: "CORS header kept", event: fixed, expected: fixed.response }, "x") as TestCase;
    expect(wrapped).toMatchObject({ description: "CORS header kept", hasExpected: true, expected: fixed.response });
  });

  test("a wrapped event with a problem names the field under event.", () => {
    const result = testCaseFromJson(
      {
        description: "x",
        event: {
          version: "1.0",
          context: { eventType: "viewer-request" },
          viewer: { ip: "1.2.3.4" },
          request: { method: "GET", uri: "/", querystring: {}, headers: { a: { value: "1", multivalue: [] } }, cookies: {} },
        },
      },
      "x",
    );
    expect((result as Error).message).toBe('field "event.request.headers.a.multivalue": did you mean "multiValue"? (keys are case-sensitive)');
  });
});
