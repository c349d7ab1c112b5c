/**
 * `npm run build`: bundles the Lambda handlers in functions/ into dist/<name>/index.js (the deployable artifact,
 * exporting `handler`) and dist/<name>.zip. Always rebuilds; `npm run synth` reuses the result when it is current.
 */
import * as path from "node:path";
import { bundleLambda } from "../modules/blocks/lambda-bundle";
import { runCli, type CliSpec } from "./lib/cli";

/** Handlers bundled for Lambda (functions/<name>/index.ts). */
const HANDLERS = ["invalidator", "change-recorder"];

const BUILD_CLI: CliSpec<Record<string, never>> = {
  command: "build",
  usage: "usage: npm run build   (bundles functions/<name>/index.ts into dist/<name>/index.js and dist/<name>.zip; no arguments)",
  options: {},
};

void runCli(BUILD_CLI, process.argv.slice(2), () => {
  for (const name of HANDLERS) {
    const b = bundleLambda(name, { force: true });
    console.log(`${path.relative(process.cwd(), b.file)}  ${(b.bytes / 1024).toFixed(0)} KiB  sha256 ${b.hash.slice(0, 16)}`);
  }
});
