/** Function manifests (functions/cf2/<name>/manifest.json): validation against the environments, and the stacks they produce. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, loadEnvironments } from "../config/load";
import { functionsDir as repoFunctionsDir, loadFunctions, readManifestSources, validateFunctions } from "../config/functions/cf2/load";
import { functionName } from "../model/names";
import { resourcesOfType, synthesizeExamples, type StackJson } from "./support/synth";

// Frozen fixture environments: the messages below name their environments, sites and behaviors.
const envs = loadEnvironments(path.join(__dirname, "fixtures", "environments"));
const PASS = "function handler(event) {\n  return event.request;\n}\n";
const good = {
  ticket: "SHOP-1",
  name: "fn",
  sid: "shop",
  environments: ["dev", "stg"],
  associations: [{ site: "web", behavior: "/api/*", eventType: "viewer-request" }],
  runtime: "cloudfront-js-2.0",
  owner: "app",
};

/** Writes functions into a temporary functions directory: name -> manifest (object or raw text) and code. */
function functionsDir(fns: Record<string, { manifest: object | string | null; code?: string }>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-manifests-"));
  for (const [name, { manifest, code }] of Object.entries(fns)) {
    mkdirSync(path.join(dir, name));
    if (manifest !== null) writeFileSync(path.join(dir, name, "manifest.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
    writeFileSync(path.join(dir, name, "index.js"), code ?? PASS);
  }
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    validateFunctions(readManifestSources(dir), envs);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Temporary directories are shown by their full path; compare from the function directory on.
    return err.problems.map((p) => p.split(dir).join("<dir>"));
  }
}

const M = "<dir>/fn/manifest.json";
const KVS = `arn:aws:cloudfront::${envs.find((e) => e.name === "dev")!.accountId}:key-value-store`;
const STG_ACCOUNT = envs.find((e) => e.name === "stg")!.accountId;
const cases: [string, object, string][] = [
  ["unknown environment", { environments: ["dev", "qa"] }, `${M}: entry environments[1]: "qa" is not an environment; known: dev, prod, stg`],
  ["sid that is no product", { sid: "blog" }, `${M}: field "sid": "blog" is not a product of environments dev, stg; products: shop, media`],
  [
    "site the environment lacks",
    { associations: [{ site: "www", behavior: "default", eventType: "viewer-request" }] },
    `${M}: entry associations[0], field "site": "www" is not a site of environments dev, stg; sites: web, lp`,
  ],
  [
    "site of another product",
    { associations: [{ site: "lp", behavior: "default", eventType: "viewer-request" }] },
    `${M}: entry associations[0], field "site": site "lp" of environments dev, stg belongs to product "media", not "shop"; a function attaches only to its own product's sites`,
  ],
  [
    "behavior the site lacks",
    { associations: [{ site: "web", behavior: "/img/*", eventType: "viewer-request" }] },
    `${M}: entry associations[0], field "behavior": site "web" of environments dev, stg has no cache behavior "/img/*"; its behaviors: default, /api/*, /assets/*`,
  ],
  [
    "origin event type",
    { associations: [{ site: "web", behavior: "default", eventType: "origin-request" }] },
    `${M}: entry associations[0], field "eventType": the text "origin-request" is not allowed; one of "viewer-request", "viewer-response"`,
  ],
  [
    "same event twice",
    {
      associations: [
        { site: "web", behavior: "default", eventType: "viewer-request" },
        { site: "web", behavior: "default", eventType: "viewer-request" },
      ],
    },
    `${M}: entry associations[1]: viewer-request of behavior "default" of site "web" is listed twice`,
  ],
  ["no association", { associations: [] }, `${M}: field "associations": attach the function to at least one cache behavior`],
  [
    "unknown runtime",
    { runtime: "cloudfront-js-3.0" },
    `${M}: field "runtime": the text "cloudfront-js-3.0" is not allowed; one of "cloudfront-js-1.0", "cloudfront-js-2.0"`,
  ],
  ["owner missing", { owner: undefined }, `${M}: field "owner": is required: one of "app", "infra"`],
  ["ticket that is no Jira key", { ticket: "shop 1" }, `${M}: field "ticket": must be a Jira issue key like "EDGE-123"`],
  ["name other than the directory", { name: "other" }, `${M}: field "name": is "other" but must equal its directory name "fn"`],
  ["retention CloudWatch does not offer", { retentionDays: 10 }, `${M}: field "retentionDays": must be a CloudWatch Logs retention value: one of 1, 3, 5`],
  [
    "comment too long with the ticket key",
    { comment: "x".repeat(125) },
    `${M}: field "comment": with the ticket key the function comment is 132 characters; CloudFront allows at most 128`,
  ],
  ["unknown field", { retention: 7 }, `${M}: unknown field "retention": did you mean "retentionDays"?`],
  [
    "key value store on runtime 1.0",
    { runtime: "cloudfront-js-1.0", keyValueStore: { name: "flags" } },
    `${M}: field "keyValueStore": key value stores need runtime cloudfront-js-2.0 (this function uses cloudfront-js-1.0)`,
  ],
  [
    "store name AWS would refuse",
    { keyValueStore: { name: "Flags!" } },
    `${M}: field "keyValueStore.name": must be lowercase letters, digits, '-' or '_', starting with a letter`,
  ],
  [
    "store ARN missing for an environment",
    { keyValueStore: { arn: { dev: `${KVS}/3f2a-1` } } },
    `${M}: field "keyValueStore.arn": no ARN for environment stg; give one per environment listed`,
  ],
  [
    "store ARN of another account",
    { keyValueStore: { arn: { dev: `${KVS}/3f2a-1`, stg: "arn:aws:cloudfront::999999999999:key-value-store/3f2a-2" } } },
    `${M}: field "keyValueStore.arn.stg": the store is in account 999999999999, but stg deploys to ${STG_ACCOUNT}; a function can only use stores of its own account`,
  ],
  [
    "store ARN for an environment the function is not in",
    { keyValueStore: { arn: { dev: `${KVS}/3f2a-1`, stg: `arn:aws:cloudfront::${STG_ACCOUNT}:key-value-store/3f2a-2`, prod: `${KVS}/3f2a-3` } } },
    `${M}: field "keyValueStore.arn.prod": prod is not one of the function's environments (dev, stg)`,
  ],
  [
    "not a store ARN",
    { keyValueStore: { arn: { dev: "arn:aws:s3:::flags", stg: `arn:aws:cloudfront::${STG_ACCOUNT}:key-value-store/x` } } },
    `${M}: field "keyValueStore.arn.dev": must be a key value store ARN: arn:aws:cloudfront::<account>:key-value-store/<id>`,
  ],
];

describe("a bad manifest gets the file, field and what is allowed", () => {
  test.each(cases)("%s", (_name, change, message) => {
    const manifest = { ...good, ...change };
    expect(problemsOf(functionsDir({ fn: { manifest } }))).toEqual([expect.stringContaining(message)]);
  });

  test("a name that makes the function name longer than 64 characters in one environment", () => {
    const name = "a".repeat(56); // dev-shop- + 56 = 65
    expect(problemsOf(functionsDir({ [name]: { manifest: { ...good, name } } }))).toEqual([
      `<dir>/${name}/manifest.json: field "name": the function name "dev-shop-${name}" is 65 characters; AWS allows at most 64: shorten the name`,
      `<dir>/${name}/manifest.json: field "name": the function name "stg-shop-${name}" is 65 characters; AWS allows at most 64: shorten the name`,
    ]);
  });

  test("a directory without manifest, and a manifest that is not JSON", () => {
    expect(problemsOf(functionsDir({ a: { manifest: null }, b: { manifest: "{ ticket: " } }))).toEqual([
      "<dir>/a/manifest.json: is missing (every directory under functions/cf2 is one function)",
      expect.stringMatching(/^<dir>\/b\/manifest\.json: is not valid JSON: /),
    ]);
  });

  test("code the runtime cannot run is reported with the manifest's problems", () => {
    expect(
      problemsOf(
        functionsDir({
          fn: { manifest: { ...good, runtime: "cloudfront-js-1.0" }, code: "const x = 1;\nfunction handler(event) {\n  return event.request;\n}\n" },
        }),
      ),
    ).toEqual(['<dir>/fn/index.js: line 1: "const": only cloudfront-js-2.0 supports it (this function uses cloudfront-js-1.0)']);
  });
});

test("code that calls cf.kvs() without a declared store is an error at synth; with one it passes", () => {
  const code =
    "import cf from 'cloudfront';\nconst kvs = cf.kvs();\nasync function handler(event) {\n  return (await kvs.exists(event.request.uri)) ? { statusCode: 404 } : event.request;\n}\n";
  expect(problemsOf(functionsDir({ fn: { manifest: good, code } }))).toEqual([
    `<dir>/fn/index.js: line 2: cf.kvs() reads a key value store, but ${M} declares none: add "keyValueStore": { "name": "<store>" } (created in each environment) or { "arn": { "<env>": "<store ARN>" } }`,
  ]);
  expect(problemsOf(functionsDir({ fn: { manifest: { ...good, keyValueStore: { name: "blocked-paths" } }, code } }))).toEqual([]);
});

test("two manifests on the same event of one behavior: the second names the first", () => {
  const dir = functionsDir({ aa: { manifest: { ...good, name: "aa" } }, bb: { manifest: { ...good, name: "bb", environments: ["stg", "prod"] } } });
  expect(problemsOf(dir)).toEqual([
    '<dir>/bb/manifest.json: entry associations[0], field "eventType": viewer-request of behavior "/api/*" of site "web" in stg is already taken by <dir>/aa/manifest.json; CloudFront allows one function per event type per behavior',
  ]);
});

test("every problem of every manifest is reported at once", () => {
  const dir = functionsDir({
    aa: { manifest: { ...good, name: "aa", ticket: "x" } },
    bb: { manifest: { ...good, name: "bb", environments: ["qa"] }, code: "function main() {}\n" },
  });
  expect(problemsOf(dir)).toEqual([
    expect.stringMatching(/^<dir>\/aa\/manifest\.json: field "ticket"/),
    expect.stringMatching(/^<dir>\/bb\/manifest\.json: entry environments\[0\]: "qa" is not an environment/),
    expect.stringMatching(/^<dir>\/bb\/index\.js: no top-level "function handler\(event\)"/),
  ]);
});

test("a bad manifest stops the synth before anything is written", () => {
  const dir = functionsDir({ fn: { manifest: { ...good, environments: ["qa"] } } });
  const outdir = path.join(dir, "out");
  const r = spawnSync(process.execPath, [path.join(__dirname, "..", "scripts", "app.mjs")], {
    env: { ...process.env, EDGE_FUNCTIONS_DIR: dir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  // The synth reads the repository's environments: the list of known ones comes from there.
  const known = loadEnvironments(path.join(__dirname, "..", "environments"))
    .map((e) => e.name)
    .sort()
    .join(", ");
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(
    `Invalid configuration (1 problem); nothing was synthesized:\n  - ${dir}/fn/manifest.json: entry environments[0]: "qa" is not an environment; known: ${known}`,
  );
  expect(existsSync(outdir)).toBe(false);
});

describe("each example environment creates exactly the functions whose manifests list it (whatever functions there are)", () => {
  const stacks = synthesizeExamples();
  const repoEnvs = loadEnvironments(path.join(__dirname, "..", "environments"));
  const functions = loadFunctions(repoEnvs, repoFunctionsDir());

  test.each(repoEnvs.map((e) => [e.name, e] as const))("%s: functions, their us-east-1 log groups with retention, and associations", (_name, env) => {
    const stack = stacks[env.name];
    const mine = functions.filter((f) => f.manifest.environments.includes(env.name)).map((f) => f.manifest);
    const fns = Object.values(resourcesOfType(stack, "aws_cloudfront_function"));
    expect(fns.map((f) => f.name).sort()).toEqual(mine.map((m) => functionName(env.name, m.sid, m.name)).sort());
    const groups = Object.values(resourcesOfType(stack, "aws_cloudwatch_log_group"));
    for (const m of mine)
      expect(groups).toContainEqual(
        expect.objectContaining({
          name: `/aws/cloudfront/function/${functionName(env.name, m.sid, m.name)}`,
          provider: "aws.us_east_1",
          retention_in_days: m.retentionDays ?? env.logRetentionDays,
          tags: expect.objectContaining({ sid: m.sid, ticket: m.ticket }),
        }),
      );
    // Every association of every manifest is on its site's distribution, on its behavior and event, and nothing else.
    const distributions = resourcesOfType(stack, "aws_cloudfront_distribution");
    for (const site of env.sites) {
      // StaticSite's distribution of site <name> (construct path site-<name>/distribution).
      const dist = Object.entries(distributions).find(([id]) => id.startsWith(`site-${site.name}_distribution_`))?.[1];
      expect([site.name, dist !== undefined]).toEqual([site.name, true]);
      const actual = [
        ...(dist!.default_cache_behavior.function_association ?? []).map(
          (a: StackJson) => `default ${a.event_type} ${/cf2-([\w-]+?)_function_/.exec(a.function_arn)?.[1]}`,
        ),
        ...(dist!.ordered_cache_behavior ?? []).flatMap((b: StackJson) =>
          (b.function_association ?? []).map((a: StackJson) => `${b.path_pattern} ${a.event_type} ${/cf2-([\w-]+?)_function_/.exec(a.function_arn)?.[1]}`),
        ),
      ].sort();
      const expected = mine.flatMap((m) => m.associations.filter((a) => a.site === site.name).map((a) => `${a.behavior} ${a.eventType} ${m.name}`)).sort();
      expect([site.name, actual]).toEqual([site.name, expected]);
    }
  });
});

test("the synth prints the checker's warnings and still synthesizes", () => {
  // The synth reads the repository's environments: attach to the first site there is.
  const env = loadEnvironments(path.join(__dirname, "..", "environments")).find((e) => e.sites.length > 0)!;
  const site = env.sites[0];
  const manifest = { ...good, sid: site.sid, environments: [env.name], associations: [{ site: site.name, behavior: "default", eventType: "viewer-request" }] };
  const dir = functionsDir({ fn: { manifest, code: "function handler(event) {\n  console.log('uri', event.request.uri);\n  return event.request;\n}\n" } });
  const outdir = path.join(dir, "out");
  const r = spawnSync(process.execPath, [path.join(__dirname, "..", "scripts", "app.mjs")], {
    env: { ...process.env, EDGE_FUNCTIONS_DIR: dir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  expect(r.stderr).toContain(
    `warning: ${dir}/fn/index.js: line 2: console.log with 2 arguments: CloudFront Functions support one argument; build one string\n`,
  );
  expect(r.status).toBe(0);
  expect(existsSync(path.join(outdir, "stacks", env.name, "cdk.tf.json"))).toBe(true);
});
