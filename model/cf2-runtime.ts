/**
 * What each CloudFront Functions JavaScript runtime provides, as the CloudFront Developer Guide lists it. The checker
 * (toolchain/cf2/code.ts) rejects what a runtime lacks and the local runner (toolchain/cf2/sandbox.ts) offers exactly this.
 *
 * The authority, one page per runtime (sections "Globals", "Built-in objects", "Built-in modules", "Restricted
 * features"):
 * - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-10.html
 * - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 * - the differences between them: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-features.html
 * The `cloudfront` module's helpers (2.0 only):
 * - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html (kvs)
 * - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/helper-functions-origin-modification.html
 * - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/general-helper-methods.html (edgeLocation)
 *
 * This file is data only: it imports nothing from environments/ or modules/.
 */

import type { Cf2Runtime } from "./vocabulary";

type Cf2RuntimeId = Cf2Runtime;

/** ES built-in objects both pages list (Primitive objects, Built-in objects, Error types). */
const ES_BUILT_INS = [
  "Object",
  "String",
  "Number",
  "Boolean",
  "Math",
  "Date",
  "JSON",
  "Array",
  "RegExp",
  "Function",
  "Promise",
  "ArrayBuffer",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "Error",
  "EvalError",
  "InternalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
] as const;

/**
 * Global object, functions and constants both pages list ("Globals"; runtime 1.0's as the guide's archived source has
 * it, github.com/awsdocs/amazon-cloudfront-developer-guide, doc_source/functions-javascript-runtime-features.md,
 * "The `globalThis` object is supported"); `require` and `console` are the runtime's own.
 */
const ES_GLOBALS = [
  "globalThis",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
  "NaN",
  "Infinity",
  "undefined",
  "arguments",
] as const;

/**
 * Globals only runtime 2.0 lists: atob/btoa, the text codecs, the Buffer module's global, and the built-in objects
 * its page adds (Symbol, with Symbol.for and Symbol.keyFor; DataView's get/set methods).
 */
export const CF2_V2_ONLY_GLOBALS = ["atob", "btoa", "TextEncoder", "TextDecoder", "Buffer", "Symbol", "DataView"] as const;

/** Every global a runtime provides. Runtime 1.0's error types include njs's MemoryError; 2.0's page does not list it. */
export const CF2_GLOBALS: Record<Cf2RuntimeId, readonly string[]> = {
  "cloudfront-js-1.0": [...ES_BUILT_INS, "MemoryError", ...ES_GLOBALS, "console", "require"],
  "cloudfront-js-2.0": [...ES_BUILT_INS, ...ES_GLOBALS, ...CF2_V2_ONLY_GLOBALS, "console", "require"],
};

/** `console` has `log` only, and it takes one argument (more are not printed). */
export const CF2_CONSOLE_MEMBERS = ["log"] as const;

/** Modules, by how they are loaded: `require` on both runtimes, `import` on 2.0 (which adds `cloudfront`). */
export const CF2_REQUIRABLE_MODULES = ["crypto", "querystring"] as const;
export const CF2_IMPORTABLE_MODULES = ["cloudfront", "crypto", "querystring"] as const;
export type Cf2Module = (typeof CF2_IMPORTABLE_MODULES)[number];

/** Each module's members ("Built-in modules"; the cloudfront helper pages). */
export const CF2_MODULE_MEMBERS: Record<Cf2Module, readonly string[]> = {
  crypto: ["createHash", "createHmac"],
  // Both pages: "querystring.decode() is an alias for querystring.parse()", encode() for stringify().
  querystring: ["decode", "encode", "escape", "parse", "stringify", "unescape"],
  cloudfront: ["kvs", "updateRequestOrigin", "selectRequestOriginById", "createRequestOriginGroup", "edgeLocation"],
};

/** Hash algorithms `crypto.createHash` and `crypto.createHmac` accept. */
export const CF2_HASH_ALGORITHMS = ["md5", "sha1", "sha256"] as const;
/** Encodings `hash.digest()` / `hmac.digest()` accept; without one, 1.0 returns a byte string and 2.0 a Buffer. */
export const CF2_DIGEST_ENCODINGS = ["hex", "base64", "base64url"] as const;

/** Runtime 1.0's non-standard string methods, which runtime 2.0 removed ("JavaScript runtime features" page). */
export const CF2_V1_STRING_METHODS = ["bytesFrom", "fromBytes", "fromUTF8", "toBytes", "toUTF8"] as const;

/**
 * Globals people reach for that neither runtime has, with what to do instead. Anything else that is neither
 * declared in the code nor a runtime global is reported as undefined.
 */
