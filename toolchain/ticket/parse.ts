/**
 * The request template, read from text lines (a file, Jira wiki markup, Markdown, a rendered Jira table copied from
 * the browser, or ADF turned into lines by adf.ts).
 *
 * Template (Japanese labels as in the request template, English equivalents accepted; "e.g.)" lines are ignored):
 *   チケット: SHOP-1234                         (or the Jira key in the file name, or --ticket)
 *   CF2の命名: redirect-cf2
 *   構築する環境一覧: dev, stg, prod
 *   関連づけるCloudfFrontのARN: arn:aws:cloudfront::123456789012:distribution/E1DEVSHOPWEB01   (or the site name)
 *   関連づけるcache behavior | ビューワーリクエスト | ビューワーレスポンス
 *   default                 | ○                  | -
 *
 * Formatting around the template is not an error: bold or italic labels and values, a label without its colon
 * (value on the next line, or after spaces for the Japanese labels), headings, and prose before, between or after the fields, which is ignored and listed.
 * A line that looks like a field but cannot be read is a problem.
 */
import { pathPatternProblem } from "../../model/limits";
import { ACCEPTED_MARKS, markOf } from "./marks";

export type EventType = "viewer-request" | "viewer-response";
export type TicketField = "ticket" | "name" | "environments" | "distributions" | "owner" | "runtime" | "retentionDays" | "comment";

/** One row of the cache behavior table. */
export interface TicketRow {
  readonly behavior: string;
  readonly events: EventType[];
  /** The ticket line of the row. */
  readonly line: number;
  /** A cell holds something that is not a mark (reported already). */
  readonly invalidMark?: boolean;
}

/** What a ticket says, before it is checked against the configuration. */
export interface Ticket {
  ticket?: string;
  name?: string;
  environments: string[];
  /** Distribution ARNs or site names, as written. */
  distributions: string[];
  rows: TicketRow[];
  owner?: string;
  runtime?: string;
  retentionDays?: number;
  comment?: string;
  /** The ticket line each field's value is on, so problems found in the manifest are told in ticket terms. */
  lines: Partial<Record<TicketField, number>>;
  /** Lines of prose that are not part of the template: ignored, and listed so the user sees nothing was used. */
  ignored: { line: number; text: string }[];
}

/**
 * What is wrong with a ticket so far. `settled` names the manifest fields whose problem is already reported in
 * ticket terms, so the manifest validation does not report its consequences again.
 */
export interface TicketProblems {
  problems: string[];
  settled: Set<"ticket" | "name" | "environments" | "sid" | "site" | "associations">;
}

/** Field labels: the request template's Japanese labels (with its "CloudfFront" typo) and English equivalents. */
const LABELS: [TicketField, RegExp][] = [
  ["ticket", /^(チケット(番号|キー)?|Jira(\s*(key|ticket))?|Ticket(\s*key)?|Issue(\s*key)?)$/i],
  ["name", /^(CF2\s*の命名|CF2\s*名|関数名|CF2\s*name|Function\s*name|Name)$/i],
  ["environments", /^(構築する環境(一覧)?|環境(一覧)?|Environments?(\s*to\s*build)?)$/i],
  ["distributions", /^(関連[づ付]けるCloud\w*\s*の\s*ARN|関連[づ付]けるディストリビューション|(CloudFront\s*)?(distribution\s*)?ARN|Distributions?)$/i],
  ["owner", /^(オーナー|所有者|Owner)$/i],
  ["runtime", /^(ランタイム|Runtime)$/i],
  ["retentionDays", /^(ログ保持期間|ログの保持期間|Log\s*retention(\s*days)?|Retention(\s*days)?)$/i],
  ["comment", /^(コメント|説明|Comment|Description)$/i],
];
/** Words of the template's labels: a "<label>: <value>" line with one of them is a field, never prose. */
const FIELD_WORDS =
  /CF2|関数|環境|ARN|cloud\s*f\w*ront|distribution|ディストリビューション|behaviou?r|ビヘイビア|チケット|ticket|runtime|ランタイム|owner|オーナー|retention|保持|命名/i;
