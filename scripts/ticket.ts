/**
 * `npm run ticket -- <ticket file | -> [--owner app|infra] [--ticket KEY] [--json]`: turns a Jira ticket written in the request
 * template into functions/cf2/<name>/ (manifest.json, a pass-through index.js, tests/), ready for a pull request.
 * The ticket may be text (the template; Jira wiki markup; Markdown; a rendered Jira table copied from the browser,
 * tab-separated) or the Jira REST issue JSON (key from `key`, the template in `fields.description` as wiki markup or
 * Atlassian Document Format); `-` reads it from stdin. Exit 0 written, 1 bad ticket (nothing written), 2 usage.
 *
 * The ticket is validated against the environment configuration and every existing manifest exactly as the synth
 * will validate it; every problem is reported at once with a non-zero exit, and nothing is written.
 *
 * Template (Japanese labels as in the request template, English equivalents accepted; "e.g.)" lines are ignored):
 *   チケット: SHOP-1234                         (or the Jira key in the file name, or --ticket)
 *   CF2の命名: redirect-cf2
 *   構築する環境一覧: dev, stg, prod
 *   関連づけるCloudfFrontのARN: arn:aws:cloudfront::123456789012:distribution/E1DEVSHOPWEB01   (or the site name)
 *   関連づけるcache behavior | ビューワーリクエスト | ビューワーレスポンス
 *   default                 | ○                  | -
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, loadEnvironments } from "../environments/load";
import { userFacingMessage } from "../model/errors";
import type { Environment } from "../environments/schema";
import { CODE_FILE, MANIFEST_FILE, TESTS_DIR, functionsDir, readManifestSources, sourceOf, validateFunctions } from "../environments/cf2/load";
import { projectRoot } from "../model/project-root";
import { FUNCTION_NAME, FunctionOwner, TICKET_KEY, type FunctionManifestInput } from "../environments/cf2/manifest";
import { Cf2Runtime } from "../model/vocabulary";

type EventType = "viewer-request" | "viewer-response";

/** What a ticket says, before it is checked against the configuration. */
export interface Ticket {
  ticket?: string;
  name?: string;
  environments: string[];
  /** Distribution ARNs or site names, as written. */
  distributions: string[];
  rows: { behavior: string; events: EventType[]; line: number; invalidMark?: boolean }[];
  owner?: string;
  runtime?: string;
  retentionDays?: number;
  comment?: string;
  /** The ticket line each field's value is on, so problems found in the manifest are told in ticket terms. */
  lines: Partial<Record<"ticket" | "name" | "environments" | "distributions" | "owner" | "runtime" | "retentionDays" | "comment", number>>;
}

