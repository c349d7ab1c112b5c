/**
 * Test events of CloudFront Functions: functions/cf2/<name>/tests/*.json in this project's short form, the CloudFront
 * console's / `aws cloudfront test-function`'s event format, or that event wrapped with a description and the
 * expected result; and the event CloudFront passes the handler
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";

export const EVENT_TYPES = ["viewer-request", "viewer-response"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const valueMap = z.record(z.string(), z.object({ value: z.string(), multiValue: z.array(z.object({ value: z.string() }).strict()).optional() }).strict());
const cookieMap = z.record(
  z.string(),
  z
    .object({
      value: z.string(),
      attributes: z.string().optional(),
      multiValue: z.array(z.object({ value: z.string(), attributes: z.string().optional() }).strict()).optional(),
    })
    .strict(),
);
const requestShape = z
  .object({
    method: z.string().optional(),
    uri: z.string().optional(),
    querystring: valueMap.optional(),
    headers: valueMap.optional(),
    cookies: cookieMap.optional(),
  })
  .strict();
const responseShape = z
  .object({ statusCode: z.number().int(), statusDescription: z.string().optional(), headers: valueMap.optional(), cookies: cookieMap.optional() })
  .strict();

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
    context: z
      .object({
        eventType: z.enum(EVENT_TYPES),
        distributionDomainName: z.string().optional(),
        distributionId: z.string().optional(),
        requestId: z.string().optional(),
        endpoint: z.string().optional(),
      })
      .strict(),
    viewer: z.object({ ip: z.string() }).strict(),
    request: requestShape,
    response: responseShape.optional(),
  })
  .strict();
export type TestFunctionEvent = z.output<typeof testFunctionEventSchema>;

/** A console / test-function event wrapped with a description and the expected result. */
const wrappedSchema = z.object({ description: z.string().min(1), event: z.unknown(), ...surroundings, expected: z.unknown().optional() }).strict();

/** Keys of the event format, for "did you mean" hints on a wrongly cased key such as `multivalue`. */
const KNOWN_KEYS = [
  "version",
  "context",
  "viewer",
  "request",
  "response",
  "eventType",
  "distributionDomainName",
  "distributionId",
  "requestId",
  "endpoint",
  "ip",
  "method",
  "uri",
  "querystring",
  "headers",
  "cookies",
  "value",
  "multiValue",
  "attributes",
  "statusCode",
  "statusDescription",
];

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
    testCase: {
      description,
      eventType: e.context.eventType,
      request: e.request,
      ...(e.response ? { response: e.response } : {}),
      viewerIp: e.viewer.ip,
      expected: undefined,
      hasExpected: false,
    },
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
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "EDFDVBD6EXAMPLE",
      eventType: t.eventType,
      requestId: "local-test-request-id",
    },
    viewer: { ip: t.viewerIp ?? "198.51.100.11" },
    request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {}, ...(t.request ?? {}) },
  };
  if (t.eventType === "viewer-response") event.response = { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {}, ...(t.response ?? {}) };
  return event;
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
