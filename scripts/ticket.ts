/**
 * `npm run ticket -- <ticket file | -> [--owner app|infra] [--ticket KEY] [--json]`: turns a Jira ticket written in
 * the request template into functions/cf2/<name>/ (manifest.json, a pass-through index.js, tests/), ready for a pull
 * request. The ticket may be text (the template; Jira wiki markup; Markdown; a rendered Jira table copied from the
 * browser) or the Jira REST issue JSON (wiki markup or Atlassian Document Format); `-` reads it from stdin.
 * Exit 0 written, 1 bad ticket (nothing written), 2 usage. The work is in scripts/lib/ticket-to-function.ts and
 * toolchain/ticket/.
 */
import { readFileSync } from "node:fs";
import { ConfigError } from "../model/errors";
import { TicketError, ticketJson, ticketSummary } from "../toolchain/ticket/scaffold";
import { runCli, type CliSpec } from "./lib/cli";
import { ticketToFunction } from "./lib/ticket-to-function";

export const TICKET_CLI = {
  command: "ticket",
  usage: [
    "usage: npm run ticket -- <ticket file | -> [--owner app|infra] [--ticket KEY] [--json]",
    "  <ticket file>  the ticket: template text, Jira wiki markup, Markdown, or Jira REST issue JSON; - reads stdin",
    "  --owner        app (default) or infra: who owns the function code",
    "  --ticket       the Jira key, when neither the ticket nor the file name has it",
    "  --json         one line of JSON on stdout, for workflows",
  ].join("\n"),
  options: { owner: { type: "string" }, ticket: { type: "string" }, json: { type: "boolean" } },
  positionals: [1, 1],
} as const satisfies CliSpec<{ owner: { type: "string" }; ticket: { type: "string" }; json: { type: "boolean" } }>;

if (require.main === module)
  void runCli(TICKET_CLI, process.argv.slice(2), ({ values, positionals }) => {
    const { owner, ticket, json } = values;
    try {
      // "-" reads the ticket from stdin (what a workflow passes on from a Jira automation payload).
      const file = positionals[0];
      const r = file === "-" ? ticketToFunction("<stdin>", { owner, ticket, text: readFileSync(0, "utf8") }) : ticketToFunction(file, { owner, ticket });
      process.stdout.write(json ? `${JSON.stringify(ticketJson(r))}\n` : `${ticketSummary(r).join("\n")}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof TicketError || err instanceof ConfigError)) throw err;
      if (json) process.stdout.write(`${JSON.stringify({ ok: false, problems: err.problems })}\n`);
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
  });
