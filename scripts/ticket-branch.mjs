#!/usr/bin/env node
/**
 * After `npm run ticket` in the ticket workflow: finds the function directory it wrote (the one new directory under
 * functions/cf2 with a manifest) and prints `key=`, `name=`, `dir=` and `branch=` for $GITHUB_OUTPUT. Fails unless
 * exactly one new function was written.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", "functions/cf2"], { encoding: "utf8" });
const dirs = [
  ...new Set(
    status
      .split("\n")
      .filter((l) => l.startsWith("?? "))
      .map((l) => l.slice(3).split("/").slice(0, 3).join("/")),
  ),
];
const written = dirs.filter((d) => existsSync(path.join(d, "manifest.json")));
if (written.length !== 1) {
  process.stderr.write(`ticket-branch: expected one new function directory under functions/cf2, found ${written.length}: ${written.join(", ") || "none"}\n`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(path.join(written[0], "manifest.json"), "utf8"));
const key = String(manifest.ticket);
if (!/^[A-Z][A-Z0-9]+-\d+$/.test(key)) {
  process.stderr.write(`ticket-branch: ${written[0]}/manifest.json: ticket ${JSON.stringify(key)} is not a Jira key\n`);
  process.exit(1);
}
process.stdout.write(`key=${key}\nname=${manifest.name}\ndir=${written[0]}\nbranch=ticket/${key.toLowerCase()}-${manifest.name}\n`);
