/**
 * Entry point for `npm run synth` and the cdktf CLI (synth, diff, deploy): validate every environment and function
 * manifest, resolve them, then synthesize one stack per environment into cdktf.out/stacks/<env>/cdk.tf.json.
 * Nothing is written unless everything is valid. A user's error (ConfigError, ConstructError) is printed without a
 * stack trace and exits 1.
 */
import { ConfigError, runReportingUserErrors } from "./model/errors";
import { environmentsDir, loadEnvironments } from "./config/load";
import { loadFunctions } from "./config/functions/cf2/load";
import { loadContainerFunctions } from "./config/functions/lambda/load";
import { resolveEnvironments } from "./config/resolve";
import { buildApp } from "./stacks/app";

function main(): void {
  const problems: string[] = [];
  const collect = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  // The repository's environments/ (or $EDGE_ENVIRONMENTS_DIR): the same files the ticket tool, promote and the tests
  // read. When they are invalid the manifests are still checked (fields, directory names, code), so one run lists
  // every problem; only the checks that read the environments (names, sids, sites, behaviors) wait for valid ones.
  const envs = collect(() => loadEnvironments(environmentsDir()));
  // CloudFront Function manifests and code (functions/cf2, or $EDGE_FUNCTIONS_DIR), then container-image Lambda
  // manifests (functions/lambda, or $EDGE_LAMBDA_DIR).
  const functions = collect(() => loadFunctions(envs, undefined, (w) => process.stderr.write(`warning: ${w}\n`)));
  const containerFunctions = collect(() => loadContainerFunctions(envs));
  if (problems.length > 0 || !envs || !functions || !containerFunctions) throw new ConfigError(problems);
  // Resolved once, here: the stacks only wire what the resolved environments say.
  buildApp(resolveEnvironments(envs, functions, containerFunctions)).app.synth();
}

runReportingUserErrors(main);
