import { App } from "cdktf";
import type { Environment } from "../environments/schema";
import { EdgeStack } from "./edge-stack";

/** Builds one stack per environment into a cdktf App. Validation has already happened. */
export function buildApp(envs: Environment[], outdir?: string): { app: App; stacks: EdgeStack[] } {
  const app = new App(outdir ? { outdir } : {});
  const stacks = envs.map((env) => new EdgeStack(app, env));
  return { app, stacks };
}
