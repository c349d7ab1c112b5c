/**
 * Prints the table of guardrails in docs/guardrails.md from the rule pack (guardrails/index.ts), or with `--write`
 * replaces the block between the guardrails-table markers there. test/guardrails.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { rulesTable } from "../guardrails";

const DOC = path.join(__dirname, "..", "docs", "guardrails.md");
const BLOCK = /(<!-- guardrails-table:begin[^>]*-->\n)[\s\S]*?(\n<!-- guardrails-table:end -->)/;

const table = rulesTable();
if (process.argv.includes("--write")) {
  const doc = readFileSync(DOC, "utf8");
  if (!BLOCK.test(doc)) {
    console.error("docs/guardrails.md: no <!-- guardrails-table:begin --> ... <!-- guardrails-table:end --> block");
    process.exit(1);
  }
  writeFileSync(DOC, doc.replace(BLOCK, (_m, begin: string, end: string) => `${begin}${table}${end}`));
  console.log("docs/guardrails.md: guardrails table updated");
} else {
  console.log(table);
}
