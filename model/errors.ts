/**
 * The two errors a user can meet, each printed as one line (or one line per problem) by main.ts and every CLI,
 * never as a stack trace.
 *
 * - ConfigError: user input (environment files, function manifests) broke a schema rule; lists every problem.
 * - ConstructError: a construct found an invariant broken that the schema cannot see (e.g. two constructs wired
 *   inconsistently by code); carries the construct's path so the message says where.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was synthesized:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

export class ConstructError extends Error {
  /** `constructPath`: the construct's path in the tree (`dev/site-web`), as `node.path` gives it. */
  constructor(
    readonly constructPath: string,
    readonly detail: string,
  ) {
    super(`${constructPath}: ${detail}`);
    this.name = "ConstructError";
  }

  /** Throws a ConstructError for `scope` (anything with a construct node). */
  static fail(scope: { node: { path: string } }, detail: string): never {
    throw new ConstructError(scope.node.path, detail);
  }
}

/**
 * The one line a CLI prints for an error a user can cause, or undefined for a bug (which keeps its stack trace).
 * `nothing was synthesized` is part of ConstructError's line because synth stops before writing anything.
 */
export function userFacingMessage(err: unknown): string | undefined {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof ConstructError) return `Error in ${err.message}; nothing was synthesized`;
  return undefined;
}

/**
 * Runs a CLI's main function: an error a user can cause is printed as its message alone (no stack trace) and the
 * process exits 1; anything else is a bug and keeps its stack trace.
 */
export function runReportingUserErrors(main: () => void, prefix = ""): void {
  try {
    main();
  } catch (err) {
    const message = userFacingMessage(err);
    if (message === undefined) throw err;
    process.stderr.write(`${prefix}${message}\n`);
    process.exit(1);
  }
}
