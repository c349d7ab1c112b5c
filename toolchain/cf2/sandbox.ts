/**
 * Runs CloudFront Function code locally against test events, in a node:vm context that offers exactly what the
 * runtime's page of the CloudFront Developer Guide lists (model/cf2-runtime.ts): the listed ES built-ins and
 * globals, strict mode, `console.log`, `require("crypto" | "querystring")`; on cloudfront-js-1.0 the non-standard
 * string methods (String.bytesFrom, toUTF8, ...); on cloudfront-js-2.0 `globalThis`, atob/btoa, TextEncoder/
 * TextDecoder, Buffer, `request.rawQueryString()` and `import cf from "cloudfront"` with its helpers: `kvs(id)` backed
 * by the test's store, and the origin helpers, validated as documented and recorded so a test can assert which origin
 * was chosen. Everything else the host has (Map, Set, Symbol, Proxy, Reflect, Intl, timers, process, ...) is removed,
 * and so are the members of built-in objects the runtime's page does not list (on 1.0: Object.fromEntries,
 * Array.from, [].flat, "".replaceAll, ...).
 * The authoritative test stays the TestFunction API; this catches mistakes before.
 *
 * Test files: functions/cf2/<name>/tests/<case>.json, in three shapes (see readTestCases).
 */
import * as nodeCrypto from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as querystring from "node:querystring";
import * as vm from "node:vm";
import { parse } from "acorn";
import { z } from "zod";
import { Cf2Runtime } from "../../model/vocabulary";
import type { SourceLines } from "./source-lines";
import {
  CF2_DIGEST_ENCODINGS,
  CF2_GLOBALS,
  CF2_HASH_ALGORITHMS,
  CF2_KVS_FORMATS,
  CF2_KVS_MAX_KEY_BYTES,
  CF2_OAC_ORIGIN_TYPES,
  CF2_OAC_SIGNING_BEHAVIORS,
  CF2_OAC_SIGNING_PROTOCOLS,
  CF2_ORIGIN_GROUP_SELECTION,
  CF2_ORIGIN_LIMITS,
  CF2_ORIGIN_PROTOCOLS,
  CF2_ORIGIN_SSL_PROTOCOLS,
  CF2_STATIC_MEMBERS,
  CF2_UNLISTED_METHODS,
} from "../../model/cf2-runtime";

