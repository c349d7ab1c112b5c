/**
 * Tickets as Jira really renders them: empty table cells, the marks people use, formatting and prose around the
 * template, and ADF nodes that carry their text in attrs. Each case asserts the exact manifest, or the exact problems
 * with nothing written.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { FIXTURE_ENVIRONMENTS, functionsCopy, snapshot, ticketFile } from "./support/tickets";
import { ticketToFunction } from "../scripts/lib/ticket-to-function";
import { TicketError, ticketSummary, type TicketResult } from "../toolchain/ticket/scaffold";

const ENVS = FIXTURE_ENVIRONMENTS;
const DEV_WEB = "arn:aws:cloudfront::123456789012:distribution/E1DEVSHOPWEB01";

/** The ticket is accepted: the manifest's associations and what was ignored. */
function accepted(text: string, name?: string): { associations: unknown; result: TicketResult } {
  const dir = functionsCopy();
  const result = ticketToFunction(ticketFile(text, name ?? "SHOP-3000.txt"), { envDir: ENVS, functionsDir: dir });
  const manifest = JSON.parse(readFileSync(path.join(dir, result.manifest.name, "manifest.json"), "utf8"));
  return { associations: manifest.associations, result };
}

/** The ticket is refused: its problems; nothing was written. */
function refused(text: string, name?: string): string[] {
  const dir = functionsCopy();
  const before = snapshot(dir);
  try {
    ticketToFunction(ticketFile(text, name ?? "SHOP-3000.txt"), { envDir: ENVS, functionsDir: dir });
  } catch (err) {
    if (!(err instanceof TicketError)) throw err;
    expect(snapshot(dir)).toEqual(before);
    return err.problems;
  }
  throw new Error("expected the ticket to be refused");
}

const head = ["CF2の命名: api-edge", "構築する環境一覧: dev", `関連づけるCloudfFrontのARN: ${DEV_WEB}`, ""];
const wiki = (row: string) => [...head, "||関連づけるcache behavior||ビューワーリクエスト||ビューワーレスポンス||", row, ""].join("\n");
const markdown = (row: string) =>
  [...head, "| 関連づけるcache behavior | ビューワーリクエスト | ビューワーレスポンス |", "| --- | --- | --- |", row, ""].join("\n");
const RESPONSE_ONLY = [{ site: "web", behavior: "/api/*", eventType: "viewer-response" }];
const REQUEST_ONLY = [{ site: "web", behavior: "/api/*", eventType: "viewer-request" }];

describe("an empty cell never shifts the columns", () => {
  test.each([
    ["wiki, nothing between the pipes", wiki("|/api/*||○|")],
    ["wiki, a space between the pipes", wiki("| /api/* | | ○ |")],
    ["Markdown", markdown("| /api/* |  | ○ |")],
    ["Markdown without outer pipes", markdown("/api/* | | ○")],
  ])("%s: the mark stays in the ビューワーレスポンス column", (_name, text) => {
    expect(accepted(text).associations).toEqual(RESPONSE_ONLY);
  });

  test("a missing last cell is not marked", () => {
    expect(accepted(wiki("|/api/*|○|")).associations).toEqual(REQUEST_ONLY);
  });
});

describe("marks people use", () => {
  test.each(["○", "✓", "✔", "✔️", "✅", "(/)", "(y)", "*○*"])("%s marks the column", (mark) => {
    expect(accepted(wiki(`|/api/*|${mark}|-|`)).associations).toEqual(REQUEST_ONLY);
  });

  test.each(["-", "×", "(x)", ""])("%j leaves the column unmarked", (mark) => {
    expect(accepted(wiki(`|/api/*|${mark}|○|`)).associations).toEqual(RESPONSE_ONLY);
  });

  test("anything else is a problem that says which marks are accepted", () => {
    expect(refused(wiki("|/api/*|x|○|"))).toEqual([
      'line 6: "x" in the ビューワーリクエスト column is not a mark; write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to',
    ]);
  });
});

