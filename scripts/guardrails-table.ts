/**
 * Prints the README's table of guardrails from the rule pack (guardrails/index.ts), or with `--write` replaces the
 * block between the guardrails-table markers in README.md. test/guardrails.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { rulesTable } from "../guardrails";
import { runCli, UserError, type CliSpec } from "./lib/cli";

const README = path.join(__dirname, "..", "README.md");
const BLOCK = /(<!-- guardrails-table:begin[^>]*-->\n)[\s\S]*?(\n<!-- guardrails-table:end -->)/;

const OPTIONS = { write: { type: "boolean", default: false } } as const;
const GUARDRAILS_TABLE_CLI: CliSpec<typeof OPTIONS> = {
  command: "guardrails-table",
  usage: ["usage: npx tsx scripts/guardrails-table.ts [--write]", "  prints the guardrails table from the rule pack", "  --write  replace the table between its markers in README.md instead"].join("\n"),
  options: OPTIONS,
};

void runCli(GUARDRAILS_TABLE_CLI, process.argv.slice(2), ({ values }) => {
  const table = rulesTable();
  if (!values.write) return void console.log(table);
  const readme = readFileSync(README, "utf8");
  if (!BLOCK.test(readme)) throw new UserError("README.md: no <!-- guardrails-table:begin --> ... <!-- guardrails-table:end --> block");
  writeFileSync(README, readme.replace(BLOCK, (_m, begin: string, end: string) => `${begin}${table}${end}`));
  console.log("README.md: guardrails table updated");
});