export const EVENT_TYPES = ["viewer-request", "viewer-response"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const valueMap = z.record(z.string(), z.object({ value: z.string(), multiValue: z.array(z.object({ value: z.string() }).strict()).optional() }).strict());
const cookieMap = z.record(
  z.string(),
  z.object({ value: z.string(), attributes: z.string().optional(), multiValue: z.array(z.object({ value: z.string(), attributes: z.string().optional() }).strict()).optional() }).strict(),
);
const requestShape = z.object({ method: z.string().optional(), uri: z.string().optional(), querystring: valueMap.optional(), headers: valueMap.optional(), cookies: cookieMap.optional() }).strict();
const responseShape = z.object({ statusCode: z.number().int(), statusDescription: z.string().optional(), headers: valueMap.optional(), cookies: cookieMap.optional() }).strict();

/** What the runner needs besides the event: the function's surroundings at the edge. */
const surroundings = {
  /** Contents of the key value store associated with the function (`cf.kvs()`), key -> value. */
  kvs: z.record(z.string(), z.string()).optional(),
  /** Id of that store; `cf.kvs(id)` must name it (default "local-test-kvs"). */
  kvsId: z.string().min(1).optional(),
  /** Origin ids of the distribution: `selectRequestOriginById` and `createRequestOriginGroup` must name one of them. */
  origins: z.array(z.string().min(1)).optional(),
  /** `cf.edgeLocation` in viewer-request functions. */
  edgeLocation: z.object({ name: z.string(), serverIp: z.string(), region: z.string() }).strict().optional(),
  /** The origin change the handler must have made (see OriginChange); `null` for none. */
  expectedOrigin: z.unknown().optional(),
};

/** One test event and its expected output, in this project's short form. Omitted event fields get the defaults of `buildEvent`. */
export const testCaseSchema = z
  .object({
    /** What the case shows, for the test name. */
    description: z.string().min(1),
    eventType: z.enum(EVENT_TYPES),
    request: requestShape.optional(),
    response: responseShape.optional(),
    viewerIp: z.string().optional(),
    ...surroundings,
    /** The value the handler must return (compared as JSON). */
    expected: z.unknown(),
  })
  .strict();
export type TestCase = z.output<typeof testCaseSchema> & { expected?: unknown; hasExpected?: boolean };

/** The event object the CloudFront console and `aws cloudfront test-function --event-object` take (functions-event-structure). */
const testFunctionEventSchema = z
  .object({
    version: z.literal("1.0"),
    context: z.object({ eventType: z.enum(EVENT_TYPES), distributionDomainName: z.string().optional(), distributionId: z.string().optional(), requestId: z.string().optional(), endpoint: z.string().optional() }).strict(),
    viewer: z.object({ ip: z.string() }).strict(),
    request: requestShape,
    response: responseShape.optional(),
  })
  .strict();
export type TestFunctionEvent = z.output<typeof testFunctionEventSchema>;

/** A console / test-function event wrapped with a description and the expected result. */
const wrappedSchema = z.object({ description: z.string().min(1), event: z.unknown(), ...surroundings, expected: z.unknown().optional() }).strict();

/** Keys of the event format, for "did you mean" hints on a wrongly cased key such as `multivalue`. */
const KNOWN_KEYS = ["version", "context", "viewer", "request", "response", "eventType", "distributionDomainName", "distributionId", "requestId", "endpoint", "ip", "method", "uri", "querystring", "headers", "cookies", "value", "multiValue", "attributes", "statusCode", "statusDescription"];

/**
 * Converts an event in the CloudFront console's / `aws cloudfront test-function`'s format (`version`, `context`,
 * `viewer`, `request`, `response`) into this project's test case. Problems name the field; a key that differs
 * from a known one only in case (the common `multivalue`) gets a "did you mean" hint. Nothing else converts events.
 */
export function testCaseFromTestFunctionEvent(raw: unknown, description: string): { testCase?: TestCase; problems: string[] } {
  const problems = casingProblems(raw, []);
  const parsed = testFunctionEventSchema.safeParse(raw);
  if (!parsed.success)
    for (const i of parsed.error.issues) {
      const keys = i.code === "unrecognized_keys" ? i.keys : [];
      const field = i.path.join(".");
      // The hint already covers a wrongly cased key.
      if (keys.length > 0 && keys.every((k) => problems.some((p) => p.includes(`${field ? `${field}.` : ""}${k}"`)))) continue;
      problems.push(`field "${field || "(event)"}": ${i.message}`);
    }
  if (problems.length > 0 || !parsed.success) return { problems };
  const e = parsed.data;
  if (e.context.eventType === "viewer-response" && !e.response) return { problems: ['field "response": a viewer-response event needs the response'] };
  return {
    problems: [],
    testCase: { description, eventType: e.context.eventType, request: e.request, ...(e.response ? { response: e.response } : {}), viewerIp: e.viewer.ip, expected: undefined, hasExpected: false },
  };
}

function casingProblems(v: unknown, at: string[]): string[] {
  if (!v || typeof v !== "object") return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => casingProblems(x, [...at, String(i)]));
  const out: string[] = [];
  // Header, cookie and query parameter names are data, not keys of the format: only their values are checked.
  const dataMap = ["headers", "cookies", "querystring"].includes(at[at.length - 1] ?? "");
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!dataMap) {
      const known = KNOWN_KEYS.find((n) => n !== k && n.toLowerCase() === k.toLowerCase());
      if (known) out.push(`field "${[...at, k].join(".")}": did you mean "${known}"? (keys are case-sensitive)`);
    }
    out.push(...casingProblems(x, [...at, k]));
  }
  return out;
}

/** The event CloudFront passes: version, context, viewer, request, response on viewer-response (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html). */
export function buildEvent(t: Pick<TestCase, "eventType" | "request" | "response" | "viewerIp">): Record<string, unknown> {
  const event: Record<string, unknown> = {
    version: "1.0",
    context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: t.eventType, requestId: "local-test-request-id" },
    viewer: { ip: t.viewerIp ?? "198.51.100.11" },
    request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {}, ...(t.request ?? {}) },
  };
  if (t.eventType === "viewer-response") event.response = { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {}, ...(t.response ?? {}) };
  return event;
}

