/**
 * buildFunctionCode with a content-addressed cache, so a synth builds and checks only the CloudFront Functions whose
 * code changed (esbuild and the acorn checker cost about 1.5 ms per function; 300 functions in 3 environments are a
 * third of a synth). Like the Lambda bundle (modules/lambda-bundle.ts), the result is a pure function of its inputs:
 *   the entry file's bytes, the runtime, the file name shown in messages, the builder's and checker's own sources
 *   (code.ts, check.ts and checks/, so a changed rule invalidates every entry), and the esbuild and acorn versions.
 * Code with a relative import is not cached: its inputs include other files, which the key does not see.
 * Entries live in .build/cache/cf2/ ($EDGE_BUILD_DIR/cache/cf2/ if set); deleting the directory is always safe.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { BuiltCode, Cf2Runtime } from "./code";
import { projectRoot } from "../../model/project-root";

/** A relative specifier anywhere in the code: `"./x"`, `'../y'`. Such code is built every time. */
const RELATIVE_SPECIFIER = /["'`]\.\.?\//;

let checkerHash: string | undefined;
/**
 * Identifies the builder and checker: their sources, esbuild's and acorn's versions. Read from files,
 * not by loading the modules: a synth whose functions are all cached never loads esbuild, acorn or the checker
 * (about a tenth of a synth's start-up).
 */
function builderVersion(): string {
  const version = (pkg: string): string => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
  if (checkerHash) return checkerHash;
  const hash = createHash("sha256");
  for (const file of checkerSources()) hash.update(readFileSync(file)).update("\0");
  checkerHash = hash.update(`\0esbuild ${version("esbuild")}\0acorn ${version("acorn")}`).digest("hex");
  return checkerHash;
}

/** The files whose code decides what the builder answers. */
function checkerSources(): string[] {
  const checks = path.join(__dirname, "checks");
  return [
    require.resolve("./code"),
    require.resolve("./check"),
    require.resolve("./source-lines"),
    ...readdirSync(checks)
      .filter((f) => /\.[cm]?[jt]s$/.test(f) && !/\.(spec|test)\./.test(f))
      .sort()
      .map((f) => path.join(checks, f)),
  ];
}

/** The checker itself (code.ts), loaded on the first cache miss only. */
function buildUncached(entryFile: string, runtime: Cf2Runtime, shownFile: string): BuiltCode {
  return (require("./code") as typeof import("./code")).buildFunctionCode(entryFile, runtime, shownFile);
}

/** Where cache entries go. */
export function cf2CacheDir(): string {
  return path.join(process.env.EDGE_BUILD_DIR ?? path.join(projectRoot(), ".build"), "cache", "cf2");
}

/** buildFunctionCode (code.ts), answered from the cache when the same inputs were built before. */
export function buildFunctionCode(entryFile: string, runtime: Cf2Runtime, shownFile: string = entryFile): BuiltCode {
  let source: Buffer;
  try {
    source = readFileSync(entryFile);
  } catch {
    return buildUncached(entryFile, runtime, shownFile); // reports the unreadable file
  }
  if (RELATIVE_SPECIFIER.test(source.toString("utf8"))) return buildUncached(entryFile, runtime, shownFile);
  const key = createHash("sha256").update(`${builderVersion()}\0${runtime}\0${shownFile}\0`).update(source).digest("hex").slice(0, 40);
  const file = path.join(cf2CacheDir(), `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as BuiltCode;
  } catch {
    // not cached yet (or a partial entry of a killed run: entries are renamed into place, so there are none)
  }
  const built = buildUncached(entryFile, runtime, shownFile);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(built));
    renameSync(tmp, file);
  } catch {
    // A read-only checkout still synthesizes; it only builds every time.
  }
  return built;
}
