/**
 * Runs CloudFront Function code locally against test events, in a node:vm context that offers exactly what the
 * runtime's page of the CloudFront Developer Guide lists (model/cf2-runtime.ts): the listed ES built-ins and
 * globals, strict mode, `console.log`, `require("crypto" | "querystring")`; on cloudfront-js-1.0 the non-standard
 * string methods (String.bytesFrom, toUTF8, ...); `globalThis` on both; on cloudfront-js-2.0 atob/btoa, TextEncoder/
 * TextDecoder, Buffer, Symbol, DataView, `request.rawQueryString()` and `import cf from "cloudfront"` with its
 * helpers: `kvs(id)` backed by the test's store, and the origin helpers, validated as documented and recorded so a
 * test can assert which origin was chosen. Everything else the host has (Map, Set, Proxy, Reflect, Intl, timers,
 * process, ...; Symbol on 1.0) is removed,
 * and so are the members of built-in objects the runtime's page does not list (Object.fromEntries, Array.from,
 * [].flat on both; "".replaceAll on 1.0).
 * The authoritative test stays the TestFunction API; this catches mistakes before.
 *
 * Test events: test-cases.ts; the cloudfront module: cloudfront-module.ts.
 */
import * as nodeCrypto from "node:crypto";
import * as path from "node:path";
import * as querystring from "node:querystring";
import * as vm from "node:vm";
import { parse } from "acorn";
import { CF2_DIGEST_ENCODINGS, CF2_GLOBALS, CF2_HASH_ALGORITHMS, CF2_STATIC_MEMBERS, CF2_UNLISTED_METHODS } from "../../model/cf2-runtime";
import { Cf2Runtime } from "../../model/vocabulary";
import { Cf2RuntimeError, cloudfrontModule, type CloudFrontModuleOptions, type OriginChange } from "./cloudfront-module";
import type { SourceLines } from "./source-lines";
import { buildEvent, type EventType, type TestCase } from "./test-cases";

export interface RunOptions extends CloudFrontModuleOptions {
  /** The raw query string `request.rawQueryString()` returns; default: built from request.querystring. */
  rawQueryString?: string;
  /** The code's file as messages name it; stack frames of the code carry it. @default "index.js" */
  file?: string;
}

export interface RunResult {
  /** The handler's return value as JSON data (undefined when it returned nothing). */
  output: unknown;
  /** What the code passed to console.log. */
  logs: string[];
  /** The origin change the handler made, if any. */
  origin?: OriginChange;
}

/**
 * Runs `handler(event)` of the code in a fresh context. Module imports (`import cf from "cloudfront"`) are turned
 * into variables bound to the runtime's modules; anything else was already rejected by the checker.
 */