/** What the origin helpers did; the last call wins, as at the edge. */
export type OriginChange =
  | { helper: "updateRequestOrigin"; params: Record<string, unknown> }
  | { helper: "selectRequestOriginById"; originId: string }
  | { helper: "createRequestOriginGroup"; params: Record<string, unknown> };

export interface RunOptions {
  /** Contents of the associated key value store; without it, `cf.kvs()` throws as a function without a store does. */
  kvs?: Record<string, string>;
  /** Id of the associated store (default "local-test-kvs"). */
  kvsId?: string;
  /** The distribution's origin ids; when given, the origin helpers must name one of them. */
  origins?: string[];
  /** `cf.edgeLocation` for viewer-request functions. */
  edgeLocation?: { name: string; serverIp: string; region: string };
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

export const DEFAULT_KVS_ID = "local-test-kvs";

/** Thrown for what CloudFront would reject at run time; the message says what and why. */
export class Cf2RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Cf2RuntimeError";
  }
}

/**
 * Runs `handler(event)` of the code in a fresh context. Module imports (`import cf from "cloudfront"`) are turned
 * into variables bound to the runtime's modules; anything else was already rejected by the checker.
 */
export async function runFunction(code: string, runtime: Cf2Runtime, event: unknown, opts: RunOptions = {}): Promise<RunResult> {
  const logs: string[] = [];
  const eventType = ((event as { context?: { eventType?: string } })?.context?.eventType ?? "viewer-request") as EventType;
  let origin: OriginChange | undefined;
  const modules: Record<string, unknown> = { crypto: cryptoModule(runtime), querystring: { escape: querystring.escape, parse: querystring.parse, stringify: querystring.stringify, unescape: querystring.unescape } };
  if (runtime === Cf2Runtime.JS_2_0)
    modules.cloudfront = cloudfrontModule(eventType, opts, (change) => {
      origin = change;
    });

  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  // Remove every global the runtime's page does not list ("eval" stays: calling it fails as dynamic code evaluation does).
  const allowed = new Set([...CF2_GLOBALS[runtime], "eval"]);
  vm.runInContext(`(function (g) { for (const n of Object.getOwnPropertyNames(g)) if (!${JSON.stringify([...allowed])}.includes(n)) { try { delete g[n]; } catch (e) {} } })(globalThis)`, context);
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
  await new vm.Script(`"use strict";\n${importsToVariables(code)}`, { filename: opts.file ?? "index.js", lineOffset: -1 }).runInContext(context, { timeout: 1000 });
  delete global.__cf2_modules__;

  // The event is built inside the context, so the code sees its own realm's objects.
  const inContext = vm.runInContext(`JSON.parse(${JSON.stringify(JSON.stringify(event))})`, context) as { request?: Record<string, unknown> };
  if (runtime === Cf2Runtime.JS_2_0 && inContext.request) {
    const raw = opts.rawQueryString ?? rawQueryStringOf(inContext.request.querystring as Record<string, { value: string; multiValue?: { value: string }[] }> | undefined);
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
  const methods = Object.keys(CF2_UNLISTED_METHODS[runtime] ?? {});
  if (!statics && methods.length === 0) return;
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
    })(this, ${JSON.stringify(statics ?? {})}, ${JSON.stringify(methods)})`,
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
    if (!(CF2_HASH_ALGORITHMS as readonly unknown[]).includes(alg)) throw new Cf2RuntimeError(`crypto.${what}: unsupported algorithm "${String(alg)}"; ${runtime} supports ${CF2_HASH_ALGORITHMS.join(", ")}`);
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
        if (!(CF2_DIGEST_ENCODINGS as readonly string[]).includes(encoding)) throw new Cf2RuntimeError(`digest: unsupported encoding "${encoding}"; use ${CF2_DIGEST_ENCODINGS.join(", ")}`);
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

/** `import cf from "cloudfront"` (2.0): the KeyValueStore and origin helpers, validated as the guide documents them. */
function cloudfrontModule(eventType: EventType, opts: RunOptions, record: (change: OriginChange) => void) {
  const storeId = opts.kvsId ?? DEFAULT_KVS_ID;
  const viewerRequestOnly = (helper: string) => {
    if (eventType !== "viewer-request") throw new Cf2RuntimeError(`cf.${helper}() can only be used in viewer-request functions (this event is ${eventType})`);
  };
  const knownOrigin = (helper: string, id: unknown) => {
    if (typeof id !== "string" || id === "") throw new Cf2RuntimeError(`cf.${helper}(): an origin id must be a non-empty string`);
    if (opts.origins && !opts.origins.includes(id)) throw new Cf2RuntimeError(`cf.${helper}(): origin "${id}" is not an origin of the distribution (origins: ${opts.origins.join(", ")})`);
  };
  return {
    kvs(id?: string) {
      if (opts.kvs === undefined) throw new Cf2RuntimeError("cf.kvs(): no key value store is associated with this function");
      if (id !== undefined && id !== storeId) throw new Cf2RuntimeError(`cf.kvs("${id}"): that key value store is not associated with this function (associated: "${storeId}")`);
      return keyValueStore(opts.kvs);
    },
    updateRequestOrigin(params: unknown) {
      viewerRequestOnly("updateRequestOrigin");
      const problems = originParamProblems(params);
      if (problems.length) throw new Cf2RuntimeError(`cf.updateRequestOrigin(): ${problems.join("; ")}`);
      record({ helper: "updateRequestOrigin", params: JSON.parse(JSON.stringify(params)) });
    },
    selectRequestOriginById(originId: unknown) {
      viewerRequestOnly("selectRequestOriginById");
      knownOrigin("selectRequestOriginById", originId);
      record({ helper: "selectRequestOriginById", originId: originId as string });
    },
    createRequestOriginGroup(params: unknown) {
      viewerRequestOnly("createRequestOriginGroup");
      const p = (params ?? {}) as Record<string, unknown>;
      const ids = p.originIds;
      if (!Array.isArray(ids) || ids.length !== 2) throw new Cf2RuntimeError("cf.createRequestOriginGroup(): originIds must list exactly two origin ids (primary, then secondary)");
      ids.forEach((id) => knownOrigin("createRequestOriginGroup", id));
      const statusCodes = (p.failoverCriteria as { statusCodes?: unknown } | undefined)?.statusCodes;
      if (!Array.isArray(statusCodes) || statusCodes.length === 0 || statusCodes.some((c) => !Number.isInteger(c) || (c as number) < 400 || (c as number) > 599))
        throw new Cf2RuntimeError("cf.createRequestOriginGroup(): failoverCriteria.statusCodes must list HTTP 4xx/5xx status codes");
      if (p.selectionCriteria !== undefined && !(CF2_ORIGIN_GROUP_SELECTION as readonly unknown[]).includes(p.selectionCriteria))
        throw new Cf2RuntimeError(`cf.createRequestOriginGroup(): selectionCriteria must be ${CF2_ORIGIN_GROUP_SELECTION.join(" or ")}`);
      record({ helper: "createRequestOriginGroup", params: JSON.parse(JSON.stringify(params)) });
    },
    // Empty for viewer-response functions (general-helper-methods).
    edgeLocation: eventType === "viewer-request" ? (opts.edgeLocation ?? { name: "NRT", serverIp: "192.0.2.10", region: "ap-northeast-1" }) : {},
  };
}

/** The checks the origin modification page documents for updateRequestOrigin's parameters. */
function originParamProblems(params: unknown): string[] {
  if (!params || typeof params !== "object" || Array.isArray(params)) return ["pass an object of origin settings"];
  const p = params as Record<string, unknown>;
  const problems: string[] = [];
  const known = ["domainName", "originPath", "customHeaders", "originAccessControlConfig", "timeouts", "connectionAttempts", "originShield", "customOriginConfig", "hostHeader", "sni", "allowedCertificateNames", "ipAddressType"];
  for (const k of Object.keys(p)) if (!known.includes(k)) problems.push(`unknown setting "${k}"`);
  const range = (name: string, v: unknown, { min, max }: { min: number; max: number }) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max)) problems.push(`${name} must be an integer from ${min} to ${max}`);
  };
  if (p.domainName !== undefined && (typeof p.domainName !== "string" || !/^[A-Za-z0-9.-]+$/.test(p.domainName))) problems.push("domainName must be a domain name");
  if (p.originPath !== undefined && (typeof p.originPath !== "string" || !p.originPath.startsWith("/") || p.originPath.endsWith("/")))
    problems.push('originPath must start with "/" and not end with "/"');
  if (p.customHeaders !== undefined && (typeof p.customHeaders !== "object" || Object.values(p.customHeaders as object).some((v) => typeof v !== "string")))
    problems.push("customHeaders must map header names to string values");
  const oac = p.originAccessControlConfig as Record<string, unknown> | undefined;
  if (oac !== undefined) {
    if (typeof oac.enabled !== "boolean") problems.push("originAccessControlConfig.enabled must be true or false");
    if (oac.enabled === true) {
      if (!(CF2_OAC_SIGNING_BEHAVIORS as readonly unknown[]).includes(oac.signingBehavior)) problems.push(`originAccessControlConfig.signingBehavior must be ${CF2_OAC_SIGNING_BEHAVIORS.join(", ")}`);
      if (!(CF2_OAC_SIGNING_PROTOCOLS as readonly unknown[]).includes(oac.signingProtocol)) problems.push(`originAccessControlConfig.signingProtocol must be ${CF2_OAC_SIGNING_PROTOCOLS.join(", ")}`);
      if (!(CF2_OAC_ORIGIN_TYPES as readonly unknown[]).includes(oac.originType)) problems.push(`originAccessControlConfig.originType must be ${CF2_OAC_ORIGIN_TYPES.join(", ")}`);
    }
  }
  const t = p.timeouts as Record<string, unknown> | undefined;
  if (t !== undefined) {
    range("timeouts.readTimeout", t.readTimeout, CF2_ORIGIN_LIMITS.readTimeout);
    range("timeouts.connectionTimeout", t.connectionTimeout, CF2_ORIGIN_LIMITS.connectionTimeout);
  }
  range("connectionAttempts", p.connectionAttempts, CF2_ORIGIN_LIMITS.connectionAttempts);
  const shield = p.originShield as Record<string, unknown> | undefined;
  if (shield !== undefined) {
    if (typeof shield.enabled !== "boolean") problems.push("originShield.enabled must be true or false");
    if (shield.enabled === true && (typeof shield.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(shield.region))) problems.push("originShield.region must be an AWS Region such as us-east-1");
  }
  const custom = p.customOriginConfig as Record<string, unknown> | undefined;
  if (custom !== undefined) {
    range("customOriginConfig.port", custom.port, CF2_ORIGIN_LIMITS.port);
    if (custom.protocol !== undefined && !(CF2_ORIGIN_PROTOCOLS as readonly unknown[]).includes(custom.protocol)) problems.push(`customOriginConfig.protocol must be ${CF2_ORIGIN_PROTOCOLS.join(" or ")}`);
    if (custom.sslProtocols !== undefined && (!Array.isArray(custom.sslProtocols) || custom.sslProtocols.some((s) => !(CF2_ORIGIN_SSL_PROTOCOLS as readonly unknown[]).includes(s))))
      problems.push(`customOriginConfig.sslProtocols must list ${CF2_ORIGIN_SSL_PROTOCOLS.join(", ")}`);
  }
  return problems;
}

/** A KeyValueStore as `cf.kvs()` returns it, reading from a fixture (functions-custom-methods). */
function keyValueStore(data: Record<string, string>) {
  const checkKey = (key: unknown) => {
    if (typeof key !== "string" || key.length === 0 || Buffer.byteLength(key) > CF2_KVS_MAX_KEY_BYTES) throw new Cf2RuntimeError(`KeyValueStore: a key must be a string of 1 to ${CF2_KVS_MAX_KEY_BYTES} bytes`);
  };
  return {
    get(key: string, options?: { format?: string }) {
      checkKey(key);
      const format = options?.format ?? "string";
      if (!(CF2_KVS_FORMATS as readonly string[]).includes(format)) return Promise.reject(new Cf2RuntimeError(`KeyValueStore.get: format must be ${CF2_KVS_FORMATS.join(", ")}`));
      if (!Object.prototype.hasOwnProperty.call(data, key)) return Promise.reject(new Cf2RuntimeError(`KeyValueStore: key "${key}" not found`));
      const value = data[key];
      if (format === "json") return Promise.resolve(JSON.parse(value));
      return Promise.resolve(format === "bytes" ? new Uint8Array(Buffer.from(value, "utf8")) : value);
    },
    exists: (key: string) => (checkKey(key), Promise.resolve(Object.prototype.hasOwnProperty.call(data, key))),
    meta: () => Promise.resolve({ creationDateTime: "2024-01-01T00:00:00Z", lastUpdatedDateTime: "2024-01-01T00:00:00Z", keyCount: Object.keys(data).length }),
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
    body: { type: string; start: number; end: number; source?: { value: string }; specifiers?: { type: string; local: { name: string }; imported?: { name: string } }[] }[];
  };
  let out = "";
  let last = 0;
  for (const node of program.body) {
    if (node.type !== "ImportDeclaration") continue;
    const mod = `__cf2_modules__[${JSON.stringify(node.source!.value)}]`;
    const bindings = (node.specifiers ?? []).map((s) => `var ${s.local.name} = ${s.type === "ImportSpecifier" ? `${mod}.${s.imported!.name}` : mod};`).join(" ");
    out += code.slice(last, node.start) + bindings;
    last = node.end;
  }
  return out + code.slice(last);
}

export interface FunctionTestFile {
  /** Path of the test file. */
  file: string;
  /** The parsed case, or the problem with the file. */
  testCase: TestCase | Error;
}

/**
 * Reads functions/cf2/<name>/tests/*.json. Each file is one of:
 * - this project's short form: `{ description, eventType, request?, response?, viewerIp?, kvs?, kvsId?, origins?, expected, expectedOrigin? }`;
 * - a console / test-function event wrapped: `{ description, event: { version, context, viewer, request, response? }, kvs?, ..., expected?, expectedOrigin? }`;
 * - a bare console / test-function event (what `aws cloudfront test-function --event-object` takes): run, and
 *   passing when the handler returns a request or response without throwing, as TestFunction reports it.
 * Event formats are converted by testCaseFromTestFunctionEvent.
 */
export function readTestCases(functionDir: string, dir: string = path.join(functionDir, "tests")): FunctionTestFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, "utf8"));
      } catch (err) {
        return { file, testCase: new Error(`is not valid JSON: ${(err as Error).message}`) };
      }
      return { file, testCase: testCaseFromJson(raw, f.replace(/\.json$/, "")) };
    });
}

/** One test file's content as a test case (any of the three shapes), or an Error naming every problem. */
export function testCaseFromJson(raw: unknown, name: string): TestCase | Error {
  const fail = (problems: string[]) => new Error(problems.join("; "));
  const obj = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  if ("event" in obj) {
    const w = wrappedSchema.safeParse(raw);
    if (!w.success) return fail(w.error.issues.map((i) => `field "${i.path.join(".")}": ${i.message}`));
    const { event, description, expected, ...rest } = w.data;
    const converted = testCaseFromTestFunctionEvent(event, description);
    if (!converted.testCase) return fail(converted.problems.map((p) => p.replace(/^field "/, 'field "event.')));
    return { ...converted.testCase, ...rest, expected, hasExpected: "expected" in obj };
  }
  if ("version" in obj || "context" in obj || "viewer" in obj) {
    const converted = testCaseFromTestFunctionEvent(raw, name);
    return converted.testCase ?? fail(converted.problems);
  }
  const parsed = testCaseSchema.safeParse(raw);
  if (!parsed.success) return fail([...casingProblems(raw, []), ...parsed.error.issues.map((i) => `field "${i.path.join(".")}": ${i.message}`)]);
  return { ...parsed.data, hasExpected: "expected" in obj };
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
    const what = err instanceof Error || (err && typeof err === "object" && "message" in err) ? `${(err as Error).name ?? "Error"}: ${(err as Error).message}` : String(err);
    return { description: t.description, failures: [`the handler threw${where ? ` at ${where}` : ""}: ${what}`] };
  }
  if (result.output === undefined || result.output === null || typeof result.output !== "object") failures.push(`the handler returned ${JSON.stringify(result.output) ?? "nothing"}; CloudFront needs the request or a response object`);
  if (t.hasExpected !== false && JSON.stringify(sortKeys(result.output)) !== JSON.stringify(sortKeys(t.expected)))
    failures.push(`returned ${JSON.stringify(result.output)}, expected ${JSON.stringify(t.expected)}`);
  if (t.expectedOrigin !== undefined && JSON.stringify(sortKeys(result.origin ?? null)) !== JSON.stringify(sortKeys(t.expectedOrigin)))
    failures.push(`origin ${JSON.stringify(result.origin ?? null)}, expected ${JSON.stringify(t.expectedOrigin)}`);
  return { description: t.description, failures, result };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
