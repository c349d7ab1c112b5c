/**
 * Whatever people put in environments/ and functions/lambda/, they get every problem in one run, one line each,
 * naming the file (and line), in their words, and nothing is synthesized: never a JavaScript stack trace, never a
 * second round after fixing the first. The environments are written here, so the repository's examples can change.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, loadEnvironments, validateEnvironments } from "../config/load";
import { readContainerFunctionManifestSources, validateContainerFunctions } from "../config/functions/lambda/load";
import { pathPatternProblem } from "../model/limits";

const ROOT = path.join(__dirname, "..");
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** A small valid environment: one product, one adopted site with its own bucket name. */
const env = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  accountId: "123456789012",
  region: "ap-northeast-1",
  repository: "example-org/edge-delivery",
  logRetentionDays: 14,
  backend: { type: "local" },
  products: [{ sid: "shop", description: "Shop" }],
  sites: [{ name: "web", sid: "shop", bucketName: "example-shop-web-assets", distribution: { id: "E1ABCDEFGH1234", adopt: true } }],
  ...over,
});

function envDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-envs-"));
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
  return dir;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

const problemsAfter = (input: object) => problemsOf(() => validateEnvironments([{ file: "environments/qa.ts", input }]));

/** `npm run synth` on an environment directory, into a fresh output directory. */
function synth(dir: string) {
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), "edge-out-")), "out");
  const empty = () => mkdtempSync(path.join(os.tmpdir(), "edge-no-functions-"));
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "app.mjs")], {
    encoding: "utf8",
    env: { ...process.env, EDGE_ENVIRONMENTS_DIR: dir, EDGE_FUNCTIONS_DIR: empty(), EDGE_LAMBDA_DIR: empty(), CDKTF_OUTDIR: outdir },
  });
  return { ...r, wrote: existsSync(outdir) };
}

test("files that hold no environment: one line each naming the file (and line), all at once, nothing synthesized", () => {
  const dir = envDir({
    "qa.ts": `export const settings = ${JSON.stringify(env("qa"))};\n`,
    "uat.ts": "",
    "sbx.json": "null",
    "perf.ts": `export default {\n  name: "perf",\n  oops: ) \n};\n`,
    "demo.json": '{\n  "name": "demo",\n  oops\n}\n',
    "my-env.ts": `export default ${JSON.stringify(env("myenv"))};\n`,
    "stg.json": JSON.stringify(env("stg", { sites: [] })),
  });
  const r = synth(dir);
  expect(r.status).toBe(1);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.wrote).toBe(false);
  expect(r.stderr.trim().split("\n")).toEqual([
    "Invalid configuration (6 problems); nothing was synthesized:",
    // The rest of the line is Node's own JSON.parse message, which differs between Node versions.
    expect.stringMatching(new RegExp(`^  - ${dir}/demo\\.json: is not valid JSON: line 3: \\S`)),
    `  - ${dir}/my-env.ts: is not an environment file name: use <name>.ts or <name>.json with 2-10 lowercase letters or digits, starting with a letter`,
    `  - ${dir}/perf.ts: has a syntax error: line 3: Unexpected ")"`,
    `  - ${dir}/qa.ts: has no default export: end it with export default defineEnvironment({ ... })`,
    `  - ${dir}/sbx.json: holds null, not an environment: write one JSON object { "name": ... }`,
    `  - ${dir}/uat.ts: is empty: end it with export default defineEnvironment({ ... })`,
  ]);
});

test("the loader the ticket tool and promote use reports the same files the same way", () => {
  const dir = envDir({
    "qa.ts": "export const x = 1;\n",
    "perf.ts": `export default {\n  name: "perf",\n  oops: ) \n};\n`,
    "sbx.json": "null",
    "stg.json": "[]",
  });
  expect(problemsOf(() => loadEnvironments(dir))).toEqual([
    expect.stringMatching(new RegExp(`^${dir}/perf\\.ts: has a syntax error: line 3: [^\\n]+$`)),
    `${dir}/qa.ts: has no default export: end it with export default defineEnvironment({ ... })`,
    `${dir}/sbx.json: holds null, not an environment: write one JSON object { "name": ... }`,
    `${dir}/stg.json: holds a list, not an environment: write one JSON object { "name": ... }`,
  ]);
});

