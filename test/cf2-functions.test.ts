/**
 * Every function under functions/cf2 runs against its test events in the local sandbox (scripts/cf2-sandbox.ts),
 * and the sandbox offers only what the CloudFront Functions runtime offers.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Cf2Runtime } from "../model/vocabulary";
import { buildFunctionCode } from "../environments/cf2/code";
import { buildEvent, readTestCases, runFunction, type TestCase } from "../scripts/cf2-sandbox";

const FUNCTIONS = path.join(__dirname, "..", "functions", "cf2");
const functionDirs = readdirSync(FUNCTIONS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

test("the repository has example functions (an infra-owned and an app-owned one)", () => {
  const owners = functionDirs.map((d) => JSON.parse(readFileSync(path.join(FUNCTIONS, d, "manifest.json"), "utf8")).owner);
  expect(owners).toEqual(expect.arrayContaining(["infra", "app"]));
});

describe.each(functionDirs)("functions/cf2/%s", (name) => {
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

  test.each(cases.filter((c) => !(c.testCase instanceof Error)).map((c) => [path.basename(c.file), c.testCase as TestCase] as const))("%s", async (_file, testCase) => {
    const { output } = await runFunction(built.code, runtime, buildEvent(testCase), testCase.kvs);
    expect(output).toEqual(testCase.expected);
  });
});

describe("the sandbox offers only what the runtime offers", () => {
  const request = buildEvent({ description: "", eventType: "viewer-request", expected: null });
  const run = (body: string, runtime: Cf2Runtime = Cf2Runtime.JS_2_0, kvs?: Record<string, string>) => runFunction(body, runtime, request, kvs);

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
    const { output } = await run("var crypto = require('crypto'); var qs = require('querystring'); function handler(event) { return { h: crypto.createHash('sha256').update('a').digest('hex').slice(0, 8), q: qs.stringify({ a: 1 }) }; }", Cf2Runtime.JS_1_0);
    expect(output).toEqual({ h: "ca978112", q: "a=1" });
    await expect(run("var fs = require('fs'); function handler(event) { return event.request; }")).rejects.toThrow('module "fs" is not available');
  });

  test("Buffer only on cloudfront-js-2.0", async () => {
    const body = "function handler(event) { return typeof Buffer; }";
    expect((await run(body, Cf2Runtime.JS_2_0)).output).toBe("function");
    expect((await run(body, Cf2Runtime.JS_1_0)).output).toBe("undefined");
  });

  test("import cf from 'cloudfront' reads the KeyValueStore fixture (2.0)", async () => {
    const code = "import cf from 'cloudfront';\nconst kvs = cf.kvs();\nasync function handler(event) {\n  const target = await kvs.get(event.request.uri);\n  console.log('redirect to ' + target);\n  return { statusCode: 302, headers: { location: { value: target } } };\n}\n";
    const result = await run(code, Cf2Runtime.JS_2_0, { "/": "/ja/" });
    expect(result).toEqual({ output: { statusCode: 302, headers: { location: { value: "/ja/" } } }, logs: ["redirect to /ja/"] });
    await expect(run(code, Cf2Runtime.JS_2_0, {})).rejects.toThrow('KeyValueStore: key "/" not found');
  });
});
