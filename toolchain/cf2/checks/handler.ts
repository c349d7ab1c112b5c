/**
 * The entry point: CloudFront calls a top-level `function handler(event)` and nothing else, and needs the request or
 * a response back. A connection function (`connectionHandler`, for viewer mTLS:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/write-connection-function-code.html) is a different kind
 * of function, which this project does not deploy.
 */
import type { Node } from "acorn";
import type { AnyNode, CheckContext } from "./context";

const topLevelFunction = (program: AnyNode, name: string): AnyNode | undefined =>
  (program.body as AnyNode[])
    .map((s) => (s.type === "ExportNamedDeclaration" ? (s.declaration ?? s) : s))
    .find((s) => s.type === "FunctionDeclaration" && s.id?.name === name);

export function checkHandler(program: AnyNode, ctx: CheckContext): void {
  // An exported handler is reported as "export", not also as missing.
  const handler = topLevelFunction(program, "handler");
  if (handler) return checkHandlerReturns(handler, ctx);
  const connection = topLevelFunction(program, "connectionHandler");
  if (connection)
    return ctx.problem(
      connection,
      '"connectionHandler" makes this a connection function (viewer mTLS); this project deploys viewer-request and viewer-response functions only, not connection functions yet',
    );
  ctx.fileProblem('no top-level "function handler(event)"; CloudFront calls that function and nothing else');
}

/**
 * Warns where the handler can return nothing: a bare `return;`, or an end of the body that control can reach.
 * Nested functions are not the handler's returns.
 */
function checkHandlerReturns(handler: AnyNode, ctx: CheckContext): void {
  for (const r of bareReturns(handler)) ctx.warning(r, `"return;" makes the handler return nothing; CloudFront needs the request or a response object back`);
  if (completesNormally(handler.body.body))
    ctx.warning(
      { loc: { start: { line: handler.body.loc.end.line } } } as Node,
      `the handler can reach its end without returning; CloudFront needs the request or a response object back`,
    );
}

function bareReturns(handler: AnyNode): AnyNode[] {
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
  return bare;
}

/** Whether control can fall off the end of a statement list (a conservative approximation). */
function completesNormally(stmts: AnyNode[]): boolean {
  return !stmts.some((s) => !statementCompletes(s));
}

const containsBreak = (node: unknown) => JSON.stringify(node, (k, v) => (k === "loc" ? undefined : v)).includes('"BreakStatement"');

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
    case "SwitchStatement":
      if (!s.cases.some((c: AnyNode) => c.test === null) || containsBreak(s.cases)) return true;
      return completesNormally(s.cases[s.cases.length - 1].consequent);
    case "WhileStatement":
    case "ForStatement":
    case "DoWhileStatement": {
      const infinite = s.type === "ForStatement" ? s.test === null : s.test?.type === "Literal" && s.test.value === true;
      return !infinite || containsBreak(s.body);
    }
    default:
      return true;
  }
}