describe("formatting around the template is not an error", () => {
  test("bold and italic labels and values, a label without its colon (value on the next line), {{monospace}}", () => {
    const text = [
      "*CF2の命名:* api-edge",
      "_構築する環境一覧_: {{dev}}",
      "**関連づけるCloudfFrontのARN**",
      DEV_WEB,
      "",
      "||関連づけるcache behavior||ビューワーリクエスト||ビューワーレスポンス||",
      "|/api/*|(/)| |",
      "",
    ].join("\n");
    const { associations, result } = accepted(text);
    expect([result.manifest.name, result.manifest.environments, associations]).toEqual(["api-edge", ["dev"], REQUEST_ONLY]);
    expect(result.ignored).toEqual([]);
  });

  test("a Japanese label without its colon, the value after spaces (a full-width one too)", () => {
    const text = [
      "CF2の命名 api-edge",
      "構築する環境一覧\u3000dev",
      "関連づけるCloudfFrontのARN " + DEV_WEB,
      "",
      "||関連づけるcache behavior||ビューワーリクエスト||ビューワーレスポンス||",
      "|/api/*|○||",
      "",
    ].join("\n");
    const { associations, result } = accepted(text);
    expect([result.manifest.name, result.manifest.environments, associations]).toEqual(["api-edge", ["dev"], REQUEST_ONLY]);
    expect(result.ignored).toEqual([]);
  });

  test("an English label needs its colon: a line that starts with one is prose", () => {
    const text = [
      "Name your function after what it does.",
      ...head.slice(0, 3),
      "",
      "||関連づけるcache behavior||ビューワーリクエスト||ビューワーレスポンス||",
      "|/api/*|○|-|",
    ].join("\n");
    expect(accepted(text).result.ignored).toEqual([{ line: "line 1", text: "Name your function after what it does." }]);
  });

  test("prose before, between and after the fields is ignored and listed in one line", () => {
    const text = [
      "Hi team, please add this function.",
      ...head.slice(0, 3),
      "Thanks in advance!",
      "",
      "||関連づけるcache behavior||ビューワーリクエスト||ビューワーレスポンス||",
      "|/api/*|○|-|",
      "",
      "Due next week.",
    ].join("\n");
    const { associations, result } = accepted(text);
    expect(associations).toEqual(REQUEST_ONLY);
    expect(result.ignored).toEqual([
      { line: "line 1", text: "Hi team, please add this function." },
      { line: "line 5", text: "Thanks in advance!" },
      { line: "line 10", text: "Due next week." },
    ]);
    expect(ticketSummary(result).filter((l) => l.startsWith("Ignored"))).toEqual([
      'Ignored (not part of the template): line 1 "Hi team, please add this function.", line 5 "Thanks in advance!", line 10 "Due next week."',
    ]);
  });

  test("a missing field shows the ignored lines with the problems: the field may be one of them, written another way", () => {
    const text = [
      "Hi team,",
      "Function name - api-edge",
      ...head.slice(1, 3),
      "",
      "||関連づけるcache behavior||ビューワーリクエスト||ビューワーレスポンス||",
      "|/api/*|○||",
    ].join("\n");
    const file = ticketFile(text, "SHOP-9.txt");
    let message = "";
    try {
      ticketToFunction(file, { envDir: ENVS, functionsDir: functionsCopy() });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split("\n").slice(1)).toEqual([
      '  - no function name: add "CF2の命名: <name>" (Function name)',
      'Ignored (not part of the template): line 1 "Hi team,", line 2 "Function name - api-edge"',
    ]);
  });

  test("what looks like a field but cannot be read stays a precise error", () => {
    expect(refused(wiki("|/api/*|○|-|").replace("CF2の命名: api-edge", "CF2の命名: api-edge\nCF2の種類: viewer"))).toEqual([
      'line 2: "CF2の種類: viewer" looks like a template field but is not one; the fields are CF2の命名, 構築する環境一覧, 関連づけるCloudfFrontのARN (and チケット, オーナー, ランタイム, ログ保持期間, コメント) and the cache behavior table',
    ]);
  });
});

