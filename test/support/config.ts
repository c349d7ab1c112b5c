import { ConfigError, validateEnvironments } from "../../config/load";

/**
 * Validates a copy of an example environment after `mutate`, as if it were the file `file`; returns the problems
 * (empty when valid). Config tests use it to show each bad field's precise message.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function problemsAfter(example: object, file: string, mutate: (env: any) => void): string[] {
  const env = JSON.parse(JSON.stringify(example));
  mutate(env);
  try {
    validateEnvironments([{ file, input: env }]);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}