test("a bad field does not hide the rules across fields: one run lists every problem", () => {
  const input = env("qa", {
    name: "uat",
    logRetension: 14,
    sites: [
      { name: "web", sid: "shop", distribution: { priceClass: "PriceClass_0" } },
      { name: "web", sid: "blog", distribution: { behaviors: [{ pathPattern: "api/*", cachePolicy: "CachingOff" }] } },
    ],
  });
  expect(problemsAfter(input)).toEqual([
    'environments/qa.ts: field "name": is "uat" but must equal the file name "qa" (the stack is named after it)',
    'environments/qa.ts: entry sites[0] "web", field "distribution.priceClass": the text "PriceClass_0" is not allowed; one of "PriceClass_All", "PriceClass_200", "PriceClass_100"',
    'environments/qa.ts: entry sites[1] "web", field "distribution.behaviors[0].pathPattern": must start with "/" (or "*"), such as /api/*',
    'environments/qa.ts: entry sites[1] "web", field "distribution.behaviors[0].cachePolicy": the text "CachingOff" is not allowed; one of "CachingOptimized", "CachingDisabled", "CachingOptimizedForUncompressedObjects"',
    'environments/qa.ts: unknown field "logRetension": did you mean "logRetentionDays"?',
    'environments/qa.ts: entry sites[1] "web", field "name": duplicate site name "web"',
    'environments/qa.ts: entry sites[1] "web", field "sid": "blog" is not a product of this environment; declared: shop',
  ]);
});

test("messages say what the field must be, not zod's types", () => {
  expect(problemsAfter(env("qa", { repository: 5, logRetentionDays: "14" }))).toEqual([
    'environments/qa.ts: field "repository": must be a quoted string, not the number 5',
    'environments/qa.ts: field "logRetentionDays": must be a number, not the text "14"',
  ]);
  const recorder = { repository: "example-org/edge-delivery", tokenParameter: "/edge/github-token", recordRetentionDays: "forever" };
  expect(problemsAfter(env("qa", { changeRecorder: recorder }))).toEqual([
    'environments/qa.ts: field "changeRecorder.recordRetentionDays": must be a number, not the text "forever"; or must be "never", not the text "forever"',
  ]);
  expect(problemsAfter(env("qa", { region: undefined }))[0]).toMatch(/^environments\/qa\.ts: field "region": is required: one of "us-east-1", /);
});

test("the ticket tool's path pattern rule is the schema's", () => {
  expect(pathPatternProblem("api/*")).toBe('must start with "/" (or "*"), such as /api/*');
  expect(pathPatternProblem("/api/*")).toBeUndefined();
  expect(pathPatternProblem("*.jpg")).toBeUndefined();
  expect(pathPatternProblem("/*")).toBe('"/*" is the default behavior; declare it as defaultBehavior');
});

test("a copied environment that claims the same adopted distribution and bucket names both files", () => {
  const dir = envDir({ "qa.json": JSON.stringify(env("qa")), "stg.json": JSON.stringify(env("stg")) });
  expect(problemsOf(() => loadEnvironments(dir))).toEqual([
    `${dir}/stg.json: entry sites[0] "web", field "bucketName": bucket "example-shop-web-assets" is also used by ${dir}/qa.json sites[0] "web"; S3 bucket names are global`,
    `${dir}/stg.json: entry sites[0] "web", field "distribution.id": distribution E1ABCDEFGH1234 is also claimed by ${dir}/qa.json sites[0] "web"; a distribution belongs to one environment (give this site its own, or remove the id to create one)`,
  ]);
  const r = synth(dir);
  expect(r.status).toBe(1);
  expect(r.wrote).toBe(false);
  expect(r.stderr).toContain(`distribution E1ABCDEFGH1234 is also claimed by ${dir}/qa.json sites[0] "web"`);
});

test("a bad container-function manifest gets its fields, environments and directory name checked in one run", () => {
  const envs = validateEnvironments([{ file: "environments/dev.ts", input: env("dev") }]);
  const dir = mkdtempSync(path.join(os.tmpdir(), "lambda-manifests-"));
  mkdirSync(path.join(dir, "thumbs"));
  const manifest = {
    ticket: "SHOP-1",
    name: "thumbnailer",
    sid: "blog",
    environments: ["dev", "qa"],
    owner: "app",
    memory: 64,
    origin: { site: "web", pathPattern: "/img/*" },
  };
  writeFileSync(path.join(dir, "thumbs", "manifest.json"), JSON.stringify(manifest));
  const file = `${dir}/thumbs/manifest.json`;
  expect(problemsOf(() => validateContainerFunctions(readContainerFunctionManifestSources(dir), envs))).toEqual([
    `${file}: field "name": is "thumbnailer" but must equal its directory name "thumbs"`,
    `${file}: field "memory": memory must be 128-10240 MB`,
    `${file}: entry environments[1]: "qa" is not an environment; known: dev`,
    `${file}: field "sid": "blog" is not a product of environment dev; products: shop`,
    `${file}: field "origin.pathPattern": site "web" of environment dev has no cache behavior "/img/*" to route to the function; declare it in the site's distribution.behaviors (its place and cache policy are the environment's); declared: (none)`,
  ]);
});

