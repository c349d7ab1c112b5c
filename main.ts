/**
 * Entry point for `npm run synth` and the cdktf CLI: validate every environment, then synthesize one stack per
 * environment into cdktf.out/stacks/<env>/cdk.tf.json. Nothing is written unless every environment is valid.
 */
import * as path from "node:path";
import { ConfigError, loadEnvironments } from "./environments/load";
import { loadFunctions } from "./environments/cf2/load";
import { buildApp } from "./stacks/app";

function main(): void {
  const dir = process.env.EDGE_ENVIRONMENTS_DIR ?? path.join(__dirname, "environments");
  const envs = loadEnvironments(dir);
  // CloudFront Function manifests and code (functions/cf2, or $EDGE_FUNCTIONS_DIR), validated against the environments.
  const functions = loadFunctions(envs, undefined, (w) => process.stderr.write(`warning: ${w}\n`));
  const { app } = buildApp(envs, undefined, functions);
  app.synth();
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
