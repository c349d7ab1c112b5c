/**
 * Tests leave nothing in the system's temporary folder: under `npm test` every scratch directory (cdktf outdirs,
 * mkdtemp in tests, spawned CLIs) goes into the run's own folder, which global-teardown.ts removes after the suite.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktn";
import { RUN_TMPDIR_VAR } from "./support/temp-dir";

const runDir = process.env[RUN_TMPDIR_VAR];

test("the run has its own temporary folder, and os.tmpdir() is it", () => {
  expect(runDir).toBeDefined();
  expect(path.basename(runDir!)).toMatch(/^edge-jest-/);
  expect(os.tmpdir()).toBe(runDir);
});

test("scratch directories of every origin land in it", () => {
  const probe = mkdtempSync(path.join(os.tmpdir(), "probe-"));
  rmSync(probe, { recursive: true });
  expect(path.dirname(probe)).toBe(runDir);
  // cdktf's Testing.synth writes a cdktf.outdir.* directory per call.
  const outdir = Testing.app().outdir;
  rmSync(outdir, { recursive: true });
  expect(path.dirname(outdir)).toBe(runDir);
  // A CLI a test spawns inherits it.
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(require('node:os').tmpdir())"], { encoding: "utf8" });
  expect(child.stdout).toBe(runDir);
});
