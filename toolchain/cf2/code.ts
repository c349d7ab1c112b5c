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
import { ancestor, full } from "acorn-walk";
import { buildSync, transformSync, type BuildOptions } from "esbuild";
import {
  CF2_CONSOLE_MEMBERS,
  CF2_DIGEST_ENCODINGS,
  CF2_GLOBALS,
  CF2_HASH_ALGORITHMS,
  CF2_IMPORTABLE_MODULES,
  CF2_MISSING_GLOBALS,
  CF2_MODULE_MEMBERS,
  CF2_REQUIRABLE_MODULES,
  CF2_V1_STRING_METHODS,
  CF2_V2_ONLY_GLOBALS,
  type Cf2Module,
} from "../../model/cf2-runtime";

import { LIMITS } from "../../model/limits";
import { Cf2Runtime } from "../../model/vocabulary";

export { Cf2Runtime };

/** Maximum function code size (service quota, not adjustable). */
export const CF2_MAX_CODE_BYTES = LIMITS.cf2CodeBytes;

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
  /** Warnings about the source (each "file: line N: what"); they do not stop the upload. */
  warnings: string[];
  /** Lines of the source that call the cloudfront module's kvs(). */
  kvsCalls: number[];
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
    return { code: "", problems: [`${shownFile}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`], bundled: false, minified: false, warnings: [], kvsCalls: [] };
  }
  const analysis = analyzeFunctionCode(source, runtime, shownFile, { allowRelativeImports: true });
  const { warnings, kvsCalls } = analysis;
  if (analysis.problems.length > 0) return { code: source, problems: analysis.problems, bundled: false, minified: false, warnings, kvsCalls };

  let code = source;
  let bundled = false;
  let minified = false;
  const problems: string[] = [];
  if (/^\s*import\s[^;]*?from\s*["']\.\.?\//m.test(source)) {
    const result = esbuildOrProblem(shownFile, () => buildSync({ ...ESBUILD_COMMON, entryPoints: [entryFile], bundle: true, write: false, format: "esm", treeShaking: false, external: [...CF2_IMPORTABLE_MODULES] }).outputFiles![0].text);
    if (typeof result !== "string") return { code: source, problems: [result.problem], bundled: false, minified: false, warnings, kvsCalls };
    code = result;
    bundled = true;
  }
  if (byteLength(code) > CF2_MAX_CODE_BYTES) {
    const result = esbuildOrProblem(shownFile, () => transformSync(code, { ...ESBUILD_COMMON, loader: "js", minifyWhitespace: true, minifySyntax: true }).code);
    if (typeof result !== "string") return { code, problems: [result.problem], bundled, minified: false, warnings, kvsCalls };
    code = result.trimEnd();
    minified = true;
  }
  const what = [bundled && "bundled", minified && "minified"].filter(Boolean).join(" and ");
  if (what) problems.push(...checkFunctionCode(code, runtime, `${shownFile} (after esbuild ${what} it)`, { allowRelativeImports: false }));
  const size = byteLength(code);
  if (size > CF2_MAX_CODE_BYTES)
    problems.push(`${shownFile}: is ${size} bytes${minified ? " even after minifying" : ""}; CloudFront Functions allow at most ${CF2_MAX_CODE_BYTES} bytes (10 KB)`);
  return { code, problems, bundled, minified, warnings, kvsCalls };
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


/** What the checker found: problems stop the upload; warnings are printed and let it pass. */
export interface CodeAnalysis {
  /** "file: line N: what", in line order; empty when the code may be uploaded. */
  problems: string[];
  /** Things the runtime accepts but that are almost certainly mistakes (console.log with several arguments, a handler that can return nothing). */
  warnings: string[];
  /** Lines that call the cloudfront module's kvs(): the function needs a key value store associated. */
  kvsCalls: number[];
}

/**
 * Checks code against the runtime's feature list (model/cf2-runtime.ts, from the CloudFront Developer Guide's
 * "JavaScript runtime 1.0/2.0 features" pages): the syntax, every global the code references, and every member of
 * the crypto, querystring and cloudfront modules and of console it uses. Returns one problem per offending
 * construct, "file: line N: <feature> ... <runtime>".
 */
export function checkFunctionCode(code: string, runtime: Cf2Runtime, file: string, opts: { allowRelativeImports?: boolean } = {}): string[] {
  return analyzeFunctionCode(code, runtime, file, opts).problems;
}

/** checkFunctionCode with the warnings and the kvs() calls. */
export function analyzeFunctionCode(code: string, runtime: Cf2Runtime, file: string, opts: { allowRelativeImports?: boolean } = {}): CodeAnalysis {
  const problems: string[] = [];
  const warnings: string[] = [];
  const kvsCalls: number[] = [];
  const lineOf = (node: Node) => node.loc?.start.line ?? 0;
  const at = (node: Node, message: string) => problems.push(`${file}: line ${lineOf(node) || "?"}: ${message}`);
  const warn = (node: Node, message: string) => warnings.push(`${file}: line ${lineOf(node) || "?"}: ${message}`);
  const v2only = (node: Node, feature: string) => {
    if (runtime !== Cf2Runtime.JS_2_0) at(node, `${feature}: only cloudfront-js-2.0 supports it (this function uses ${runtime})`);
  };

  let program: Node & { body: AnyNode[] };
  try {
    // Modules are strict, like both runtimes.
    program = parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true }) as unknown as Node & { body: AnyNode[] };
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number } };
    return { problems: [`${file}: line ${e.loc?.line ?? "?"}: syntax error (strict mode): ${e.message.replace(/ \(\d+:\d+\)$/, "")}`], warnings, kvsCalls };
  }

  // An exported handler is reported as "export", not also as missing.
  const handler = program.body.map((s) => (s.type === "ExportNamedDeclaration" ? s.declaration ?? s : s)).find((s) => s.type === "FunctionDeclaration" && s.id?.name === "handler");
  if (!handler) problems.push(`${file}: no top-level "function handler(event)"; CloudFront calls that function and nothing else`);
  else checkHandlerReturns(handler, warn);

  const globals = new Set<string>(CF2_GLOBALS[runtime]);
  const declared = declaredNames(program);
  // Local names bound to a runtime module: var crypto = require("crypto"), import cf from "cloudfront", ...
  const moduleOf = new Map<string, Cf2Module>();

  full(program, (n) => {
    const node = n as AnyNode;
    switch (node.type) {
      case "VariableDeclaration":
        if (node.kind !== "var") v2only(node, `"${node.kind}"`);
        break;
      case "VariableDeclarator": {
        const name = requiredModule(node.init);
        if (node.id.type === "Identifier" && name && isModule(name)) moduleOf.set(node.id.name, name);
        break;
      }
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
        if (!isModule(from)) {
          at(node, `module "${from}" is not available; the runtime offers only ${CF2_IMPORTABLE_MODULES.join(", ")}`);
          break;
        }
        for (const s of node.specifiers as AnyNode[]) {
          if (s.type === "ImportSpecifier") {
            const member = s.imported.name ?? String(s.imported.value);
            if (!CF2_MODULE_MEMBERS[from].includes(member)) at(s, missingMember(from, member, runtime));
          } else moduleOf.set(s.local.name, from);
        }
        break;
      }
      case "CallExpression":
      case "NewExpression": {
        const callee = node.callee as AnyNode;
        if (callee.type === "Identifier" && callee.name === "Function" && !declared.has("Function"))
          at(node, `the Function constructor is a restricted feature of ${runtime} (dynamic code evaluation)`);
        if (callee.type === "Identifier" && callee.name === "require" && node.type === "CallExpression" && !declared.has("require")) {
          const arg = node.arguments[0];
          const name = arg?.type === "Literal" ? String(arg.value) : undefined;
          if (name === undefined) at(node, `require() needs a literal module name (${CF2_REQUIRABLE_MODULES.join(" or ")})`);
          else if (!(CF2_REQUIRABLE_MODULES as readonly string[]).includes(name))
            at(node, `module "${name}" is not available through require; the runtime offers only ${CF2_REQUIRABLE_MODULES.join(", ")}${name === "cloudfront" ? ' (and, on cloudfront-js-2.0, import cf from "cloudfront")' : ""}`);
        }
        if (callee.type === "MemberExpression" && !callee.computed) {
          const member = callee.property.name as string;
          const owner = callee.object as AnyNode;
          const mod = owner.type === "Identifier" ? moduleOf.get(owner.name) : requiredModule(owner);
          if (mod === "cloudfront" && member === "kvs") kvsCalls.push(lineOf(node));
          if (mod === "crypto" && (member === "createHash" || member === "createHmac")) {
            const alg = node.arguments[0];
            if (alg?.type === "Literal" && !(CF2_HASH_ALGORITHMS as readonly string[]).includes(String(alg.value)))
              at(node, `crypto.${member}("${alg.value}"): ${runtime} supports only ${CF2_HASH_ALGORITHMS.join(", ")}`);
          }
          if (member === "digest") {
            const enc = node.arguments[0];
            if (enc?.type === "Literal" && !(CF2_DIGEST_ENCODINGS as readonly string[]).includes(String(enc.value)))
              at(node, `digest("${enc.value}"): ${runtime} encodes digests only as ${CF2_DIGEST_ENCODINGS.join(", ")}`);
          }
          if (runtime === Cf2Runtime.JS_2_0 && (CF2_V1_STRING_METHODS as readonly string[]).includes(member))
            at(node, `String${member === "bytesFrom" ? "" : ".prototype"}.${member}() is not available in cloudfront-js-2.0 (only 1.0 has it); use Buffer or TextEncoder/TextDecoder`);
          if (owner.type === "Identifier" && owner.name === "console" && !declared.has("console") && member === "log" && node.arguments.length > 1)
            warn(node, `console.log with ${node.arguments.length} arguments: CloudFront Functions support one argument; build one string`);
        }
        break;
      }
      case "MemberExpression": {
        if (node.computed) break;
        const owner = node.object as AnyNode;
        const member = node.property.name as string;
        if (owner.type === "Identifier" && owner.name === "console" && !declared.has("console") && !(CF2_CONSOLE_MEMBERS as readonly string[]).includes(member)) {
          at(node, `console.${member} is not available in ${runtime}: console has log only`);
          break;
        }
        const mod = owner.type === "Identifier" ? moduleOf.get(owner.name) : requiredModule(owner);
        if (mod && !CF2_MODULE_MEMBERS[mod].includes(member)) at(node, missingMember(mod, member, runtime));
        break;
      }
    }
  });

  // Globals: every identifier read that the code does not declare must be a global of the runtime.
  ancestor(program, {
    Identifier(n, _state, ancestors) {
      const node = n as AnyNode;
      const name = node.name as string;
      if (declared.has(name) || globals.has(name)) return;
      const parent = ancestors[ancestors.length - 2] as AnyNode | undefined;
      if (parent?.type === "UnaryExpression" && parent.operator === "typeof") return; // feature detection never throws
      if ((CF2_V2_ONLY_GLOBALS as readonly string[]).includes(name)) at(node, `${name} is not available in ${runtime}; only cloudfront-js-2.0 has it`);
      else if (name in CF2_MISSING_GLOBALS) at(node, `${name} is not available in ${runtime}: ${CF2_MISSING_GLOBALS[name]}`);
      else at(node, `${name} is not defined: neither declared in the code nor a global of ${runtime}`);
    },
  });

  return { problems: dedupe(problems).sort((a, b) => lineNumber(a) - lineNumber(b)), warnings, kvsCalls };
}

