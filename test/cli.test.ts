/**
 * Every command line tool answers the same way (scripts/lib/cli.ts): `--help` prints the usage and exits 0 before
 * anything runs; an unknown flag is named, with the usage, and exits 2.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseCli, UsageError, type CliSpec } from "../scripts/lib/cli";

const ROOT = path.join(__dirname, "..");
const TSX = require.resolve("tsx/cli");
const COMMANDS: [string, string[]][] = [
  ["ticket", [TSX, "scripts/ticket.ts"]],
  ["cf2", [TSX, "scripts/cf2.ts"]],
  ["promote", [TSX, "scripts/promote.ts"]],
  ["review", [TSX, "scripts/review.ts"]],
  ["validate", [TSX, "scripts/validate.ts"]],
  ["check:deletions", [TSX, "scripts/check-deletions.ts"]],
  ["check:ticket-flow", [TSX, "scripts/ticket-flow.ts"]],
  ["access-table", [TSX, "scripts/access-table.ts"]],
  ["guardrails-table", [TSX, "scripts/guardrails-table.ts"]],
  ["inventory", [TSX, "scripts/inventory.ts"]],
  ["build", [TSX, "scripts/build.ts"]],
  ["synth", ["scripts/app.mjs"]],
];
const run = (argv: string[], extra: string[]) => spawnSync(process.execPath, [...argv, ...extra], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe.each(COMMANDS)("%s", (name, argv) => {
  test("--help prints the usage and exits 0", () => {
    const r = run(argv, ["--help"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^usage:/);
  });

  test("an unknown flag is named and exits 2", () => {
    const r = run(argv, ["--no-such-flag"]);
    expect(r.status).toBe(2);
    expect(r.stderr.startsWith(`${name}: `)).toBe(true);
    expect(r.stderr).toMatch(/(unknown option|unexpected argument|unknown argument) "?--no-such-flag"?/);
    expect(r.stderr).toMatch(/^usage:/m);
  });
});

describe("parseCli", () => {
  const spec = {
    command: "x",
    usage: "usage: x <file> [--n <n>] [--v]",
    options: { n: { type: "string" }, v: { type: "boolean" } },
    positionals: [1, 1],
  } as const satisfies CliSpec<{ n: { type: "string" }; v: { type: "boolean" } }>;

  test.each([
    [["--bogus", "f"], 'unknown option "--bogus"'],
    [["f", "--n"], 'option "--n" needs a value'],
    [[], "one argument is needed"],
    [["f", "g"], 'unexpected argument "g" (at most 1)'],
  ])("%j is a usage error: %s", (argv, message) => {
    expect(() => parseCli(spec, argv)).toThrow(new UsageError(message));
  });

  test("flags and arguments in any order; --help wins over everything else", () => {
    expect(parseCli(spec, ["--v", "f", "--n", "3"])).toEqual({ values: { v: true, n: "3" }, positionals: ["f"] });
    expect(parseCli(spec, ["--bogus", "-h"])).toBe("help");
  });
});
