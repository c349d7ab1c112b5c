import { App } from "cdktf";
import type { Environment } from "../environments/schema";
import type { Cf2Function } from "../environments/cf2/load";
import type { LambdaFunctionSpec } from "../environments/lambda/load";
import { EdgeStack } from "./edge-stack";

/** Builds one stack per environment into a cdktf App. Validation (environments and functions) has already happened. */
export function buildApp(envs: Environment[], outdir?: string, functions: Cf2Function[] = [], lambdaFunctions: LambdaFunctionSpec[] = []): { app: App; stacks: EdgeStack[] } {
  const app = new App(outdir ? { outdir } : {});
  const stacks = envs.map((env) => new EdgeStack(app, env, functions, lambdaFunctions));
  return { app, stacks };
}