export class TicketError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written:\n  - ${problems.join("\n  - ")}`);
    this.name = "TicketError";
  }
}

/** Field labels: the request template's Japanese labels (with its "CloudfFront" typo) and English equivalents. */
const LABELS: [keyof Ticket["lines"], RegExp][] = [
  ["ticket", /^(チケット(番号|キー)?|Jira(\s*(key|ticket))?|Ticket(\s*key)?|Issue(\s*key)?)$/i],
  ["name", /^(CF2\s*の命名|CF2\s*名|関数名|CF2\s*name|Function\s*name|Name)$/i],
  ["environments", /^(構築する環境(一覧)?|環境(一覧)?|Environments?(\s*to\s*build)?)$/i],
  ["distributions", /^(関連[づ付]けるCloud\w*\s*の\s*ARN|関連[づ付]けるディストリビューション|(CloudFront\s*)?(distribution\s*)?ARN|Distributions?)$/i],
  ["owner", /^(オーナー|所有者|Owner)$/i],
  ["runtime", /^(ランタイム|Runtime)$/i],
  ["retentionDays", /^(ログ保持期間|ログの保持期間|Log\s*retention(\s*days)?|Retention(\s*days)?)$/i],
  ["comment", /^(コメント|説明|Comment|Description)$/i],
];
const TABLE_HEADER = /(cache\s*behaviou?r|キャッシュ\s*ビヘイビア)/i;
const REQUEST_COLUMN = /(ビューワー\s*リクエスト|viewer[\s-]*request)/i;
const RESPONSE_COLUMN = /(ビューワー\s*レスポンス|viewer[\s-]*response)/i;
/** "e.g.)" lines of the template, and Jira/Markdown headings around it. */
const EXAMPLE_LINE = /^(e\.g\.|例[)）:：]|h[1-6]\.\s|#)/i;
const YES = new Set(["○", "◯", "〇", "●", "✓", "✔", "✅", "yes", "y", "true", "on", "有", "あり"]);
const NO = new Set(["", "-", "－", "−", "ー", "—", "–", "no", "n", "false", "off", "無", "なし"]);
/** CloudFront path patterns: at most 255 of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + & (and "default" for the default behavior). */
const PATH_PATTERN = /^[/*][A-Za-z0-9_\-.*$/~"'@:+&]{0,254}$/;
const DEFAULT_BEHAVIOR = new Set(["default", "デフォルト", "*", "default (*)", "default(*)", "デフォルト(*)"]);

/**
 * What is wrong with a ticket so far. `settled` names the manifest fields whose problem is already reported in
 * ticket terms, so the manifest validation does not report its consequences again.
 */
export interface TicketProblems {
  problems: string[];
  settled: Set<"ticket" | "name" | "environments" | "sid" | "site" | "associations">;
}

/** Parses a ticket body; problems of the text itself are added to `p`. */
export function parseTicket(text: string, p: TicketProblems = { problems: [], settled: new Set() }): Ticket {
  const { problems, settled } = p;
  const t: Ticket = { environments: [], distributions: [], rows: [], lines: {} };
  const seen = new Set<string>();
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let columns: { request: number; response: number } | undefined;
  let tableLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trim();
    if (!line || EXAMPLE_LINE.test(line)) {
      if (!line) columns = undefined; // a blank line ends the table
      continue;
    }
    if (TABLE_HEADER.test(line) && (REQUEST_COLUMN.test(line) || RESPONSE_COLUMN.test(line))) {
      // With pipes the cells say where each column is; separated by spaces (as in the template), the label "cache
      // behavior" itself has a space, so the two event columns follow the behavior column in header order.
      // Cells are known with pipes (Jira, Markdown) and tabs (a rendered Jira table copied from the browser).
      const cells = line.includes("|") || raw.includes("\t") ? splitRow(raw) : [];
      let request = cells.findIndex((c) => REQUEST_COLUMN.test(c));
      let response = cells.findIndex((c) => RESPONSE_COLUMN.test(c));
      if (cells.length === 0 && REQUEST_COLUMN.test(line) && RESPONSE_COLUMN.test(line)) {
        const requestFirst = line.search(REQUEST_COLUMN) < line.search(RESPONSE_COLUMN);
        [request, response] = requestFirst ? [1, 2] : [2, 1];
      }
      if (request < 0 || response < 0) {
        problems.push(`line ${i + 1}: the cache behavior table needs the columns ビューワーリクエスト and ビューワーレスポンス (viewer request, viewer response)`);
        continue;
      }
      columns = { request, response };
      tableLine = i + 1;
      continue;
    }
    const labelled = labelOf(line);
    if (labelled) {
      columns = undefined;
      const { field, label } = labelled;
      let value = labelled.value;
      // The value may stand on the next line (after "e.g.)" lines).
      if (!value) {
        let j = i + 1;
        while (j < lines.length && EXAMPLE_LINE.test(lines[j].trim())) j++;
        if (j < lines.length && lines[j].trim() && !labelOf(lines[j].trim()) && !TABLE_HEADER.test(lines[j])) {
          value = lines[j].trim();
          i = j;
        }
      }
      if (seen.has(field)) problems.push(`line ${i + 1}: "${label}" is given twice`);
      seen.add(field);
      t.lines[field] = i + 1;
      if (field === "environments") t.environments = value.split(/[\s,、，/]+/).filter(Boolean);
      else if (field === "distributions") t.distributions = value.split(/[\s,、，]+/).filter(Boolean);
      else if (field === "retentionDays") {
        const n = Number(value.replace(/\s*(days?|日)$/i, ""));
        if (!Number.isInteger(n)) problems.push(`line ${i + 1}: log retention "${value}" is not a number of days`);
        else t.retentionDays = n;
      } else t[field] = value;
      continue;
    }
    if (columns) {
      const cells = splitRow(raw);
      if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue; // Markdown separator row
      const pipes = raw.includes("|") || raw.includes("\t");
      if (!pipes && cells.length !== Math.max(columns.request, columns.response) + 1) {
        problems.push(`line ${i + 1}: row "${line}" needs one cell per column: cache behavior, ビューワーリクエスト, ビューワーレスポンス (use "-" for an empty cell)`);
        continue;
      }
      const behavior = cells[0] ?? "";
      const events: EventType[] = [];
      let invalidMark = false;
      for (const [eventType, col] of [["viewer-request", columns.request], ["viewer-response", columns.response]] as const) {
        const mark = (cells[col] ?? "").trim().toLowerCase();
        if (YES.has(mark)) events.push(eventType);
        else if (!NO.has(mark)) {
          invalidMark = true;
          problems.push(`line ${i + 1}: "${cells[col]}" in the ${eventType === "viewer-request" ? "ビューワーリクエスト" : "ビューワーレスポンス"} column is not a mark; use ○ to run the function there or - not to`);
        }
      }
      t.rows.push({ behavior: DEFAULT_BEHAVIOR.has(behavior.toLowerCase()) ? "default" : behavior, events, line: i + 1, invalidMark });
      continue;
    }
    problems.push(`line ${i + 1}: "${line.slice(0, 60)}" is not part of the template (CF2の命名, 構築する環境一覧, 関連づけるCloudfFrontのARN, the cache behavior table)`);
  }
  if (!t.name) settled.add("name");
  if (t.environments.length === 0) settled.add("environments");
  if (t.distributions.length === 0) settled.add("sid").add("site");
  if (tableLine === 0 || t.rows.some((r) => !r.behavior || r.events.length === 0 || r.invalidMark)) settled.add("associations");
  if (problems.some((m) => / needs one cell per column/.test(m))) settled.add("associations");
  if (!t.name) problems.push(`no function name: add "CF2の命名: <name>" (Function name)`);
  if (t.environments.length === 0) problems.push(`no environments: add "構築する環境一覧: dev, stg, prod" (Environments)`);
  if (t.distributions.length === 0) problems.push(`no distribution: add "関連づけるCloudfFrontのARN: arn:aws:cloudfront::<account>:distribution/<id>" (or the site name)`);
  if (tableLine === 0) problems.push(`no cache behavior table: add a row per behavior under "関連づけるcache behavior | ビューワーリクエスト | ビューワーレスポンス"`);
  else if (t.rows.length === 0) problems.push(`line ${tableLine}: the cache behavior table has no rows`);
  for (const row of t.rows) {
    if (!row.behavior) problems.push(`line ${row.line}: the cache behavior cell is empty; write "default" or a path pattern such as /api/*`);
    else if (row.behavior !== "default" && !PATH_PATTERN.test(row.behavior))
      problems.push(`line ${row.line}: cache behavior "${row.behavior}" is not a path pattern: write "default" or a pattern starting with "/" (or "*"), such as /api/*`);
    if (row.behavior && row.events.length === 0 && !row.invalidMark) problems.push(`line ${row.line}: cache behavior "${row.behavior}": no event type chosen; mark ビューワーリクエスト or ビューワーレスポンス with ○`);
  }
  return t;
}

/** "CF2の命名:hogehoge" -> the field, its label and value; undefined for anything else (an ARN is no label). */
function labelOf(line: string): { field: (typeof LABELS)[number][0]; label: string; value: string } | undefined {
  if (/^arn:/i.test(line)) return undefined;
  const m = /^([^:：|\t]+?)\s*(?:[:：]|\t+)\s*(.*)$/.exec(line);
  if (!m) return undefined;
  const label = m[1].trim();
  const found = LABELS.find(([, re]) => re.test(label));
  return found ? { field: found[0], label, value: m[2].trim() } : undefined;
}

