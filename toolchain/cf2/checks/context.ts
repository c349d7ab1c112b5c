/** What every check family shares: where problems go, the runtime, and what the code declares and imports. */
import type { Node } from "acorn";
import type { Cf2Module } from "../../../model/cf2-runtime";
import { Cf2Runtime } from "../../../model/vocabulary";

// acorn's ESTree nodes as a loose shape: only the fields the checks read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNode = Node & Record<string, any>;

/** Both runtimes, for features neither documents. */
export const BOTH = "cloudfront-js-1.0 or cloudfront-js-2.0";

export interface CheckContext {
  /** The file named in every message. */
  readonly file: string;
  readonly runtime: Cf2Runtime;
  /** Every name the code binds anywhere: such names shadow the runtime's globals. */
  readonly declared: ReadonlySet<string>;
  /** Local names bound to a runtime module (`var crypto = require("crypto")`, `import cf from "cloudfront"`), filled while walking. */
  readonly moduleOf: Map<string, Cf2Module>;
  /** Relative imports are allowed (the builder bundles them). */
  readonly allowRelativeImports: boolean;
  /** Records a problem at the node's line. */
  problem(node: Node, message: string): void;
  /** Records a problem of the whole file (no line). */
  fileProblem(message: string): void;
  /** Records a warning at the node's line. */
  warning(node: Node, message: string): void;
  /** Records a call of the cloudfront module's kvs(). */
  kvsCall(node: Node): void;
}

/** A check that looks at one node; `ancestors` ends with the node itself. */
export type NodeCheck = (node: AnyNode, ctx: CheckContext, ancestors: readonly AnyNode[]) => void;

export const lineOf = (node: Node): number => node.loc?.start.line ?? 0;

/** Problem for a feature only runtime 2.0 has. */
export function v2only(ctx: CheckContext, node: Node, feature: string): void {
  if (ctx.runtime !== Cf2Runtime.JS_2_0) ctx.problem(node, `${feature}: only cloudfront-js-2.0 supports it (this function uses ${ctx.runtime})`);
}
