/**
 * Every test in the repository runs: jest's own list of test files (`jest --listTests`, which applies roots,
 * testMatch and the ignore patterns) must hold each test or spec file git knows about (tracked, or new and not
 * ignored). A file outside jest's roots, or named so testMatch misses it, fails here instead of silently never running.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
/** Test and spec files in any language jest could run; the config's testMatch must cover every one found. */
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

test("jest runs every test and spec file in the repository", () => {
  const files = run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"])
    .split("\0")
    .filter((f) => TEST_FILE.test(f) && !f.split("/").includes("node_modules"));
  // The repository has tests in several top-level folders; an empty list would mean this check looked nowhere.
  expect(new Set(files.map((f) => f.split("/")[0])).size).toBeGreaterThan(1);
  const listed = new Set(
    run(process.execPath, [require.resolve("jest/bin/jest"), "--listTests", "--json"])
      .trim()
      .split("\n")
      .flatMap((line) => (line.startsWith("[") ? (JSON.parse(line) as string[]) : []))
      .map((f) => path.relative(ROOT, f).split(path.sep).join("/")),
  );
  expect(files.filter((f) => !listed.has(f))).toEqual([]);
  expect(files).toContain("test/jest-roots.test.ts");
});