test("a broken environment does not hide the manifests' own problems: one synth lists both, nothing written", () => {
  const dir = envDir({ "dev.json": JSON.stringify(env("dev", { logRetension: 14 })) });
  const cf2 = mkdtempSync(path.join(os.tmpdir(), "edge-cf2-"));
  mkdirSync(path.join(cf2, "geo"));
  const cf2Manifest = {
    ticket: "SHOP-2",
    name: "geo-redirect",
    sid: "shop",
    environments: ["dev", "nosuch"],
    owner: "robot",
    associations: [{ site: "web", behavior: "default", eventType: "viewer-request" }],
  };
  writeFileSync(path.join(cf2, "geo", "manifest.json"), JSON.stringify(cf2Manifest));
  writeFileSync(path.join(cf2, "geo", "index.js"), "function handler(event) {\n  var f = async () => 1;\n  return event.request;\n}\n");
  const lambda = mkdtempSync(path.join(os.tmpdir(), "edge-lambda-"));
  mkdirSync(path.join(lambda, "thumbs"));
  writeFileSync(
    path.join(lambda, "thumbs", "manifest.json"),
    JSON.stringify({ ticket: "SHOP-1", name: "thumbnailer", sid: "shop", environments: ["dev"], owner: "app", memory: 64 }),
  );
  const synthAll = () => {
    const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), "edge-out-")), "out");
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "app.mjs")], {
      encoding: "utf8",
      env: { ...process.env, EDGE_ENVIRONMENTS_DIR: dir, EDGE_FUNCTIONS_DIR: cf2, EDGE_LAMBDA_DIR: lambda, CDKTF_OUTDIR: outdir },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(outdir)).toBe(false);
    return r.stderr.trim().split("\n");
  };
  const geoCode = `  - ${cf2}/geo/index.js: line 2: an async closure (async arrow function, function expression or nested function) is not supported by cloudfront-js-2.0 ("async arguments and closures are not supported"); only a top-level "async function" can be async`;
  expect(synthAll()).toEqual([
    "Invalid configuration (6 problems); nothing was synthesized:",
    `  - ${dir}/dev.json: unknown field "logRetension": did you mean "logRetentionDays"?`,
    `  - ${cf2}/geo/manifest.json: field "owner": the text "robot" is not allowed; one of "app", "infra"`,
    `  - ${cf2}/geo/manifest.json: field "name": is "geo-redirect" but must equal its directory name "geo"`,
    geoCode,
    `  - ${lambda}/thumbs/manifest.json: field "name": is "thumbnailer" but must equal its directory name "thumbs"`,
    `  - ${lambda}/thumbs/manifest.json: field "memory": memory must be 128-10240 MB`,
  ]);
  // Only what reads the environments waited: with the environment fixed, the unknown environment name is added.
  writeFileSync(path.join(dir, "dev.json"), JSON.stringify(env("dev")));
  expect(synthAll()).toEqual([
    "Invalid configuration (6 problems); nothing was synthesized:",
    `  - ${cf2}/geo/manifest.json: field "owner": the text "robot" is not allowed; one of "app", "infra"`,
    `  - ${cf2}/geo/manifest.json: entry environments[1]: "nosuch" is not an environment; known: dev`,
    `  - ${cf2}/geo/manifest.json: field "name": is "geo-redirect" but must equal its directory name "geo"`,
    geoCode,
    `  - ${lambda}/thumbs/manifest.json: field "name": is "thumbnailer" but must equal its directory name "thumbs"`,
    `  - ${lambda}/thumbs/manifest.json: field "memory": memory must be 128-10240 MB`,
  ]);
});

test("an environment file that imports what its directory lacks: the import named, not a syntax error (synth and loader alike)", () => {
  const dir = envDir({
    "qa.ts": `import { defineEnvironment } from "../config/environment";\nexport default defineEnvironment(${JSON.stringify(env("qa"))});\n`,
  });
  const problem = `${dir}/qa.ts: line 1: cannot import "../config/environment": no such file or package from the file's directory`;
  const r = synth(dir);
  expect([r.status, r.wrote, r.stderr.trim().split("\n")]).toEqual([
    1,
    false,
    ["Invalid configuration (1 problem); nothing was synthesized:", `  - ${problem}`],
  ]);
  expect(problemsOf(() => loadEnvironments(dir))).toEqual([
    expect.stringMatching(/cannot import "\.\.\/config\/environment": no such file or package from the file's directory$/),
  ]);
});