const isModule = (name: string): name is Cf2Module => (CF2_IMPORTABLE_MODULES as readonly string[]).includes(name);

function missingMember(mod: Cf2Module, member: string, runtime: Cf2Runtime): string {
  const where = mod === "cloudfront" ? "the cloudfront module" : `the ${mod} module of ${runtime}`;
  return `${mod === "cloudfront" ? "cf" : mod}.${member} is not in ${where}; it offers ${CF2_MODULE_MEMBERS[mod].join(", ")}`;
}

/** `require("crypto")` -> "crypto". */
function requiredModule(node: AnyNode | null | undefined): Cf2Module | undefined {
  if (node?.type !== "CallExpression" || node.callee.type !== "Identifier" || node.callee.name !== "require") return undefined;
  const arg = node.arguments[0];
  const name = arg?.type === "Literal" ? String(arg.value) : "";
  return isModule(name) ? name : undefined;
}

/** Every name the code binds anywhere (variables, functions, parameters, catch parameters, imports). */
function declaredNames(program: Node): Set<string> {
  const names = new Set<string>();
  const bind = (p: AnyNode | null | undefined) => {
    if (!p) return;
    if (p.type === "Identifier") names.add(p.name);
    else if (p.type === "ObjectPattern") p.properties.forEach((q: AnyNode) => bind(q.type === "RestElement" ? q.argument : q.value));
    else if (p.type === "ArrayPattern") p.elements.forEach(bind);
    else if (p.type === "RestElement") bind(p.argument);
    else if (p.type === "AssignmentPattern") bind(p.left);
  };
  full(program, (n) => {
    const node = n as AnyNode;
    if (node.type === "VariableDeclarator") bind(node.id);
    else if (node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") {
      bind(node.id);
      node.params.forEach(bind);
    } else if (node.type === "CatchClause") bind(node.param);
    else if (node.type === "ImportSpecifier" || node.type === "ImportDefaultSpecifier" || node.type === "ImportNamespaceSpecifier") bind(node.local);
    else if (node.type === "ClassDeclaration") bind(node.id);
  });
  return names;
}

