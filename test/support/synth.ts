import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironments } from "../../config/load";
import { functionsDir, loadFunctions, type Cf2Function } from "../../config/functions/cf2/load";
import { loadContainerFunctions, type ContainerFunctionSpec } from "../../config/functions/lambda/load";
import { resolveEnvironments } from "../../config/resolve";
import type { Environment } from "../../config/environment";
import { buildApp } from "../../stacks/app";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StackJson = Record<string, any>;

/** Synthesizes environments into a temporary directory and returns each stack's cdk.tf.json. */
export function synthesize(envs: Environment[], functions: Cf2Function[] = [], containerFunctions: ContainerFunctionSpec[] = []): Record<string, StackJson> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), "edge-synth-"));
  try {
    const { app } = buildApp(resolveEnvironments(envs, functions, containerFunctions), { outdir });
    app.synth();
    const stacksDir = path.join(outdir, "stacks");
    return Object.fromEntries(readdirSync(stacksDir).map((s) => [s, JSON.parse(readFileSync(path.join(stacksDir, s, "cdk.tf.json"), "utf8"))]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

let examples: Record<string, StackJson> | undefined;

/** The example environments (environments/*.ts) with the repository's functions (functions/cf2 or $EDGE_FUNCTIONS_DIR, functions/lambda), synthesized once per test file. */
export function synthesizeExamples(): Record<string, StackJson> {
  if (!examples) {
    const envs = loadEnvironments(path.join(__dirname, "..", "..", "environments"));
    const functions = path.join(__dirname, "..", "..", "functions");
    examples = synthesize(envs, loadFunctions(envs, functionsDir()), loadContainerFunctions(envs, path.join(functions, "lambda")));
  }
  return examples;
}

/** All resources of one type in a stack, by logical name. */
export function resourcesOfType(stack: StackJson, type: string): Record<string, StackJson> {
  return stack.resource?.[type] ?? {};
}
