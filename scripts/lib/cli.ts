/**
 * What every command line tool of this project shares: argument parsing (node:util parseArgs, strict), `--help`,
 * exit codes and the error format.
 * - `--help` / `-h` prints the usage to stdout and exits 0, before anything runs.
 * - A usage error (unknown flag, missing or extra argument, bad flag value) prints "<command>: <what>" and the usage
 *   to stderr and exits 2.
 * - A user error (bad input file, a failed check the user must fix) prints "<command>: <what>" on one line, exit 1.
 * - Anything else is a bug in the tool: its stack is printed, exit 1.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { userFacingMessage } from "../../model/errors";

/** The user typed the command wrong: exit 2 with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The user's input is wrong in a way the message explains: exit 1, one line, no stack. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export type CliOptions = NonNullable<ParseArgsConfig["options"]>;

export interface CliSpec<O extends CliOptions> {
  /** How the user runs it, for messages: "npm run cf2". */
  readonly command: string;
  /** The usage text (first line "usage: ..."), printed by --help and after a usage error. */
  readonly usage: string;
  /** The flags, as node:util parseArgs takes them (`--help` is added). */
  readonly options: O;
  /** Positional arguments allowed: [min, max]. @default [0, 0] */
  readonly positionals?: readonly [number, number];
  /** The message when positional arguments are missing. @default "at least <min> arguments needed" */
  readonly missing?: string;
}

export interface ParsedArgs<O extends CliOptions> {
  readonly values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>["values"];
  readonly positionals: string[];
}

/** `--help` or `-h` anywhere on the command line. */
export const isHelp = (argv: readonly string[]): boolean => argv.includes("--help") || argv.includes("-h");

/** Parses argv strictly; throws UsageError naming the flag or argument that is wrong. Returns "help" for --help. */
export function parseCli<O extends CliOptions>(spec: CliSpec<O>, argv: readonly string[]): ParsedArgs<O> | "help" {
  if (isHelp(argv)) return "help";
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: spec.options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(parseErrorMessage(err as Error & { code?: string }));
  }
  const [min, max] = spec.positionals ?? [0, 0];
  const n = parsed.positionals.length;
  if (n < min)
    throw new UsageError(spec.missing ?? (min === 1 && max === 1 ? "one argument is needed" : `at least ${min} argument${min === 1 ? "" : "s"} needed`));
  if (n > max)
    throw new UsageError(max === 0 ? `unexpected argument "${parsed.positionals[0]}"` : `unexpected argument "${parsed.positionals[max]}" (at most ${max})`);
  return parsed as unknown as ParsedArgs<O>;
}

/** node:util's messages, in one line naming the flag. */
function parseErrorMessage(err: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^'\s]+)/.exec(err.message)?.[1];
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option "${flag ?? err.message}"`;
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return flag ? `option "${flag.replace(/ .*/, "")}" needs a value` : err.message.split("\n")[0];
  return err.message.split("\n")[0];
}

/** Writes a failure as the rules above say; returns the exit code. */
export function reportFailure(command: string, usage: string, err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`${command}: ${err.message}\n${usage}\n`);
    return 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`${command}: ${err.message}\n`);
    return 1;
  }
  // Configuration problems: every problem, one line each, as the synth prints them.
  const configMessage = userFacingMessage(err);
  if (configMessage !== undefined) {
    process.stderr.write(`${configMessage}\n`);
    return 1;
  }
  process.stderr.write(`${command}: internal error (a bug in the tool, please report it):\n${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

/**
 * Runs a command: parses argv, answers --help, calls `main` and sets the exit code from what it returns (default 0)
 * or throws.
 */
export async function runCli<O extends CliOptions>(
  spec: CliSpec<O>,
  argv: readonly string[],
  main: (args: ParsedArgs<O>) => number | void | Promise<number | void>,
): Promise<number> {
  let code: number;
  try {
    const args = parseCli(spec, argv);
    if (args === "help") {
      process.stdout.write(`${spec.usage}\n`);
      code = 0;
    } else code = (await main(args)) ?? 0;
  } catch (err) {
    code = reportFailure(spec.command, spec.usage, err);
  }
  process.exitCode = code;
  return code;
}
