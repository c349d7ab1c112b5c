#!/usr/bin/env node
/**
 * `npm run bench`: prints figures, asserts nothing. Each section measures whole processes the way users run them.
 *   synth    median wall time and peak memory of `npm run synth`'s process, for the example environments and for
 *            generated configurations of growing size (so growth with size is visible)
 *   functions the same with 100, 200 and 300 generated CloudFront Functions in 3 environments
 *   invalidator  the Lambda bundle's size, its cold module-initialisation time (fresh Node processes), and a simulated
 *            1,000-object deployment: CreateInvalidation calls and billed paths, a naive handler (first record only,
 *            one "/*" per index.html event, Date.now() as caller reference) against ours
 *   recorder the change recorder's bundle size, cold initialisation, and a burst of console edits (test/bench/change-recorder.ts)
 *   cdktf    our synth against plain cdktf making the same resources (scripts/bench-raw-cdktf.mjs), as a CPU-time
 *            ratio, for the example environments and for the largest generated function count
 *   review   `npm run review` of a one-environment change, cold and with the base state cached (scripts/bench-review.ts)
 *   test     (only with --only test; minutes) from empty caches: npm run validate, then a cold npm test (wall, CPU,
 *            slowest files; target 150 s)
 * Usage: npm run bench [-- --runs 7] [-- --only synth|functions|cdktf|invalidator|recorder|review|test] [-- --functions 100,200,300]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt);
const RUNS = Number(opt("runs", 7));
const ONLY = opt("only", undefined);
/** Function counts of the "functions" section; the largest is also the "cdktf" section's generated case. */
const FUNCTION_COUNTS = opt("functions", "100,200,300").split(",").map(Number);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a node script RUNS times; returns median wall ms, median CPU ms (user + system) and max peak RSS MB. */
export function measureNode(script, env = {}, runs = RUNS) {
  const times = [];
  const cpu = [];
  const rss = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bench-"));
  for (let i = 0; i < runs; i++) {
    const rssFile = path.join(tmp, "rss");
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["--require", path.join(root, "scripts", "bench-rss.cjs"), script], {
      cwd: root,
      env: { ...process.env, ...env, CDKTF_OUTDIR: path.join(tmp, "out"), BENCH_RSS_FILE: rssFile },
      encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
    times.push(ms);
    const usage = JSON.parse(readFileSync(rssFile, "utf8"));
    rss.push(usage.maxRssKiB / 1024);
    cpu.push(usage.cpuMs);
  }
  rmSync(tmp, { recursive: true, force: true });
  return { medianMs: median(times), minMs: Math.min(...times), cpuMs: median(cpu), peakMb: Math.max(...rss) };
}

/** Writes `envCount` environments with `sitesPerEnv` sites each, as JSON environment files. */
function generateEnvironments(dir, envCount, sitesPerEnv) {
  for (let e = 0; e < envCount; e++) {
    const name = `env${e}`;
    const sites = Array.from({ length: sitesPerEnv }, (_, s) => ({
      name: `site${s}`,
      sid: `prod${s % 5}`,
      distribution: { behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled" }, { pathPattern: "/assets/*" }] },
    }));
    const env = {
      name,
      accountId: String(100000000000 + e),
      region: "ap-northeast-1",
      repository: "example-org/edge-delivery",
      logRetentionDays: 30,
      backend: { type: "local" },
      products: Array.from({ length: 5 }, (_, p) => ({ sid: `prod${p}`, description: `product ${p}` })),
      sites,
    };
    writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(env));
  }
}

const row = (label, m) =>
  console.log(
    `  ${label.padEnd(44)} median ${m.medianMs.toFixed(0).padStart(5)} ms   min ${m.minMs.toFixed(0).padStart(5)} ms   cpu ${m.cpuMs.toFixed(0).padStart(5)} ms   peak ${m.peakMb.toFixed(0).padStart(4)} MB`,
  );

function benchSynth() {
  console.log(`synth: whole process (node scripts/app.mjs: transpile + validate + synth + write), ${RUNS} runs each`);
  const app = path.join(root, "scripts", "app.mjs");
  row("example environments (dev, stg, prod)", measureNode(app));
  for (const sites of [10, 50, 100]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bench-envs-"));
    generateEnvironments(dir, 3, sites);
    // No functions: the repository's manifests name dev/stg/prod, which the generated environments are not.
    const noFunctions = mkdtempSync(path.join(os.tmpdir(), "bench-fns-"));
    row(
      `generated: 3 environments x ${sites} sites`,
      measureNode(app, { EDGE_ENVIRONMENTS_DIR: dir, EDGE_FUNCTIONS_DIR: noFunctions, EDGE_LAMBDA_DIR: noFunctions }),
    );
    rmSync(noFunctions, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchInvalidator() {
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  const build = spawnSync(tsx, [path.join(root, "scripts", "build.ts")], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
  const file = path.join(root, "dist", "invalidator", "index.js");
  const zip = path.join(root, "dist", "invalidator.zip");
  console.log(
    `invalidator: bundle dist/invalidator/index.js ${(statSync(file).size / 1024).toFixed(0)} KiB (zip ${(statSync(zip).size / 1024).toFixed(0)} KiB; limit 1024 KiB)`,
  );
  // Module initialisation as Lambda pays it on a cold start: require() of the bundle (SDK client created at load).
  const probe = `const t = performance.now(); require(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const runs = Math.max(RUNS, 11);
  const times = Array.from({ length: runs }, () => {
    const r = spawnSync(process.execPath, ["-e", probe], { env: { PATH: process.env.PATH, NODE_NO_WARNINGS: "1", AWS_REGION: "us-east-1" }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout);
  });
  console.log(
    `  cold module initialisation, ${runs} fresh node processes: median ${median(times).toFixed(0)} ms   min ${Math.min(...times).toFixed(0)} ms   (limit 150 ms)`,
  );
  const sim = spawnSync(tsx, [path.join(root, "test", "bench", "invalidator-simulation.ts")], { cwd: root, encoding: "utf8" });
  if (sim.status !== 0) throw new Error(`simulation failed:\n${sim.stderr}`);
  process.stdout.write(sim.stdout);
}

/**
 * Writes `count` CloudFront Functions listing every environment, six per site (default, /api/*, /assets/* x viewer
 * request and response), each a realistic ~1 KB redirect function with a template literal.
 */
function generateFunctions(dir, envNames, count) {
  for (let i = 0; i < count; i++) {
    const site = Math.floor(i / 6);
    const slot = i % 6;
    const name = `fn${i}`;
    const manifest = {
      ticket: `BENCH-${i + 1}`,
      name,
      sid: `prod${site % 5}`,
      environments: envNames,
      associations: [
        { site: `site${site}`, behavior: ["default", "/api/*", "/assets/*"][slot % 3], eventType: slot < 3 ? "viewer-request" : "viewer-response" },
      ],
      runtime: "cloudfront-js-2.0",
      owner: i % 2 === 0 ? "app" : "infra",
    };
    const moved = Array.from({ length: 20 }, (_, k) => `  '/old/${i}/${k}': '/new/${i}/${k}',`).join("\n");
    const code = `var MOVED = {\n${moved}\n};\nfunction handler(event) {\n  var r = event.request;\n  var to = MOVED[r.uri];\n  if (to === undefined) { return event.response || r; }\n  return { statusCode: 301, headers: { location: { value: \`https://\${r.headers.host.value}\${to}\` } } };\n}\n`;
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(dir, name, "index.js"), code);
  }
}

function benchFunctions() {
  console.log(`functions: whole synth process with N CloudFront Functions x 3 environments (N/6 sites per environment), ${RUNS} runs each`);
  const app = path.join(root, "scripts", "app.mjs");
  for (const count of FUNCTION_COUNTS) {
    const envDir = mkdtempSync(path.join(os.tmpdir(), "bench-envs-"));
    const fnDir = mkdtempSync(path.join(os.tmpdir(), "bench-fns-"));
    generateEnvironments(envDir, 3, Math.ceil(count / 6));
    generateFunctions(fnDir, ["env0", "env1", "env2"], count);
    // No container functions: the repository's manifests name dev/stg/prod (an empty directory: fnDir holds CloudFront Functions).
    const noLambdas = mkdtempSync(path.join(os.tmpdir(), "bench-lambdas-"));
    row(
      `generated: ${count} functions x 3 envs, ${Math.ceil(count / 6)} sites`,
      measureNode(app, { EDGE_ENVIRONMENTS_DIR: envDir, EDGE_FUNCTIONS_DIR: fnDir, EDGE_LAMBDA_DIR: noLambdas }),
    );
    rmSync(noLambdas, { recursive: true, force: true });
    rmSync(envDir, { recursive: true, force: true });
    rmSync(fnDir, { recursive: true, force: true });
  }
}

/** Synthesizes once into a temporary directory; returns its stacks directory and resource count. */
function synthOnce(env) {
  const out = mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "app.mjs")], {
    cwd: root,
    env: { ...process.env, ...env, CDKTF_OUTDIR: out },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`synth failed:\n${r.stderr}`);
  const stacks = path.join(out, "stacks");
  let resources = 0;
  for (const s of readdirSync(stacks)) {
    const json = JSON.parse(readFileSync(path.join(stacks, s, "cdk.tf.json"), "utf8"));
    for (const section of ["resource", "data"]) for (const byName of Object.values(json[section] ?? {})) resources += Object.keys(byName).length;
  }
  return { out, stacks, resources };
}

/**
 * Our synth against plain cdktf making the same resources (scripts/bench-raw-cdktf.mjs), as a ratio of CPU time
 * (user + system; wall time on a shared machine also measures the neighbours). "cold" runs with an empty CloudFront
 * Function build cache (what a first synth after a checkout pays); the medians are warm, like every later synth.
 */
function benchCdktf() {
  console.log(`cdktf: whole synth process against plain cdktf re-synthesizing the same resources (no project logic), ${RUNS} runs each; ratio of CPU time`);
  const app = path.join(root, "scripts", "app.mjs");
  const raw = path.join(root, "scripts", "bench-raw-cdktf.mjs");
  const cases = [["example environments (dev, stg, prod)", () => ({ env: {}, cleanup: () => {} })]];
  for (const count of FUNCTION_COUNTS.slice(-1)) {
    cases.push([
      `${count} functions x 3 envs, ${Math.ceil(count / 6)} sites`,
      () => {
        const envDir = mkdtempSync(path.join(os.tmpdir(), "bench-envs-"));
        const fnDir = mkdtempSync(path.join(os.tmpdir(), "bench-fns-"));
        generateEnvironments(envDir, 3, Math.ceil(count / 6));
        generateFunctions(fnDir, ["env0", "env1", "env2"], count);
        const noLambdas = mkdtempSync(path.join(os.tmpdir(), "bench-lambdas-"));
        return {
          env: { EDGE_ENVIRONMENTS_DIR: envDir, EDGE_FUNCTIONS_DIR: fnDir, EDGE_LAMBDA_DIR: noLambdas },
          cleanup: () => [envDir, fnDir, noLambdas].forEach((d) => rmSync(d, { recursive: true, force: true })),
        };
      },
    ]);
  }
  for (const [label, setup] of cases) {
    const { env, cleanup } = setup();
    const coldBuild = path.join(root, ".build", `bench-cold-${process.pid}`);
    const cold = measureNode(app, { ...env, EDGE_BUILD_DIR: coldBuild }, 1);
    rmSync(coldBuild, { recursive: true, force: true });
    const { out, stacks, resources } = synthOnce(env);
    const ours = measureNode(app, env);
    const plain = measureNode(raw, { BENCH_RAW_INPUT: stacks });
    console.log(`  ${label} (${resources} resources and data sources)`);
    row("  ours, cold build cache (1 run)", cold);
    row("  ours", ours);
    row("  plain cdktf, same resources", plain);
    console.log(
      `    ratio ours / plain cdktf: CPU ${(ours.cpuMs / plain.cpuMs).toFixed(2)}x (cold ${(cold.cpuMs / plain.cpuMs).toFixed(2)}x)   wall ${(ours.medianMs / plain.medianMs).toFixed(2)}x   (target <= 1.3x)`,
    );
    rmSync(out, { recursive: true, force: true });
    cleanup();
  }
}

/** CPU seconds (user + system) of this process's waited-for descendants so far: every process a run started. */
function childrenCpuSeconds() {
  // Linux: fields 16 and 17 of /proc/self/stat (cutime, cstime) in clock ticks (proc(5)); elsewhere unknown.
  if (!existsSync("/proc/self/stat")) return undefined;
  const fields = readFileSync("/proc/self/stat", "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
  return (Number(fields[13]) + Number(fields[14])) / ticks;
}

/**
 * Optional (slow; `--only test`): the loop a fresh clone runs, `npm run validate` then a cold `npm test` (jest
 * without its transform cache, and no Terraform caches: .validate and .build are removed first, as in a fresh
 * clone), with wall time and the CPU time of every process each started (on a loaded machine, read the CPU time),
 * and the slowest test files. The target for `npm test` is 150 s on 2 cores.
 */
function benchTest() {
  console.log("test: rm -rf .validate .build, npm run validate, then cold npm test (jest --no-cache)");
  for (const d of [".validate", ".build"]) rmSync(path.join(root, d), { recursive: true, force: true });
  const timed = (label, cmd, args) => {
    const started = Date.now();
    const cpuBefore = childrenCpuSeconds();
    const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: process.env, maxBuffer: 256 * 1024 * 1024 });
    const wall = ((Date.now() - started) / 1000).toFixed(1);
    const cpu = cpuBefore === undefined ? "?" : (childrenCpuSeconds() - cpuBefore).toFixed(1);
    console.log(`  ${label.padEnd(44)} ${wall.padStart(6)} s wall  ${cpu.padStart(6)} s CPU   exit ${r.status}`);
    if (r.status !== 0) process.stdout.write((r.stdout + r.stderr).split("\n").slice(-30).join("\n") + "\n");
  };
  timed("npm run validate", "npm", ["run", "validate"]);
  const report = path.join(os.tmpdir(), `bench-jest-${process.pid}.json`);
  timed("npm test (cold: jest --no-cache)", "npx", ["jest", "--no-cache", "--json", `--outputFile=${report}`]);
  if (!existsSync(report)) return;
  const files = JSON.parse(readFileSync(report, "utf8")).testResults.map((t) => ({ file: path.relative(root, t.name), s: (t.endTime - t.startTime) / 1000 }));
  rmSync(report, { force: true });
  console.log(`  slowest test files (wall time in their worker; ${files.length} files, ${files.reduce((a, f) => a + f.s, 0).toFixed(1)} s summed):`);
  for (const f of files.sort((a, b) => b.s - a.s).slice(0, 8)) console.log(`    ${f.s.toFixed(1).padStart(6)} s  ${f.file}`);
}

function benchReview() {
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "scripts", "bench-review.ts")], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error("review benchmark failed");
}

// The change recorder's figures come from test/bench/change-recorder.ts (bundle, cold start, a burst of edits).
function benchRecorder() {
  const r = spawnSync(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "test", "bench", "change-recorder.ts")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, BENCH_RUNS: String(Math.max(RUNS, 11)) },
  });
  if (r.status !== 0) throw new Error(`test/bench/change-recorder.ts failed:\n${r.stderr}`);
  process.stdout.write(r.stdout);
}
const SECTIONS = {
  synth: benchSynth,
  functions: benchFunctions,
  cdktf: benchCdktf,
  invalidator: benchInvalidator,
  recorder: benchRecorder,
  review: benchReview,
  test: benchTest,
};
/** Sections that run without --only; "test" takes minutes and runs only when asked for. */
const DEFAULT_SECTIONS = ["synth", "functions", "cdktf", "invalidator", "recorder", "review"];
if (ONLY && !SECTIONS[ONLY]) {
  console.error(`--only ${ONLY}: unknown section; sections: ${Object.keys(SECTIONS).join(", ")}`);
  process.exit(1);
}
console.log(`node ${process.version}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}`);
for (const [name, fn] of Object.entries(SECTIONS)) if (ONLY ? ONLY === name : DEFAULT_SECTIONS.includes(name)) fn();