/**
 * A handler must hand CloudFront the request or a response. Warns where it can return nothing: a bare `return;`, or
 * an end of the body that control can reach. Nested functions are not the handler's returns.
 */
function checkHandlerReturns(handler: AnyNode, warn: (node: Node, message: string) => void): void {
  const bare: AnyNode[] = [];
  const visit = (node: AnyNode | null | undefined) => {
    if (!node || typeof node.type !== "string") return;
    if (node !== handler && /Function/.test(node.type)) return;
    if (node.type === "ReturnStatement" && !node.argument) bare.push(node);
    for (const key of Object.keys(node)) {
      if (key === "loc") continue;
      const v = node[key];
      if (Array.isArray(v)) v.forEach((c) => c && typeof c === "object" && visit(c));
      else if (v && typeof v === "object" && typeof v.type === "string") visit(v);
    }
  };
  visit(handler.body);
  for (const r of bare) warn(r, `"return;" makes the handler return nothing; CloudFront needs the request or a response object back`);
  if (completesNormally(handler.body.body))
    warn({ loc: { start: { line: handler.body.loc.end.line } } } as Node, `the handler can reach its end without returning; CloudFront needs the request or a response object back`);
}

/** Whether control can fall off the end of a statement list (a conservative approximation). */
function completesNormally(stmts: AnyNode[]): boolean {
  return !stmts.some((s) => !statementCompletes(s));
}

