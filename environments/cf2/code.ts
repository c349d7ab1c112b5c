/**
 * CloudFront Function code as Terraform will upload it: bundled and minified with esbuild only when that helps,
 * then checked against the runtime's documented feature list before any construct sees it.
 *
 * The service accepts any text and fails at apply or, worse, on the first viewer request; these checks move those
 * failures into `npm run synth` and `npm run ticket`, with the file, line and feature named.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, type Node } from "acorn";
import { full } from "acorn-walk";
import { buildSync, transformSync, type BuildOptions } from "esbuild";

import { LIMITS } from "../../model/limits";
import { Cf2Runtime } from "../../model/vocabulary";

export { Cf2Runtime };

/** Maximum function code size (service quota, not adjustable). */
export const CF2_MAX_CODE_BYTES = LIMITS.cf2CodeBytes;

/** Modules each runtime provides, by how they are loaded. */
const REQUIRABLE = ["crypto", "querystring"];
const IMPORTABLE = ["cloudfront", "crypto", "querystring"];

const TIMERS = new Set(["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask"]);
/**
 * Globals the runtime does not document: neither feature list names Map, Set or Symbol
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-10.html and
 * .../functions-javascript-runtime-20.html), so code relying on them is refused rather than tried at the edge.
 */
const UNDOCUMENTED_GLOBALS = new Set(["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Proxy", "Reflect", "WeakRef"]);

const BOTH = "cloudfront-js-1.0 or cloudfront-js-2.0";

export interface BuiltCode {
  /** The code to upload, exactly (not yet escaped for Terraform). */
  code: string;
  /** Problems, each "file: line N: what"; empty when the code may be uploaded. */
  problems: string[];
  /** esbuild inlined relative imports. */
  bundled: boolean;
  /** esbuild minified the code (only done when the source exceeds the size limit). */
  minified: boolean;
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
    return { code: "", problems: [`${shownFile}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`], bundled: false, minified: false };
  }
  const sourceProblems = checkFunctionCode(source, runtime, shownFile, { allowRelativeImports: true });
  if (sourceProblems.length > 0) return { code: source, problems: sourceProblems, bundled: false, minified: false };

  let code = source;
  let bundled = false;
  let minified = false;
  const problems: string[] = [];
  if (/^\s*import\s[^;]*?from\s*["']\.\.?\//m.test(source)) {
    const result = esbuildOrProblem(shownFile, () => buildSync({ ...ESBUILD_COMMON, entryPoints: [entryFile], bundle: true, write: false, format: "esm", treeShaking: false, external: IMPORTABLE }).outputFiles![0].text);
    if (typeof result !== "string") return { code: source, problems: [result.problem], bundled: false, minified: false };
    code = result;
    bundled = true;
  }
  if (byteLength(code) > CF2_MAX_CODE_BYTES) {
    const result = esbuildOrProblem(shownFile, () => transformSync(code, { ...ESBUILD_COMMON, loader: "js", minifyWhitespace: true, minifySyntax: true }).code);
    if (typeof result !== "string") return { code, problems: [result.problem], bundled, minified: false };
    code = result.trimEnd();
    minified = true;
  }
  const what = [bundled && "bundled", minified && "minified"].filter(Boolean).join(" and ");
  if (what) problems.push(...checkFunctionCode(code, runtime, `${shownFile} (after esbuild ${what} it)`, { allowRelativeImports: false }));
  const size = byteLength(code);
  if (size > CF2_MAX_CODE_BYTES)
    problems.push(`${shownFile}: is ${size} bytes${minified ? " even after minifying" : ""}; CloudFront Functions allow at most ${CF2_MAX_CODE_BYTES} bytes (10 KB)`);
  return { code, problems, bundled, minified };
}

const ESBUILD_COMMON: Pick<BuildOptions, "target" | "charset" | "legalComments" | "logLevel" | "supported"> = {
  target: "es2017",
  charset: "utf8",
  legalComments: "none",
  logLevel: "silent",
  // Belt and braces: never let esbuild emit what neither runtime documents.
  supported: { "object-rest-spread": false, destructuring: false, "default-argument": false, "for-of": false, class: false, "optional-chain": false, "nullish-coalescing": false, "logical-assignment": false },
};

function esbuildOrProblem(file: string, run: () => string): string | { problem: string } {
  try {
    return run();
  } catch (err) {
    const e = err as { errors?: { text: string; location?: { file: string; line: number } | null }[]; message: string };
    const first = e.errors?.[0];
    if (first) return { problem: `${first.location ? `${path.basename(first.location.file) === first.location.file ? file : first.location.file}: line ${first.location.line}` : file}: esbuild: ${first.text}` };
    return { problem: `${file}: esbuild: ${e.message}` };
  }
}

const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * Checks code against the runtime's feature list (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-features.html): returns one problem per
 * offending construct, "file: line N: <feature> ...". An empty list means the code may be uploaded.
 */
