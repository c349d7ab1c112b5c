/**
 * The runtime's modules ("Built-in modules" on each runtime's page): which can be loaded and how (`require` on both
 * runtimes, `import` on 2.0, which adds `cloudfront`), and which members each offers.
 */
import { CF2_IMPORTABLE_MODULES, CF2_MODULE_MEMBERS, CF2_REQUIRABLE_MODULES, type Cf2Module } from "../../../model/cf2-runtime";
import { v2only, type AnyNode, type CheckContext, type NodeCheck } from "./context";

export const isModule = (name: string): name is Cf2Module => (CF2_IMPORTABLE_MODULES as readonly string[]).includes(name);

/** `require("crypto")` -> "crypto". */
export function requiredModule(node: AnyNode | null | undefined): Cf2Module | undefined {
  if (node?.type !== "CallExpression" || node.callee.type !== "Identifier" || node.callee.name !== "require") return undefined;
  const arg = node.arguments[0];
  const name = arg?.type === "Literal" ? String(arg.value) : "";
  return isModule(name) ? name : undefined;
}

/** The module an expression stands for: a local bound to one, or a `require("m")` call. */
export function moduleOfExpression(node: AnyNode, ctx: CheckContext): Cf2Module | undefined {
  return node.type === "Identifier" ? ctx.moduleOf.get(node.name) : requiredModule(node);
}

export function missingMember(mod: Cf2Module, member: string, runtime: string): string {
  const where = mod === "cloudfront" ? "the cloudfront module" : `the ${mod} module of ${runtime}`;
  return `${mod === "cloudfront" ? "cf" : mod}.${member} is not in ${where}; it offers ${CF2_MODULE_MEMBERS[mod].join(", ")}`;
}

const bindRequired: NodeCheck = (node, ctx) => {
  const name = requiredModule(node.init);
  if (node.id.type === "Identifier" && name) ctx.moduleOf.set(node.id.name, name);
};

const importDeclaration: NodeCheck = (node, ctx) => {
  const from = String(node.source.value);
  if (ctx.allowRelativeImports && /^\.\.?\//.test(from)) return;
  v2only(ctx, node, '"import"');
  if (!isModule(from)) return ctx.problem(node, `module "${from}" is not available; the runtime offers only ${CF2_IMPORTABLE_MODULES.join(", ")}`);
  for (const s of node.specifiers as AnyNode[]) {
    if (s.type !== "ImportSpecifier") ctx.moduleOf.set(s.local.name, from);
    else {
      const member = s.imported.name ?? String(s.imported.value);
      if (!CF2_MODULE_MEMBERS[from].includes(member)) ctx.problem(s, missingMember(from, member, ctx.runtime));
    }
  }
};

const requireCall: NodeCheck = (node, ctx) => {
  const callee = node.callee as AnyNode;
  if (callee.type !== "Identifier" || callee.name !== "require" || ctx.declared.has("require")) return;
  const arg = node.arguments[0];
  const name = arg?.type === "Literal" ? String(arg.value) : undefined;
  if (name === undefined) ctx.problem(node, `require() needs a literal module name (${CF2_REQUIRABLE_MODULES.join(" or ")})`);
  else if (!(CF2_REQUIRABLE_MODULES as readonly string[]).includes(name))
    ctx.problem(
      node,
      `module "${name}" is not available through require; the runtime offers only ${CF2_REQUIRABLE_MODULES.join(", ")}${name === "cloudfront" ? ' (and, on cloudfront-js-2.0, import cf from "cloudfront")' : ""}`,
    );
};

/** `mod.member` for a module: the member must exist; `cf.kvs()` is recorded (the function needs a store). */
const moduleMember: NodeCheck = (node, ctx, ancestors) => {
  if (node.computed) return;
  const owner = node.object as AnyNode;
  if (owner.type === "Identifier" && owner.name === "console" && !ctx.declared.has("console")) return;
  const mod = moduleOfExpression(owner, ctx);
  if (!mod) return;
  const member = node.property.name as string;
  if (!CF2_MODULE_MEMBERS[mod].includes(member)) ctx.problem(node, missingMember(mod, member, ctx.runtime));
  const parent = ancestors[ancestors.length - 2];
  if (mod === "cloudfront" && member === "kvs" && parent?.type === "CallExpression" && parent.callee === node) ctx.kvsCall(parent);
};

export const MODULE_CHECKS: Readonly<Record<string, NodeCheck>> = {
  VariableDeclarator: bindRequired,
  ImportDeclaration: importDeclaration,
  CallExpression: requireCall,
  MemberExpression: moduleMember,
};