export const CF2_MISSING_GLOBALS: Record<string, string> = {
  fetch: "functions have no network access",
  XMLHttpRequest: "functions have no network access",
  WebSocket: "functions have no network access",
  URL: "parse event.request.uri and event.request.querystring instead",
  URLSearchParams: "use event.request.querystring or the querystring module",
  setTimeout: "timers are a restricted feature",
  setInterval: "timers are a restricted feature",
  setImmediate: "timers are a restricted feature",
  clearTimeout: "timers are a restricted feature",
  clearInterval: "timers are a restricted feature",
  clearImmediate: "timers are a restricted feature",
  queueMicrotask: "timers are a restricted feature",
  eval: "dynamic code evaluation is a restricted feature",
  process: "there is no process: configuration belongs in the code or a key value store",
  module: "there are no CommonJS modules: declare a top-level function handler(event)",
  exports: "there are no CommonJS modules: declare a top-level function handler(event)",
  __dirname: "there is no file system",
  __filename: "there is no file system",
  crypto: 'there is no Web Crypto global: use the crypto module (require("crypto") or, on 2.0, import crypto from "crypto")',
  performance: "there are no high-resolution timers",
  structuredClone: "use JSON.parse(JSON.stringify(x))",
  Map: "use a plain object",
  Set: "use a plain object",
  WeakMap: "use a plain object",
  WeakSet: "use a plain object",
  WeakRef: "not in the feature list",
  Symbol: "not in the feature list",
  Proxy: "not in the feature list",
  Reflect: "not in the feature list",
  Intl: "not in the feature list",
  BigInt: "not in the feature list",
  DataView: "not in the feature list",
  SharedArrayBuffer: "not in the feature list",
  Atomics: "not in the feature list",
  WebAssembly: "not in the feature list",
  AbortController: "functions have no network access",
  Blob: "not in the feature list",
  Response: "return a plain response object ({ statusCode, headers })",
  Request: "read event.request",
  Headers: "use the event's headers object",
  window: "not a browser",
  self: "not a browser",
  global: 'not Node.js (use "globalThis")',
};

/** Origin helpers only run in viewer-request functions (helper-functions-origin-modification). */
export const CF2_ORIGIN_HELPERS = ["updateRequestOrigin", "selectRequestOriginById", "createRequestOriginGroup"] as const;

/** Validation of `cf.updateRequestOrigin(params)`, as the origin modification page documents its fields. */
export const CF2_ORIGIN_LIMITS = {
  /** timeouts.connectionTimeout, seconds. */
  connectionTimeout: { min: 1, max: 10 },
  /** timeouts.readTimeout, seconds (above 60 needs a quota increase on the distribution's origin response timeout). */
  readTimeout: { min: 1, max: 120 },
  /** connectionAttempts. */
  connectionAttempts: { min: 1, max: 3 },
  /** customOriginConfig.port. */
  port: { min: 1, max: 65535 },
} as const;
export const CF2_ORIGIN_PROTOCOLS = ["http", "https"] as const;
export const CF2_ORIGIN_SSL_PROTOCOLS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"] as const;
export const CF2_OAC_SIGNING_BEHAVIORS = ["always", "never", "no-override"] as const;
export const CF2_OAC_SIGNING_PROTOCOLS = ["sigv4"] as const;
export const CF2_OAC_ORIGIN_TYPES = ["s3", "mediapackagev2", "lambda"] as const;
export const CF2_ORIGIN_GROUP_SELECTION = ["default", "media-quality-based"] as const;

/** KeyValueStore limits (functions-custom-methods, "Amazon CloudFront KeyValueStore" quotas). */
export const CF2_KVS_MAX_KEY_BYTES = 512;
export const CF2_KVS_MAX_VALUE_BYTES = 1024;
export const CF2_KVS_FORMATS = ["string", "json", "bytes"] as const;

/**
 * Static members runtime 1.0 lists for each built-in object ("Primitive objects" and "Built-in objects" of
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-10.html; the same
 * lists as the guide's source, github.com/awsdocs/amazon-cloudfront-developer-guide,
 * doc_source/functions-javascript-runtime-features.md). "All ES 5.1 methods" sections are spelled out as ES 5.1 has
 * them. `prototype` is always there.
 */
