/**
 * Container-function manifests (functions/lambda/<name>/manifest.json): validation against the environments, with
 * one precise message per problem. The environments and manifests are built here (temporary directories), so the
 * repository's own examples can change freely.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, validateEnvironments } from "../config/load";
import { readContainerFunctionManifestSources, validateContainerFunctions } from "../config/functions/lambda/load";
import { CONTAINER_FUNCTION_DEFAULTS, CONTAINER_FUNCTION_LIMITS } from "../model/container-function";

const base = {
  accountId: "123456789012",
  region: "ap-northeast-1",
  repository: "example-org/edge-delivery",
  logRetentionDays: 14,
  backend: { type: "local" },
  products: [
    { sid: "shop", description: "shop" },
    { sid: "media", description: "media" },
  ],
};
const envs = validateEnvironments([
  {
    file: "environments/dev.ts",
    input: {
      ...base,
      name: "dev",
      sites: [
        { name: "web", sid: "shop", distribution: { behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled" }, { pathPattern: "/img/*" }] } },
        { name: "lp", sid: "media", distribution: { behaviors: [{ pathPattern: "/img/*" }] } },
        { name: "shop", sid: "shop", distribution: {}, invalidation: {} },
      ],
    },
  },
  {
    file: "environments/stg.ts",
    input: {
      ...base,
      name: "stg",
      accountId: "234567890123",
      sites: [
        {
          name: "web",
          sid: "shop",
          distribution: { behaviors: [{ pathPattern: "/api/*" }, { pathPattern: "/img/*" }] },
          continuousDeployment: { traffic: { type: "header", header: "aws-cf-cd-release", value: "candidate" } },
        },
      ],
    },
  },
]);

const good = { ticket: "SHOP-1300", name: "fn", sid: "shop", environments: ["dev"], owner: "app" };

/** Writes manifests into a temporary functions/lambda directory: directory name -> manifest (object, raw text, or none). */
function containerFunctionsDir(fns: Record<string, object | string | null>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lambda-manifests-"));
  for (const [name, manifest] of Object.entries(fns)) {
    mkdirSync(path.join(dir, name));
    if (manifest !== null) writeFileSync(path.join(dir, name, "manifest.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  }
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    validateContainerFunctions(readContainerFunctionManifestSources(dir), envs);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => p.split(dir).join("<dir>"));
  }
}

const M = "<dir>/fn/manifest.json";
const long = "a".repeat(64 - "dev-shop-".length + 1);
const cases: [string, object, string][] = [
  ["unknown environment", { environments: ["dev", "qa"] }, `${M}: entry environments[1]: "qa" is not an environment; known: dev, stg`],
  ["environment listed twice", { environments: ["dev", "dev"] }, `${M}: entry environments[1]: "dev" is listed twice`],
  ["no environment", { environments: [] }, `${M}: field "environments": list at least one environment`],
  ["sid that is no product", { sid: "blog" }, `${M}: field "sid": "blog" is not a product of environment dev; products: shop, media`],
  [
    "name too long for the 64-character function name",
    { name: long },
    `${M}: field "name": the function name "dev-shop-${long}" is 65 characters; Lambda allows at most 64: shorten the name by 1`,
  ],
  [
    "name ECR would refuse",
    { name: "Thumb--nailer" },
    `${M}: field "name": must be lowercase letters and digits in words joined by single hyphens, starting with a letter`,
  ],
  [
    "name of a site's invalidator",
    { name: "shop-invalidator" },
    `${M}: field "name": "shop-shop-invalidator" is in the name space of site "shop" (its origin access control, invalidator and release resources are named after it) in environment dev; choose another name`,
  ],
  [
    "name of a site (its origin access control)",
    { name: "web" },
    `${M}: field "name": "shop-web" is in the name space of site "web" (its origin access control, invalidator and release resources are named after it) in environment dev; choose another name`,
  ],
  [
    "name of the product's role",
    { name: "cf2-cicd" },
    `${M}: field "name": "shop-cf2-cicd" is the name of the product's application-team role in environment dev; choose another name`,
  ],
  ["memory below Lambda's minimum", { memory: 64 }, `${M}: field "memory": memory must be 128-10240 MB`],
  ["memory above Lambda's maximum", { memory: 20000 }, `${M}: field "memory": memory must be 128-10240 MB`],
  ["timeout above 900 s", { timeout: 901 }, `${M}: field "timeout": timeout must be 1-900 seconds`],
  ["timeout that is not a whole number", { timeout: 2.5 }, `${M}: field "timeout": must be a whole number of seconds`],
  [
    "timeout over CloudFront's origin limit",
    { timeout: 120, origin: { site: "web", pathPattern: "/img/*" } },
    `${M}: field "timeout": is 120 seconds, but CloudFront waits at most 60 seconds for an origin: at most 60 with an origin`,
  ],
  ["unknown architecture", { architecture: "amd64" }, `${M}: field "architecture": must be "arm64" or "x86_64"`],
  ["owner missing", { owner: undefined }, `${M}: field "owner": must be "app" or "infra"`],
  ["ticket that is no Jira key", { ticket: "shop 1300" }, `${M}: field "ticket": must be a Jira issue key like "SHOP-1300"`],
  ["keeping a single image", { imagesToKeep: 1 }, `${M}: field "imagesToKeep": imagesToKeep must be 2-1000 images`],
  ["zero reserved concurrency", { reservedConcurrency: 0 }, `${M}: field "reservedConcurrency": reservedConcurrency must be 1-1000 executions`],
  ["retention CloudWatch does not offer", { retentionDays: 10 }, `${M}: field "retentionDays": must be a CloudWatch Logs retention value: one of 1, 3, 5`],
  [
    "reserved environment variable",
    { environmentVariables: { AWS_REGION: "us-east-1" } },
    `${M}: field "environmentVariables.AWS_REGION": "AWS_REGION" is reserved by the Lambda runtime`,
  ],
  [
    "environment variable name",
    { environmentVariables: { "max-width": "1" } },
    `${M}: field "environmentVariables.max-width": names start with a letter and hold only letters, digits and _`,
  ],
  [
    "environment variables over 4 KB",
    { environmentVariables: { BIG: "x".repeat(4100) } },
    `${M}: field "environmentVariables": are 4110 bytes together; Lambda allows 4096`,
  ],
  [
    "unknown site",
    { origin: { site: "www", pathPattern: "/img/*" } },
    `${M}: field "origin.site": "www" is not a site of environment dev; sites: web, lp, shop`,
  ],
  [
    "site of another product",
    { origin: { site: "lp", pathPattern: "/img/*" } },
    `${M}: field "origin.site": site "lp" of environment dev belongs to product "media", not "shop"; a function serves only its own product's sites`,
  ],
  [
    "origin on a site without the behavior slot",
    { origin: { site: "web", pathPattern: "/thumbs/*" } },
    `${M}: field "origin.pathPattern": site "web" of environment dev has no cache behavior "/thumbs/*" to route to the function; declare it in the site's distribution.behaviors (its place and cache policy are the environment's); declared: /api/*, /img/*`,
  ],
  [
    "origin on the default behavior",
    { origin: { site: "web", pathPattern: "*" } },
    `${M}: field "origin.pathPattern": site "web" of environment dev has no cache behavior "*" to route to the function; declare it in the site's distribution.behaviors (its place and cache policy are the environment's); declared: /api/*, /img/*`,
  ],
  [
    "origin on a site with continuous deployment",
    { environments: ["stg"], origin: { site: "web", pathPattern: "/img/*" } },
    `${M}: field "origin.site": site "web" of environment stg uses continuous deployment, whose release flow owns both distributions' origins (Configure rewrites the first origin, promotion copies staging onto the primary); serve the function from a site without continuousDeployment`,
  ],
  ["origin without a path pattern", { origin: { site: "web" } }, `${M}: field "origin.pathPattern": is required (a quoted string)`],
  [
    "unknown field",
    { imageUri: "latest" },
    `${M}: unknown field "imageUri"; allowed here: ticket, name, sid, environments, owner, memory, timeout, architecture`,
  ],
  ["misspelt field", { memroy: 512 }, `${M}: unknown field "memroy": did you mean "memory"?`],
];

describe("a bad manifest is refused with a precise message", () => {
  test.each(cases)("%s", (_label, change, expected) => {
    // A manifest's directory is named after it, as `npm run ticket` and people write them.
    const name = (change as { name?: string }).name ?? "fn";
    const problems = problemsOf(containerFunctionsDir({ [name]: { ...good, ...change } })).map((p) => p.replace(`<dir>/${name}/`, "<dir>/fn/"));
    expect(problems).toHaveLength(1);
    expect(problems[0].slice(0, expected.length)).toBe(expected);
  });

  test(`there are at least 15 of them (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(15));
});

test("an environment not in the manifest's list gets no function; a problem in several environments is named once", () => {
  const problems = problemsOf(containerFunctionsDir({ fn: { ...good, sid: "blog", environments: ["dev", "stg"] } }));
  expect(problems).toEqual([`${M}: field "sid": "blog" is not a product of environments dev, stg; products: shop, media`]);
});

test("every problem of every manifest is listed at once", () => {
  const problems = problemsOf(
    containerFunctionsDir({
      fn: { ...good, memory: 1, environments: ["qa"] },
      other: { ...good, name: "other", owner: "nobody" },
      broken: "{ not json",
      empty: null,
      renamed: { ...good, name: "something-else" },
    }),
  );
  expect(problems).toEqual([
    expect.stringMatching(/^<dir>\/broken\/manifest\.json: is not valid JSON: /),
    "<dir>/empty/manifest.json: is missing (every directory under functions/lambda is one function)",
    `${M}: field "memory": memory must be 128-10240 MB`,
    `${M}: entry environments[0]: "qa" is not an environment; known: dev, stg`,
    `<dir>/other/manifest.json: field "owner": must be "app" or "infra"`,
    `<dir>/renamed/manifest.json: field "name": is "something-else" but must equal its directory name "renamed"`,
  ]);
});

test("two functions on one behavior: the second is told about the first", () => {
  const origin = { site: "web", pathPattern: "/img/*" };
  const problems = problemsOf(containerFunctionsDir({ a: { ...good, name: "a", origin }, b: { ...good, name: "b", origin } }));
  expect(problems).toEqual([
    `<dir>/b/manifest.json: field "origin.pathPattern": behavior "/img/*" of site "web" in dev already routes to the function of <dir>/a/manifest.json; a behavior has one origin`,
  ]);
});

test("a minimal manifest gets the documented defaults", () => {
  const [spec] = validateContainerFunctions(readContainerFunctionManifestSources(containerFunctionsDir({ fn: good })), envs);
  expect(spec.manifest).toEqual({
    ...good,
    owner: "app",
    memory: CONTAINER_FUNCTION_DEFAULTS.memoryMb,
    timeout: CONTAINER_FUNCTION_DEFAULTS.timeoutSeconds,
    architecture: "arm64",
    imagesToKeep: CONTAINER_FUNCTION_DEFAULTS.imagesToKeep,
    environmentVariables: {},
  });
  // The limits the messages quote are the model's.
  expect(CONTAINER_FUNCTION_LIMITS.memoryMb).toEqual({ min: 128, max: 10240 });
});

test("npm run synth lists a bad container manifest with the CloudFront Function problems, exits 1 and writes nothing", () => {
  const root = path.join(__dirname, "..");
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), "lambda-synth-")), "out");
  const envDir = mkdtempSync(path.join(os.tmpdir(), "lambda-envs-"));
  writeFileSync(path.join(envDir, "dev.json"), JSON.stringify({ ...base, name: "dev", sites: [{ name: "web", sid: "shop", distribution: {} }] }));
  const cf2 = mkdtempSync(path.join(os.tmpdir(), "lambda-cf2-"));
  mkdirSync(path.join(cf2, "bad"));
  writeFileSync(
    path.join(cf2, "bad", "manifest.json"),
    JSON.stringify({
      ticket: "SHOP-1",
      name: "bad",
      sid: "shop",
      environments: ["qa"],
      associations: [{ site: "web", behavior: "default", eventType: "viewer-request" }],
      owner: "app",
    }),
  );
  writeFileSync(path.join(cf2, "bad", "index.js"), "function handler(event) { return event.request; }\n");
  const lambdas = containerFunctionsDir({ fn: { ...good, memory: 64 } });
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "app.mjs")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, EDGE_ENVIRONMENTS_DIR: envDir, EDGE_FUNCTIONS_DIR: cf2, EDGE_LAMBDA_DIR: lambdas, CDKTF_OUTDIR: out },
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("Invalid configuration (2 problems); nothing was synthesized:");
  expect(r.stderr).toContain(`${lambdas}/fn/manifest.json: field "memory": memory must be 128-10240 MB`);
  expect(r.stderr).toContain(`${cf2}/bad/manifest.json: entry environments[0]: "qa" is not an environment`);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(existsSync(out)).toBe(false);
});
