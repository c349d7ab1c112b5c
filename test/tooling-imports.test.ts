/**
 * Shared tooling code flows one way: tests may import scripts/lib and guardrails/, but nothing in scripts/ or
 * guardrails/ imports test/ (a CLI must not depend on test support, and a cycle would make both harder to move).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );

/** Imports from `dir` that resolve into test/, as "file: specifier". */
function importsOfTest(dir: string): string[] {
  return sourceFiles(path.join(ROOT, dir)).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(SPECIFIER)]
      .map((m) => m[1])
      .filter((spec) => spec.startsWith(".") && path.resolve(path.dirname(file), spec).startsWith(path.join(ROOT, "test") + path.sep))
      .map((spec) => `${path.relative(ROOT, file)}: ${spec}`),
  );
}

test.each(["scripts", "guardrails"])("nothing in %s/ imports test/", (dir) => {
  expect(importsOfTest(dir)).toEqual([]);
});

test("the check sees an import of test support", () => {
  const line = 'import { x } from "../test/support/synth";';
  const specs = [...line.matchAll(SPECIFIER)].map((m) => m[1]);
  expect(specs).toEqual(["../test/support/synth"]);
});
