/**
 * Bundles a Lambda handler from functions/ with esbuild into dist/<name>/index.js plus a deployable zip, once per
 * process and only when its inputs changed, so `npm run synth` stays fast however many sites use the function.
 *
 * Why not cdktf's AssetType.ARCHIVE: it spawns a Node process per asset per stack on every synth (~0.3 s each here)
 * and its zips carry timestamps. The zip written here holds one file with a fixed timestamp, so equal bundles give
 * equal zips; the asset hash (the Lambda's source_code_hash) is the bundle's SHA-256 either way.
 */
import { buildSync, version as esbuildVersion, type BuildOptions } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";

/** The repository root: the first directory above this file with a package.json (this file may run from .build/). */
const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
/** Where `npm run build` and the synth put bundles (gitignored). */
export const DIST_DIR = path.join(ROOT, "dist");

export interface LambdaBundle {
  /** dist/<name>/index.js: the deployable handler, exporting `handler`. */
  file: string;
  /** dist/<name>.zip: index.js alone, for the Lambda's `filename`. */
  zip: string;
  /** SHA-256 (hex) of index.js; changes exactly when the code changes. */
  hash: string;
  /** Size of index.js in bytes. */
  bytes: number;
}

/** esbuild options for a Node.js 22 Lambda handler; exported so tests and the bench build exactly the same way. */
export function bundleOptions(entry: string, outfile: string): BuildOptions {
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
    const result = buildSync({ ...options, outfile: undefined, write: false });
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
  const hash = createHash("sha256").update(esbuildVersion).update(JSON.stringify({ ...options, entryPoints: undefined, outfile: undefined }));
  for (const f of readdirSync(srcDir).filter((f) => f.endsWith(".ts") && !/\.(spec|test)\.ts$/.test(f)).sort())
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

/** A zip archive (PKZIP 2.0, deflate) holding one file, with a fixed 1980-01-01 timestamp. */
export function zipSingleFile(name: string, data: Buffer): Buffer {
  const fileName = Buffer.from(name, "utf8");
  const compressed = deflateRawSync(data, { level: 9 });
  const crc = crc32(data);
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (so the mode below is honoured)
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
  central.writeUInt32LE(0, 42); // offset of the local header
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(local.length + fileName.length + compressed.length, 16);
  return Buffer.concat([local, fileName, compressed, central, fileName, end]);
}
