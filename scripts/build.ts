/**
 * `npm run build`: bundles the Lambda handlers in functions/ into dist/<name>/index.js (the deployable artifact,
 * exporting `handler`) and dist/<name>.zip. Always rebuilds; `npm run synth` reuses the result when it is current.
 */
import * as path from "node:path";
import { bundleLambda } from "../modules/blocks/lambda-bundle";

/** Handlers bundled for Lambda (functions/<name>/index.ts). */
const HANDLERS = ["invalidator", "change-recorder"];

for (const name of HANDLERS) {
  const b = bundleLambda(name, { force: true });
  console.log(`${path.relative(process.cwd(), b.file)}  ${(b.bytes / 1024).toFixed(0)} KiB  sha256 ${b.hash.slice(0, 16)}`);
}
