#!/usr/bin/env node
/** Fails when any source file imports @cdktf/provider-aws from its package root instead of lib/<resource>. */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SKIP = new Set(["node_modules", ".git", ".build", "cdktf.out", ".validate", "dist", "coverage"]);
const ROOT_IMPORT = /(from\s+|require\(\s*|import\(\s*)["']@cdktf\/provider-aws["']/;

const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name)) files.push(p);
  }
};
walk(root);
const bad = files.flatMap((f) =>
  readFileSync(f, "utf8").split("\n").flatMap((line, i) => (ROOT_IMPORT.test(line) ? [`${path.relative(root, f)}:${i + 1}: ${line.trim()}`] : [])),
);
if (bad.length > 0) {
  console.error(`Import @cdktf/provider-aws/lib/<resource> instead of the package root:\n${bad.join("\n")}`);
  process.exit(1);
}
console.log(`ok: ${files.length} files import provider resources by deep path only`);