function splitRow(line: string): string[] {
  // A rendered table copied from the browser: one tab between cells, an empty cell is nothing between two tabs.
  if (line.includes("\t") && !line.includes("|")) return line.replace(/^[ \r\n]+|[ \r\n]+$/g, "").split("\t").map((c) => c.trim());
  const trimmed = line.trim();
  if (trimmed.includes("|")) {
    // Jira (|| header ||, | cell |) and Markdown tables; a row of only dashes is a Markdown separator.
    return trimmed.replace(/^\|+|\|+$/g, "").split(/\|+/).map((c) => c.trim());
  }
  return trimmed.split(/\t|\s+/).map((c) => c.trim());
}

const ARN = /^arn:aws:cloudfront::(\d{12}):distribution\/([A-Z0-9]+)$/;

/**
 * Resolves what the ticket says against the configuration into a manifest. Problems that only the configuration
 * can decide (unknown environment, behavior of no site, taken event) are left to the manifest validation.
 */
export function manifestFromTicket(t: Ticket, envs: Environment[], opts: { owner?: string; ticket?: string; file: string }, p: TicketProblems): FunctionManifestInput {
  const { problems, settled } = p;
  const before = problems.length;
  const ticket = opts.ticket ?? t.ticket ?? /([A-Z][A-Z0-9_]+-[1-9][0-9]*)/.exec(path.basename(opts.file))?.[1];
  if (!ticket) problems.push(`no Jira key: add "チケット: SHOP-1234" (Ticket), name the file after the key, or pass --ticket`);
  else if (!TICKET_KEY.test(ticket)) problems.push(`"${ticket}" is not a Jira issue key like "SHOP-1234"`);
  if (problems.length > before) settled.add("ticket");
  if (t.name && !FUNCTION_NAME.test(t.name)) settled.add("name");
  if (t.name && !FUNCTION_NAME.test(t.name))
    problems.push(`CF2の命名 (function name) "${t.name}" is invalid: use lowercase letters, digits, '-' or '_', starting with a letter (the AWS name becomes <env>-<sid>-${t.name})`);

  const sites = new Set<string>();
  const beforeSites = problems.length;
  for (const d of t.distributions) {
    if (!d.startsWith("arn:")) {
      sites.add(d);
      continue;
    }
    const m = ARN.exec(d);
    if (!m) {
      problems.push(`"${d}" is not a CloudFront distribution ARN: expected arn:aws:cloudfront::<12-digit account>:distribution/<distribution id>`);
      continue;
    }
    const [, account, id] = m;
    const owners = envs.flatMap((e) => e.sites.filter((s) => s.distribution.id === id).map((s) => ({ env: e, site: s })));
    if (owners.length === 0) {
      const known = envs.flatMap((e) => e.sites.filter((s) => s.distribution.id).map((s) => `${s.distribution.id} (${e.name} ${s.name})`));
      problems.push(`distribution ${id} of "${d}" is not one of ours; distributions this project manages: ${known.join(", ") || "(none declare an id)"}`);
      continue;
    }
    const { env, site } = owners[0];
    if (env.accountId !== account) {
      problems.push(`"${d}": distribution ${id} is site "${site.name}" of environment ${env.name}, whose account is ${env.accountId}, not ${account}`);
      continue;
    }
    sites.add(site.name);
  }
  if (sites.size > 1) problems.push(`the distributions name different sites (${[...sites].join(", ")}); one ticket attaches a function to one site`);
  if (problems.length > beforeSites) settled.add("sid").add("site");
  const site = [...sites][0] ?? "";
  const sid = envs.flatMap((e) => e.sites).find((s) => s.name === site)?.sid ?? "";
  if (!sid) settled.add("sid"); // the site's problem is reported (by the ticket or the manifest), not its missing product

  const owner = (opts.owner ?? t.owner ?? FunctionOwner.APP).toLowerCase().replace(/^(アプリ|application)$/, "app").replace(/^(インフラ|infrastructure)$/, "infra");
  const manifest: FunctionManifestInput = {
    ticket: ticket ?? "",
    name: t.name ?? "",
    sid,
    environments: t.environments,
    associations: t.rows.flatMap((r) => r.events.map((eventType) => ({ site, behavior: r.behavior, eventType }))),
    runtime: (t.runtime ?? Cf2Runtime.JS_2_0) as Cf2Runtime,
    owner: owner as FunctionOwner,
    ...(t.retentionDays !== undefined ? { retentionDays: t.retentionDays } : {}),
    ...(t.comment ? { comment: t.comment } : {}),
  };
  return manifest;
}