export async function runFunction(code: string, runtime: Cf2Runtime, event: unknown, opts: RunOptions = {}): Promise<RunResult> {
  const logs: string[] = [];
  const eventType = ((event as { context?: { eventType?: string } })?.context?.eventType ?? "viewer-request") as EventType;
  let origin: OriginChange | undefined;
  const modules: Record<string, unknown> = {
    crypto: cryptoModule(runtime),
    querystring: {
      decode: querystring.parse,
      encode: querystring.stringify,
      escape: querystring.escape,
      parse: querystring.parse,
      stringify: querystring.stringify,
      unescape: querystring.unescape,
    },
  };
  if (runtime === Cf2Runtime.JS_2_0)
    modules.cloudfront = cloudfrontModule(eventType, opts, (change) => {
      origin = change;
    });

  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  // Remove every global the runtime's page does not list ("eval" stays: calling it fails as dynamic code evaluation does).
  const allowed = new Set([...CF2_GLOBALS[runtime], "eval"]);
  vm.runInContext(
    `(function (g) { for (const n of Object.getOwnPropertyNames(g)) if (!${JSON.stringify([...allowed])}.includes(n)) { try { delete g[n]; } catch (e) {} } })(globalThis)`,
    context,
  );
  const global = vm.runInContext("this", context) as Record<string, unknown>;
  if (runtime === Cf2Runtime.JS_1_0) {
    // String.bytesFrom(..., "base64"|"base64url") decodes to a byte string (one character per byte).
    Object.defineProperty(global, "__b64", { value: (s: string) => Buffer.from(s, "base64").toString("latin1"), configurable: true });
    vm.runInContext(V1_STRING_METHODS, context);
    delete global.__b64;
  }
  pruneBuiltIns(context, runtime);
  const hidden = (name: string, value: unknown) => Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  hidden("console", { log: (...args: unknown[]) => logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")) });
  hidden("require", (name: string) => {
    if (name !== "crypto" && name !== "querystring") throw new Cf2RuntimeError(`module "${name}" is not available`);
    return modules[name];
  });
  if (runtime === Cf2Runtime.JS_2_0) {
    hidden("atob", atob);
    hidden("btoa", btoa);
    hidden("TextEncoder", TextEncoder);
    hidden("TextDecoder", TextDecoder);
    hidden("Buffer", Buffer);
  }

  hidden("__cf2_modules__", modules);
  await new vm.Script(`"use strict";\n${importsToVariables(code)}`, { filename: opts.file ?? "index.js", lineOffset: -1 }).runInContext(context, {
    timeout: 1000,
  });
  delete global.__cf2_modules__;

  // The event is built inside the context, so the code sees its own realm's objects.
  const inContext = vm.runInContext(`JSON.parse(${JSON.stringify(JSON.stringify(event))})`, context) as { request?: Record<string, unknown> };
  if (runtime === Cf2Runtime.JS_2_0 && inContext.request) {
    const raw =
      opts.rawQueryString ?? rawQueryStringOf(inContext.request.querystring as Record<string, { value: string; multiValue?: { value: string }[] }> | undefined);
    Object.defineProperty(inContext.request, "rawQueryString", { value: () => raw, enumerable: false });
  }
  hidden("__cf2_event__", inContext);
  const returned = new vm.Script("handler(__cf2_event__)", { filename: "(CloudFront)" }).runInContext(context, { timeout: 1000 });
  delete global.__cf2_event__;
  const result = await returned;
  // Values from another context have other prototypes; compare as plain JSON data, as CloudFront serializes them.
  return { output: result === undefined ? undefined : JSON.parse(JSON.stringify(result)), logs, ...(origin ? { origin } : {}) };
}

/**
 * Removes the members of built-in objects the runtime's page does not list (model/cf2-runtime.ts), so code that
 * calls them fails here as at the edge: "not a function".
 */
function pruneBuiltIns(context: vm.Context, runtime: Cf2Runtime): void {
  const statics = CF2_STATIC_MEMBERS[runtime];
  const methods = Object.keys(CF2_UNLISTED_METHODS[runtime]);
  vm.runInContext(
    `(function (g, statics, methods) {
      for (var owner in statics) {
        var o = g[owner];
        if (!o) continue;
        Object.getOwnPropertyNames(o).forEach(function (n) {
          if (statics[owner].indexOf(n) < 0 && ["prototype", "length", "name"].indexOf(n) < 0) { try { delete o[n]; } catch (e) {} }
        });
      }
      methods.forEach(function (n) { delete Array.prototype[n]; delete String.prototype[n]; });
    })(this, ${JSON.stringify(statics)}, ${JSON.stringify(methods)})`,
    context,
  );
}

function rawQueryStringOf(qs: Record<string, { value: string; multiValue?: { value: string }[] }> | undefined): string {
  if (!qs) return "";
  return Object.entries(qs)
    .flatMap(([k, v]) => (v.multiValue ?? [v]).map((x) => `${k}=${x.value}`))
    .join("&");
}

/** The crypto module: createHash/createHmac with md5, sha1, sha256; digest() without encoding is a byte string on 1.0 and a Buffer on 2.0. */
function cryptoModule(runtime: Cf2Runtime) {
  const check = (what: string, alg: unknown) => {
    if (!(CF2_HASH_ALGORITHMS as readonly unknown[]).includes(alg))
      throw new Cf2RuntimeError(`crypto.${what}: unsupported algorithm "${String(alg)}"; ${runtime} supports ${CF2_HASH_ALGORITHMS.join(", ")}`);
  };
  const wrap = (h: nodeCrypto.Hash | nodeCrypto.Hmac) => {
    const api = {
      update(data: string | Uint8Array, encoding?: nodeCrypto.Encoding) {
        if (typeof data === "string") h.update(data, encoding ?? "utf8");
        else h.update(data);
        return api;
      },
      digest(encoding?: string) {
        if (encoding === undefined) return runtime === Cf2Runtime.JS_2_0 ? h.digest() : h.digest().toString("latin1");
        if (!(CF2_DIGEST_ENCODINGS as readonly string[]).includes(encoding))
          throw new Cf2RuntimeError(`digest: unsupported encoding "${encoding}"; use ${CF2_DIGEST_ENCODINGS.join(", ")}`);
        return h.digest(encoding as nodeCrypto.BinaryToTextEncoding);
      },
    };
    return api;
  };
  return {
    createHash: (alg: string) => (check(`createHash`, alg), wrap(nodeCrypto.createHash(alg))),
    createHmac: (alg: string, key: string | Uint8Array) => (check(`createHmac`, alg), wrap(nodeCrypto.createHmac(alg, key))),
  };
}

/** Runtime 1.0's non-standard string methods (functions-javascript-runtime-10, "String"); byte strings hold one byte per character. */
const V1_STRING_METHODS = `
(function (__b64) {
  var def = function (o, n, f) { Object.defineProperty(o, n, { value: f, writable: true, configurable: true }); };
  var hex = function (n) { return (n < 16 ? "0" : "") + n.toString(16); };
  def(String.prototype, "toUTF8", function () {
    return encodeURIComponent(String(this)).replace(/%([0-9A-F]{2})|[\\s\\S]/g, function (m, h) { return h ? String.fromCharCode(parseInt(h, 16)) : m; });
  });
  def(String.prototype, "fromUTF8", function (start, end) {
    var s = this.slice(start || 0, end), out = "";
    for (var i = 0; i < s.length; i++) out += "%" + hex(s.charCodeAt(i) & 255);
    try { return decodeURIComponent(out); } catch (e) { return null; }
  });
  def(String.prototype, "toBytes", function (start, end) {
    var s = this.slice(start || 0, end);
    for (var i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return null;
    return s;
  });
  def(String.prototype, "fromBytes", function (start, end) { return this.slice(start || 0, end); });
  def(String, "bytesFrom", function (data, encoding) {
    if (Array.isArray(data)) return data.map(function (b) { return String.fromCharCode(b & 255); }).join("");
    if (encoding === "hex") { var out = ""; for (var i = 0; i + 1 < data.length; i += 2) out += String.fromCharCode(parseInt(data.substr(i, 2), 16)); return out; }
    if (encoding === "base64" || encoding === "base64url") return __b64(String(data));
    throw new TypeError("String.bytesFrom: pass an array of octets, or a string encoded as hex, base64 or base64url");
  });
})(__b64);
`;

/** `import x from "m"` / `import * as x from "m"` -> `var x = __cf2_modules__["m"]`, keeping line numbers. */
function importsToVariables(code: string): string {
  const program = parse(code, { ecmaVersion: "latest", sourceType: "module" }) as unknown as {
    body: {
      type: string;
      start: number;
      end: number;
      source?: { value: string };
      specifiers?: { type: string; local: { name: string }; imported?: { name: string } }[];
    }[];
  };
  let out = "";
  let last = 0;
  for (const node of program.body) {
    if (node.type !== "ImportDeclaration") continue;
    const mod = `__cf2_modules__[${JSON.stringify(node.source!.value)}]`;
    const bindings = (node.specifiers ?? [])
      .map((s) => `var ${s.local.name} = ${s.type === "ImportSpecifier" ? `${mod}.${s.imported!.name}` : mod};`)
      .join(" ");
    out += code.slice(last, node.start) + bindings;
    last = node.end;
  }
  return out + code.slice(last);
}

export interface TestOutcome {
  /** The case's description. */
  description: string;
  /** Empty when the case passed; otherwise what differed or failed. */
  failures: string[];
  result?: RunResult;
}

/**
 * Where in the code an error was thrown: the first stack frame in `file` (the code runs under that file name, with
 * its own line numbers; for bundled code, lines of the bundle).
 */
export function thrownAt(err: unknown, file: string, sourceLines?: SourceLines): string | undefined {
  const stack = typeof (err as Error)?.stack === "string" ? (err as Error).stack! : "";
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`[( ]${escaped}:(\\d+):(\\d+)\\)?$`, "m").exec(stack);
  if (!m) return undefined;
  // Bundled code: the line of the file it came from.
  const from = sourceLines?.[Number(m[1]) - 1];
  return from ? `${path.posix.join(path.posix.dirname(file), from.file)}: line ${from.line}` : `${file}: line ${m[1]}`;
}

/**
 * Runs one test case and compares output and origin choice with what it expects; `file` names the code in a thrown
 * error, at the line of the source file when `sourceLines` (bundled code) says where it came from.
 */
export async function runTestCase(code: string, runtime: Cf2Runtime, t: TestCase, file = "index.js", sourceLines?: SourceLines): Promise<TestOutcome> {
  const failures: string[] = [];
  let result: RunResult | undefined;
  try {
    result = await runFunction(code, runtime, buildEvent(t), { kvs: t.kvs, kvsId: t.kvsId, origins: t.origins, edgeLocation: t.edgeLocation, file });
  } catch (err) {
    const where = thrownAt(err, file, sourceLines);
    const what =
      err instanceof Error || (err && typeof err === "object" && "message" in err)
        ? `${(err as Error).name ?? "Error"}: ${(err as Error).message}`
        : String(err);
    return { description: t.description, failures: [`the handler threw${where ? ` at ${where}` : ""}: ${what}`] };
  }
  if (result.output === undefined || result.output === null || typeof result.output !== "object")
    failures.push(`the handler returned ${JSON.stringify(result.output) ?? "nothing"}; CloudFront needs the request or a response object`);
  if (t.hasExpected !== false && JSON.stringify(sortKeys(result.output)) !== JSON.stringify(sortKeys(t.expected)))
    failures.push(`returned ${JSON.stringify(result.output)}, expected ${JSON.stringify(t.expected)}`);
  if (t.expectedOrigin !== undefined && JSON.stringify(sortKeys(result.origin ?? null)) !== JSON.stringify(sortKeys(t.expectedOrigin)))
    failures.push(`origin ${JSON.stringify(result.origin ?? null)}, expected ${JSON.stringify(t.expectedOrigin)}`);
  return { description: t.description, failures, result };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}
