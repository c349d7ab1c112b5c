/**
 * What people paste, as ticket text: the template as text, or the Jira REST issue JSON
 * (`GET /rest/api/2|3/issue/<key>`): `key` is the ticket key and `fields.description` the template, in wiki markup
 * (API v2) or Atlassian Document Format (API v3, https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/),
 * which is turned into lines: paragraphs and headings as lines, table rows as tab-separated cells (an empty cell
 * stays an empty cell), and nodes that carry their text in attrs (mention, emoji, status, date, inlineCard) as that
 * text, so a message never shows half a line.
 */

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
}

export interface TicketSource {
  /** The template as lines of text. */
  text: string;
  /** The issue key of Jira issue JSON. */
  key?: string;
  /** How problems name a line: "line" in a text file, "description line" in issue JSON. */
  lineWord: "line" | "description line";
}

export function ticketSource(raw: string): TicketSource | Error {
  const trimmed = raw.replace(/^\uFEFF/, "").trim();
  if (!trimmed.startsWith("{")) return { text: raw, lineWord: "line" };
  let issue: { key?: unknown; fields?: { description?: unknown } };
  try {
    issue = JSON.parse(trimmed);
  } catch (err) {
    return new Error(`looks like Jira issue JSON but is not valid JSON: ${(err as Error).message}`);
  }
  const description = issue?.fields?.description;
  const key = typeof issue?.key === "string" ? issue.key : undefined;
  if (typeof description === "string") return { text: description, key, lineWord: "description line" };
  if (description && typeof description === "object" && (description as { type?: unknown }).type === "doc")
    return { text: adfToText(description as AdfNode), key, lineWord: "description line" };
  return new Error(
    'is JSON but not a Jira issue with a description: expected { "key": "SHOP-1234", "fields": { "description": <wiki text or Atlassian Document Format> } }',
  );
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The text an inline node shows in Jira. */
function inline(n: AdfNode): string {
  const a = n.attrs ?? {};
  switch (n.type) {
    case "text":
      return n.text ?? "";
    case "hardBreak":
      return "\n";
    case "mention":
      return str(a.text) ?? `@${str(a.id) ?? "someone"}`;
    case "emoji":
      return str(a.text) ?? str(a.shortName) ?? "";
    case "status":
      return str(a.text) ?? "";
    case "date": {
      const ms = Number(a.timestamp);
      return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : String(a.timestamp ?? "");
    }
    case "inlineCard":
    case "blockCard":
      return str(a.url) ?? str((a.data as { url?: unknown } | undefined)?.url) ?? "";
    default:
      return (n.content ?? []).map(inline).join("");
  }
}

function tableRow(row: AdfNode): string {
  const cells = row.content ?? [];
  const texts = cells.map((c) => (c.content ?? []).flatMap(block).join(" ").replace(/\t/g, " ").trim());
  // One tab between cells keeps an empty cell in its column; a row of one empty cell still has its tab.
  return texts.length === 1 ? `${texts[0]}\t` : texts.join("\t");
}

function block(n: AdfNode): string[] {
  switch (n.type) {
    case "paragraph":
    case "codeBlock":
      return inline(n).split("\n");
    case "heading":
      // As in wiki markup, so the parser skips it like any heading of the template.
      return [`h${(n.attrs?.level as number | undefined) ?? 1}. ${inline(n)}`];
    case "table":
      return [...(n.content ?? []).map(tableRow), ""];
    case "rule":
      return [""];
    case "mediaSingle":
    case "mediaGroup":
    case "media":
      return [];
    case "blockCard":
    case "embedCard":
      return [inline(n)];
    default:
      // doc, panel, expand, blockquote, lists, layouts: their blocks, in order.
      return n.content ? n.content.flatMap(block) : n.text ? [n.text] : [inline(n)].filter(Boolean);
  }
}

/** Atlassian Document Format -> the lines the template parser reads. */
export function adfToText(doc: AdfNode): string {
  return (doc.content ?? []).flatMap(block).join("\n");
}