/**
 * The pass-through the function starts as: it returns what it received (the request on viewer-request, the response
 * on viewer-response), which CloudFront treats as "continue unchanged"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/writing-function-code.html).
 */
export function passThroughCode(events: EventType[], runtime: Cf2Runtime, owner: string = FunctionOwner.APP): string {
  const body =
    events.length > 1
      ? `  return event.context.eventType === 'viewer-response' ? event.response : event.request;`
      : events[0] === "viewer-response"
        ? `  var response = event.response;\n  return response;`
        : `  var request = event.request;\n  return request;`;
  const who =
    owner === FunctionOwner.INFRA
      ? [
          `// The infrastructure team owns this code (manifest "owner": "infra"): change it here, in a pull request; every`,
          `// apply uploads and publishes it, and a change made in the console is reverted by the next apply.`,
        ]
      : [
          `// The application team replaces it in the DEVELOPMENT stage, tests it with TestFunction and publishes it;`,
          `// Terraform never changes or publishes this function again (see README, "What the application team does").`,
        ];
  return [
    `// Pass-through created by the infrastructure team from the ticket (runtime ${runtime}).`,
    ...who,
    `function handler(event) {`,
    body,
    `}`,
    ``,
  ].join("\n");
}

function passThroughTest(eventType: EventType): object {
  return eventType === "viewer-request"
    ? {
        description: "the pass-through returns the viewer request unchanged",
        eventType,
        request: { uri: "/index.html", headers: { host: { value: "example.com" } } },
        expected: { method: "GET", uri: "/index.html", querystring: {}, headers: { host: { value: "example.com" } }, cookies: {} },
      }
    : {
        description: "the pass-through returns the response unchanged",
        eventType,
        response: { statusCode: 200, headers: { "content-type": { value: "text/html" } } },
        expected: { statusCode: 200, statusDescription: "OK", headers: { "content-type": { value: "text/html" } }, cookies: {} },
      };
}