export function checkFunctionCode(code: string, runtime: Cf2Runtime, file: string, opts: { allowRelativeImports?: boolean } = {}): string[] {
  const problems: string[] = [];
  const at = (node: Node, message: string) => problems.push(`${file}: line ${node.loc?.start.line ?? "?"}: ${message}`);
  const v2only = (node: Node, feature: string) => {
    if (runtime !== Cf2Runtime.JS_2_0) at(node, `${feature}: only cloudfront-js-2.0 supports it (this function uses ${runtime})`);
  };

  let program: Node & { body: AnyNode[] };
  try {
    // Modules are strict, like both runtimes.
    program = parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true }) as unknown as Node & { body: AnyNode[] };
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number } };
    return [`${file}: line ${e.loc?.line ?? "?"}: syntax error (strict mode): ${e.message.replace(/ \(\d+:\d+\)$/, "")}`];
  }

  // An exported handler is reported as "export", not also as missing.
  const handler = program.body.map((s) => (s.type === "ExportNamedDeclaration" ? s.declaration ?? s : s)).find((s) => s.type === "FunctionDeclaration" && s.id?.name === "handler");
  if (!handler) problems.push(`${file}: no top-level "function handler(event)"; CloudFront calls that function and nothing else`);

  full(program, (n) => {
    const node = n as AnyNode;
    switch (node.type) {
      case "VariableDeclaration":
        if (node.kind !== "var") v2only(node, `"${node.kind}"`);
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        if (node.async) v2only(node, '"async" functions');
        if (node.generator) at(node, `generator functions are not supported by ${BOTH}`);
        break;
      case "AwaitExpression":
        v2only(node, '"await"');
        break;
      case "ObjectPattern":
      case "ArrayPattern":
        at(node, `destructuring is not supported by ${BOTH}`);
        break;
      case "SpreadElement":
        at(node, `spread ("...") is not supported by ${BOTH}`);
        break;
      case "RestElement":
        break; // rest parameters are documented for both runtimes
      case "AssignmentPattern":
        at(node, `default parameter values are not supported by ${BOTH}`);
        break;
      case "ClassDeclaration":
      case "ClassExpression":
        at(node, `classes are not supported by ${BOTH}`);
        break;
      case "ForOfStatement":
        at(node, `"for...of" is not supported by ${BOTH}; use a for loop or for...in`);
        break;
      case "ChainExpression":
        at(node, `optional chaining ("?.") is not in the feature list of ${BOTH}`);
        break;
      case "LogicalExpression":
        if (node.operator === "??") at(node, `"??" is not in the feature list of ${BOTH}`);
        break;
      case "AssignmentExpression":
        if (["&&=", "||=", "??="].includes(node.operator)) at(node, `logical assignment ("${node.operator}") is not in the feature list of ${BOTH}`);
        break;
      case "ImportExpression":
        at(node, `dynamic import() is not supported by ${BOTH}`);
        break;
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        at(node, `"export" is not supported by ${BOTH}: declare a top-level "function handler(event)" without export`);
        break;
      case "ImportDeclaration": {
        const from = String(node.source.value);
        if (opts.allowRelativeImports && /^\.\.?\//.test(from)) break;
        v2only(node, '"import"');
        if (!IMPORTABLE.includes(from)) at(node, `module "${from}" is not available; the runtime offers only ${IMPORTABLE.join(", ")}`);
        break;
      }
      case "CallExpression":
      case "NewExpression": {
        const callee = node.callee;
        if (callee.type !== "Identifier") break;
        if (callee.name === "eval" || callee.name === "Function") at(node, `${callee.name === "eval" ? "eval()" : "new Function()"} is not allowed in ${BOTH}`);
        else if (TIMERS.has(callee.name)) at(node, `timers (${callee.name}) are not available in ${BOTH}`);
        else if (UNDOCUMENTED_GLOBALS.has(callee.name)) at(node, `${callee.name} is not in the feature list of ${BOTH}`);
        else if (callee.name === "require" && node.type === "CallExpression") {
          const arg = node.arguments[0];
          const name = arg?.type === "Literal" ? String(arg.value) : undefined;
          if (name === undefined) at(node, `require() needs a literal module name (${REQUIRABLE.join(" or ")})`);
          else if (!REQUIRABLE.includes(name))
            at(node, `module "${name}" is not available through require; the runtime offers only ${REQUIRABLE.join(", ")}${name === "cloudfront" ? ' (and, on cloudfront-js-2.0, import cf from "cloudfront")' : ""}`);
        }
        break;
      }
    }
  });
  return problems.sort((a, b) => lineNumber(a) - lineNumber(b));
}

// acorn's ESTree nodes as a loose shape: only the fields read above.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyNode = Node & Record<string, any>;

function lineNumber(problem: string): number {
  const m = / line (\d+):/.exec(problem);
  return m ? Number(m[1]) : 0;
}
