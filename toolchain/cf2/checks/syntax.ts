/**
 * Syntax each runtime's "Core features" section lists, or does not:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-10.html and
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import { Cf2Runtime } from "../../../model/vocabulary";
import { BOTH, v2only, type AnyNode, type CheckContext, type NodeCheck } from "./context";

const unsupported =
  (what: string, verb = "is"): NodeCheck =>
  (node, ctx) =>
    ctx.problem(node, `${what} ${verb} not supported by ${BOTH}`);
const unlisted =
  (what: string): NodeCheck =>
  (node, ctx) =>
    ctx.problem(node, `${what} is not in the feature list of ${BOTH}`);

const declaration: NodeCheck = (node, ctx) => {
  if (node.kind !== "var") v2only(ctx, node, `"${node.kind}"`);
};

/**
 * Runtime 2.0: "await can be used inside async functions only. async arguments and closures are not supported."
 * Only a top-level `async function` declaration is neither a closure nor an argument.
 */
function asyncFunction(node: AnyNode, ctx: CheckContext, ancestors: readonly AnyNode[]): void {
  if (ctx.runtime !== Cf2Runtime.JS_2_0) return v2only(ctx, node, '"async" functions');
  const parent = ancestors[ancestors.length - 2];
  if (parent && (parent.type === "CallExpression" || parent.type === "NewExpression") && parent.arguments.includes(node))
    return ctx.problem(
      node,
      'an async function passed as an argument is not supported by cloudfront-js-2.0 ("async arguments and closures are not supported"); declare a top-level async function and await it',
    );
  const topLevel = node.type === "FunctionDeclaration" && ancestors.length === 2;
  if (!topLevel)
    ctx.problem(
      node,
      'an async closure (async arrow function, function expression or nested function) is not supported by cloudfront-js-2.0 ("async arguments and closures are not supported"); only a top-level "async function" can be async',
    );
}

const anyFunction: NodeCheck = (node, ctx, ancestors) => {
  if (node.async) asyncFunction(node, ctx, ancestors);
  if (node.generator) ctx.problem(node, `generator functions are not supported by ${BOTH}`);
};

const logical: NodeCheck = (node, ctx) => {
  if (node.operator === "??") ctx.problem(node, `"??" is not in the feature list of ${BOTH}`);
};

const assignment: NodeCheck = (node, ctx) => {
  if (["&&=", "||=", "??="].includes(node.operator)) ctx.problem(node, `logical assignment ("${node.operator}") is not in the feature list of ${BOTH}`);
};

const exported: NodeCheck = (node, ctx) =>
  ctx.problem(node, `"export" is not supported by ${BOTH}: declare a top-level "function handler(event)" without export`);

/** Node type -> its syntax check. */
export const SYNTAX_CHECKS: Readonly<Record<string, NodeCheck>> = {
  VariableDeclaration: declaration,
  FunctionDeclaration: anyFunction,
  FunctionExpression: anyFunction,
  ArrowFunctionExpression: anyFunction,
  AwaitExpression: (node, ctx) => v2only(ctx, node, '"await"'),
  ObjectPattern: unsupported("destructuring"),
  ArrayPattern: unsupported("destructuring"),
  SpreadElement: unsupported('spread ("...")'),
  AssignmentPattern: unsupported("default parameter values", "are"),
  ClassDeclaration: unsupported("classes", "are"),
  ClassExpression: unsupported("classes", "are"),
  ForOfStatement: (node, ctx) => ctx.problem(node, `"for...of" is not supported by ${BOTH}; use a for loop or for...in`),
  ChainExpression: unlisted('optional chaining ("?.")'),
  LogicalExpression: logical,
  AssignmentExpression: assignment,
  ImportExpression: unsupported("dynamic import()"),
  ExportNamedDeclaration: exported,
  ExportDefaultDeclaration: exported,
  ExportAllDeclaration: exported,
};
