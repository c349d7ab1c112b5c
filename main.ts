/**
 * Entry point for `npm run synth` and the cdktf CLI: validate every environment, then synthesize one stack per
 * environment into cdktf.out/stacks/<env>/cdk.tf.json. Nothing is written unless every environment is valid.
 */
import * as path from "node:path";
import { ConfigError, loadEnvironments } from "./environments/load";
import { loadFunctions } from "./environments/cf2/load";
import { loadLambdaFunctions } from "./environments/lambda/load";
import { buildApp } from "./stacks/app";

function main(): void {
  const dir = process.env.EDGE_ENVIRONMENTS_DIR ?? path.join(__dirname, "environments");
  const envs = loadEnvironments(dir);
  // CloudFront Function manifests and code (functions/cf2, or $EDGE_FUNCTIONS_DIR), validated against the environments.
  // Container-image Lambda manifests (functions/lambda, or $EDGE_LAMBDA_DIR): their problems are listed together
  // with the CloudFront Functions' in one message.
  const [functions, lambdaFunctions] = collectProblems(() => loadFunctions(envs), () => loadLambdaFunctions(envs));
  const { app } = buildApp(envs, undefined, functions, lambdaFunctions);
  app.synth();
}

/** Runs every loader and throws one ConfigError with all their problems, or returns their results. */
function collectProblems<A, B>(a: () => A, b: () => B): [A, B] {
  const problems: string[] = [];
  const run = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const results = [run(a), run(b)] as [A, B];
  if (problems.length > 0) throw new ConfigError(problems);
  return results;
}

try {
  main();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
