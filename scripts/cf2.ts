/**
 * `npm run cf2 -- check|test <dir>... [--runtime cloudfront-js-1.0|cloudfront-js-2.0] [--tests <dir>]`: the
 * infrastructure team's code checker and local runner, for application teams to run in their own pipeline before
 * `aws cloudfront update-function` / `publish-function` (examples/github-actions/publish-cf2.yml).
 *
 * <dir> is a function directory: `index.js` (relative imports are bundled as the synth does), optionally
 * `manifest.json` (this repository's; gives the runtime and the key value store rule) and `tests/*.json` (any of the
 * three shapes of toolchain/cf2/sandbox.ts readTestCases, including bare console / test-function events). A directory
 * without index.js is searched one level down for function directories.
 *
 * - `check`: the runtime checks the synth runs (syntax, globals, module members, size, ...); warnings are printed.
 * - `test`: check, then run every test event in the local runner and compare with its expected output and origin.
 * Exit 0 when everything passes, 1 on any problem or failed case, 2 on a usage error. No AWS credentials needed.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { buildFunctionCode } from "../toolchain/cf2/code";
import { Cf2Runtime } from "../model/vocabulary";
import { readTestCases, runTestCase, type FunctionTestFile, type TestCase } from "../toolchain/cf2/sandbox";

export const CF2_USAGE = "usage: npm run cf2 -- check|test <function dir>... [--runtime cloudfront-js-1.0|cloudfront-js-2.0] [--tests <dir of test events>]";

export interface Cf2CommandResult {
  /** Exit code: 0 passed, 1 problems or failed cases, 2 usage error. */
  status: number;
  /** What to print, line by line (problems and failures first in each function's block). */
  lines: string[];
}

/** The whole command, without process I/O (the tests call this). */
export async function cf2Command(argv: string[], cwd: string = process.cwd()): Promise<Cf2CommandResult> {
  const args = [...argv];
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v ?? "";
  };
  const runtimeFlag = flag("runtime");
  const testsFlag = flag("tests");
  const [command, ...dirs] = args;
  if ((command !== "check" && command !== "test") || dirs.length === 0) return { status: 2, lines: [CF2_USAGE] };
  if (runtimeFlag !== undefined && !Object.values(Cf2Runtime).includes(runtimeFlag as Cf2Runtime))
    return { status: 2, lines: [`--runtime "${runtimeFlag}": must be ${Object.values(Cf2Runtime).join(" or ")}`, CF2_USAGE] };
  if (testsFlag !== undefined && dirs.length > 1) return { status: 2, lines: ["--tests applies to one function directory; name one", CF2_USAGE] };

  const lines: string[] = [];
  let failed = false;
  for (const dir of dirs.flatMap((d) => functionDirs(path.resolve(cwd, d)))) {
    if (dir instanceof Error) {
      lines.push(dir.message);
      failed = true;
      continue;
    }
    const shown = shownPath(cwd, dir);
    const manifest = readManifest(dir);
    if (manifest instanceof Error) {
      lines.push(`${shown}/manifest.json: ${manifest.message}`);
      failed = true;
      continue;
    }
    const runtime = (runtimeFlag as Cf2Runtime | undefined) ?? manifest?.runtime ?? Cf2Runtime.JS_2_0;
    const built = buildFunctionCode(path.join(dir, "index.js"), runtime, `${shown}/index.js`);
    const problems = [...built.problems];
    // The synth's rule: code that reads a key value store needs one declared in the manifest.
    if (manifest && !manifest.keyValueStore && built.kvsCalls.length > 0)
      problems.push(`${shown}/index.js: line ${built.kvsCalls[0]}: cf.kvs() reads a key value store, but ${shown}/manifest.json declares none (field "keyValueStore")`);
    lines.push(`${shown} (${runtime}): ${problems.length === 0 ? "check passed" : `${problems.length} problem${problems.length === 1 ? "" : "s"}`}`);
    lines.push(...problems.map((p) => `  error: ${p}`), ...built.warnings.map((w) => `  warning: ${w}`));
    if (problems.length > 0) {
      failed = true;
      continue;
    }
    if (command !== "test") continue;
    const cases: FunctionTestFile[] = testsFlag !== undefined ? readTestCases(dir, path.resolve(cwd, testsFlag)) : readTestCases(dir);
    if (cases.length === 0) {
      lines.push(`  no test events in ${testsFlag ?? `${shown}/tests`}/*.json`);
      failed = true;
      continue;
    }
    for (const c of cases) {
      const name = shownPath(cwd, c.file);
      if (c.testCase instanceof Error) {
        lines.push(`  FAIL ${name}: ${c.testCase.message}`);
        failed = true;
        continue;
      }
      const t: TestCase = c.testCase;
      const outcome = await runTestCase(built.code, runtime, t, `${shown}/index.js`);
      if (outcome.failures.length === 0) lines.push(`  ok   ${name}: ${t.description}${t.hasExpected === false ? " (no expected output: ran without error)" : ""}`);
      else {
        failed = true;
        lines.push(`  FAIL ${name}: ${t.description}`, ...outcome.failures.map((f) => `       ${f}`));
      }
      for (const log of outcome.result?.logs ?? []) lines.push(`       console.log: ${log}`);
    }
  }
  return { status: failed ? 1 : 0, lines };
}

/** Paths below the working directory relative to it, others absolute. */
function shownPath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
}

/** A function directory (has index.js), or the function directories one level below it. */
function functionDirs(dir: string): (string | Error)[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [new Error(`${dir}: not a directory`)];
  if (existsSync(path.join(dir, "index.js"))) return [dir];
  const below = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "index.js")))
    .map((e) => path.join(dir, e.name))
    .sort();
  return below.length > 0 ? below : [new Error(`${dir}: no index.js here or in its subdirectories`)];
}

function readManifest(dir: string): { runtime?: Cf2Runtime; keyValueStore?: unknown } | undefined | Error {
  const file = path.join(dir, "manifest.json");
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, "utf8"));
    if (m.runtime !== undefined && !Object.values(Cf2Runtime).includes(m.runtime)) return new Error(`field "runtime": must be ${Object.values(Cf2Runtime).join(" or ")}`);
    return m;
  } catch (err) {
    return new Error(`is not valid JSON: ${(err as Error).message}`);
  }
}

if (require.main === module)
  // npm runs scripts in the package's directory; INIT_CWD is where the user typed the command.
  cf2Command(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd()).then(
    (r) => {
      const out = r.status === 2 ? process.stderr : process.stdout;
      out.write(`${r.lines.join("\n")}\n`);
      process.exitCode = r.status;
    },
    (err: unknown) => {
      process.stderr.write(`npm run cf2: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
