/**
 * Prints the table of guardrails in docs/guardrails.md from the rule pack (guardrails/index.ts), or with `--write`
 * replaces the block between the guardrails-table markers there. test/guardrails.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { rulesTable } from "../guardrails";
import { runCli, UserError, type CliSpec } from "./lib/cli";

const DOC = path.join(__dirname, "..", "docs", "guardrails.md");
const BLOCK = /(<!-- guardrails-table:begin[^>]*-->\n)[\s\S]*?(\n<!-- guardrails-table:end -->)/;

const OPTIONS = { write: { type: "boolean", default: false } } as const;
const GUARDRAILS_TABLE_CLI: CliSpec<typeof OPTIONS> = {
  command: "guardrails-table",
  usage: [
    "usage: npx tsx scripts/guardrails-table.ts [--write]",
    "  prints the guardrails table from the rule pack",
    "  --write  replace the table between its markers in docs/guardrails.md instead",
  ].join("\n"),
  options: OPTIONS,
};

void runCli(GUARDRAILS_TABLE_CLI, process.argv.slice(2), ({ values }) => {
  const table = rulesTable();
  if (!values.write) return void console.log(table);
  const readme = readFileSync(DOC, "utf8");
  if (!BLOCK.test(readme)) throw new UserError("docs/guardrails.md: no <!-- guardrails-table:begin --> ... <!-- guardrails-table:end --> block");
  writeFileSync(
    DOC,
    readme.replace(BLOCK, (_m, begin: string, end: string) => `${begin}${table}${end}`),
  );
  console.log("docs/guardrails.md: guardrails table updated");
});
