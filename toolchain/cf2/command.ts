/**
 * The cf2 command's work (scripts/cf2.ts is its command line): check each function directory as the synth does and,
 * for `test`, run its test events in the local runner and compare with the expected output and origin.
 *
 * A function directory holds `index.js` (relative imports are bundled as the synth does), optionally
 * `manifest.json` (this repository's; gives the runtime and the key value store rule) and `tests/*.json` (any of the
 * three shapes of test-cases.ts readTestCases). A directory without index.js is searched one level down.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { buildFunctionCode, type BuiltCode } from "./code";
import { Cf2Runtime } from "../../model/vocabulary";
import { runTestCase } from "./sandbox";
import { readTestCases, type FunctionTestFile, type TestCase } from "./test-cases";

export type Cf2Action = "check" | "test";

export interface Cf2Options {
  /** Runtime for directories without a manifest (or overriding it). @default the manifest's, else cloudfront-js-2.0 */
  readonly runtime?: Cf2Runtime;
  /** Directory of test events instead of <dir>/tests (one function directory only). */
  readonly tests?: string;
}

export interface Cf2CommandResult {
  /** Exit code: 0 passed, 1 problems or failed cases. */
  status: number;
  /** What to print, line by line (problems and failures first in each function's block). */
  lines: string[];
}

/** Checks (and for "test" runs) the function directories; paths are relative to `cwd`. */
export async function cf2Run(action: Cf2Action, dirs: readonly string[], opts: Cf2Options = {}, cwd: string = process.cwd()): Promise<Cf2CommandResult> {
  const lines: string[] = [];
  let failed = false;
  for (const dir of dirs.flatMap((d) => functionDirs(path.resolve(cwd, d), (p) => shownPath(cwd, p)))) {
    const passed = dir instanceof Error ? (lines.push(dir.message), false) : await oneFunction(action, dir, opts, cwd, lines);
    failed ||= !passed;
  }
  return { status: failed ? 1 : 0, lines };
}

/** One function directory: its block of lines; whether it passed. */
async function oneFunction(action: Cf2Action, dir: string, opts: Cf2Options, cwd: string, lines: string[]): Promise<boolean> {
  const shown = shownPath(cwd, dir);
  const manifest = readManifest(dir);
  if (manifest instanceof Error) {
    lines.push(`${shown}/manifest.json: ${manifest.message}`);
    return false;
  }
  const runtime = opts.runtime ?? manifest?.runtime ?? Cf2Runtime.JS_2_0;
  const file = `${shown}/index.js`;
  const built = buildFunctionCode(path.join(dir, "index.js"), runtime, file);
  const problems = [...built.problems];
  // The synth's rule: code that reads a key value store needs one declared in the manifest.
  if (manifest && !manifest.keyValueStore && built.kvsCalls.length > 0)
    problems.push(`${file}: line ${built.kvsCalls[0]}: cf.kvs() reads a key value store, but ${shown}/manifest.json declares none (field "keyValueStore")`);
  lines.push(`${shown} (${runtime}): ${problems.length === 0 ? "check passed" : `${problems.length} problem${problems.length === 1 ? "" : "s"}`}`);
  lines.push(...problems.map((p) => `  error: ${p}`), ...built.warnings.map((w) => `  warning: ${w}`));
  if (problems.length > 0) return false;
  if (action !== "test") return true;
  const cases: FunctionTestFile[] = opts.tests !== undefined ? readTestCases(dir, path.resolve(cwd, opts.tests)) : readTestCases(dir);
  if (cases.length === 0) {
    lines.push(`  no test events in ${opts.tests ?? `${shown}/tests`}/*.json`);
    return false;
  }
  let passed = true;
  for (const c of cases) passed = (await oneCase(c, built, runtime, file, cwd, lines)) && passed;
  return passed;
}

async function oneCase(c: FunctionTestFile, built: BuiltCode, runtime: Cf2Runtime, file: string, cwd: string, lines: string[]): Promise<boolean> {
  const name = shownPath(cwd, c.file);
  if (c.testCase instanceof Error) {
    lines.push(`  FAIL ${name}: ${c.testCase.message}`);
    return false;
  }
  const t: TestCase = c.testCase;
  const outcome = await runTestCase(built.code, runtime, t, file, built.sourceLines);
  const ok = outcome.failures.length === 0;
  if (ok) lines.push(`  ok   ${name}: ${t.description}${t.hasExpected === false ? " (no expected output: ran without error)" : ""}`);
  else lines.push(`  FAIL ${name}: ${t.description}`, ...outcome.failures.map((f) => `       ${f}`));
  for (const log of outcome.result?.logs ?? []) lines.push(`       console.log: ${log}`);
  return ok;
}

/** Paths below the working directory relative to it, others absolute. */
function shownPath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
}

/** A function directory (has index.js), or the function directories one level below it; `shown` names paths in messages. */
function functionDirs(dir: string, shown: (p: string) => string): (string | Error)[] {
  if (!existsSync(dir)) return [new Error(`${shown(dir)}: no such directory`)];
  if (!statSync(dir).isDirectory())
    return [
      new Error(
        `${shown(dir)}: is a file; name the function's directory (the one holding index.js)${path.basename(dir) === "index.js" ? `: ${shown(path.dirname(dir))}` : ""}`,
      ),
    ];
  if (existsSync(path.join(dir, "index.js"))) return [dir];
  const below = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "index.js")))
    .map((e) => path.join(dir, e.name))
    .sort();
  return below.length > 0 ? below : [new Error(`${shown(dir)}: no index.js here or in its subdirectories`)];
}

function readManifest(dir: string): { runtime?: Cf2Runtime; keyValueStore?: unknown } | undefined | Error {
  const file = path.join(dir, "manifest.json");
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, "utf8"));
    if (m.runtime !== undefined && !Object.values(Cf2Runtime).includes(m.runtime))
      return new Error(`field "runtime": must be ${Object.values(Cf2Runtime).join(" or ")}`);
    return m;
  } catch (err) {
    return new Error(`is not valid JSON: ${(err as Error).message}`);
  }
}
