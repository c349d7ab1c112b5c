import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "acorn";
import { analyzeFunctionCode, buildFunctionCode, CF2_MAX_CODE_BYTES, checkFunctionCode, Cf2Runtime } from "./code";

const V1 = Cf2Runtime.JS_1_0;
const V2 = Cf2Runtime.JS_2_0;
const F = "functions/cf2/x/index.js";
const wrap = (body: string) => `function handler(event) {\n${body}\n  return event.request;\n}\n`;

// Each bad code gets exactly one problem naming the file, the line and the feature.
const bad: [string, Cf2Runtime, string, string][] = [
  ["let on 1.0", V1, wrap("  let uri = event.request.uri;"), `${F}: line 2: "let": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`],
  ["const on 1.0", V1, `const PREFIX = '/a';\n${wrap("")}`, `${F}: line 1: "const": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`],
  [
    "async handler on 1.0",
    V1,
    "async function handler(event) {\n  return event.request;\n}\n",
    `${F}: line 1: "async" functions: only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`,
  ],
  [
    "import on 1.0",
    V1,
    `import cf from 'cloudfront';\n${wrap("")}`,
    `${F}: line 1: "import": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`,
  ],
  [
    "object destructuring",
    V2,
    wrap("  var { uri } = event.request;"),
    `${F}: line 2: destructuring is not supported by cloudfront-js-1.0 or cloudfront-js-2.0`,
  ],
  ["array destructuring", V2, wrap("  var [a, b] = event.request.uri.split('?');"), `${F}: line 2: destructuring is not supported`],
  ["spread", V2, wrap("  var h = Object.assign({}, ...[event.request.headers]);"), `${F}: line 2: spread ("...") is not supported`],
  ["class", V2, `class Router {}\n${wrap("")}`, `${F}: line 1: classes are not supported`],
  [
    "for...of",
    V2,
    wrap("  for (var k of Object.keys(event.request.headers)) {}"),
    `${F}: line 2: "for...of" is not supported by cloudfront-js-1.0 or cloudfront-js-2.0; use a for loop or for...in`,
  ],
  ["default parameter", V2, "function handler(event, x = 1) {\n  return event.request;\n}\n", `${F}: line 1: default parameter values are not supported`],
  ["eval", V2, wrap("  eval('1');"), `${F}: line 2: eval is not available in cloudfront-js-2.0: dynamic code evaluation is a restricted feature`],
  [
    "new Function",
    V2,
    wrap("  var f = new Function('return 1');"),
    `${F}: line 2: the Function constructor is a restricted feature of cloudfront-js-2.0 (dynamic code evaluation)`,
  ],
  ["timer", V2, wrap("  setTimeout(function () {}, 10);"), `${F}: line 2: setTimeout is not available in cloudfront-js-2.0: timers are a restricted feature`],
  [
    "export",
    V2,
    "export function handler(event) {\n  return event.request;\n}\n",
    `${F}: line 1: "export" is not supported by cloudfront-js-1.0 or cloudfront-js-2.0: declare a top-level "function handler(event)" without export`,
  ],
  [
    "import of a module the runtime lacks",
    V2,
    `import fs from 'fs';\n${wrap("")}`,
    `${F}: line 1: module "fs" is not available; the runtime offers only cloudfront, crypto, querystring`,
  ],
  [
    "require of a module the runtime lacks",
    V1,
    wrap("  var http = require('http');"),
    `${F}: line 2: module "http" is not available through require; the runtime offers only crypto, querystring`,
  ],
  ["optional chaining", V2, wrap("  var h = event.request.headers.host?.value;"), `${F}: line 2: optional chaining ("?.") is not in the feature list`],
  ["Map", V2, wrap("  var m = new Map();"), `${F}: line 2: Map is not available in cloudfront-js-2.0: use a plain object`],
  [
    "no handler",
    V2,
    "function main(event) {\n  return event.request;\n}\n",
    `${F}: no top-level "function handler(event)"; CloudFront calls that function and nothing else`,
  ],
  [
    "async arrow (a closure) on 2.0",
    V2,
    "async function handler(event) {\n  var get = async (k) => k;\n  return event.request;\n}\n",
    `${F}: line 2: an async closure (async arrow function, function expression or nested function) is not supported by cloudfront-js-2.0 ("async arguments and closures are not supported"); only a top-level "async function" can be async`,
  ],
  [
    "nested async function declaration on 2.0",
    V2,
    "function handler(event) {\n  async function inner() { return 1; }\n  return event.request;\n}\n",
    `${F}: line 2: an async closure`,
  ],
  [
    "async function passed as an argument on 2.0",
    V2,
    wrap("  [1].forEach(async function (x) { return x; });"),
    `${F}: line 2: an async function passed as an argument is not supported by cloudfront-js-2.0`,
  ],
  [
    "connection function",
    V2,
    "function connectionHandler(connection) {\n  connection.allow();\n}\n",
    `${F}: line 1: "connectionHandler" makes this a connection function (viewer mTLS); this project deploys viewer-request and viewer-response functions only, not connection functions yet`,
  ],
  [
    "Node-only path behind a runtime check",
    V2,
    wrap("  if (typeof process !== 'undefined') {\n    event.request.uri = process.env.PREFIX;\n  }"),
    `${F}: line 3: process is not available in cloudfront-js-2.0: there is no process: configuration belongs in the code or a key value store (behind the runtime check "typeof process" at line 2: the checker cannot prove that branch never runs, and a CloudFront Function only runs at the edge, so remove the branch)`,
  ],
  ["syntax error", V2, "function handler(event) {\n  return event.request\n  }}\n", `${F}: line 3: syntax error (strict mode): Unexpected token`],
  ["with (not allowed in strict mode)", V1, wrap("  with (event) { request.uri = '/'; }"), `${F}: line 2: syntax error (strict mode): 'with' in strict mode`],
];

