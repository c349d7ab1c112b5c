/**
 * scripts/app.mjs, the app of `npm run synth` and `npx cdktf synth`: runs that overlap (parallel tests, a synth beside
 * `npm test`, two terminals) must not break each other, and a run leaves no build behind.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const APP = path.join(__dirname, "..", "scripts", "app.mjs");
const BUILD = path.join(__dirname, "..", ".build");

const synth = (outdir: string): Promise<{ code: number | null; stderr: string; pid: number }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [APP], { env: { ...process.env, CDKTF_OUTDIR: outdir }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr, pid: child.pid! }));
  });

test("overlapping synths each succeed with their own build, and leave none behind", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-app-"));
  const outdirs = [1, 2, 3].map((i) => path.join(dir, `out${i}`));
  const runs = await Promise.all(outdirs.map(synth));
  for (const [i, run] of runs.entries()) {
    expect({ run: i, code: run.code, stderr: run.stderr }).toEqual({ run: i, code: 0, stderr: "" });
    expect(readdirSync(path.join(outdirs[i], "stacks")).sort()).toEqual(["dev", "prod", "stg"]);
    expect(existsSync(path.join(BUILD, String(run.pid)))).toBe(false);
  }
  const stack = (i: number) => readFileSync(path.join(outdirs[i], "stacks", "prod", "cdk.tf.json"), "utf8");
  expect(stack(1)).toBe(stack(0));
  expect(stack(2)).toBe(stack(0));
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

test("a build left by a killed run is removed by the next run", async () => {
  // pid 2^22 + 1 is above Linux's pid_max, so no process has it.
  const orphan = path.join(BUILD, String(2 ** 22 + 1));
  mkdirSync(path.join(orphan, "environments"), { recursive: true });
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(orphan, hourAgo, hourAgo);
  const run = await synth(mkdtempSync(path.join(os.tmpdir(), "edge-app-")));
  expect(run.code).toBe(0);
  expect(existsSync(orphan)).toBe(false);
});
