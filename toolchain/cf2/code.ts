/**
 * CloudFront Function code as Terraform will upload it: bundled and minified with esbuild only when that helps,
 * then checked against the runtime's documented feature list before any construct sees it.
 *
 * The service accepts any text and fails at apply or, worse, on the first viewer request; these checks move those
 * failures into `npm run synth` and `npm run ticket`, with the file, line and feature named.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildSync, transformSync, type BuildOptions } from "esbuild";
import { CF2_IMPORTABLE_MODULES } from "../../model/cf2-runtime";

import { LIMITS } from "../../model/limits";
import { Cf2Runtime } from "../../model/vocabulary";
import { analyzeFunctionCode, checkFunctionCode } from "./check";
import { sourceLinesOf, type SourceLines } from "./source-lines";

export { Cf2Runtime };

/** Maximum function code size (service quota, not adjustable). */
export const CF2_MAX_CODE_BYTES = LIMITS.cf2CodeBytes;

export interface BuiltCode {
  /** The code to upload, exactly (not yet escaped for Terraform). */
  code: string;
  /** Problems, each "file: line N: what"; empty when the code may be uploaded. */
  problems: string[];
  /** esbuild inlined relative imports. */
  bundled: boolean;
  /** esbuild minified the code (only done when the source exceeds the size limit). */
  minified: boolean;
  /** Warnings about the source (each "file: line N: what"); they do not stop the upload. */
  warnings: string[];
  /** Lines of the source that call the cloudfront module's kvs(). */
  kvsCalls: number[];
  /** For bundled code: where each line of `code` came from (file relative to the entry's directory, line). */
  sourceLines?: SourceLines;
}

/**
 * Reads a function's entry file and produces the code to upload.
 * - Relative imports (`import { x } from "./lib.js"`) are bundled into one file (nothing is tree-shaken, so the
 *   top-level `handler` stays).
 * - Code over 10 KB is minified (whitespace and syntax only: renaming would rename the top-level `handler` of a
 *   module; target ES2017 so esbuild cannot introduce `??`, `?.` or logical assignment).
 * - The result is checked again, because bundling or minifying must not introduce what the runtime lacks.
 */
export function buildFunctionCode(entryFile: string, runtime: Cf2Runtime, shownFile: string = entryFile): BuiltCode {
  let source: string;
  try {
    source = readFileSync(entryFile, "utf8");
  } catch (err) {
    return {
      code: "",
      problems: [`${shownFile}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`],
      bundled: false,
      minified: false,
      warnings: [],
      kvsCalls: [],
    };
  }
  const analysis = analyzeFunctionCode(source, runtime, shownFile, { allowRelativeImports: true });
  const { warnings, kvsCalls } = analysis;
  if (analysis.problems.length > 0) return { code: source, problems: analysis.problems, bundled: false, minified: false, warnings, kvsCalls };

  let code = source;
  let bundled = false;
  let minified = false;
  const problems: string[] = [];
  let sourceLines: SourceLines | undefined;
  if (/^\s*import\s[^;]*?from\s*["']\.\.?\//m.test(source)) {
    const result = esbuildOrProblem(shownFile, () => bundle(entryFile));
    if (typeof result !== "object" || "problem" in result)
      return { code: source, problems: [(result as { problem: string }).problem], bundled: false, minified: false, warnings, kvsCalls };
    code = result.code;
    sourceLines = result.sourceLines;
    bundled = true;
  }
  if (byteLength(code) > CF2_MAX_CODE_BYTES) {
    const result = esbuildOrProblem(shownFile, () => transformSync(code, { ...ESBUILD_COMMON, loader: "js", minifyWhitespace: true, minifySyntax: true }).code);
    if (typeof result !== "string") return { code, problems: [result.problem], bundled, minified: false, warnings, kvsCalls };
    code = result.trimEnd();
    minified = true;
    sourceLines = undefined; // minified code is one line; its positions are the upload's
  }
  const what = [bundled && "bundled", minified && "minified"].filter(Boolean).join(" and ");
  if (what) problems.push(...checkFunctionCode(code, runtime, `${shownFile} (after esbuild ${what} it)`, { allowRelativeImports: false }));
  const size = byteLength(code);
  if (size > CF2_MAX_CODE_BYTES)
    problems.push(
      `${shownFile}: is ${size} bytes${minified ? " even after minifying" : ""}; CloudFront Functions allow at most ${CF2_MAX_CODE_BYTES} bytes (10 KB)`,
    );
  return { code, problems, bundled, minified, warnings, kvsCalls, ...(sourceLines ? { sourceLines } : {}) };
}

/** The entry with its relative imports in one file, and where each line came from (the source map stays here). */
function bundle(entryFile: string): { code: string; sourceLines: SourceLines } {
  const dir = path.dirname(entryFile);
  const out = buildSync({
    ...ESBUILD_COMMON,
    entryPoints: [entryFile],
    bundle: true,
    write: false,
    format: "esm",
    treeShaking: false,
    external: [...CF2_IMPORTABLE_MODULES],
    sourcemap: "external",
    outfile: path.join(dir, "bundle.js"),
    absWorkingDir: dir,
  });
  const js = out.outputFiles!.find((f) => f.path.endsWith(".js"))!;
  const map = out.outputFiles!.find((f) => f.path.endsWith(".map"))!;
  // esbuild ends the code with a sourceMappingURL comment for the external map: not part of what is uploaded.
  const code = js.text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
  return { code, sourceLines: sourceLinesOf(JSON.parse(map.text)) };
}

const ESBUILD_COMMON: Pick<BuildOptions, "target" | "charset" | "legalComments" | "logLevel" | "supported"> = {
  target: "es2017",
  charset: "utf8",
  legalComments: "none",
  logLevel: "silent",
  // Belt and braces: never let esbuild emit what neither runtime documents.
  supported: {
    "object-rest-spread": false,
    destructuring: false,
    "default-argument": false,
    "for-of": false,
    class: false,
    "optional-chain": false,
    "nullish-coalescing": false,
    "logical-assignment": false,
  },
};

function esbuildOrProblem<T>(file: string, run: () => T): T | { problem: string } {
  try {
    return run();
  } catch (err) {
    const e = err as { errors?: { text: string; location?: { file: string; line: number } | null }[]; message: string };
    const first = e.errors?.[0];
    if (first)
      return {
        problem: `${first.location ? `${path.basename(first.location.file) === first.location.file ? file : first.location.file}: line ${first.location.line}` : file}: esbuild: ${first.text}`,
      };
    return { problem: `${file}: esbuild: ${e.message}` };
  }
}

const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

export { analyzeFunctionCode, checkFunctionCode, type CodeAnalysis } from "./check";
