/**
 * Globals: every identifier the code reads without declaring it must be a global of the runtime ("Globals" and
 * "Built-in objects" on each runtime's page). Names people reach for get what to do instead.
 */
import { ancestor, full } from "acorn-walk";
import type { Node } from "acorn";
import { CF2_GLOBALS, CF2_MISSING_GLOBALS, CF2_V2_ONLY_GLOBALS } from "../../../model/cf2-runtime";
import { lineOf, type AnyNode, type CheckContext } from "./context";

/** Every name the code binds anywhere (variables, functions, parameters, catch parameters, imports, classes). */
export function declaredNames(program: Node): Set<string> {
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
    else if (/^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(node.type)) {
      bind(node.id);
      node.params.forEach(bind);
    } else if (node.type === "CatchClause") bind(node.param);
    else if (/^Import(Default|Namespace)?Specifier$/.test(node.type)) bind(node.local);
    else if (node.type === "ClassDeclaration") bind(node.id);
  });
  return names;
}

/** Whether an expression tests `typeof <name>` somewhere (`typeof process !== "undefined"`, `typeof module === "object" && ...`). */
function typeofTest(test: AnyNode | null | undefined): string | undefined {
  let found: string | undefined;
  if (!test) return undefined;
  full(test, (n) => {
    const node = n as AnyNode;
    if (!found && node.type === "UnaryExpression" && node.operator === "typeof" && node.argument.type === "Identifier") found = node.argument.name;
  });
  return found;
}

/**
 * A runtime check (`if (typeof process !== "undefined")`) around the identifier: the reference is still rejected
 * (proving the branch dead would need the values at the edge), so the message names the check it saw.
 */
function guardNote(ancestors: readonly AnyNode[]): string {
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const a = ancestors[i];
    if (a.type !== "IfStatement" && a.type !== "ConditionalExpression" && a.type !== "LogicalExpression") continue;
    const tested = typeofTest(a.type === "LogicalExpression" ? a.left : a.test);
    if (tested)
      return ` (behind the runtime check "typeof ${tested}" at line ${lineOf(a)}: the checker cannot prove that branch never runs, and a CloudFront Function only runs at the edge, so remove the branch)`;
  }
  return "";
}

export function checkGlobals(program: Node, ctx: CheckContext): void {
  const globals = new Set<string>(CF2_GLOBALS[ctx.runtime]);
  ancestor(program, {
    Identifier(n, _state, ancestors) {
      const node = n as AnyNode;
      const name = node.name as string;
      if (ctx.declared.has(name) || globals.has(name)) return;
      const chain = ancestors as AnyNode[];
      const parent = chain[chain.length - 2];
      if (parent?.type === "UnaryExpression" && parent.operator === "typeof") return; // feature detection never throws
      const why = (CF2_V2_ONLY_GLOBALS as readonly string[]).includes(name)
        ? `${name} is not available in ${ctx.runtime}; only cloudfront-js-2.0 has it`
        : name in CF2_MISSING_GLOBALS
          ? `${name} is not available in ${ctx.runtime}: ${CF2_MISSING_GLOBALS[name]}`
          : `${name} is not defined: neither declared in the code nor a global of ${ctx.runtime}`;
      ctx.problem(node, why + guardNote(chain));
    },
  });
}
