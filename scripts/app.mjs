#!/usr/bin/env node
/**
 * Runs the cdktf app from TypeScript without type-checking (that is `npm run typecheck`'s job): esbuild transpiles
 * each source file one-to-one, then Node runs main.js from there. Transpiling file by file keeps environment
 * discovery by directory listing working, and it is about twice as fast as a require hook.
 *
 * The transpiled tree is content-addressed: .build/cache/app/<hash of every source file's path and bytes, esbuild's
 * version and the options>/. It is written once into a temporary directory and renamed into place, and never changed
 * afterwards, so synths running at once (parallel tests, `npm run synth` beside `npm test`) share it safely, and a
 * synth of unchanged sources skips esbuild entirely. A deleted or added environment file changes the hash.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

// The app takes no arguments (cdktf runs it as `node scripts/app.mjs`); as every CLI of the project: --help prints the
// usage and exits 0, anything else is a usage error naming the argument, exit 2 (scripts/lib/cli.ts, which this ESM
// entry point cannot load before it has transpiled anything).
const USAGE = "usage: npm run synth   (synthesizes every environment into cdktf.out/stacks; no arguments)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (args.length > 0) {
  process.stderr.write(`synth: unexpected argument "${args[0]}"\n${USAGE}\n`);
  process.exit(2);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// $EDGE_BUILD_DIR moves the build and its caches (the tests and the benchmark start from an empty one). It must be
// inside the project: the transpiled files resolve node_modules and the project root from where they are.
const buildRoot = path.resolve(process.env.EDGE_BUILD_DIR ?? path.join(root, ".build"));
const appCache = path.join(buildRoot, "cache", "app");
const SOURCE_DIRS = ["model", "config", "stacks", "modules", "environments", "toolchain"];
/** Trees kept besides the one in use; older ones are removed once they are also ten minutes old. */
const KEEP = 8;

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? walk(path.join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && !e.name.endsWith(".spec.ts")
        ? [path.join(dir, e.name)]
        : [],
  );

// cdktf records a stack trace for every token; source-mapping those costs a quarter of the synth, so maps are opt-in.
const sourceMaps = process.env.EDGE_SOURCE_MAPS === "1";
const require = createRequire(import.meta.url);

const sources = [path.join(root, "main.ts"), ...SOURCE_DIRS.flatMap((d) => walk(path.join(root, d)))].sort();
const hash = createHash("sha256").update(`esbuild ${require("esbuild/package.json").version}\0sourcemaps ${sourceMaps}\0`);
for (const file of sources)
  hash
    .update(`${path.relative(root, file)}\0`)
    .update(readFileSync(file))
    .update("\0");
const outdir = path.join(appCache, hash.digest("hex").slice(0, 24));

/** Whether a process with this pid still runs (EPERM: it runs as another user). */
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
};
const ageMs = (p) => Date.now() - (statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());

if (existsSync(outdir)) {
  utimesSync(outdir, new Date(), new Date()); // marks it recently used, for the pruning below
} else {
  const { build } = await import("esbuild");
  const tmp = `${outdir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  // Silent: errors and warnings are printed below, one line each, instead of esbuild's multi-line frames.
  const transpile = async (entryPoints) => {
    const result = await build({
      entryPoints,
      outdir: tmp,
      outbase: root,
      format: "cjs",
      platform: "node",
      target: "node20",
      sourcemap: sourceMaps ? "inline" : false,
      logLevel: "silent",
    });
    for (const w of result.warnings)
      console.error(`warning: ${w.location ? `${path.relative(root, path.resolve(w.location.file))}: line ${w.location.line}: ` : ""}${w.text}`);
  };
  try {
    await transpile(sources);
  } catch (err) {
    if (!Array.isArray(err.errors)) throw err;
    const located = err.errors.map((e) => ({ file: e.location && path.resolve(e.location.file), line: e.location?.line, text: e.text }));
    // An environment file that does not parse is the loader's to report, with every other problem of the configuration.
    const environments = path.join(root, "environments") + path.sep;
    const isEnvironment = (f) => f && f.startsWith(environments) && path.dirname(f) + path.sep === environments;
    if (!located.every((e) => isEnvironment(e.file))) {
      for (const e of located) console.error(`${e.file ? path.relative(root, e.file) : "build"}: ${e.line ? `line ${e.line}: ` : ""}${e.text}`);
      process.exit(1);
    }
    rmSync(tmp, { recursive: true, force: true });
    const broken = new Set(located.map((e) => e.file));
    await transpile(sources.filter((f) => !broken.has(f)));
  }
  try {
    renameSync(tmp, outdir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another synth put the same tree there first
  }
}

// Trees of earlier sources, temporary trees of killed runs, and per-process builds of older versions of this script.
if (existsSync(buildRoot))
  for (const name of readdirSync(buildRoot))
    if (/^\d+$/.test(name) && !alive(Number(name)) && ageMs(path.join(buildRoot, name)) > 10 * 60_000)
      rmSync(path.join(buildRoot, name), { recursive: true, force: true });
const trees = readdirSync(appCache)
  .filter((n) => path.join(appCache, n) !== outdir)
  .map((n) => ({ n, age: ageMs(path.join(appCache, n)) }))
  .sort((a, b) => a.age - b.age);
for (const [i, t] of trees.entries())
  if ((i >= KEEP || t.n.endsWith(".tmp")) && t.age > 10 * 60_000) rmSync(path.join(appCache, t.n), { recursive: true, force: true });

if (sourceMaps) process.setSourceMapsEnabled(true);
// cdktf captures and formats a full stack trace for every token it creates (each reference such as bucket.arn), only
// to name the place in an error about a token it cannot resolve. That is about a fifth of a large synth, so it is
// opt-in like the source maps: EDGE_TOKEN_TRACES=1 restores it. The synthesized JSON is the same either way.
if (process.env.EDGE_TOKEN_TRACES !== "1") require("cdktn/lib/tokens/private/stack-trace").captureStackTrace = () => [];
require(path.join(outdir, "main.js"));