/**
 * What people paste, as ticket text: the template as text (a file, a Jira description in wiki markup, Markdown, a
 * rendered Jira table copied from the browser), or the Jira REST issue JSON (`GET /rest/api/2|3/issue/<key>`):
 * `key` is the ticket key and `fields.description` the template, in wiki markup (API v2) or Atlassian Document
 * Format (API v3), which is turned into lines (paragraphs and headings as lines, tables as `||h||` / `|c|` rows).
 */
export function ticketSource(raw: string): { text: string; key?: string; lineWord: "line" | "description line" } | Error {
  const trimmed = raw.replace(/^\uFEFF/, "").trim();
  if (!trimmed.startsWith("{")) return { text: raw, lineWord: "line" };
  let issue: { key?: unknown; fields?: { description?: unknown } };
  try {
    issue = JSON.parse(trimmed);
  } catch (err) {
    return new Error(`looks like Jira issue JSON but is not valid JSON: ${(err as Error).message}`);
  }
  const description = issue.fields?.description;
  const key = typeof issue.key === "string" ? issue.key : undefined;
  if (typeof description === "string") return { text: description, key, lineWord: "description line" };
  if (description && typeof description === "object" && (description as { type?: unknown }).type === "doc")
    return { text: adfToText(description as AdfNode), key, lineWord: "description line" };
  return new Error('is JSON but not a Jira issue with a description: expected { "key": "SHOP-1234", "fields": { "description": <wiki text or Atlassian Document Format> } }');
}

interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
}

/** Atlassian Document Format -> the lines the template parser reads. */
export function adfToText(doc: AdfNode): string {
  const inline = (n: AdfNode): string => (n.type === "text" ? (n.text ?? "") : n.type === "hardBreak" ? "\n" : (n.content ?? []).map(inline).join(""));
  const block = (n: AdfNode): string[] => {
    switch (n.type) {
      case "paragraph":
        return inline(n).split("\n");
      case "heading":
        // As in wiki markup, so the parser skips it like any heading of the template.
        return [`h${(n as AdfNode & { attrs?: { level?: number } }).attrs?.level ?? 1}. ${inline(n)}`];
      case "table":
        return (n.content ?? []).map((row) => {
          const cells = row.content ?? [];
          const header = cells.length > 0 && cells.every((c) => c.type === "tableHeader");
          const texts = cells.map((c) => (c.content ?? []).flatMap(block).join(" ").trim());
          return header ? `||${texts.join("||")}||` : `|${texts.join("|")}|`;
        });
      case "bulletList":
      case "orderedList":
      case "listItem":
      case "doc":
      case "panel":
      case "blockquote":
        return (n.content ?? []).flatMap(block);
      case "codeBlock":
        return inline(n).split("\n");
      case "rule":
        return [""];
      default:
        return n.content ? n.content.flatMap(block) : n.text ? [n.text] : [];
    }
  };
  return (doc.content ?? []).flatMap((n) => [...block(n), ...(n.type === "table" ? [""] : [])]).join("\n");
}

/** The table's first row line (for problems about the associations as a whole). */
function tableLineOf(t: Ticket): number | undefined {
  return t.rows.length > 0 ? Math.min(...t.rows.map((r) => r.line)) - 1 : undefined;
}

const TICKET_FIELD: Record<string, { line: keyof Ticket["lines"]; label: string }> = {
  ticket: { line: "ticket", label: "ticket" },
  name: { line: "name", label: "function name" },
  sid: { line: "distributions", label: "distribution" },
  owner: { line: "owner", label: "owner" },
  runtime: { line: "runtime", label: "runtime" },
  retentionDays: { line: "retentionDays", label: "log retention" },
  comment: { line: "comment", label: "comment" },
};

/**
 * A problem the manifest validation found, told at the ticket line it comes from: `line N (<field>): <what>`, or
 * `<field>: <what>` when the ticket has no line for it (a default, or --owner).
 */
