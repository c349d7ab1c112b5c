/**
 * Checks code against the runtime's feature list (model/cf2-runtime.ts, from the CloudFront Developer Guide's
 * "JavaScript runtime 1.0/2.0 features" pages). One parse, one walk; each family of checks lives in checks/:
 * syntax, modules, members of console/crypto/String, built-in members per runtime, globals, and the handler itself.
 */
import { parse, type Node } from "acorn";
import { fullAncestor } from "acorn-walk";
import type { Cf2Runtime } from "../../model/vocabulary";
import { BUILTIN_CHECKS, recordOwnProperties } from "./checks/builtins";
import { lineOf, type AnyNode, type CheckContext, type NodeCheck } from "./checks/context";
import { checkGlobals, declaredNames } from "./checks/globals";
import { checkHandler } from "./checks/handler";
import { MEMBER_CHECKS } from "./checks/members";
import { MODULE_CHECKS } from "./checks/modules";
import { SYNTAX_CHECKS } from "./checks/syntax";

/** What the checker found: problems stop the upload; warnings are printed and let it pass. */
export interface CodeAnalysis {
  /** "file: line N: what", in line order; empty when the code may be uploaded. */
  problems: string[];
  /** Things the runtime accepts but that are almost certainly mistakes (console.log with several arguments, a handler that can return nothing). */
  warnings: string[];
  /** Lines that call the cloudfront module's kvs(): the function needs a key value store associated. */
  kvsCalls: number[];
}

export interface CheckOptions {
  /** Relative imports are allowed (the builder bundles them). @default false */
  readonly allowRelativeImports?: boolean;
}

/** The node checks, in the order they run on each node (module bindings before member checks read them). */
const FAMILIES: readonly Readonly<Record<string, NodeCheck>>[] = [SYNTAX_CHECKS, MODULE_CHECKS, MEMBER_CHECKS, BUILTIN_CHECKS];

/** Returns one problem per offending construct, "file: line N: <feature> ... <runtime>". */
export function checkFunctionCode(code: string, runtime: Cf2Runtime, file: string, opts: CheckOptions = {}): string[] {
  return analyzeFunctionCode(code, runtime, file, opts).problems;
}

/** checkFunctionCode with the warnings and the kvs() calls. */
export function analyzeFunctionCode(code: string, runtime: Cf2Runtime, file: string, opts: CheckOptions = {}): CodeAnalysis {
  const program = parseModule(code, file);
  if (typeof program === "string") return { problems: [program], warnings: [], kvsCalls: [] };
  const problems: string[] = [];
  const warnings: string[] = [];
  const kvsCalls: number[] = [];
  const at = (node: Node) => `${file}: line ${lineOf(node) || "?"}: `;
  const ctx: CheckContext = {
    file,
    runtime,
    declared: declaredNames(program),
    moduleOf: new Map(),
    allowRelativeImports: opts.allowRelativeImports ?? false,
    problem: (node, message) => problems.push(at(node) + message),
    fileProblem: (message) => problems.push(`${file}: ${message}`),
    warning: (node, message) => warnings.push(at(node) + message),
    kvsCall: (node) => kvsCalls.push(lineOf(node)),
  };
  checkHandler(program, ctx);
  recordOwnProperties(program, ctx);
  fullAncestor(program, (n, _state, ancestors) => {
    const node = n as AnyNode;
    for (const family of FAMILIES) family[node.type]?.(node, ctx, ancestors as AnyNode[]);
  });
  checkGlobals(program, ctx);
  return { problems: [...new Set(problems)].sort((a, b) => lineNumber(a) - lineNumber(b)), warnings, kvsCalls };
}

/** The program, or the syntax error as a problem. Modules are strict, like both runtimes. */
function parseModule(code: string, file: string): AnyNode | string {
  try {
    return parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true }) as AnyNode;
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number } };
    return `${file}: line ${e.loc?.line ?? "?"}: syntax error (strict mode): ${e.message.replace(/ \(\d+:\d+\)$/, "")}`;
  }
}

function lineNumber(problem: string): number {
  const m = / line (\d+):/.exec(problem);
  return m ? Number(m[1]) : 0;
}
