/**
 * One CDK Terrain core. The prebuilt @cdktf/provider-aws bindings import `cdktf`; the project imports `cdktn`. Both
 * must be the same loaded module: with a second core, provider resources are not `TerraformResource`s of the core
 * the stacks use, and instanceof checks (aspects, token resolution) fail without an error.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App, TerraformResource, TerraformStack } from "cdktn";
import { loadEnvironments } from "../config/load";
import { synthesize } from "./support/synth";

const ROOT = path.join(__dirname, "..");
const PROVIDER_DIR = path.dirname(require.resolve("@cdktf/provider-aws/package.json"));
const CDKTN_VERSION: string = require("cdktn/package.json").version;

/** Every installed package directory named `name` under a node_modules tree, nested ones included. */
function installedCopies(nodeModules: string, names: readonly string[]): string[] {
  if (!existsSync(nodeModules)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const dirs = entry.name.startsWith("@") ? readdirSync(path.join(nodeModules, entry.name)).map((n) => path.join(entry.name, n)) : [entry.name];
    for (const name of dirs) {
      const dir = path.join(nodeModules, name);
      if (names.includes(name)) found.push(dir);
      found.push(...installedCopies(path.join(dir, "node_modules"), names));
    }
  }
  return found;
}

describe("one CDK Terrain core", () => {
  test("the provider bindings' `cdktf` is the project's `cdktn` module", () => {
    const fromProvider = require.resolve("cdktf", { paths: [PROVIDER_DIR] });
    expect(require(fromProvider)).toBe(require("cdktn"));
  });

  test("a provider resource is a TerraformResource of the core the stacks use", () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), "edge-core-"));
    try {
      const stack = new TerraformStack(new App({ outdir }), "core");
      expect(new S3Bucket(stack, "bucket")).toBeInstanceOf(TerraformResource);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("node_modules holds one core: every cdktf/cdktn directory is the shared cdktn or the name pointing at it", () => {
    const copies = installedCopies(path.join(ROOT, "node_modules"), ["cdktn", "cdktf"]).map((d) => realpathSync(d));
    const cores = [...new Set(copies)].filter((d) => {
      const pkg = JSON.parse(readFileSync(path.join(d, "package.json"), "utf8"));
      // the alias package only re-exports; anything with a lib/ of its own is a core
      return pkg.name === "cdktn" || existsSync(path.join(d, "lib"));
    });
    expect(cores).toEqual([realpathSync(path.join(ROOT, "node_modules", "cdktn"))]);
  });

  test("every synthesized stack records the cdktn core's version", () => {
    const stacks = synthesize(loadEnvironments(path.join(__dirname, "fixtures", "environments")));
    expect(Object.keys(stacks).length).toBeGreaterThan(0);
    for (const [name, stack] of Object.entries(stacks)) expect({ name, version: stack["//"]?.metadata?.version }).toEqual({ name, version: CDKTN_VERSION });
  });
});
