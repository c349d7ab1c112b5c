/**
 * Runs once before the test workers start. Installs the provider into the shared plugin cache, so the Terraform
 * suites' parallel `terraform init`s only link it (see warmPluginCache); without Terraform that part does nothing and
 * the suites themselves skip loudly. And gives the run its own temporary folder (see runTempDir), removed by
 * global-teardown.ts.
 */
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { warmPluginCache } from "../../scripts/lib/terraform";
import { RUN_TMPDIR_VAR } from "./temp-dir";

export default function globalSetup(): void {
  // Workers inherit this. The warning is for people running the SDK on Node 20 (docs/versions.md); repeated by every
  // suite that loads a client, it only buries test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  // Scratch directories come from many places (cdktf's Testing and App outdirs, mkdtemp in tests, the CLIs the tests
  // spawn, Terraform itself), and a failed test skips its own cleanup. All of them use os.tmpdir(), which reads
  // TMPDIR on every call (https://nodejs.org/api/os.html#ostmpdir): pointing TMPDIR at one folder per run, before
  // the workers are started with this process's environment, puts everything in a place teardown removes whole.
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-jest-"));
  process.env[RUN_TMPDIR_VAR] = dir;
  process.env.TMPDIR = dir;
  warmPluginCache();
}
