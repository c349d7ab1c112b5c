/**
 * Entry point for `npm run synth` and the cdktf CLI (synth, diff, deploy): validate every environment and function
 * manifest, resolve them, then synthesize one stack per environment into cdktf.out/stacks/<env>/cdk.tf.json.
 * Nothing is written unless everything is valid. A user's error (ConfigError, ConstructError) is printed without a
 * stack trace and exits 1.
 */
import { runReportingUserErrors } from "./model/errors";
import { environmentsDir, loadEnvironments } from "./environments/load";
import { loadFunctions } from "./environments/cf2/load";
import { buildApp } from "./stacks/app";

function main(): void {
  // The repository's environments/ (or $EDGE_ENVIRONMENTS_DIR): the same files the ticket tool, promote and the tests read.
  const envs = loadEnvironments(environmentsDir());
  // CloudFront Function manifests and code (functions/cf2, or $EDGE_FUNCTIONS_DIR), validated against the environments.
  const functions = loadFunctions(envs);
  buildApp(envs, { functions }).app.synth();
}

runReportingUserErrors(main);
