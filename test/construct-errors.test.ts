/**
 * No error a user can cause prints a stack trace: configuration errors (ConfigError) and construct invariants
 * (ConstructError) reach the terminal as their message alone, with exit code 1, and nothing is synthesized.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { buildSync } from "esbuild";
import * as os from "node:os";
import * as path from "node:path";
import dev from "../environments/dev";
import { CASES } from "./fixtures/construct-errors/app";

const ROOT = path.join(__dirname, "..");
const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

/**
 * The fixture app, bundled once with esbuild (like scripts/app.mjs, no type-check) into .build/<pid>/ inside the
 * repository, where the code finds the project root; removed after the file's tests.
 */
const BUILD_DIR = path.join(ROOT, ".build", String(process.pid));
const APP = path.join(BUILD_DIR, "construct-errors.js");
afterAll(() => rmSync(BUILD_DIR, { recursive: true, force: true }));

/** Runs one case in its own process (each exits); all cases start together. */
function runCase(name: string): Promise<{ status: number | null; stderr: string; outdir: string }> {
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), "construct-error-")), "out");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [APP, name], { env: { ...process.env, CDKTF_OUTDIR: outdir } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stderr, outdir }));
  });
}

const runs = new Map<string, Promise<{ status: number | null; stderr: string; outdir: string }>>();
beforeAll(() => {
  buildSync({
    entryPoints: [path.join(__dirname, "fixtures", "construct-errors", "app.ts")],
    outfile: APP,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  for (const name of Object.keys(CASES)) runs.set(name, runCase(name));
});

const written = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".tf.json")) : [];

test.each(Object.keys(CASES))("construct error through synth: %s -> one line, exit 1, no stack trace, nothing written", async (name) => {
  const r = await runs.get(name)!;
  expect(r.status).toBe(1);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  // The construct's path (or the definition file) comes first, so the line says where.
  expect(lines[0]).toMatch(/^Error in (dev(\/[\w-]+)*|functions\/state-machines\/\w+\.asl\.json): .+; nothing was synthesized$/);
  expect(written(r.outdir)).toEqual([]);
});

test("a rule only a construct used to know (defaultRootObject with a directory, on an invalidated site) fails the synth with file, entry and field", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-envs-"));
  const env = JSON.parse(JSON.stringify(dev));
  const i = env.sites.findIndex((s: { invalidation?: object }) => s.invalidation);
  const site = i >= 0 ? env.sites[i] : env.sites[0];
  site.invalidation ??= {};
  site.distribution.defaultRootObject = "docs/index.html";
  writeFileSync(path.join(dir, "dev.json"), JSON.stringify(env));
  const outdir = path.join(dir, "out");
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "app.mjs")], {
    encoding: "utf8",
    env: { ...process.env, EDGE_ENVIRONMENTS_DIR: dir, CDKTF_OUTDIR: outdir },
  });
  expect(r.status).toBe(1);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stderr).toContain(
    `${dir}/dev.json: entry sites[${i >= 0 ? i : 0}] "${site.name}", field "distribution.defaultRootObject": is "docs/index.html"; with invalidation it must be a file name such as index.html`,
  );
  expect(written(outdir)).toEqual([]);
});