describe("code the runtime cannot run is rejected with file, line and feature", () => {
  test.each(bad)("%s", (_name, runtime, code, message) => {
    const problems = checkFunctionCode(code, runtime, F);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });
});

test("what each runtime supports passes: ES5 + arrows, templates, rest, ** on 1.0; let/const/async/import cf on 2.0", () => {
  const v1 =
    "var crypto = require('crypto');\nfunction handler(event) {\n  var f = (a, ...rest) => a ** 2 + rest.length;\n  var s = `${event.request.uri}?v=${f(2)}`;\n  for (var k in event.request.headers) {}\n  return event.request;\n}\n";
  expect(checkFunctionCode(v1, V1, F)).toEqual([]);
  const v2 =
    "import cf from 'cloudfront';\nconst kvs = cf.kvs();\nasync function handler(event) {\n  let target = await kvs.get(event.request.uri);\n  return event.request;\n}\n";
  expect(checkFunctionCode(v2, V2, F)).toEqual([]);
});

test("several problems are all reported, in line order", () => {
  const problems = checkFunctionCode(wrap("  let a = 1;\n  var { b } = event;\n  setTimeout(function () {}, 1);"), V1, F);
  expect(problems.map((p) => /line (\d+)/.exec(p)![1])).toEqual(["2", "3", "4"]);
});

function files(entries: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-code-"));
  for (const [name, text] of Object.entries(entries)) writeFileSync(path.join(dir, name), text);
  return dir;
}

test("small single-file code is uploaded exactly as written (no esbuild)", () => {
  const code = wrap("  var s = `${event.request.uri}`; // %{ stays");
  const built = buildFunctionCode(path.join(files({ "index.js": code }), "index.js"), V2, F);
  expect(built).toEqual({ code, problems: [], bundled: false, minified: false, warnings: [], kvsCalls: [] });
});

