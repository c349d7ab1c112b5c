/**
 * Members of the built-in objects, per runtime, as its page of the Developer Guide lists them
 * (model/cf2-runtime.ts): `Object.fromEntries` on a runtime that does not list it, or a later-edition method such as
 * `[].flat()` or `"".replaceAll()`, fails at the edge with "not a function".
 */
import type { Node } from "acorn";
import { full } from "acorn-walk";
import { CF2_STATIC_MEMBERS, CF2_UNLISTED_METHODS, CF2_V1_STRING_METHODS } from "../../../model/cf2-runtime";
import type { AnyNode, CheckContext, NodeCheck } from "./context";
import { removedStringMethodMessage } from "./members";

const ALWAYS = new Set(["prototype", "length", "name"]);

const staticMember: NodeCheck = (node, ctx) => {
  const lists = CF2_STATIC_MEMBERS[ctx.runtime];
  const owner = node.object as AnyNode;
  if (!lists || node.computed || owner.type !== "Identifier" || ctx.declared.has(owner.name)) return;
  const listed = lists[owner.name];
  const member = node.property.name as string;
  if (!listed || listed.includes(member) || ALWAYS.has(member)) return;
  if (owner.name === "String" && (CF2_V1_STRING_METHODS as readonly string[]).includes(member))
    ctx.problem(node, removedStringMethodMessage(`String.${member}`));
  else ctx.problem(node, `${owner.name}.${member} is not in the feature list of ${ctx.runtime}; its ${owner.name} offers ${listed.join(", ")}`);
};

const laterMethod: NodeCheck = (node, ctx) => {
  const unlisted = CF2_UNLISTED_METHODS[ctx.runtime];
  const callee = node.callee as AnyNode;
  if (!unlisted || callee.type !== "MemberExpression" || callee.computed) return;
  const name = callee.property.name as string;
  if (!Object.prototype.hasOwnProperty.call(unlisted, name) || ownProperties(ctx).has(name)) return;
  if (callee.object.type === "Identifier" && CF2_STATIC_MEMBERS[ctx.runtime]?.[callee.object.name]) return; // a static member: reported above
  ctx.problem(node, `.${name}() is ${unlisted[name]}, which ${ctx.runtime} does not list`);
};

const defined = new WeakMap<CheckContext, Set<string>>();
/** Property names the code defines itself (object literal keys, `x.name = ...`): calling those is the code's own method. */
function ownProperties(ctx: CheckContext): Set<string> {
  return defined.get(ctx) ?? new Set();
}

/** Records the property names a program defines, for laterMethod. */
export function recordOwnProperties(program: Node, ctx: CheckContext): void {
  const names = new Set<string>();
  full(program, (n) => {
    const node = n as AnyNode;
    if (node.type === "Property" && !node.computed && node.key.type === "Identifier") names.add(node.key.name);
    if (node.type === "AssignmentExpression" && node.left.type === "MemberExpression" && !node.left.computed) names.add(node.left.property.name);
  });
  defined.set(ctx, names);
}

export const BUILTIN_CHECKS: Readonly<Record<string, NodeCheck>> = {
  MemberExpression: staticMember,
  CallExpression: laterMethod,
};
