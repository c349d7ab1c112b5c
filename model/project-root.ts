import { existsSync } from "node:fs";
import * as path from "node:path";

/**
 * The repository root: the nearest directory above `from` holding package.json. Code runs both from the source tree
 * and from the synth build (.build/<pid>/, see scripts/app.mjs), so files of the repository (functions/, dist/,
 * package-lock.json) are found from the root, never relative to the running file.
 */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
