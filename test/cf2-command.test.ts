/** `npm run cf2 -- check|test <dir>`: the checker and runner as one command for application teams' pipelines. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Cf2Runtime } from "../model/vocabulary";
import { cf2Command, CF2_USAGE } from "../scripts/cf2";
import { runFunction } from "../toolchain/cf2/sandbox";

const ROOT = path.join(__dirname, "..");

/** A team's repository: cf2/<name>/index.js (+ manifest.json, tests/). */
function repo(fns: Record<string, { code: string; manifest?: object; tests?: Record<string, object> }>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-team-"));
  for (const [name, f] of Object.entries(fns)) {
    mkdirSync(path.join(dir, "cf2", name, "tests"), { recursive: true });
    writeFileSync(path.join(dir, "cf2", name, "index.js"), f.code);
    if (f.manifest) writeFileSync(path.join(dir, "cf2", name, "manifest.json"), JSON.stringify(f.manifest));
    for (const [t, body] of Object.entries(f.tests ?? {})) writeFileSync(path.join(dir, "cf2", name, "tests", t), JSON.stringify(body));
  }
  return dir;
}

const ADD_HEADER = "function handler(event) {\n  var r = event.response;\n  r.headers['x-frame-options'] = { value: 'DENY' };\n  return r;\n}\n";
const consoleEvent = (eventType: string) => ({
  version: "1.0",
  context: { eventType },
  viewer: { ip: "198.51.100.7" },
  request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {} },
  ...(eventType === "viewer-response" ? { response: { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {} } } : {}),
});

test("test: checks, then runs each event (short form with expected, bare console event) and passes", async () => {
  const dir = repo({
    headers: {
      code: ADD_HEADER,
      tests: {
        "a.json": {
          description: "adds the header",
          eventType: "viewer-response",
          expected: { statusCode: 200, statusDescription: "OK", headers: { "x-frame-options": { value: "DENY" } }, cookies: {} },
        },
        "b.json": consoleEvent("viewer-response"),
      },
    },
  });
  expect(await cf2Command(["test", "cf2"], dir)).toEqual({
    status: 0,
    lines: [
      "cf2/headers (cloudfront-js-2.0): check passed",
      "  ok   cf2/headers/tests/a.json: adds the header",
      "  ok   cf2/headers/tests/b.json: b (no expected output: ran without error)",
    ],
  });
});

test("a wrong expectation fails with what differed; check problems stop before running", async () => {
  const dir = repo({
    headers: { code: ADD_HEADER, tests: { "a.json": { description: "adds the header", eventType: "viewer-response", expected: { statusCode: 204 } } } },
    bad: { code: "function handler(event) {\n  return fetch(event.request.uri);\n}\n", tests: { "a.json": consoleEvent("viewer-request") } },
  });
  const r = await cf2Command(["test", "cf2"], dir);
  expect(r.status).toBe(1);
  expect(r.lines).toEqual([
    "cf2/bad (cloudfront-js-2.0): 1 problem",
    "  error: cf2/bad/index.js: line 2: fetch is not available in cloudfront-js-2.0: functions have no network access",
    "cf2/headers (cloudfront-js-2.0): check passed",
    "  FAIL cf2/headers/tests/a.json: adds the header",
    `       returned {"statusCode":200,"statusDescription":"OK","headers":{"x-frame-options":{"value":"DENY"}},"cookies":{}}, expected {"statusCode":204}`,
  ]);
});

test("the runtime comes from --runtime, else the manifest; a manifest without a key value store refuses cf.kvs()", async () => {
  const kvsCode =
    "import cf from 'cloudfront';\nasync function handler(event) {\n  return (await cf.kvs().exists(event.request.uri)) ? { statusCode: 404 } : event.request;\n}\n";
  const dir = repo({ lookup: { code: kvsCode, manifest: { runtime: "cloudfront-js-2.0" } } });
  expect((await cf2Command(["check", "cf2/lookup"], dir)).lines).toEqual([
    "cf2/lookup (cloudfront-js-2.0): 1 problem",
    '  error: cf2/lookup/index.js: line 3: cf.kvs() reads a key value store, but cf2/lookup/manifest.json declares none (field "keyValueStore")',
  ]);
  const r = await cf2Command(["check", "cf2/lookup", "--runtime", "cloudfront-js-1.0"], dir);
  expect(r.lines[0]).toBe("cf2/lookup (cloudfront-js-1.0): 4 problems");
});

test("warnings are printed and do not fail the check", async () => {
  const dir = repo({ log: { code: "function handler(event) {\n  console.log('uri', event.request.uri);\n  return event.request;\n}\n" } });
  expect(await cf2Command(["check", "cf2/log"], dir)).toEqual({
    status: 0,
    lines: [
      "cf2/log (cloudfront-js-2.0): check passed",
      "  warning: cf2/log/index.js: line 2: console.log with 2 arguments: CloudFront Functions support one argument; build one string",
    ],
  });
});

test.each([
  [[], "cf2: name check or test and at least one function directory"],
  [["lint", "cf2"], 'cf2: unknown command "lint": use check or test'],
  [["check"], "cf2: name check or test and at least one function directory"],
  [["check", "cf2", "--runtim", "cloudfront-js-1.0"], 'cf2: unknown option "--runtim"'],
  [["check", "cf2", "--runtime", "nodejs20.x"], 'cf2: --runtime "nodejs20.x": must be cloudfront-js-1.0 or cloudfront-js-2.0'],
])("usage errors exit 2 with what is wrong, then the usage: %j", async (argv, message) => {
  expect(await cf2Command(argv, os.tmpdir())).toEqual({ status: 2, lines: [message, CF2_USAGE] });
});

