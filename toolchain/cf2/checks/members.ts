/**
 * Members of the runtime's objects that differ from what people expect of Node.js: console has log only (and prints
 * one argument), crypto hashes and digest encodings, runtime 1.0's string methods that 2.0 removed, and the Function
 * constructor (dynamic code evaluation is a restricted feature on both runtimes).
 */
import { CF2_CONSOLE_MEMBERS, CF2_DIGEST_ENCODINGS, CF2_HASH_ALGORITHMS, CF2_V1_STRING_METHODS } from "../../../model/cf2-runtime";
import { Cf2Runtime } from "../../../model/vocabulary";
import type { AnyNode, CheckContext, NodeCheck } from "./context";
import { moduleOfExpression } from "./modules";

const isGlobal = (node: AnyNode, name: string, ctx: CheckContext) => node.type === "Identifier" && node.name === name && !ctx.declared.has(name);

function functionConstructor(node: AnyNode, ctx: CheckContext): void {
  if (isGlobal(node.callee, "Function", ctx)) ctx.problem(node, `the Function constructor is a restricted feature of ${ctx.runtime} (dynamic code evaluation)`);
}

function hashAlgorithm(node: AnyNode, member: string, ctx: CheckContext): void {
  if (moduleOfExpression(node.callee.object, ctx) !== "crypto" || (member !== "createHash" && member !== "createHmac")) return;
  const alg = node.arguments[0];
  if (alg?.type === "Literal" && !(CF2_HASH_ALGORITHMS as readonly string[]).includes(String(alg.value)))
    ctx.problem(node, `crypto.${member}("${alg.value}"): ${ctx.runtime} supports only ${CF2_HASH_ALGORITHMS.join(", ")}`);
}

function digestEncoding(node: AnyNode, member: string, ctx: CheckContext): void {
  const enc = node.arguments[0];
  if (member === "digest" && enc?.type === "Literal" && !(CF2_DIGEST_ENCODINGS as readonly string[]).includes(String(enc.value)))
    ctx.problem(node, `digest("${enc.value}"): ${ctx.runtime} encodes digests only as ${CF2_DIGEST_ENCODINGS.join(", ")}`);
}

/** The prototype methods; `String.bytesFrom` is a static member, reported by the built-in member check (builtins.ts). */
function removedStringMethod(node: AnyNode, member: string, ctx: CheckContext): void {
  if (isGlobal(node.callee.object, "String", ctx)) return;
  if (ctx.runtime === Cf2Runtime.JS_2_0 && (CF2_V1_STRING_METHODS as readonly string[]).includes(member))
    ctx.problem(node, removedStringMethodMessage(`String.prototype.${member}`));
}

export const removedStringMethodMessage = (what: string) =>
  `${what}() is not available in cloudfront-js-2.0 (only 1.0 has it); use Buffer or TextEncoder/TextDecoder`;

function consoleLogArguments(node: AnyNode, member: string, ctx: CheckContext): void {
  if (isGlobal(node.callee.object, "console", ctx) && member === "log" && node.arguments.length > 1)
    ctx.warning(node, `console.log with ${node.arguments.length} arguments: CloudFront Functions support one argument; build one string`);
}

const call: NodeCheck = (node, ctx) => {
  functionConstructor(node, ctx);
  const callee = node.callee as AnyNode;
  if (callee.type !== "MemberExpression" || callee.computed) return;
  const member = callee.property.name as string;
  hashAlgorithm(node, member, ctx);
  digestEncoding(node, member, ctx);
  removedStringMethod(node, member, ctx);
  consoleLogArguments(node, member, ctx);
};

const consoleMember: NodeCheck = (node, ctx) => {
  if (node.computed || !isGlobal(node.object, "console", ctx)) return;
  const member = node.property.name as string;
  if (!(CF2_CONSOLE_MEMBERS as readonly string[]).includes(member))
    ctx.problem(node, `console.${member} is not available in ${ctx.runtime}: console has log only`);
};

export const MEMBER_CHECKS: Readonly<Record<string, NodeCheck>> = {
  CallExpression: call,
  NewExpression: call,
  MemberExpression: consoleMember,
};
