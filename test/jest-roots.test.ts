/**
 * Every test in the repository runs: jest's own list of test files (`jest --listTests`, which applies roots,
 * testMatch and the ignore patterns) must hold each test or spec file git knows about (tracked, or new and not
 * ignored). A file outside jest's roots, or named so testMatch misses it, fails here instead of silently never running.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
/** Test and spec files in any language jest could run; the config's testMatch must cover every one found. */
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** The project's files: what git tracks or would add; outside a git checkout, a walk that skips dot-folders and node_modules. */
function projectFiles(): string[] {
  const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (git.status === 0) return git.stdout.split("\0").filter(Boolean);
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.name.startsWith(".") || e.name === "node_modules"
        ? []
        : e.isDirectory()
          ? walk(path.join(dir, e.name))
          : [path.join(dir, e.name).split(path.sep).join("/")],
    );
  return walk("");
}

test("jest runs every test and spec file in the repository", () => {
  const files = projectFiles().filter((f) => TEST_FILE.test(f) && !f.split("/").includes("node_modules"));
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
