/**
 * Bundles a Lambda handler from functions/ with esbuild into dist/<name>/index.js plus a deployable zip, once per
 * process and only when its inputs changed, so `npm run synth` stays fast however many sites use the function.
 *
 * Why not cdktf's AssetType.ARCHIVE: it spawns a Node process per asset per stack on every synth (~0.3 s each here)
 * and its zips carry timestamps. The zip written here (fflate) holds one file with a fixed timestamp, so equal bundles
 * give equal zips; the asset hash (the Lambda's source_code_hash) is the bundle's SHA-256 either way.
 */
import type { BuildOptions } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../model/project-root";

// esbuild and fflate are loaded on a cache miss only: a synth that reuses dist/ (the usual case) never needs them,
// and loading them costs tens of milliseconds of every synth. The stamp reads esbuild's version from its package.json.
const esbuild = (): typeof import("esbuild") => require("esbuild");
const fflate = (): typeof import("fflate") => require("fflate");
let esbuildVersionCache: string | undefined;
function esbuildVersion(): string {
  return (esbuildVersionCache ??= (JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")) as { version: string }).version);
}

const ROOT = projectRoot();
/** Where `npm run build` and the synth put bundles (gitignored). */
const DIST_DIR = path.join(ROOT, "dist");

export interface LambdaBundle {
  /** dist/<name>/index.js: the deployable handler, exporting `handler`. */
  readonly file: string;
  /** dist/<name>.zip: index.js alone, for the Lambda's `filename`. */
  readonly zip: string;
  /** SHA-256 (hex) of index.js; changes exactly when the code changes. */
  readonly hash: string;
  /** Size of index.js in bytes. */
  readonly bytes: number;
}

/** esbuild options for a Node.js 22 Lambda handler (`npm run build` and the synth both come through bundleLambda). */
function bundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    // The SDK's ES module builds tree-shake much better than its CommonJS ones.
    mainFields: ["module", "main"],
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  };
}

const built = new Map<string, LambdaBundle>();

/**
 * Bundles functions/<name>/index.ts. Reuses dist/<name> when a stamp of the inputs (handler sources, lock file,
 * esbuild version and options) matches, so a synth after `npm run build` costs no bundling.
 */
export function bundleLambda(name: string, opts: { force?: boolean } = {}): LambdaBundle {
  const cached = built.get(name);
  if (cached && !opts.force) return cached;
  const srcDir = path.join(ROOT, "functions", name);
  const outDir = path.join(DIST_DIR, name);
  const file = path.join(outDir, "index.js");
  const zip = path.join(DIST_DIR, `${name}.zip`);
  const stampFile = path.join(DIST_DIR, `${name}.inputs`);
  const options = bundleOptions(path.join(srcDir, "index.ts"), file);
  const stamp = inputsStamp(srcDir, options);

  const upToDate = !opts.force && existsSync(file) && existsSync(zip) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp;
  if (!upToDate) {
    mkdirSync(outDir, { recursive: true });
    const result = esbuild().buildSync({ ...options, outfile: undefined, write: false });
    const code = Buffer.from(result.outputFiles![0].contents);
    // Write-then-rename: parallel test workers may bundle at the same time.
    atomicWrite(file, code);
    atomicWrite(zip, zipSingleFile("index.js", code));
    atomicWrite(stampFile, Buffer.from(stamp));
  }
  const code = readFileSync(file);
  const bundle = { file, zip, hash: createHash("sha256").update(code).digest("hex"), bytes: code.length };
  built.set(name, bundle);
  return bundle;
}

function inputsStamp(srcDir: string, options: BuildOptions): string {
  const hash = createHash("sha256")
    .update(esbuildVersion())
    .update(JSON.stringify({ ...options, entryPoints: undefined, outfile: undefined }));
  for (const f of readdirSync(srcDir)
    .filter((f) => f.endsWith(".ts") && !/\.(spec|test)\.ts$/.test(f))
    .sort())
    hash.update(f).update(readFileSync(path.join(srcDir, f)));
  // The SDK versions the bundle contains are pinned by the lock file.
  const lock = path.join(ROOT, "package-lock.json");
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest("hex");
}

function atomicWrite(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/**
 * A zip holding one file, with a fixed timestamp and regular-file mode, so equal bundles give equal zips.
 * (fflate writes the DOS timestamp in local time: equal per machine, which is all the reuse above needs.)
 */
function zipSingleFile(name: string, data: Buffer): Buffer {
  return Buffer.from(fflate().zipSync({ [name]: [data, { level: 9, mtime: new Date(1980, 0, 1), os: 3, attrs: (0o100644 << 16) >>> 0 }] }));
}
