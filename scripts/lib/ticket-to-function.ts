/**
 * `npm run ticket`'s work: parse the ticket (toolchain/ticket), resolve it against the environments, stage the
 * files in a temporary directory, validate them together with every existing manifest exactly as the synth will,
 * and only then copy them into the functions directory. Every problem is reported at once; nothing is written on
 * any problem.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CODE_FILE, MANIFEST_FILE, TESTS_DIR, functionsDir, readManifestSources, sourceOf, validateFunctions } from "../../config/functions/cf2/load";
import { ConfigError, loadEnvironments } from "../../config/load";
import { FUNCTION_NAME } from "../../model/limits";
import { projectRoot } from "../../model/project-root";
import { Cf2Runtime } from "../../model/vocabulary";
import { ticketSource } from "../../toolchain/ticket/adf";
import { inTicketTerms, manifestFromTicket, tableLineOf, type TicketManifest } from "../../toolchain/ticket/manifest";
import { parseTicket, type EventType, type Ticket, type TicketProblems } from "../../toolchain/ticket/parse";
import { ignoredLine, passThroughCode, passThroughTest, TicketError, type TicketResult } from "../../toolchain/ticket/scaffold";

export interface TicketOptions {
  /** --owner. */
  readonly owner?: string;
  /** --ticket: the Jira key. */
  readonly ticket?: string;
  /** Environment files. @default $EDGE_ENVIRONMENTS_DIR or environments/ */
  readonly envDir?: string;
  /** Where function directories live. @default functions/cf2 */
  readonly functionsDir?: string;
  /** The ticket's content, when it does not come from the file (stdin). */
  readonly text?: string;
}

export function ticketToFunction(ticketFile: string, opts: TicketOptions = {}): TicketResult {
  const shownTicket = opts.text !== undefined ? ticketFile : path.relative(process.cwd(), ticketFile) || ticketFile;
  let raw: string;
  try {
    raw = opts.text ?? readFileSync(ticketFile, "utf8");
  } catch (err) {
    throw new TicketError(shownTicket, [`cannot be read (${(err as NodeJS.ErrnoException).code})`]);
  }
  const source = ticketSource(raw);
  if (source instanceof Error) throw new TicketError(shownTicket, [source.message]);
  const found: TicketProblems = { problems: [], settled: new Set() };
  const parsed = parseTicket(source.text, found);
  const envs = loadEnvironments(opts.envDir ?? process.env.EDGE_ENVIRONMENTS_DIR ?? path.join(projectRoot(), "environments"));
  const manifest = manifestFromTicket(parsed, envs, { owner: opts.owner, ticket: opts.ticket ?? source.key, file: ticketFile }, found);

  const dir = opts.functionsDir ?? functionsDir();
  const root = projectRoot();
  const shownDir = path.relative(root, dir).startsWith("..") ? dir : path.relative(root, dir);
  const existing = readManifestSources(dir);
  if (FUNCTION_NAME.test(manifest.name) && existsSync(path.join(dir, manifest.name))) {
    const owner = existing.find((s) => s.dirName === manifest.name);
    const key = owner && !(owner.input instanceof Error) ? (owner.input as { ticket?: string }).ticket : undefined;
    found.problems.push(
      `function name "${manifest.name}" is already taken by ${shownDir}/${manifest.name}${key ? ` (ticket ${key})` : ""}; choose another name`,
    );
  }

  const staging = mkdtempSync(path.join(os.tmpdir(), "cf2-ticket-"));
  try {
    const { stagedDir, files } = stage(staging, manifest);
    // The same validation the synth runs, with the new function among the existing ones (a taken name is
    // reported above; its old manifest is left out so its associations are not reported twice).
    const others = existing.filter((s) => s.dirName !== manifest.name);
    try {
      validateFunctions([...others, sourceOf(stagedDir, `${shownDir}/${manifest.name}`)], envs);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      addManifestProblems(err.problems, found, parsed, `${shownDir}/${manifest.name}/`, opts.owner !== undefined);
    }
    const ignored = parsed.ignored.map((x) => ({ line: `${source.lineWord} ${x.line}`, text: x.text }));
    // A missing field may be one of the ignored lines, written in a way the template does not read: show them.
    if (found.problems.length > 0)
      throw new TicketError(
        shownTicket,
        inTicketOrder(found.problems, source.lineWord),
        found.problems.some((p) => p.startsWith("no ")) ? ignoredLine(ignored) : [],
      );

    mkdirSync(dir, { recursive: true });
    cpSync(stagedDir, path.join(dir, manifest.name), { recursive: true, errorOnExist: true, force: false });
    return { dir: `${shownDir}/${manifest.name}`, files, manifest, ignored };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes the function's files into a staging directory. */
function stage(staging: string, manifest: TicketManifest): { stagedDir: string; files: string[] } {
  const events = [...new Set(manifest.associations.map((a) => a.eventType))] as EventType[];
  const runtime = (manifest.runtime ?? Cf2Runtime.JS_2_0) as Cf2Runtime;
  const stagedDir = path.join(staging, FUNCTION_NAME.test(manifest.name) ? manifest.name : "invalid-name");
  mkdirSync(path.join(stagedDir, TESTS_DIR), { recursive: true });
  const files = [MANIFEST_FILE, CODE_FILE, ...events.map((e) => `${TESTS_DIR}/pass-through-${e}.json`)];
  writeFileSync(path.join(stagedDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(stagedDir, CODE_FILE), passThroughCode(events.length ? events : ["viewer-request"], runtime, manifest.owner));
  for (const e of events) writeFileSync(path.join(stagedDir, TESTS_DIR, `pass-through-${e}.json`), `${JSON.stringify(passThroughTest(e), null, 2)}\n`);
  return { stagedDir, files };
}

/**
 * The manifest validation's problems, told at the ticket line they come from; consequences of a problem already
 * reported in the ticket's own terms are left out (the manifest was never written, so its path would mean nothing).
 */
function addManifestProblems(manifestProblems: string[], found: TicketProblems, parsed: Ticket, stagedPrefix: string, ownerFromCli: boolean): void {
  const { problems, settled } = found;
  const settledField = (p: string) =>
    [...settled].some((f) => (f === "associations" ? p.includes(`field "associations":`) : p.includes(`field "${f}"`) || p.includes(`entry ${f}[`)));
  const reportedLines = new Set(problems.map((p) => Number(/^line (\d+):/.exec(p)?.[1])).filter(Boolean));
  const assocLines = parsed.rows.flatMap((r) => r.events.map(() => r.line));
  for (const p of manifestProblems.filter((x) => !settledField(x))) {
    const told = inTicketTerms(p, stagedPrefix, parsed, assocLines, tableLineOf(parsed), ownerFromCli);
    if (told.line !== undefined && reportedLines.has(told.line) && parsed.rows.some((r) => r.line === told.line)) continue;
    if (!problems.includes(told.text)) problems.push(told.text);
  }
}

/** Problems at a line by line, then those about the ticket as a whole; in issue JSON the lines are the description's. */
function inTicketOrder(problems: string[], lineWord: string): string[] {
  const lineOf = (p: string) => Number(/^line (\d+)/.exec(p)?.[1] ?? Number.MAX_SAFE_INTEGER);
  const ordered = problems
    .map((p, i) => [p, i] as const)
    .sort((a, b) => lineOf(a[0]) - lineOf(b[0]) || a[1] - b[1])
    .map(([p]) => p);
  return lineWord === "line" ? ordered : ordered.map((p) => p.replace(/^line (\d+)/, `${lineWord} $1`));
}
