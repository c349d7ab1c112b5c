/**
 * Prints the README's table of guardrails from the rule pack (guardrails/index.ts), or with `--write` replaces the
 * block between the guardrails-table markers in README.md. test/guardrails.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { rulesTable } from "../guardrails";

const README = path.join(__dirname, "..", "README.md");
const BLOCK = /(<!-- guardrails-table:begin[^>]*-->\n)[\s\S]*?(\n<!-- guardrails-table:end -->)/;

const table = rulesTable();
if (process.argv.includes("--write")) {
  const readme = readFileSync(README, "utf8");
  if (!BLOCK.test(readme)) {
    console.error("README.md: no <!-- guardrails-table:begin --> ... <!-- guardrails-table:end --> block");
    process.exit(1);
  }
  writeFileSync(README, readme.replace(BLOCK, (_m, begin: string, end: string) => `${begin}${table}${end}`));
  console.log("README.md: guardrails table updated");
} else {
  console.log(table);
}