const TABLE_HEADER = /(cache\s*behaviou?r|キャッシュ\s*ビヘイビア)/i;
const REQUEST_COLUMN = /(ビューワー\s*リクエスト|viewer[\s-]*request)/i;
const RESPONSE_COLUMN = /(ビューワー\s*レスポンス|viewer[\s-]*response)/i;
/** "e.g.)" lines of the template, and Jira/Markdown headings around it. */
const EXAMPLE_LINE = /^(e\.g\.|例[)）:：]|h[1-6]\.\s|#)/i;
const DEFAULT_BEHAVIOR = new Set(["default", "デフォルト", "*", "default (*)", "default(*)", "デフォルト(*)"]);
const COLUMN_LABEL: Record<EventType, string> = { "viewer-request": "ビューワーリクエスト", "viewer-response": "ビューワーレスポンス" };

/** Text without the emphasis people put around labels and values: *bold*, **bold**, _italic_, {{monospace}}, `code`. */
export function plain(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/__(.+?)__/g, "$1")
    .replace(/(^|[\s:：(（])\*(\S(?:[^*]*?\S)?)\*(?=$|[\s:：)）])/g, "$1$2")
    .replace(/(^|[\s:：(（])_(\S(?:[^_]*?\S)?)_(?=$|[\s:：)）])/g, "$1$2")
    .replace(/\{\{(.+?)\}\}/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .trim();
}

interface Columns {
  request: number;
  response: number;
}

/** State of one parse: the ticket so far and where problems go. */
interface Parse {
  readonly t: Ticket;
  readonly p: TicketProblems;
  readonly lines: string[];
  readonly seen: Set<TicketField>;
  columns?: Columns;
  tableLine: number;
}

/** Parses a ticket body; problems of the text itself are added to `p`. */
export function parseTicket(text: string, p: TicketProblems = { problems: [], settled: new Set() }): Ticket {
  const s: Parse = {
    t: { environments: [], distributions: [], rows: [], lines: {}, ignored: [] },
    p,
    lines: text.replace(/\r\n?/g, "\n").split("\n"),
    seen: new Set(),
    tableLine: 0,
  };
  for (let i = 0; i < s.lines.length; i++) i = readLine(s, i);
  finish(s);
  return s.t;
}

/** Reads line i; returns the last line it consumed. */
function readLine(s: Parse, i: number): number {
  const raw = s.lines[i];
  const line = raw.trim();
  if (!line || EXAMPLE_LINE.test(line)) {
    if (!line) s.columns = undefined; // a blank line ends the table
    return i;
  }
  if (TABLE_HEADER.test(line) && (REQUEST_COLUMN.test(line) || RESPONSE_COLUMN.test(line))) return readHeader(s, i);
  const labelled = labelOf(line);
  if (labelled) return readField(s, i, labelled);
  if (s.columns) return readRow(s, i, s.columns);
  if (looksLikeField(raw))
    s.p.problems.push(
      `line ${i + 1}: "${line.slice(0, 60)}" looks like a template field but is not one; the fields are CF2の命名, 構築する環境一覧, 関連づけるCloudfFrontのARN (and チケット, オーナー, ランタイム, ログ保持期間, コメント) and the cache behavior table`,
    );
  else s.t.ignored.push({ line: i + 1, text: line });
  return i;
}

/**
 * A row of the cache behavior table outside it (a cell with a path pattern, "default" or a mark), or
 * "<label>: value" whose label has a template word. Other tables and prose are not the template.
 */
function looksLikeField(raw: string): boolean {
  if (raw.includes("|") || raw.includes("\t"))
    return rowCells(raw).some((c) => /^\/[^\s]*$/.test(c) || DEFAULT_BEHAVIOR.has(c.toLowerCase()) || (c !== "" && markOf(c) === true));
  const m = /^([^:：]{1,40})[:：]/.exec(plain(raw));
  return m !== null && !/^https?$/i.test(m[1]) && FIELD_WORDS.test(m[1]);
}