test("a file or a missing path instead of a function directory: what to name instead, exit 1", async () => {
  const dir = repo({ headers: { code: ADD_HEADER } });
  expect(await cf2Command(["check", "cf2/headers/index.js", "cf2/nope"], dir)).toEqual({
    status: 1,
    lines: ["cf2/headers/index.js: is a file; name the function's directory (the one holding index.js): cf2/headers", "cf2/nope: no such directory"],
  });
});

test("--help prints the usage and exits 0, whatever else is on the line", async () => {
  expect(await cf2Command(["check", "--help"], os.tmpdir())).toEqual({ status: 0, lines: [CF2_USAGE] });
});

test("npm --prefix <this repository> run cf2 (as the example workflow runs it) resolves paths from the team's directory and sets the exit code", () => {
  const dir = repo({ headers: { code: ADD_HEADER, tests: { "a.json": consoleEvent("viewer-response") } } });
  const { INIT_CWD: _ignored, ...env } = process.env;
  const r = spawnSync("npm", ["--prefix", ROOT, "run", "--silent", "cf2", "--", "test", "cf2/headers"], { cwd: dir, encoding: "utf8", env });
  expect([r.status, r.stdout]).toEqual([
    0,
    "cf2/headers (cloudfront-js-2.0): check passed\n  ok   cf2/headers/tests/a.json: a (no expected output: ran without error)\n",
  ]);
});

test("the example workflow runs the command before it updates or publishes the function", () => {
  const workflow = readFileSync(path.join(ROOT, "examples", "github-actions", "publish-cf2.yml"), "utf8");
  const at = (re: RegExp) => workflow.search(re);
  expect(at(/run cf2 -- test /)).toBeGreaterThan(0);
  expect(at(/run cf2 -- test /)).toBeLessThan(at(/aws cloudfront update-function/));
  expect(at(/run cf2 -- test /)).toBeLessThan(at(/aws cloudfront publish-function/));
});

test("an exception the handler throws names the file and the line it was thrown at", async () => {
  const code = "function handler(event) {\n  var request = event.request;\n  var host = request.headers.host.value;\n  return request;\n}\n";
  const dir = repo({ boom: { code, tests: { "a.json": consoleEvent("viewer-request") } } });
  expect(await cf2Command(["test", "cf2"], dir)).toEqual({
    status: 1,
    lines: [
      "cf2/boom (cloudfront-js-2.0): check passed",
      "  FAIL cf2/boom/tests/a.json: a",
      "       the handler threw at cf2/boom/index.js: line 3: TypeError: Cannot read properties of undefined (reading 'value')",
    ],
  });
});

test("the runner offers each runtime's listed members only: a call the page does not list fails as at the edge", async () => {
  const event = { context: { eventType: "viewer-request" }, request: { uri: "/a//b" } };
  const flat = "function handler(event) {\n  event.request.uri = [['/a'], ['/b']].flat().join('');\n  return event.request;\n}\n";
  await expect(runFunction(flat, Cf2Runtime.JS_1_0, event)).rejects.toThrow(/flat is not a function/);
  await expect(runFunction(flat, Cf2Runtime.JS_2_0, event)).rejects.toThrow(/flat is not a function/);
  const replaceAll = "function handler(event) {\n  event.request.uri = event.request.uri.replaceAll('//', '/');\n  return event.request;\n}\n";
  await expect(runFunction(replaceAll, Cf2Runtime.JS_1_0, event)).rejects.toThrow(/replaceAll is not a function/);
  expect(((await runFunction(replaceAll, Cf2Runtime.JS_2_0, event)).output as { uri: string }).uri).toBe("/a/b");
  const statics =
    "function handler(event) {\n  return { statusCode: 200, headers: { x: { value: [Object.fromEntries, Array.from, Object.keys, Object.getOwnPropertyDescriptors, Promise.all, typeof Symbol === 'function' && Symbol.for].map(function (f) { return typeof f; }).join(',') } } };\n}\n";
  const seen = async (runtime: Cf2Runtime) => ((await runFunction(statics, runtime, event)).output as { headers: { x: { value: string } } }).headers.x.value;
  expect(await seen(Cf2Runtime.JS_1_0)).toBe("undefined,undefined,function,undefined,undefined,boolean");
  expect(await seen(Cf2Runtime.JS_2_0)).toBe("undefined,undefined,function,function,function,function");
});

test("an exception thrown in a relatively imported file names that file and its line, not the bundle's", async () => {
  const dir = repo({
    bundled: {
      code: "import { hostOf } from './lib.js';\nfunction handler(event) {\n  event.request.headers['x-host'] = { value: hostOf(event.request) };\n  return event.request;\n}\n",
      tests: { "a.json": consoleEvent("viewer-request") },
    },
  });
  writeFileSync(path.join(dir, "cf2", "bundled", "lib.js"), "// helpers\nexport function hostOf(request) {\n  return request.headers.host.value;\n}\n");
  expect(await cf2Command(["test", "cf2"], dir)).toEqual({
    status: 1,
    lines: [
      "cf2/bundled (cloudfront-js-2.0): check passed",
      "  FAIL cf2/bundled/tests/a.json: a",
      "       the handler threw at cf2/bundled/lib.js: line 3: TypeError: Cannot read properties of undefined (reading 'value')",
    ],
  });
});