// ADF building blocks (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/).
const text = (t: string, marks?: object[]) => ({ type: "text", text: t, ...(marks ? { marks } : {}) });
const para = (...content: object[]) => ({ type: "paragraph", content });
const cell = (...content: object[]) => ({ type: "tableCell", attrs: {}, content });
const headerCell = (t: string) => ({ type: "tableHeader", attrs: {}, content: [para(text(t))] });
const row = (...cells: object[]) => ({ type: "tableRow", content: cells });
const table = (...rows: object[]) => ({
  type: "table",
  attrs: { isNumberColumnEnabled: false, layout: "default" },
  content: [row(headerCell("関連づけるcache behavior"), headerCell("ビューワーリクエスト"), headerCell("ビューワーレスポンス")), ...rows],
});
const issue = (...content: object[]) => JSON.stringify({ key: "SHOP-3001", fields: { description: { type: "doc", version: 1, content } } });
const fields = [
  para(text("CF2の命名:", [{ type: "strong" }]), text(" api-edge")),
  para(text("構築する環境一覧: dev")),
  para(text(`関連づけるCloudfFrontのARN: ${DEV_WEB}`)),
];

describe("Jira REST issue JSON in Atlassian Document Format", () => {
  test.each([
    ["an empty tableCell", cell()],
    ["a cell whose paragraph has no content", cell({ type: "paragraph" })],
    ["a cell whose paragraph has an empty content list", cell(para())],
  ])("%s in the ビューワーリクエスト column is not marked, and the next column keeps its mark", (_name, empty) => {
    const { associations } = accepted(issue(...fields, table(row(cell(para(text("/api/*"))), empty, cell(para(text("○")))))), "issue.json");
    expect(associations).toEqual(RESPONSE_ONLY);
  });

  test.each([
    ["attrs.text", { type: "emoji", attrs: { shortName: ":white_check_mark:", id: "2705", text: "✅" } }],
    ["attrs.shortName alone", { type: "emoji", attrs: { shortName: ":white_check_mark:" } }],
  ])("an emoji node is a mark by its %s", (_name, emoji) => {
    const { associations } = accepted(issue(...fields, table(row(cell(para(text("/api/*"))), cell(para(emoji)), cell(para(text("-")))))), "issue.json");
    expect(associations).toEqual(REQUEST_ONLY);
  });

  test("panel, mention, status, date and inlineCard around the template: the fields are read, the prose is listed with the nodes' text", () => {
    const panel = { type: "panel", attrs: { panelType: "info" }, content: fields };
    const mention = para(text("Requested by "), { type: "mention", attrs: { id: "5b10ac8d82e05b22cc7d4ef5", text: "@Taro Yamada", accessLevel: "" } });
    const status = para(text("Status: "), { type: "status", attrs: { text: "IN REVIEW", color: "blue", localId: "abc" } });
    const date = para(text("Go-live "), { type: "date", attrs: { timestamp: "1767225600000" } });
    const card = para(text("Design: "), { type: "inlineCard", attrs: { url: "https://example.atlassian.net/wiki/spaces/EDGE/pages/1" } });
    const { associations, result } = accepted(
      issue(mention, panel, status, table(row(cell(para(text("/api/*"))), cell(para(text("○"))), cell())), date, card),
      "issue.json",
    );
    expect(associations).toEqual(REQUEST_ONLY);
    expect(result.ignored).toEqual([
      { line: "description line 1", text: "Requested by @Taro Yamada" },
      { line: "description line 5", text: "Status: IN REVIEW" },
      { line: "description line 9", text: "Go-live 2026-01-01" },
      { line: "description line 10", text: "Design: https://example.atlassian.net/wiki/spaces/EDGE/pages/1" },
    ]);
  });

  test("a node with its text in attrs is shown with that text in a problem", () => {
    const status = { type: "status", attrs: { text: "TBD", color: "neutral" } };
    expect(refused(issue(...fields, table(row(cell(para(text("/api/*"))), cell(para(status)), cell(para(text("○")))))), "issue.json")).toEqual([
      'description line 5: "TBD" in the ビューワーリクエスト column is not a mark; write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to',
    ]);
  });
});