function readHeader(s: Parse, i: number): number {
  const raw = s.lines[i];
  const line = raw.trim();
  // With pipes the cells say where each column is; separated by spaces (as in the template), the label "cache
  // behavior" itself has a space, so the two event columns follow the behavior column in header order.
  // Cells are known with pipes (Jira, Markdown) and tabs (a rendered Jira table, or ADF).
  const cells = line.includes("|") || raw.includes("\t") ? headerCells(raw) : [];
  let request = cells.findIndex((c) => REQUEST_COLUMN.test(c));
  let response = cells.findIndex((c) => RESPONSE_COLUMN.test(c));
  if (cells.length === 0 && REQUEST_COLUMN.test(line) && RESPONSE_COLUMN.test(line)) {
    const requestFirst = line.search(REQUEST_COLUMN) < line.search(RESPONSE_COLUMN);
    [request, response] = requestFirst ? [1, 2] : [2, 1];
  }
  if (request < 0 || response < 0) {
    s.p.problems.push(
      `line ${i + 1}: the cache behavior table needs the columns ビューワーリクエスト and ビューワーレスポンス (viewer request, viewer response)`,
    );
    return i;
  }
  s.columns = { request, response };
  s.tableLine = i + 1;
  return i;
}

function readField(s: Parse, i: number, labelled: { field: TicketField; label: string; value: string }): number {
  s.columns = undefined;
  const { field, label } = labelled;
  let value = labelled.value;
  // The value may stand on the next line (after "e.g.)" lines).
  if (!value) {
    let j = i + 1;
    while (j < s.lines.length && EXAMPLE_LINE.test(s.lines[j].trim())) j++;
    if (j < s.lines.length && s.lines[j].trim() && !labelOf(s.lines[j].trim()) && !TABLE_HEADER.test(s.lines[j])) {
      value = plain(s.lines[j]);
      i = j;
    }
  }
  if (s.seen.has(field)) s.p.problems.push(`line ${i + 1}: "${label}" is given twice`);
  s.seen.add(field);
  s.t.lines[field] = i + 1;
  const t = s.t;
  if (field === "environments") t.environments = value.split(/[\s,、，/]+/).filter(Boolean);
  else if (field === "distributions") t.distributions = value.split(/[\s,、，]+/).filter(Boolean);
  else if (field === "retentionDays") {
    const n = Number(value.replace(/\s*(days?|日)$/i, ""));
    if (!Number.isInteger(n)) s.p.problems.push(`line ${i + 1}: log retention "${value}" is not a number of days`);
    else t.retentionDays = n;
  } else t[field] = value;
  return i;
}

function readRow(s: Parse, i: number, columns: Columns): number {
  const raw = s.lines[i];
  const cells = rowCells(raw);
  if (cells.every((c) => /^:?-{3,}:?$/.test(c))) return i; // Markdown separator row
  const delimited = raw.includes("|") || raw.includes("\t");
  if (!delimited && cells.length !== Math.max(columns.request, columns.response) + 1) {
    s.p.problems.push(
      `line ${i + 1}: row "${raw.trim()}" needs one cell per column: cache behavior, ビューワーリクエスト, ビューワーレスポンス (use "-" for an empty cell)`,
    );
    return i;
  }
  const behavior = plain(cells[0] ?? "");
  const events: EventType[] = [];
  let invalidMark = false;
  for (const [eventType, col] of [
    ["viewer-request", columns.request],
    ["viewer-response", columns.response],
  ] as const) {
    const cell = cells[col] ?? "";
    const mark = markOf(cell);
    if (mark) events.push(eventType);
    else if (mark === undefined) {
      invalidMark = true;
      s.p.problems.push(`line ${i + 1}: "${cell}" in the ${COLUMN_LABEL[eventType]} column is not a mark; ${ACCEPTED_MARKS}`);
    }
  }
  s.t.rows.push({ behavior: DEFAULT_BEHAVIOR.has(behavior.toLowerCase()) ? "default" : behavior, events, line: i + 1, invalidMark });
  return i;
}

