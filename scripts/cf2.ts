/**
 * `npm run cf2 -- check|test <dir>... [--runtime cloudfront-js-1.0|cloudfront-js-2.0] [--tests <dir>]`: the
 * infrastructure team's code checker and local runner, for application teams to run in their own pipeline before
 * `aws cloudfront update-function` / `publish-function` (examples/github-actions/publish-cf2.yml).
 * - `check`: the runtime checks the synth runs (syntax, globals, module members, size, ...); warnings are printed.
 * - `test`: check, then run every test event in the local runner and compare with its expected output and origin.
 * Exit 0 when everything passes, 1 on any problem or failed case, 2 on a usage error. No AWS credentials needed.
 * The work is in toolchain/cf2/command.ts.
 */
import { Cf2Runtime } from "../model/vocabulary";
import { cf2Run, type Cf2CommandResult } from "../toolchain/cf2/command";
import { parseCli, reportFailure, UsageError, type CliSpec } from "./lib/cli";

const RUNTIMES = Object.values(Cf2Runtime);

export const CF2_USAGE = [
  "usage: npm run cf2 -- check|test <function dir>... [--runtime cloudfront-js-1.0|cloudfront-js-2.0] [--tests <dir of test events>]",
  "  check      the checks the synth runs: syntax, globals, module members, size; warnings are printed",
  "  test       check, then run every test event (<dir>/tests/*.json) in the local runner",
  "  --runtime  the runtime, when the directory has no manifest.json (default cloudfront-js-2.0)",
  "  --tests    a directory of test events instead of <dir>/tests (one function directory only)",
].join("\n");

const CF2_CLI = {
  command: "cf2",
  usage: CF2_USAGE,
  options: { runtime: { type: "string" }, tests: { type: "string" } },
  positionals: [2, Number.MAX_SAFE_INTEGER],
  missing: "name check or test and at least one function directory",
} as const satisfies CliSpec<{ runtime: { type: "string" }; tests: { type: "string" } }>;

/** The whole command, without process I/O (the tests call this); a usage error is status 2 with its message and the usage. */
export async function cf2Command(argv: string[], cwd: string = process.cwd()): Promise<Cf2CommandResult> {
  try {
    const args = parseCli(CF2_CLI, argv);
    if (args === "help") return { status: 0, lines: [CF2_USAGE] };
    const [action, ...dirs] = args.positionals;
    const { runtime, tests } = args.values;
    if (action !== "check" && action !== "test") throw new UsageError(`unknown command "${action}": use check or test`);
    if (runtime !== undefined && !RUNTIMES.includes(runtime as Cf2Runtime)) throw new UsageError(`--runtime "${runtime}": must be ${RUNTIMES.join(" or ")}`);
    if (tests !== undefined && dirs.length > 1) throw new UsageError("--tests applies to one function directory; name one");
    return await cf2Run(action, dirs, { runtime: runtime as Cf2Runtime | undefined, tests }, cwd);
  } catch (err) {
    if (err instanceof UsageError) return { status: 2, lines: [`${CF2_CLI.command}: ${err.message}`, CF2_USAGE] };
    throw err;
  }
}

if (require.main === module)
  // npm runs scripts in the package's directory; INIT_CWD is where the user typed the command.
  cf2Command(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd()).then(
    (r) => {
      const out = r.status === 2 ? process.stderr : process.stdout;
      out.write(`${r.lines.join("\n")}\n`);
      process.exitCode = r.status;
    },
    (err: unknown) => {
      process.exitCode = reportFailure(CF2_CLI.command, CF2_USAGE, err);
    },
  );
