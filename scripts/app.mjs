#!/usr/bin/env node
/**
 * Runs the cdktf app from TypeScript without type-checking (that is `npm run typecheck`'s job): esbuild transpiles
 * each source file one-to-one into .build/<pid>/ (tens of milliseconds), then Node runs main.js from there. Transpiling
 * file by file keeps environment discovery by directory listing working, and it is about twice as fast as a require hook.
 */
import { build } from "esbuild";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildRoot = path.join(root, ".build");
// One directory per process: two synths at once (parallel tests, `npm run synth` beside `npm test`) must not delete
// each other's files, which a shared .build/ did.
const outdir = path.join(buildRoot, String(process.pid));
const SOURCE_DIRS = ["model", "stacks", "modules", "environments"];

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(dir, e.name)] : [],
  );

// cdktf records a stack trace for every token; source-mapping those costs a quarter of the synth, so maps are opt-in.
const sourceMaps = process.env.EDGE_SOURCE_MAPS === "1";

/** Whether a process with this pid still runs (EPERM: it runs as another user). */
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
};
// Builds of runs killed before their exit hook ran. A live pid's build is in use; the age check spares builds of
// processes this one cannot see (another container sharing the checkout): a synth takes seconds, not ten minutes.
const stale = (name) => !/^\d+$/.test(name) || (!alive(Number(name)) && Date.now() - (statSync(path.join(buildRoot, name), { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 10 * 60_000);
if (existsSync(buildRoot))
  for (const name of readdirSync(buildRoot)) if (stale(name)) rmSync(path.join(buildRoot, name), { recursive: true, force: true });
// A stale build would keep a deleted environment file alive, so start clean, and leave nothing behind.
rmSync(outdir, { recursive: true, force: true });
process.on("exit", () => rmSync(outdir, { recursive: true, force: true }));
await build({
  entryPoints: [path.join(root, "main.ts"), ...SOURCE_DIRS.flatMap((d) => walk(path.join(root, d)))],
  outdir,
  outbase: root,
  format: "cjs",
  platform: "node",
  target: "node20",
  sourcemap: sourceMaps ? "inline" : false,
  logLevel: "warning",
});
if (sourceMaps) process.setSourceMapsEnabled(true);
createRequire(import.meta.url)(path.join(outdir, "main.js"));
