/**
 * Runs CloudFront Function code locally against test events, in a node:vm context that offers only what the
 * runtime offers: strict mode, the language built-ins, `console.log`, `require("crypto" | "querystring")`, on
 * cloudfront-js-2.0 also `Buffer` and `import cf from "cloudfront"` (backed by a KeyValueStore fixture). No timers,
 * no process, no other modules. The authoritative test stays the TestFunction API; this catches mistakes before.
 *
 * Test files: functions/cf2/<name>/tests/<case>.json, see TestCase.
 */
import * as nodeCrypto from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import * as querystring from "node:querystring";
import * as vm from "node:vm";
import { parse } from "acorn";
import { z } from "zod";
import { Cf2Runtime } from "../model/vocabulary";

const valueMap = z.record(z.string(), z.object({ value: z.string(), multiValue: z.array(z.object({ value: z.string() })).optional() }).strict());
const cookieMap = z.record(
  z.string(),
  z.object({ value: z.string(), attributes: z.string().optional(), multiValue: z.array(z.object({ value: z.string(), attributes: z.string().optional() })).optional() }).strict(),
);

/** One test event and its expected output. Omitted event fields get the defaults of `buildEvent`. */
export const testCaseSchema = z
  .object({
    /** What the case shows, for the test name. */
    description: z.string().min(1),
    eventType: z.enum(["viewer-request", "viewer-response"]),
    request: z
      .object({ method: z.string().optional(), uri: z.string().optional(), querystring: valueMap.optional(), headers: valueMap.optional(), cookies: cookieMap.optional() })
      .strict()
      .optional(),
    response: z
      .object({ statusCode: z.number().int(), statusDescription: z.string().optional(), headers: valueMap.optional(), cookies: cookieMap.optional() })
      .strict()
      .optional(),
    viewerIp: z.string().optional(),
    /** KeyValueStore contents for `import cf from "cloudfront"; cf.kvs().get(key)`. */
    kvs: z.record(z.string(), z.string()).optional(),
    /** The value the handler must return (compared as JSON). */
    expected: z.unknown(),
  })
  .strict();
export type TestCase = z.output<typeof testCaseSchema>;

/** The event CloudFront passes: version, context, viewer, request, response? (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html). */
export function buildEvent(t: TestCase): Record<string, unknown> {
  const event: Record<string, unknown> = {
    version: "1.0",
    context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: t.eventType, requestId: "local-test-request-id" },
    viewer: { ip: t.viewerIp ?? "198.51.100.11" },
    request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {}, ...(t.request ?? {}) },
  };
  if (t.eventType === "viewer-response") event.response = { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {}, ...(t.response ?? {}) };
  return event;
}

/** A KeyValueStore as `cf.kvs()` returns it, reading from a fixture. */
function keyValueStore(data: Record<string, string>) {
  return {
    get(key: string, options?: { format?: "string" | "json" | "bytes" }) {
      if (!(key in data)) return Promise.reject(new Error(`KeyValueStore: key "${key}" not found`));
      const value = data[key];
      return Promise.resolve(options?.format === "json" ? JSON.parse(value) : value);
    },
    exists: (key: string) => Promise.resolve(key in data),
    meta: () => Promise.resolve({ creationDateTime: "2024-01-01T00:00:00Z", lastUpdatedDateTime: "2024-01-01T00:00:00Z", keyCount: Object.keys(data).length }),
  };
}

export interface RunResult {
  /** The handler's return value as JSON data. */
  output: unknown;
  /** What the code passed to console.log. */
  logs: string[];
}

/**
 * Runs `handler(event)` of the code in a fresh context. Module imports (`import cf from "cloudfront"`) are turned
 * into variables bound to the runtime's modules; anything else was already rejected by the runtime check.
 */
export async function runFunction(code: string, runtime: Cf2Runtime, event: unknown, kvs: Record<string, string> = {}): Promise<RunResult> {
  const logs: string[] = [];
  const modules: Record<string, unknown> = {
    crypto: { createHash: nodeCrypto.createHash, createHmac: nodeCrypto.createHmac },
    querystring: { parse: querystring.parse, stringify: querystring.stringify, escape: querystring.escape, unescape: querystring.unescape },
  };
  if (runtime === Cf2Runtime.JS_2_0) modules.cloudfront = { kvs: () => keyValueStore(kvs) };
  const sandbox: Record<string, unknown> = {
    console: { log: (...args: unknown[]) => logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")) },
    require: (name: string) => {
      if (name === "cloudfront" || !(name in modules)) throw new Error(`module "${name}" is not available`);
      return modules[name];
    },
    __cf2_modules__: modules,
    __cf2_event__: JSON.parse(JSON.stringify(event)),
  };
  if (runtime === Cf2Runtime.JS_2_0) sandbox.Buffer = Buffer;
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  const script = `"use strict";\n${importsToVariables(code)}\n;handler(__cf2_event__);`;
  const result = await new vm.Script(script, { filename: "index.js", lineOffset: -1 }).runInContext(context, { timeout: 1000 });
  // Values from another context have other prototypes; compare as plain JSON data, as CloudFront serializes them.
  return { output: result === undefined ? undefined : JSON.parse(JSON.stringify(result)), logs };
}

/** `import x from "m"` / `import * as x from "m"` -> `var x = __cf2_modules__["m"]`, keeping line numbers. */
function importsToVariables(code: string): string {
  const program = parse(code, { ecmaVersion: "latest", sourceType: "module" }) as unknown as { body: { type: string; start: number; end: number; source?: { value: string }; specifiers?: { local: { name: string } }[] }[] };
  let out = "";
  let last = 0;
  for (const node of program.body) {
    if (node.type !== "ImportDeclaration") continue;
    const bindings = (node.specifiers ?? []).map((s) => `var ${s.local.name} = __cf2_modules__[${JSON.stringify(node.source!.value)}];`).join(" ");
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

/** Reads functions/cf2/<name>/tests/*.json. */
export function readTestCases(functionDir: string): FunctionTestFile[] {
  const dir = path.join(functionDir, "tests");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      try {
        const parsed = testCaseSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
        if (parsed.success) return { file, testCase: parsed.data };
        return { file, testCase: new Error(parsed.error.issues.map((i) => `field "${i.path.join(".")}": ${i.message}`).join("; ")) };
      } catch (err) {
        return { file, testCase: new Error(`is not valid JSON: ${(err as Error).message}`) };
      }
    });
}
