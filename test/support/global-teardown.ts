/**
 * Runs once after the last test file: removes the run's temporary folder (global-setup.ts points TMPDIR at it), with
 * every scratch directory any test, CLI or Terraform left in it, and fails the run if it could not.
 */
import { existsSync, rmSync } from "node:fs";
import { RUN_TMPDIR_VAR } from "./temp-dir";

export default function globalTeardown(): void {
  const dir = process.env[RUN_TMPDIR_VAR];
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  if (existsSync(dir)) throw new Error(`the test run's temporary folder ${dir} could not be removed`);
}