/** The problems of what is missing, and of each row once the table is read. */
function finish(s: Parse): void {
  const { t, p } = s;
  const { problems, settled } = p;
  if (!t.name) settled.add("name");
  if (t.environments.length === 0) settled.add("environments");
  if (t.distributions.length === 0) settled.add("sid").add("site");
  if (s.tableLine === 0 || t.rows.some((r) => !r.behavior || r.events.length === 0 || r.invalidMark)) settled.add("associations");
  if (problems.some((m) => / needs one cell per column/.test(m))) settled.add("associations");
  if (!t.name) problems.push(`no function name: add "CF2の命名: <name>" (Function name)`);
  if (t.environments.length === 0) problems.push(`no environments: add "構築する環境一覧: dev, stg, prod" (Environments)`);
  if (t.distributions.length === 0)
    problems.push(`no distribution: add "関連づけるCloudfFrontのARN: arn:aws:cloudfront::<account>:distribution/<id>" (or the site name)`);
  if (s.tableLine === 0)
    problems.push(`no cache behavior table: add a row per behavior under "関連づけるcache behavior | ビューワーリクエスト | ビューワーレスポンス"`);
  else if (t.rows.length === 0) problems.push(`line ${s.tableLine}: the cache behavior table has no rows`);
  for (const row of t.rows) {
    const patternProblem = row.behavior === "default" ? undefined : pathPatternProblem(row.behavior);
    if (!row.behavior) problems.push(`line ${row.line}: the cache behavior cell is empty; write "default" or a path pattern such as /api/*`);
    else if (patternProblem)
      problems.push(`line ${row.line}: cache behavior "${row.behavior}" is not a path pattern: it ${patternProblem}; write "default" for the default behavior`);
    if (row.behavior && row.events.length === 0 && !row.invalidMark)
      problems.push(
        `line ${row.line}: cache behavior "${row.behavior}": no event type chosen; mark ビューワーリクエスト or ビューワーレスポンス: ${ACCEPTED_MARKS}`,
      );
  }
}

/** "CF2の命名:hogehoge", "*CF2の命名:* hogehoge", "CF2の命名" alone -> the field, its label and value; undefined for anything else (an ARN is no label). */
function labelOf(line: string): { field: TicketField; label: string; value: string } | undefined {
  const text = plain(line);
  if (/^arn:/i.test(text)) return undefined;
  const alone = LABELS.find(([, re]) => re.test(text.replace(/[:：]$/, "").trim()));
  if (alone) return { field: alone[0], label: text.replace(/[:：]$/, "").trim(), value: "" };
  const m = /^([^:：|\t]+?)\s*(?:[:：]|\t+)\s*(.*)$/.exec(text);
  if (m) {
    const label = plain(m[1]);
    const found = LABELS.find(([, re]) => re.test(label));
    if (found) return { field: found[0], label, value: plain(m[2]) };
  }
  return spacedLabelOf(text);
}

/**
 * "CF2の命名 api-cors": a Japanese template label, then spaces (a full-width one too) and the value, without the
 * colon. English labels ("Name", "Owner", ...) start prose too often, so they need their colon.
 */
function spacedLabelOf(text: string): { field: TicketField; label: string; value: string } | undefined {
  for (const gap of text.matchAll(/\s+/g)) {
    const label = text.slice(0, gap.index).trim();
    const found = /[^\p{ASCII}]/u.test(label) ? LABELS.find(([, re]) => re.test(label)) : undefined;
    if (found) return { field: found[0], label, value: plain(text.slice(gap.index + gap[0].length)) };
  }
  return undefined;
}

/** Header cells: Jira (`||a||b||`), Markdown (`| a | b |`) or tab-separated; header cells are never empty. */
function headerCells(line: string): string[] {
  if (line.includes("\t") && !line.includes("|")) return line.split("\t").map((c) => c.trim());
  return line
    .trim()
    .replace(/^\|+|\|+$/g, "")
    .split(/\|+/)
    .map((c) => c.trim());
}

/**
 * Row cells, an empty cell kept where it is: `|/api/*||○|` is ["/api/*", "", "○"] (never collapsed, or the mark
 * would move to the wrong column). Tabs: a rendered Jira table or an ADF table, one tab between cells.
 */
export function rowCells(line: string): string[] {
  if (line.includes("\t") && !line.includes("|"))
    return line
      .replace(/^[ \r\n]+|[ \r\n]+$/g, "")
      .split("\t")
      .map((c) => c.trim());
  const trimmed = line.trim();
  if (trimmed.includes("|"))
    return trimmed
      .replace(/^\|/, "")
      .replace(/\|$/, "")
      .split("|")
      .map((c) => c.trim());
  return trimmed.split(/\s+/).map((c) => c.trim());
}
