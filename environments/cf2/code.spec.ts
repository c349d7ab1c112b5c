import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "acorn";
import { buildFunctionCode, CF2_MAX_CODE_BYTES, checkFunctionCode, Cf2Runtime } from "./code";

const V1 = Cf2Runtime.JS_1_0;
const V2 = Cf2Runtime.JS_2_0;
const F = "functions/cf2/x/index.js";
const wrap = (body: string) => `function handler(event) {\n${body}\n  return event.request;\n}\n`;

// Each bad code gets exactly one problem naming the file, the line and the feature.
const bad: [string, Cf2Runtime, string, string][] = [
  ["let on 1.0", V1, wrap("  let uri = event.request.uri;"), `${F}: line 2: "let": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`],
  ["const on 1.0", V1, `const PREFIX = '/a';\n${wrap("")}`, `${F}: line 1: "const": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`],
  ["async handler on 1.0", V1, "async function handler(event) {\n  return event.request;\n}\n", `${F}: line 1: "async" functions: only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`],
  ["import on 1.0", V1, `import cf from 'cloudfront';\n${wrap("")}`, `${F}: line 1: "import": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)`],
  ["object destructuring", V2, wrap("  var { uri } = event.request;"), `${F}: line 2: destructuring is not supported by cloudfront-js-1.0 or cloudfront-js-2.0`],
  ["array destructuring", V2, wrap("  var [a, b] = event.request.uri.split('?');"), `${F}: line 2: destructuring is not supported`],
  ["spread", V2, wrap("  var h = Object.assign({}, ...[event.request.headers]);"), `${F}: line 2: spread ("...") is not supported`],
  ["class", V2, `class Router {}\n${wrap("")}`, `${F}: line 1: classes are not supported`],
  ["for...of", V2, wrap("  for (var k of Object.keys(event.request.headers)) {}"), `${F}: line 2: "for...of" is not supported by cloudfront-js-1.0 or cloudfront-js-2.0; use a for loop or for...in`],
  ["default parameter", V2, "function handler(event, x = 1) {\n  return event.request;\n}\n", `${F}: line 1: default parameter values are not supported`],
  ["eval", V2, wrap("  eval('1');"), `${F}: line 2: eval() is not allowed in cloudfront-js-1.0 or cloudfront-js-2.0`],
  ["new Function", V2, wrap("  var f = new Function('return 1');"), `${F}: line 2: new Function() is not allowed`],
  ["timer", V2, wrap("  setTimeout(function () {}, 10);"), `${F}: line 2: timers (setTimeout) are not available`],
  ["export", V2, "export function handler(event) {\n  return event.request;\n}\n", `${F}: line 1: "export" is not supported by cloudfront-js-1.0 or cloudfront-js-2.0: declare a top-level "function handler(event)" without export`],
  ["import of a module the runtime lacks", V2, `import fs from 'fs';\n${wrap("")}`, `${F}: line 1: module "fs" is not available; the runtime offers only cloudfront, crypto, querystring`],
  ["require of a module the runtime lacks", V1, wrap("  var http = require('http');"), `${F}: line 2: module "http" is not available through require; the runtime offers only crypto, querystring`],
  ["optional chaining", V2, wrap("  var h = event.request.headers.host?.value;"), `${F}: line 2: optional chaining ("?.") is not in the feature list`],
  ["Map", V2, wrap("  var m = new Map();"), `${F}: line 2: Map is not in the feature list`],
  ["no handler", V2, "function main(event) {\n  return event.request;\n}\n", `${F}: no top-level "function handler(event)"; CloudFront calls that function and nothing else`],
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
  const v1 = "var crypto = require('crypto');\nfunction handler(event) {\n  var f = (a, ...rest) => a ** 2 + rest.length;\n  var s = `${event.request.uri}?v=${f(2)}`;\n  for (var k in event.request.headers) {}\n  return event.request;\n}\n";
  expect(checkFunctionCode(v1, V1, F)).toEqual([]);
  const v2 = "import cf from 'cloudfront';\nconst kvs = cf.kvs();\nasync function handler(event) {\n  let target = await kvs.get(event.request.uri);\n  return event.request;\n}\n";
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
  expect(built).toEqual({ code, problems: [], bundled: false, minified: false });
});

test("relative imports are bundled into one file that keeps the top-level handler", () => {
  const dir = files({
    "lib.js": "export function normalize(uri) {\n  return uri.replace(/\\/+$/, '') || '/';\n}\n",
    "index.js": "import cf from 'cloudfront';\nimport { normalize } from './lib.js';\nfunction handler(event) {\n  event.request.uri = normalize(event.request.uri);\n  return event.request;\n}\n",
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
  expect(built.problems).toEqual([expect.stringMatching(new RegExp(`^${F.replace(/\//g, "\\/")}: is \\d+ bytes even after minifying; CloudFront Functions allow at most 10240 bytes \\(10 KB\\)$`))]);
});

test("a missing code file is named", () => {
  expect(buildFunctionCode("/nonexistent/index.js", V2, F).problems).toEqual([`${F}: cannot be read (ENOENT)`]);
});
