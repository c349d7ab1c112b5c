/** Helpers shared by the ticket tests: frozen fixtures, a scratch copy of the functions and a "nothing written" check. */
import { cpSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Frozen fixtures, never the repository's own environments and functions: a ticket someone adds to the repository
// must not turn the ticket tests red (test/fixtures/README.md).
export const FIXTURE_ENVIRONMENTS = path.join(__dirname, "..", "fixtures", "environments");
export const FIXTURE_FUNCTIONS = path.join(__dirname, "..", "fixtures", "cf2-functions");

/** A copy of the fixture functions (legacy-redirect on web's default viewer-request, response-headers on its viewer-response). */
export function functionsCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-ticket-fns-"));
  cpSync(FIXTURE_FUNCTIONS, dir, { recursive: true });
  return dir;
}

/** Every file below a directory with its size and mtime: "nothing written" is this snapshot staying equal. */
export function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = path.join(e.parentPath, e.name);
      return `${path.relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs}`;
    })
    .sort();
}

/** A ticket written to a file of its own (the file name may carry the Jira key). */
export function ticketFile(text: string, name: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "ticket-")), name);
  writeFileSync(file, text);
  return file;
}
