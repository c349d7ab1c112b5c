import { App } from "cdktn";
import type { ResolvedEnvironment } from "../model/resolved";
import { EdgeStack } from "./edge-stack";

export interface BuildAppOptions {
  /** Where cdktf writes the stacks. @default cdktf's own (cdktf.out, or $CDKTF_OUTDIR) */
  readonly outdir?: string;
}

/** One stack per resolved environment (main.ts loads, validates and resolves them first), in a cdktf App. */
export function buildApp(envs: readonly ResolvedEnvironment[], options: BuildAppOptions = {}): { app: App; stacks: EdgeStack[] } {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stacks = envs.map((env) => new EdgeStack(app, env));
  return { app, stacks };
}
