import { App } from "cdktn";
import type { Cf2Function } from "../environments/cf2/load";
import type { LambdaFunctionSpec } from "../environments/lambda/load";
import { resolveEnvironments } from "../environments/resolve";
import type { Environment } from "../environments/schema";
import { EdgeStack } from "./edge-stack";

export interface BuildAppOptions {
  /** Every validated CloudFront Function; each stack creates those that list its environment. @default none */
  readonly functions?: readonly Cf2Function[];
  /** Every validated container-function manifest (functions/lambda); likewise. @default none */
  readonly lambdaFunctions?: readonly LambdaFunctionSpec[];
  /** Where cdktf writes the stacks. @default cdktf's own (cdktf.out, or $CDKTF_OUTDIR) */
  readonly outdir?: string;
}

/** Resolves the validated environments and builds one stack per environment into a cdktf App. */
export function buildApp(envs: readonly Environment[], options: BuildAppOptions = {}): { app: App; stacks: EdgeStack[] } {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stacks = resolveEnvironments(envs, options.functions, options.lambdaFunctions).map((env) => new EdgeStack(app, env));
  return { app, stacks };
}