const V1_STATIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Object: [
    "create",
    "defineProperties",
    "defineProperty",
    "freeze",
    "getOwnPropertyDescriptor",
    "getOwnPropertyNames",
    "getPrototypeOf",
    "isExtensible",
    "isFrozen",
    "isSealed",
    "keys",
    "preventExtensions",
    "seal",
    "assign",
    "is",
    "setPrototypeOf",
    "entries",
    "values",
  ],
  String: ["fromCharCode", "fromCodePoint", "bytesFrom"],
  Number: [
    "isFinite",
    "isInteger",
    "isNaN",
    "isSafeInteger",
    "parseFloat",
    "parseInt",
    "EPSILON",
    "MAX_SAFE_INTEGER",
    "MAX_VALUE",
    "MIN_SAFE_INTEGER",
    "MIN_VALUE",
    "NEGATIVE_INFINITY",
    "NaN",
    "POSITIVE_INFINITY",
  ],
  Math: [
    "abs",
    "acos",
    "asin",
    "atan",
    "atan2",
    "ceil",
    "cos",
    "exp",
    "floor",
    "log",
    "max",
    "min",
    "pow",
    "random",
    "round",
    "sin",
    "sqrt",
    "tan",
    "acosh",
    "asinh",
    "atanh",
    "cbrt",
    "clz32",
    "cosh",
    "expm1",
    "fround",
    "hypot",
    "imul",
    "log10",
    "log1p",
    "log2",
    "sign",
    "sinh",
    "tanh",
    "trunc",
    "E",
    "LN10",
    "LN2",
    "LOG10E",
    "LOG2E",
    "PI",
    "SQRT1_2",
    "SQRT2",
  ],
  Array: ["isArray", "of"],
  Promise: ["reject", "resolve"],
  JSON: ["parse", "stringify"],
  ArrayBuffer: ["isView"],
};

/**
 * Static members runtime 2.0 lists for each built-in object ("Primitive objects" and "Built-in objects" of
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html). Against
 * 1.0: no String.bytesFrom; Object.getOwnPropertyDescriptors, Promise.all/allSettled/any/race and Symbol.for/keyFor
 * are added. The page files Object.is and Object.setPrototypeOf under "prototype methods" and spells Symbol.keyFor
 * "keyfor"; ES defines them as these static members. Array.from is not listed on either runtime. Typed arrays are
 * not checked member by member on either runtime.
 */
const V2_STATIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Object: [
    "create",
    "defineProperties",
    "defineProperty",
    "freeze",
    "getOwnPropertyDescriptor",
    "getOwnPropertyDescriptors",
    "getOwnPropertyNames",
    "getPrototypeOf",
    "isExtensible",
    "isFrozen",
    "isSealed",
    "keys",
    "preventExtensions",
    "seal",
    "assign",
    "entries",
    "values",
    "is",
    "setPrototypeOf",
  ],
  String: ["fromCharCode", "fromCodePoint"],
  Number: V1_STATIC_MEMBERS.Number,
  Math: V1_STATIC_MEMBERS.Math,
  Array: ["isArray", "of"],
  Promise: ["all", "allSettled", "any", "reject", "resolve", "race"],
  JSON: ["parse", "stringify"],
  ArrayBuffer: ["isView"],
  Symbol: ["for", "keyFor"],
};

/** Built-in static members each runtime lists, by object; an object without an entry is not checked member by member. */
export const CF2_STATIC_MEMBERS: Record<Cf2RuntimeId, Readonly<Record<string, readonly string[]>>> = {
  "cloudfront-js-1.0": V1_STATIC_MEMBERS,
  "cloudfront-js-2.0": V2_STATIC_MEMBERS,
};

/** Array and String methods of ES2019 and later that neither runtime's page lists. */
const LATER_METHODS_UNLISTED_ON_BOTH: Readonly<Record<string, string>> = {
  flat: "Array.prototype.flat (ES2019)",
  flatMap: "Array.prototype.flatMap (ES2019)",
  at: "Array.prototype.at / String.prototype.at (ES2022)",
  findLast: "Array.prototype.findLast (ES2023)",
  findLastIndex: "Array.prototype.findLastIndex (ES2023)",
  matchAll: "String.prototype.matchAll (ES2020)",
};

/**
 * Methods of later ECMAScript editions that a runtime's page does not list, by name -> where ES defines them. Called
 * on anything the code does not define them on, they are reported (the receiver's type is not known statically).
 * String.prototype.replaceAll is listed by 2.0's page ("ES 12 prototype methods on strings") and not by 1.0's.
 */
export const CF2_UNLISTED_METHODS: Record<Cf2RuntimeId, Readonly<Record<string, string>>> = {
  "cloudfront-js-1.0": { ...LATER_METHODS_UNLISTED_ON_BOTH, replaceAll: "String.prototype.replaceAll (ES2021)" },
  "cloudfront-js-2.0": LATER_METHODS_UNLISTED_ON_BOTH,
};