export function inTicketTerms(problem: string, stagedPrefix: string, t: Ticket, assocLines: number[], tableLine: number | undefined, ownerFromCli: boolean): { text: string; line?: number } {
  if (!problem.startsWith(stagedPrefix)) return { text: problem };
  const m = /^manifest\.json: (?:entry ([a-zA-Z]+)\[(\d+)\](?:, field "([^"]+)")?|field "([^"]+)")?:? ?([\s\S]*)$/.exec(problem.slice(stagedPrefix.length));
  if (!m) return { text: problem.slice(stagedPrefix.length) };
  const [, entry, index, entryField, field, message] = m;
  let line: number | undefined;
  let label: string;
  if (entry === "environments") [line, label] = [t.lines.environments, "environments"];
  else if (entry === "associations" && entryField === "site") [line, label] = [t.lines.distributions, "distribution"];
  else if (entry === "associations") [line, label] = [assocLines[Number(index)], "cache behavior"];
  else if (field === "associations") [line, label] = [tableLine, "cache behavior table"];
  else if (field && TICKET_FIELD[field.split(".")[0]]) {
    const f = TICKET_FIELD[field.split(".")[0]];
    const cli = f.line === "owner" && ownerFromCli;
    [line, label] = [cli ? undefined : t.lines[f.line], cli ? "--owner" : f.label];
  } else label = field ? `field "${field}"` : "ticket";
  return line !== undefined ? { text: `line ${line} (${label}): ${message}`, line } : { text: `${label}: ${message}` };
}

export interface TicketResult {
  /** Directory written (functions/cf2/<name>). */
  dir: string;
  files: string[];
  manifest: FunctionManifestInput;
}

/**
 * The whole command: parse, resolve, stage the files in a temporary directory, validate them together with every
 * existing manifest, and only then copy them into the functions directory.
 */
export function ticketToFunction(
  ticketFile: string,
  opts: { owner?: string; ticket?: string; envDir?: string; functionsDir?: string; /** The ticket's content, when it does not come from the file (stdin). */ text?: string } = {},
): TicketResult {
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
  const { problems, settled } = found;

  const dir = opts.functionsDir ?? functionsDir();
  const root = projectRoot();
  const shownDir = path.relative(root, dir).startsWith("..") ? dir : path.relative(root, dir);
  const nameOk = FUNCTION_NAME.test(manifest.name);
  const target = path.join(dir, manifest.name);
  const existing = readManifestSources(dir);
  if (nameOk && existsSync(target)) {
    const owner = existing.find((s) => s.dirName === manifest.name);
    const key = owner && !(owner.input instanceof Error) ? (owner.input as { ticket?: string }).ticket : undefined;
    problems.push(`function name "${manifest.name}" is already taken by ${shownDir}/${manifest.name}${key ? ` (ticket ${key})` : ""}; choose another name`);
  }

  const staging = mkdtempSync(path.join(os.tmpdir(), "cf2-ticket-"));
  try {
    const events = [...new Set(manifest.associations.map((a) => a.eventType))] as EventType[];
    const runtime = (manifest.runtime ?? Cf2Runtime.JS_2_0) as Cf2Runtime;
    const stagedDir = path.join(staging, nameOk ? manifest.name : "invalid-name");
    mkdirSync(path.join(stagedDir, TESTS_DIR), { recursive: true });
    const files = [MANIFEST_FILE, CODE_FILE, ...events.map((e) => `${TESTS_DIR}/pass-through-${e}.json`)];
    writeFileSync(path.join(stagedDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(path.join(stagedDir, CODE_FILE), passThroughCode(events.length ? events : ["viewer-request"], runtime, manifest.owner));
    for (const e of events) writeFileSync(path.join(stagedDir, TESTS_DIR, `pass-through-${e}.json`), `${JSON.stringify(passThroughTest(e), null, 2)}\n`);

    // The same validation the synth runs, with the new function among the existing ones (a taken name is
    // reported above; its old manifest is left out so its associations are not reported twice).
    const others = existing.filter((s) => s.dirName !== manifest.name);
    const staged = sourceOf(stagedDir, `${shownDir}/${manifest.name}`);
    try {
      validateFunctions([...others, staged], envs);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // Consequences of a problem already reported in the ticket's own terms are left out; the rest is told at the
      // ticket line it comes from (the manifest was never written, so its path would mean nothing to the reader).
      const settledField = (p: string) =>
        [...settled].some((f) => (f === "associations" ? p.includes(`field "associations":`) : p.includes(`field "${f}"`) || p.includes(`entry ${f}[`)));
      const reportedLines = new Set(problems.map((p) => Number(/^line (\d+):/.exec(p)?.[1])).filter(Boolean));
      const assocLines = parsed.rows.flatMap((r) => r.events.map(() => r.line));
      for (const p of err.problems.filter((x) => !settledField(x))) {
        const told = inTicketTerms(p, `${shownDir}/${manifest.name}/`, parsed, assocLines, tableLineOf(parsed), opts.owner !== undefined);
        if (told.line !== undefined && reportedLines.has(told.line) && parsed.rows.some((r) => r.line === told.line)) continue;
        if (!problems.includes(told.text)) problems.push(told.text);
      }
    }
    // In Jira issue JSON the lines are those of the description.
    if (problems.length > 0) {
      // In ticket order: problems at a line by line, then those about the ticket as a whole.
      const lineOf = (p: string) => Number(/^line (\d+)/.exec(p)?.[1] ?? Number.MAX_SAFE_INTEGER);
      const ordered = problems.map((p, i) => [p, i] as const).sort((a, b) => lineOf(a[0]) - lineOf(b[0]) || a[1] - b[1]).map(([p]) => p);
      throw new TicketError(shownTicket, source.lineWord === "line" ? ordered : ordered.map((p) => p.replace(/^line (\d+)/, `${source.lineWord} $1`)));
    }

    mkdirSync(dir, { recursive: true });
    cpSync(stagedDir, target, { recursive: true, errorOnExist: true, force: false });
    return { dir: `${shownDir}/${manifest.name}`, files, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export const TICKET_USAGE = "usage: npm run ticket -- <ticket file | -> [--owner app|infra] [--ticket KEY] [--json]";

/**
 * `--json` output, for workflows (one line on stdout): on success `{ ok: true, ticket, name, dir, files, branch,
 * title, environments }`; on a bad ticket `{ ok: false, problems }` (and the usual message on stderr, exit 1).
 */
export function ticketJson(r: TicketResult) {
  const m = r.manifest;
  return { ok: true, ticket: m.ticket, name: m.name, dir: r.dir, files: r.files.map((f) => `${r.dir}/${f}`), branch: ticketBranch(m.ticket, m.name), title: `${m.ticket}: CloudFront Function ${m.name}`, environments: m.environments };
}

/** What the command prints after writing a function; the README's "Add a function from a ticket" shows the same steps. */
export function ticketSummary(r: TicketResult): string[] {
  const m = r.manifest;
  return [
    `Wrote ${r.dir}/ (${r.files.join(", ")}) for ${m.ticket}:`,
    `  ${m.owner}-owned ${m.runtime} function on ${m.associations.map((a) => `${a.site} ${a.behavior} ${a.eventType}`).join(", ")} in ${m.environments.join(", ")}`,
    ...nextSteps(m.ticket, m.name),
  ];
}

/** The branch a ticket's pull request comes from; the same the ticket workflow uses (scripts/ticket-branch.mjs). */
export function ticketBranch(key: string, name: string): string {
  return `ticket/${key.toLowerCase()}-${name}`;
}

/** The steps after `npm run ticket`, as the README lists them (a test keeps the two equal). */
export function nextSteps(key: string, name: string): string[] {
  return [
    `Next: npm test && npm run validate`,
    `      git switch -c ${ticketBranch(key, name)} && git add functions/cf2/${name} && git commit -m "${key}: CloudFront Function ${name}"`,
    `      open a pull request titled "${key}: CloudFront Function ${name}"; after merge, npx cdktf deploy <env> for each environment`,
  ];
}

function main(argv: string[]): number {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    argv.splice(i, 2);
    return v;
  };
  const owner = flag("owner");
  const ticket = flag("ticket");
  const jsonAt = argv.indexOf("--json");
  const json = jsonAt >= 0;
  if (json) argv.splice(jsonAt, 1);
  if (argv.length !== 1 || argv[0].startsWith("--")) {
    process.stderr.write(`${TICKET_USAGE}\n`);
    return 2;
  }
  try {
    // "-" reads the ticket from stdin (what a workflow passes on from a Jira automation payload).
    const r = argv[0] === "-" ? ticketToFunction("<stdin>", { owner, ticket, text: readFileSync(0, "utf8") }) : ticketToFunction(argv[0], { owner, ticket });
    process.stdout.write(json ? `${JSON.stringify(ticketJson(r))}\n` : `${ticketSummary(r).join("\n")}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof TicketError ? err.message : userFacingMessage(err);
    if (message !== undefined) {
      if (json) process.stdout.write(`${JSON.stringify({ ok: false, problems: err instanceof TicketError || err instanceof ConfigError ? err.problems : [message] })}\n`);
      process.stderr.write(`${message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
