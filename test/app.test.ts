/**
 * scripts/app.mjs, the app of `npm run synth` and `npx cdktn synth`: runs that overlap (parallel tests, a synth beside
 * `npm test`, two terminals) must not break each other; they share one content-addressed transpiled tree.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const APP = path.join(__dirname, "..", "scripts", "app.mjs");
const BUILD = path.join(__dirname, "..", ".build");

const synth = (outdir: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; pid: number }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [APP], { env: { ...process.env, ...env, CDKTF_OUTDIR: outdir }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr, pid: child.pid! }));
  });

test("overlapping synths from an empty cache each succeed, and end up sharing one complete tree", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-app-"));
  // An empty build directory of this test's own (inside the project, where the transpiled files resolve packages).
  const build = path.join(BUILD, `app-test-${process.pid}`);
  const cache = path.join(build, "cache");
  const outdirs = [1, 2, 3].map((i) => path.join(dir, `out${i}`));
  const runs = await Promise.all(outdirs.map((o) => synth(o, { EDGE_BUILD_DIR: build })));
  const stacks = readdirSync(path.join(outdirs[0], "stacks")).sort();
  expect(stacks.length).toBeGreaterThan(0);
  for (const [i, run] of runs.entries()) {
    expect({ run: i, code: run.code, stderr: run.stderr }).toEqual({ run: i, code: 0, stderr: "" });
    expect(readdirSync(path.join(outdirs[i], "stacks")).sort()).toEqual(stacks);
  }
  const stack = (i: number) => readFileSync(path.join(outdirs[i], "stacks", stacks[0], "cdk.tf.json"), "utf8");
  expect(stack(1)).toBe(stack(0));
  expect(stack(2)).toBe(stack(0));
  const trees = readdirSync(path.join(cache, "app"));
  expect(trees).toEqual([expect.stringMatching(/^[0-9a-f]{24}$/)]);
  // A later run of the same sources reuses the tree: nothing new appears.
  expect((await synth(path.join(dir, "out4"), { EDGE_BUILD_DIR: build })).code).toBe(0);
  expect(readdirSync(path.join(cache, "app"))).toEqual(trees);
  rmSync(dir, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
});

test("a temporary tree left by a killed run is removed by the next run", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-app-"));
  const build = path.join(BUILD, `app-test-leftover-${process.pid}`);
  const leftover = path.join(build, "cache", "app", `${"0".repeat(24)}.${2 ** 22 + 1}.tmp`);
  mkdirSync(leftover, { recursive: true });
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(leftover, hourAgo, hourAgo);
  expect((await synth(path.join(dir, "out"), { EDGE_BUILD_DIR: build })).code).toBe(0);
  expect(existsSync(leftover)).toBe(false);
  rmSync(dir, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
});

test("a run does not touch the build of another run in progress", async () => {
  // This test's own process stands in for a run in progress: its pid is alive.
  const other = path.join(BUILD, String(process.pid));
  mkdirSync(path.join(other, "environments"), { recursive: true });
  writeFileSync(path.join(other, "main.js"), "// another run's build\n");
  try {
    const run = await synth(mkdtempSync(path.join(os.tmpdir(), "edge-app-")));
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(other, "main.js"), "utf8")).toBe("// another run's build\n");
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});

test("a per-process build left by a killed run (earlier layout) is removed by the next run", async () => {
  // pid 2^22 + 1 is above Linux's pid_max, so no process has it.
  const orphan = path.join(BUILD, String(2 ** 22 + 1));
  mkdirSync(path.join(orphan, "environments"), { recursive: true });
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(orphan, hourAgo, hourAgo);
  const run = await synth(mkdtempSync(path.join(os.tmpdir(), "edge-app-")));
  expect(run.code).toBe(0);
  expect(existsSync(orphan)).toBe(false);
});