function statementCompletes(s: AnyNode): boolean {
  switch (s.type) {
    case "ReturnStatement":
    case "ThrowStatement":
      return false;
    case "BlockStatement":
      return completesNormally(s.body);
    case "IfStatement":
      return !s.alternate || statementCompletes(s.consequent) || statementCompletes(s.alternate);
    case "TryStatement":
      if (s.finalizer && !completesNormally(s.finalizer.body)) return false;
      return completesNormally(s.block.body) || (s.handler ? completesNormally(s.handler.body.body) : false);
    case "SwitchStatement": {
      if (!s.cases.some((c: AnyNode) => c.test === null)) return true;
      if (JSON.stringify(s.cases, (k, v) => (k === "loc" ? undefined : v)).includes('"BreakStatement"')) return true;
      const last = s.cases[s.cases.length - 1];
      return completesNormally(last.consequent);
    }
    case "WhileStatement":
    case "ForStatement":
    case "DoWhileStatement": {
      const infinite = s.type === "ForStatement" ? s.test === null : s.test?.type === "Literal" && s.test.value === true;
      if (!infinite) return true;
      return JSON.stringify(s.body, (k, v) => (k === "loc" ? undefined : v)).includes('"BreakStatement"');
    }
    default:
      return true;
  }
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

// acorn's ESTree nodes as a loose shape: only the fields read above.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyNode = Node & Record<string, any>;

function lineNumber(problem: string): number {
  const m = / line (\d+):/.exec(problem);
  return m ? Number(m[1]) : 0;
}