test("relative imports are bundled into one file that keeps the top-level handler", () => {
  const dir = files({
    "lib.js": "export function normalize(uri) {\n  return uri.replace(/\\/+$/, '') || '/';\n}\n",
    "index.js":
      "import cf from 'cloudfront';\nimport { normalize } from './lib.js';\nfunction handler(event) {\n  event.request.uri = normalize(event.request.uri);\n  return event.request;\n}\n",
  });
  const built = buildFunctionCode(path.join(dir, "index.js"), V2, F);
  expect(built.problems).toEqual([]);
  expect(built.bundled).toBe(true);
  expect(built.code).not.toMatch(/from\s*["']\.\/lib/);
  expect(built.code).toMatch(/import cf from "cloudfront"/);
  const program = parse(built.code, { ecmaVersion: "latest", sourceType: "module" }) as any;
  expect(program.body.some((s: any) => s.type === "FunctionDeclaration" && s.id.name === "handler")).toBe(true);
});

test("code over 10 KB is minified (whitespace and syntax only) and checked again", () => {
  const table = Array.from({ length: 250 }, (_, i) => `    '/p${i}':   '/n${i}',   // moved in the 2024 storefront renewal, see the ticket`).join("\n");
  const code = `var MOVED = {\n${table}\n};\n\nfunction handler(event) {\n  var target = MOVED[event.request.uri];\n  if (target === undefined || target === null) {\n    return event.request;\n  }\n  return { statusCode: 301, headers: { location: { value: target } } };\n}\n`;
  expect(Buffer.byteLength(code)).toBeGreaterThan(CF2_MAX_CODE_BYTES);
  const built = buildFunctionCode(path.join(files({ "index.js": code }), "index.js"), V1, F);
  expect(built.problems).toEqual([]);
  expect(built.minified).toBe(true);
  expect(Buffer.byteLength(built.code)).toBeLessThanOrEqual(CF2_MAX_CODE_BYTES);
  expect(built.code).toContain("function handler(");
  // ES2017 target: esbuild must not fold the null/undefined test into "??" (the runtime lacks it).
  expect(built.code).not.toContain("??");
  expect(checkFunctionCode(built.code, V1, F)).toEqual([]);
});

test("code still over 10 KB after minifying is rejected with its size", () => {
  const noise = Array.from({ length: 1200 }, (_, i) => `'${(i * 7919).toString(36)}${i}'`).join(",");
  const code = `var KEYS = [${noise}];\nfunction handler(event) {\n  return event.request;\n}\n`;
  const built = buildFunctionCode(path.join(files({ "index.js": code }), "index.js"), V2, F);
  expect(built.problems).toEqual([
    expect.stringMatching(
      new RegExp(`^${F.replace(/\//g, "\\/")}: is \\d+ bytes even after minifying; CloudFront Functions allow at most 10240 bytes \\(10 KB\\)$`),
    ),
  ]);
});

test("a missing code file is named", () => {
  expect(buildFunctionCode("/nonexistent/index.js", V2, F).problems).toEqual([`${F}: cannot be read (ENOENT)`]);
});

// Globals and module members, per runtime (model/cf2-runtime.ts, from the Developer Guide's runtime pages).
// Each case: exactly one problem, compared in full.
const globalsAndMembers: [string, Cf2Runtime, string, string][] = [
  ["fetch", V2, wrap("  fetch('https://api.example.com');"), `${F}: line 2: fetch is not available in cloudfront-js-2.0: functions have no network access`],
  [
    "fetch on 1.0",
    V1,
    wrap("  fetch('https://api.example.com');"),
    `${F}: line 2: fetch is not available in cloudfront-js-1.0: functions have no network access`,
  ],
  [
    "new URL",
    V2,
    wrap("  var u = new URL(event.request.uri, 'https://x');"),
    `${F}: line 2: URL is not available in cloudfront-js-2.0: parse event.request.uri and event.request.querystring instead`,
  ],
  [
    "URLSearchParams",
    V2,
    wrap("  var q = new URLSearchParams('a=1');"),
    `${F}: line 2: URLSearchParams is not available in cloudfront-js-2.0: use event.request.querystring or the querystring module`,
  ],
  [
    "setTimeout on 1.0",
    V1,
    wrap("  setTimeout(function () {}, 1);"),
    `${F}: line 2: setTimeout is not available in cloudfront-js-1.0: timers are a restricted feature`,
  ],
  [
    "setInterval passed as a value",
    V2,
    wrap("  var t = setInterval;"),
    `${F}: line 2: setInterval is not available in cloudfront-js-2.0: timers are a restricted feature`,
  ],
  [
    "Function() without new",
    V1,
    wrap("  var f = Function('return 1');"),
    `${F}: line 2: the Function constructor is a restricted feature of cloudfront-js-1.0 (dynamic code evaluation)`,
  ],
  [
    "process.env",
    V2,
    wrap("  var stage = process.env.STAGE;"),
    `${F}: line 2: process is not available in cloudfront-js-2.0: there is no process: configuration belongs in the code or a key value store`,
  ],
  [
    "Web Crypto global",
    V2,
    wrap("  var id = crypto.randomUUID();"),
    `${F}: line 2: crypto is not available in cloudfront-js-2.0: there is no Web Crypto global: use the crypto module (require("crypto") or, on 2.0, import crypto from "crypto")`,
  ],
  [
    "crypto.randomBytes (require)",
    V1,
    `var crypto = require('crypto');\n${wrap("  var nonce = crypto.randomBytes(16);")}`,
    `${F}: line 3: crypto.randomBytes is not in the crypto module of cloudfront-js-1.0; it offers createHash, createHmac`,
  ],
  [
    "crypto.randomUUID (import)",
    V2,
    `import crypto from 'crypto';\n${wrap("  var id = crypto.randomUUID();")}`,
    `${F}: line 3: crypto.randomUUID is not in the crypto module of cloudfront-js-2.0; it offers createHash, createHmac`,
  ],
  [
    "crypto.timingSafeEqual",
    V2,
    `import crypto from 'crypto';\n${wrap("  crypto.timingSafeEqual(a, b);").replace("function handler(event) {", "var a = '', b = '';\nfunction handler(event) {")}`,
    `${F}: line 4: crypto.timingSafeEqual is not in the crypto module of cloudfront-js-2.0; it offers createHash, createHmac`,
  ],
  [
    "a named import the module lacks",
    V2,
    `import { createCipheriv } from 'crypto';\n${wrap("")}`,
    `${F}: line 1: crypto.createCipheriv is not in the crypto module of cloudfront-js-2.0; it offers createHash, createHmac`,
  ],
  [
    "crypto.subtle through require() directly",
    V2,
    wrap("  var s = require('crypto').subtle;"),
    `${F}: line 2: crypto.subtle is not in the crypto module of cloudfront-js-2.0; it offers createHash, createHmac`,
  ],
  [
    "sha512",
    V2,
    `import crypto from 'crypto';\n${wrap("  var h = crypto.createHash('sha512');")}`,
    `${F}: line 3: crypto.createHash("sha512"): cloudfront-js-2.0 supports only md5, sha1, sha256`,
  ],
  [
    "digest('latin1')",
    V1,
    `var crypto = require('crypto');\n${wrap("  var d = crypto.createHmac('sha256', 'k').update('x').digest('latin1');")}`,
    `${F}: line 3: digest("latin1"): cloudfront-js-1.0 encodes digests only as hex, base64, base64url`,
  ],
  [
    "querystring.querystring (not a member)",
    V2,
    `import qs from 'querystring';\n${wrap("  var q = qs.querystring('a=1');")}`,
    `${F}: line 3: querystring.querystring is not in the querystring module of cloudfront-js-2.0; it offers decode, encode, escape, parse, stringify, unescape`,
  ],
  [
    "cf.fetch",
    V2,
    `import cf from 'cloudfront';\n${wrap("  cf.fetch('/');")}`,
    `${F}: line 3: cf.fetch is not in the cloudfront module; it offers kvs, updateRequestOrigin, selectRequestOriginById, createRequestOriginGroup, edgeLocation`,
  ],
  [
    "cf.updateOrigin (misspelt helper)",
    V2,
    `import cf from 'cloudfront';\n${wrap("  cf.updateOrigin({ domainName: 'a.example.com' });")}`,
    `${F}: line 3: cf.updateOrigin is not in the cloudfront module; it offers kvs, updateRequestOrigin, selectRequestOriginById, createRequestOriginGroup, edgeLocation`,
  ],
  [
    "atob on 1.0",
    V1,
    wrap("  var user = atob(event.request.headers.authorization.value.slice(6));"),
    `${F}: line 2: atob is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it`,
  ],
  ["btoa on 1.0", V1, wrap("  var token = btoa('user:pass');"), `${F}: line 2: btoa is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it`],
  [
    "TextEncoder on 1.0",
    V1,
    wrap("  var bytes = new TextEncoder().encode('x');"),
    `${F}: line 2: TextEncoder is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it`,
  ],
  [
    "TextDecoder on 1.0",
    V1,
    wrap("  var text = new TextDecoder().decode(x);").replace("function handler", "var x = [];\nfunction handler").replace("line 2", "line 3"),
    `${F}: line 3: TextDecoder is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it`,
  ],
  [
    "Buffer on 1.0",
    V1,
    wrap("  var b = Buffer.from('x', 'base64');"),
    `${F}: line 2: Buffer is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it`,
  ],
  [
    "toUTF8 on 2.0 (removed from 1.0)",
    V2,
    wrap("  var bytes = event.request.uri.toUTF8();"),
    `${F}: line 2: String.prototype.toUTF8() is not available in cloudfront-js-2.0 (only 1.0 has it); use Buffer or TextEncoder/TextDecoder`,
  ],
  [
    "String.bytesFrom on 2.0",
    V2,
    wrap("  var s = String.bytesFrom([104, 105]);"),
    `${F}: line 2: String.bytesFrom() is not available in cloudfront-js-2.0 (only 1.0 has it); use Buffer or TextEncoder/TextDecoder`,
  ],
  ["console.error", V2, wrap("  console.error('bad');"), `${F}: line 2: console.error is not available in cloudfront-js-2.0: console has log only`],
  ["Symbol on 1.0", V1, wrap("  var k = Symbol('k');"), `${F}: line 2: Symbol is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it`],
  [
    "DataView on 1.0",
    V1,
    wrap("  var v = new DataView(new ArrayBuffer(4));"),
    `${F}: line 2: DataView is not available in cloudfront-js-1.0; only cloudfront-js-2.0 has it`,
  ],
  [
    "MemoryError on 2.0",
    V2,
    wrap("  var e = MemoryError;"),
    `${F}: line 2: MemoryError is not defined: neither declared in the code nor a global of cloudfront-js-2.0`,
  ],
  [
    "Reflect",
    V1,
    wrap("  var keys = Reflect.ownKeys(event.request.headers);"),
    `${F}: line 2: Reflect is not available in cloudfront-js-1.0: not in the feature list`,
  ],
  [
    "Intl",
    V2,
    wrap("  var n = new Intl.NumberFormat('ja-JP').format(1);"),
    `${F}: line 2: Intl is not available in cloudfront-js-2.0: not in the feature list`,
  ],
  [
    "structuredClone",
    V2,
    wrap("  var copy = structuredClone(event.request);"),
    `${F}: line 2: structuredClone is not available in cloudfront-js-2.0: use JSON.parse(JSON.stringify(x))`,
  ],
  ["Node's global", V2, wrap("  var g = global;"), `${F}: line 2: global is not available in cloudfront-js-2.0: not Node.js (use "globalThis")`],
  [
    "a typo (undefined name)",
    V2,
    wrap("  var uri = reqest.uri;"),
    `${F}: line 2: reqest is not defined: neither declared in the code nor a global of cloudfront-js-2.0`,
  ],
];

describe("globals and module members the runtime lacks: file, line, feature and runtime", () => {
  test.each(globalsAndMembers)("%s", (_name, runtime, code, message) => {
    expect(checkFunctionCode(code, runtime, F)).toEqual([message]);
  });
});

describe("no false positives on what the guide lists", () => {
  test("runtime 1.0: ES 5.1 built-ins, globals, typed arrays, error types, require'd modules, non-standard string methods", () => {
    const code = [
      "var crypto = require('crypto');",
      "var qs = require('querystring');",
      "function handler(event) {",
      "  var r = event.request;",
      "  var h = crypto.createHmac('sha256', 'k').update(r.uri).digest('hex') + crypto.createHash('md5').update('x').digest('base64');",
      "  var q = qs.stringify(qs.parse('a=1&b=2')) + qs.escape('a b') + qs.unescape('a%20b');",
      "  var n = parseInt('10', 10) + parseFloat('1.5') + (isNaN(NaN) ? 1 : 0) + (isFinite(Infinity) ? 0 : 1) + Math.max(1, 2) + Number('3');",
      "  var s = encodeURIComponent(decodeURIComponent('%20')) + encodeURI(decodeURI('/a')) + String.fromCharCode(65) + JSON.stringify({ a: [1] });",
      "  var d = new Date(0).toISOString() + Date.now() + Object.keys(r).length + Array.isArray([]) + new RegExp('x').test('x') + Boolean(1);",
      "  var t = new Uint8Array(new ArrayBuffer(2)).length + new Int32Array(1).length + new Float64Array(1).length;",
      "  var u = 'é'.toUTF8().fromUTF8() + String.bytesFrom([104, 105]) + 'x'.toBytes();",
      "  var f = Function.prototype.call;",
      "  try { throw new TypeError('x'); } catch (e) { if (e instanceof RangeError || e instanceof Error) {} }",
      "  var p = Promise.resolve(1); var und = undefined;",
      "  console.log(h + q + n + s + d + t + u);",
      "  if (typeof fetch === 'function') {}",
      "  return r;",
      "}",
    ].join("\n");
    expect(checkFunctionCode(code, V1, F)).toEqual([]);
  });

  test("runtime 2.0: globalThis, atob/btoa, TextEncoder/TextDecoder, Buffer, imports, every cloudfront helper", () => {
    const code = [
      "import cf from 'cloudfront';",
      "import crypto from 'crypto';",
      "import querystring from 'querystring';",
      "const kvs = cf.kvs();",
      "async function handler(event) {",
      "  const r = event.request;",
      "  const g = globalThis;",
      "  const a = atob(btoa('user:pass'));",
      "  const bytes = new TextEncoder().encode(a);",
      "  const text = new TextDecoder().decode(bytes);",
      "  const b = Buffer.from(text, 'utf8').toString('base64url');",
      "  const sig = crypto.createHmac('sha256', 'k').update(b).digest('base64url');",
      "  const q = querystring.stringify({ s: sig });",
      "  const raw = r.rawQueryString();",
      "  const where = cf.edgeLocation.name;",
      "  if (await kvs.exists(r.uri)) cf.selectRequestOriginById(await kvs.get(r.uri));",
      "  else if (r.uri === '/ha') cf.createRequestOriginGroup({ originIds: ['a', 'b'], failoverCriteria: { statusCodes: [500, 503] } });",
      "  else cf.updateRequestOrigin({ domainName: 'origin.example.com' });",
      "  console.log(`${q} ${raw} ${where}`);",
      "  return r;",
      "}",
    ].join("\n");
    expect(analyzeFunctionCode(code, V2, F)).toEqual({ problems: [], warnings: [], kvsCalls: [4] });
  });

  test("a name the code declares itself is not a global (a local fetch helper, a parameter named URL)", () => {
    const code =
      "function fetch(key) {\n  return key;\n}\nfunction handler(event, URL) {\n  event.request.uri = fetch(event.request.uri);\n  return event.request;\n}\n";
    expect(checkFunctionCode(code, V1, F)).toEqual([]);
  });
});

describe("warnings: accepted by the runtime, but almost certainly a mistake", () => {
  test("console.log with several arguments", () => {
    expect(analyzeFunctionCode(wrap("  console.log('uri', event.request.uri);"), V2, F).warnings).toEqual([
      `${F}: line 2: console.log with 2 arguments: CloudFront Functions support one argument; build one string`,
    ]);
  });

  test.each([
    [
      "a branch that falls off the end",
      "function handler(event) {\n  if (event.request.uri === '/') {\n    return event.request;\n  }\n}\n",
      [`${F}: line 5: the handler can reach its end without returning; CloudFront needs the request or a response object back`],
    ],
    [
      "a bare return",
      "function handler(event) {\n  if (!event.request.headers.host) {\n    return;\n  }\n  return event.request;\n}\n",
      [`${F}: line 3: "return;" makes the handler return nothing; CloudFront needs the request or a response object back`],
    ],
    [
      "a switch without default",
      "function handler(event) {\n  switch (event.request.method) {\n    case 'GET':\n      return event.request;\n  }\n}\n",
      [`${F}: line 6: the handler can reach its end without returning; CloudFront needs the request or a response object back`],
    ],
  ])("a handler that can return nothing: %s", (_name, code, warnings) => {
    const analysis = analyzeFunctionCode(code, V2, F);
    expect(analysis).toEqual({ problems: [], warnings, kvsCalls: [] });
  });

  test("every path returns or throws: no warning (if/else, try/catch, switch with default, a return inside a nested function does not count)", () => {
    const code = [
      "function handler(event) {",
      "  var pick = function () { return; };",
      "  try {",
      "    if (event.request.uri === '/a') { return event.request; } else if (event.request.uri === '/b') { throw new Error('b'); }",
      "    switch (event.request.method) { case 'GET': return event.request; default: return { statusCode: 405 }; }",
      "  } catch (e) {",
      "    return { statusCode: 500 };",
      "  }",
      "}",
    ].join("\n");
    expect(analyzeFunctionCode(code, V2, F).warnings).toEqual([]);
  });
});

describe("built-in members per runtime (each runtime's page lists them member by member)", () => {
  const V1_OBJECT =
    "create, defineProperties, defineProperty, freeze, getOwnPropertyDescriptor, getOwnPropertyNames, getPrototypeOf, isExtensible, isFrozen, isSealed, keys, preventExtensions, seal, assign, is, setPrototypeOf, entries, values";
  const V2_OBJECT =
    "create, defineProperties, defineProperty, freeze, getOwnPropertyDescriptor, getOwnPropertyDescriptors, getOwnPropertyNames, getPrototypeOf, isExtensible, isFrozen, isSealed, keys, preventExtensions, seal, assign, entries, values, is, setPrototypeOf";
  test.each([
    [
      "Object.fromEntries",
      V1,
      wrap("  var q = Object.fromEntries([['a', '1']]);"),
      `${F}: line 2: Object.fromEntries is not in the feature list of cloudfront-js-1.0; its Object offers ${V1_OBJECT}`,
    ],
    [
      "Object.fromEntries",
      V2,
      wrap("  var q = Object.fromEntries([['a', '1']]);"),
      `${F}: line 2: Object.fromEntries is not in the feature list of cloudfront-js-2.0; its Object offers ${V2_OBJECT}`,
    ],
    [
      "Object.getOwnPropertyDescriptors (2.0 only)",
      V1,
      wrap("  var d = Object.getOwnPropertyDescriptors(event);"),
      `${F}: line 2: Object.getOwnPropertyDescriptors is not in the feature list of cloudfront-js-1.0; its Object offers ${V1_OBJECT}`,
    ],
    [
      "Array.from",
      V1,
      wrap("  var a = Array.from('abc');"),
      `${F}: line 2: Array.from is not in the feature list of cloudfront-js-1.0; its Array offers isArray, of`,
    ],
    [
      "Array.from",
      V2,
      wrap("  var a = Array.from('abc');"),
      `${F}: line 2: Array.from is not in the feature list of cloudfront-js-2.0; its Array offers isArray, of`,
    ],
    [
      "Promise.all (2.0 only)",
      V1,
      wrap("  var p = Promise.all([]);"),
      `${F}: line 2: Promise.all is not in the feature list of cloudfront-js-1.0; its Promise offers reject, resolve`,
    ],
    [
      "String.raw",
      V2,
      wrap("  var r = String.raw('x');"),
      `${F}: line 2: String.raw is not in the feature list of cloudfront-js-2.0; its String offers fromCharCode, fromCodePoint`,
    ],
    [
      "Symbol.iterator",
      V2,
      wrap("  var it = Symbol.iterator;"),
      `${F}: line 2: Symbol.iterator is not in the feature list of cloudfront-js-2.0; its Symbol offers for, keyFor`,
    ],
    [
      "Array.prototype.flat",
      V1,
      wrap("  var a = [[1], [2]].flat();"),
      `${F}: line 2: .flat() is Array.prototype.flat (ES2019), which cloudfront-js-1.0 does not list`,
    ],
    [
      "Array.prototype.flat",
      V2,
      wrap("  var a = [[1], [2]].flat();"),
      `${F}: line 2: .flat() is Array.prototype.flat (ES2019), which cloudfront-js-2.0 does not list`,
    ],
    [
      "String.prototype.matchAll",
      V2,
      wrap("  var m = event.request.uri.matchAll(/a/g);"),
      `${F}: line 2: .matchAll() is String.prototype.matchAll (ES2020), which cloudfront-js-2.0 does not list`,
    ],
    [
      "String.prototype.replaceAll (2.0 only)",
      V1,
      wrap("  var u = event.request.uri.replaceAll('//', '/');"),
      `${F}: line 2: .replaceAll() is String.prototype.replaceAll (ES2021), which cloudfront-js-1.0 does not list`,
    ],
  ])("%s on %s", (_name, runtime, code, message) => {
    expect(checkFunctionCode(code, runtime, F)).toEqual([message]);
  });

  test("what 1.0 lists passes: Object.keys/entries/assign, Array.isArray/of, String.fromCharCode, Number.isInteger, Math.trunc, Promise.resolve, Object.prototype.hasOwnProperty.call", () => {
    const code = wrap(
      "  var h = event.request.headers;\n  var k = Object.keys(h).concat(Object.entries(h).map(function (e) { return e[0]; }));\n  var o = Object.assign({}, h);\n  var ok = Array.isArray(k) && Array.of(1).length === 1 && Number.isInteger(Math.trunc(1.5));\n  var s = String.fromCharCode(65) + Promise.resolve(1);\n  var own = Object.prototype.hasOwnProperty.call(h, 'host');",
    );
    expect(checkFunctionCode(code, V1, F)).toEqual([]);
  });

  test("what 2.0 adds passes on 2.0: replaceAll, getOwnPropertyDescriptors, Promise.all/allSettled/any/race, Symbol.for/keyFor, DataView, querystring.decode/encode", () => {
    const code = `import qs from 'querystring';\n${wrap(
      "  var u = event.request.uri.replaceAll('//', '/');\n  var d = Object.getOwnPropertyDescriptors(event);\n  var p = [Promise.all([]), Promise.allSettled([]), Promise.any([1]), Promise.race([1])];\n  var s = Symbol.keyFor(Symbol.for('k'));\n  var v = new DataView(new ArrayBuffer(4)).getUint8(0);\n  var q = qs.encode(qs.decode('a=1'));",
    )}`;
    expect(checkFunctionCode(code, V2, F)).toEqual([]);
  });

  test("globalThis is a global of both runtimes (1.0's page lists it too)", () => {
    expect(checkFunctionCode(wrap("  var g = globalThis;"), V1, F)).toEqual([]);
    expect(checkFunctionCode(wrap("  var g = globalThis;"), V2, F)).toEqual([]);
  });

  test("a method the code defines itself is its own, not the built-in", () => {
    expect(checkFunctionCode(wrap("  var list = { flat: function () { return []; } };\n  list.flat();"), V1, F)).toEqual([]);
    expect(checkFunctionCode(wrap("  var list = { flat: function () { return []; } };\n  list.flat();"), V2, F)).toEqual([]);
  });
});
