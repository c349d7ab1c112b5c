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
  // The repository's environments/ (or $EDGE_ENVIRONMENTS_DIR): the same files the ticket tool, promote and the tests read.
  const envs = loadEnvironments(environmentsDir());
  // CloudFront Function manifests and code (functions/cf2, or $EDGE_FUNCTIONS_DIR), validated against the environments.
  // Container-image Lambda manifests (functions/lambda, or $EDGE_LAMBDA_DIR): their problems are listed together
  // with the CloudFront Functions' in one message.
  const [functions, containerFunctions] = collectProblems(
    () => loadFunctions(envs, undefined, (w) => process.stderr.write(`warning: ${w}\n`)),
    () => loadContainerFunctions(envs),
  );
  // Resolved once, here: the stacks only wire what the resolved environments say.
  buildApp(resolveEnvironments(envs, functions, containerFunctions)).app.synth();
}

/** Runs both loaders and throws one ConfigError with all their problems, or returns their results. */
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

runReportingUserErrors(main);
