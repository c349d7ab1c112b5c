import dev from "../environments/dev";
import type { Cf2Function } from "./functions/cf2/load";
import type { FunctionManifest } from "./functions/cf2/manifest";
import { validateEnvironments } from "./load";
import { resolveEnvironment } from "./resolve";

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const env = (patch: (e: any) => void = () => {}) => {
  const input = clone(dev) as any;
  patch(input);
  return validateEnvironments([{ file: "environments/dev.ts", input }])[0];
};

/** A function on the default behavior of `site` (a site of the example environment, whichever product owns it). */
const manifest = (over: Partial<FunctionManifest>, site: { name: string; sid: string }): Cf2Function => ({
  file: "functions/cf2/x/manifest.json",
  code: "function handler(e) { return e.request; }",
  manifest: {
    ticket: "EDGE-1",
    name: "x",
    sid: site.sid,
    environments: ["dev"],
    associations: [{ site: site.name, behavior: "default", eventType: "viewer-request" }],
    runtime: "cloudfront-js-2.0",
    owner: "app",
    ...over,
  },
});

test("a function's log retention: the manifest's, else the environment's (applied here, once)", () => {
  const e = env();
  const site = e.sites[0];
  const [inherited] = resolveEnvironment(e, [manifest({}, site)]).functions;
  expect(inherited.logRetentionDays).toBe(e.logRetentionDays);
  const own = e.logRetentionDays === 7 ? 14 : 7;
  expect(resolveEnvironment(e, [manifest({ retentionDays: own }, site)]).functions[0].logRetentionDays).toBe(own);
  expect(inherited.functionName).toBe(`dev-${site.sid}-x`);
  expect(inherited.comment).toBe("EDGE-1 x (code owned by the application team)");
});

test("functions of other environments are left out; associations land on their site by function name", () => {
  const e = env();
  const site = e.sites[0];
  const resolved = resolveEnvironment(e, [manifest({}, site), { ...manifest({ name: "y", environments: ["stg"] }, site) }]);
  expect(resolved.functions.map((f) => f.name)).toEqual(["x"]);
  expect(resolved.sites.find((s) => s.name === site.name)!.functionAssociations).toEqual([{ function: "x", behavior: "default", eventType: "viewer-request" }]);
});

test("bucket names, invalidation names and references are computed from the configuration", () => {
  const e = env((input) => {
    input.sites[0].bucketName = undefined;
    input.sites[0].invalidation = { alsoInvalidate: input.sites.slice(1, 2).map((s: { name: string }) => s.name) };
  });
  const s = resolveEnvironment(e).sites[0];
  const site = e.sites[0];
  expect(s.baseName).toBe(`dev-${site.sid}-${site.name}`);
  expect(s.bucketName).toBe(`dev-${site.sid}-${site.name}-${e.accountId}`);
  expect(s.invalidation).toMatchObject({
    functionName: `dev-${site.sid}-${site.name}-invalidator`,
    indexDocument: site.distribution.defaultRootObject,
    logRetentionDays: e.logRetentionDays,
    alsoInvalidate: e.sites.slice(1, 2).map((x) => x.name),
    paths: "wildcard",
    batchingWindowSeconds: 30,
  });
});

test("the local backend's path defaults to terraform.<env>.tfstate; tags include the project's own", () => {
  const e = env((input) => (input.backend = { type: "local" }));
  const r = resolveEnvironment(e);
  expect(r.backend).toEqual({ type: "local", path: "terraform.dev.tfstate" });
  expect(r.defaultTags).toMatchObject({ environment: "dev", "managed-by": "cdktf", repository: e.repository });
});
