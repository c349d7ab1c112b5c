/** `npm run ticket`: a ticket in the request template becomes functions/cf2/<name>/, or every problem and nothing written. */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readManifestSources, validateFunctions } from "../config/functions/cf2/load";
import { loadEnvironments } from "../config/load";
import { Cf2Runtime } from "../model/vocabulary";
import { buildFunctionCode } from "../toolchain/cf2/code";
import { runFunction } from "../toolchain/cf2/sandbox";
import { buildEvent, readTestCases, type TestCase } from "../toolchain/cf2/test-cases";
import { FIXTURE_ENVIRONMENTS, FIXTURE_FUNCTIONS as FUNCTIONS, functionsCopy, snapshot, ticketFile as writeTicket } from "./support/tickets";
import { ticketToFunction } from "../scripts/lib/ticket-to-function";
import { nextSteps, TicketError } from "../toolchain/ticket/scaffold";

const ROOT = path.join(__dirname, "..");
const TICKETS = path.join(__dirname, "fixtures", "tickets");
const ENVS = FIXTURE_ENVIRONMENTS;

const DEV_WEB = "arn:aws:cloudfront::123456789012:distribution/E1DEVSHOPWEB01";
const ticketFile = (text: string, name = "ticket.txt") => writeTicket(text, name);

/** The request template, filled in. */
const ticket = (o: { key?: string | null; name?: string | null; envs?: string | null; arn?: string | null; table?: string | null; extra?: string } = {}) =>
  [
    o.key === null ? "" : `チケット: ${o.key ?? "SHOP-2000"}`,
    o.name === null ? "" : `CF2の命名:${o.name ?? "geo-redirect"}`,
    "e.g.) redirect-cf2",
    o.envs === null ? "" : `構築する環境一覧: ${o.envs ?? "dev, stg"}`,
    o.arn === null ? "" : `関連づけるCloudfFrontのARN: ${o.arn ?? DEV_WEB}`,
    "e.g.) arn:aws:cloudfront::111111111111:distribution/EXXXXXXXXXXXXX",
    o.extra ?? "",
    "",
    o.table === null ? "" : `関連づけるcache behavior ビューワーリクエスト ビューワーレスポンス\n${o.table ?? "/api/* ○ -"}`,
    "",
  ].join("\n");

function problemsOf(text: string, fileName?: string): string[] {
  const dir = functionsCopy();
  const before = snapshot(dir);
  try {
    ticketToFunction(ticketFile(text, fileName), { envDir: ENVS, functionsDir: dir });
    throw new Error("expected the ticket to be rejected");
  } catch (err) {
    if (!(err instanceof TicketError)) throw err;
    expect(snapshot(dir)).toEqual(before); // nothing written
    return err.problems.map((p) => p.split(dir).join("functions/cf2"));
  }
}

describe("tickets in the template become a function directory", () => {
  test.each([
    [
      "SHOP-1234.txt (the Japanese request template, space-separated table)",
      "SHOP-1234.txt",
      "response-headers",
      { ticket: "SHOP-1234", environments: ["dev", "stg", "prod"], associations: [{ site: "web", behavior: "default", eventType: "viewer-response" }] },
    ],
    [
      "SHOP-1300-jira.txt (Jira table markup, value on the next line, both events)",
      "SHOP-1300-jira.txt",
      "api-cors",
      {
        ticket: "SHOP-1300",
        environments: ["dev", "stg"],
        associations: [
          { site: "web", behavior: "/api/*", eventType: "viewer-request" },
          { site: "web", behavior: "/api/*", eventType: "viewer-response" },
        ],
      },
    ],
    [
      "media-lp-english.md (English labels, Markdown table, retention)",
      "media-lp-english.md",
      "lp-ab-test",
      {
        ticket: "MEDIA-77",
        sid: "media",
        environments: ["dev", "stg"],
        retentionDays: 7,
        associations: [{ site: "lp", behavior: "default", eventType: "viewer-request" }],
      },
    ],
    [
      "SHOP-1400-rendered.txt (a rendered Jira table copied from the browser: tab-separated cells, an empty cell between two tabs)",
      "SHOP-1400-rendered.txt",
      "assets-headers",
      { ticket: "SHOP-1400", environments: ["dev", "stg"], associations: [{ site: "web", behavior: "/assets/*", eventType: "viewer-response" }] },
    ],
    [
      "SHOP-1500-issue-api-v2.json (Jira REST issue JSON: key from key, description in wiki markup)",
      "SHOP-1500-issue-api-v2.json",
      "api-request-id",
      { ticket: "SHOP-1500", environments: ["dev"], associations: [{ site: "web", behavior: "/api/*", eventType: "viewer-request" }] },
    ],
    [
      "MEDIA-88-issue-api-v3.json (Jira REST issue JSON: description in Atlassian Document Format)",
      "MEDIA-88-issue-api-v3.json",
      "lp-geo",
      { ticket: "MEDIA-88", sid: "media", environments: ["dev", "stg"], associations: [{ site: "lp", behavior: "default", eventType: "viewer-request" }] },
    ],
  ])("%s", async (_title, file, name, expected) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-ticket-fns-"));
    if (file !== "SHOP-1234.txt") cpSync(FUNCTIONS, dir, { recursive: true }); // SHOP-1234 made response-headers
    const r = ticketToFunction(path.join(TICKETS, file), { envDir: ENVS, functionsDir: dir });
    const manifest = JSON.parse(readFileSync(path.join(dir, name, "manifest.json"), "utf8"));
    expect(manifest).toEqual({ sid: "shop", name, runtime: "cloudfront-js-2.0", owner: "app", ...expected });
    expect(r.files).toContain("index.js");
    // What was written passes the synth's validation with every other function, and its own tests.
    const envs = loadEnvironments(ENVS);
    expect(() => validateFunctions(readManifestSources(dir), envs)).not.toThrow();
    const code = buildFunctionCode(path.join(dir, name, "index.js"), Cf2Runtime.JS_2_0).code;
    const cases = readTestCases(path.join(dir, name));
    expect(cases.length).toBe(expected.associations.length);
    for (const c of cases) {
      const t = c.testCase as TestCase;
      expect((await runFunction(code, Cf2Runtime.JS_2_0, buildEvent(t))).output).toEqual(t.expected);
    }
  });

  test("the repository's response-headers function is exactly what SHOP-1234.txt produces", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-ticket-fns-"));
    ticketToFunction(path.join(TICKETS, "SHOP-1234.txt"), { envDir: ENVS, functionsDir: dir });
    expect(snapshot(path.join(dir, "response-headers")).map((l) => l.split(" ")[0])).toEqual([
      "index.js",
      "manifest.json",
      "tests/pass-through-viewer-response.json",
    ]);
    for (const f of ["manifest.json", "index.js", "tests/pass-through-viewer-response.json"])
      expect(readFileSync(path.join(dir, "response-headers", f), "utf8")).toBe(
        readFileSync(path.join(ROOT, "functions", "cf2", "response-headers", f), "utf8"),
      );
  });

  test("--owner infra and a Jira key from the file name", () => {
    const dir = functionsCopy();
    ticketToFunction(ticketFile(ticket({ key: null }), "SHOP-2001.txt"), { envDir: ENVS, functionsDir: dir, owner: "infra" });
    expect(JSON.parse(readFileSync(path.join(dir, "geo-redirect", "manifest.json"), "utf8"))).toMatchObject({ ticket: "SHOP-2001", owner: "infra" });
  });
});

const bad: [string, string, string[]][] = [
  ["no function name", ticket({ name: null }), ['no function name: add "CF2の命名: <name>" (Function name)']],
  [
    "invalid function name",
    ticket({ name: "Geo Redirect!" }),
    [
      `line 2 (function name): CF2の命名 "Geo Redirect!" is invalid: use lowercase letters, digits, '-' or '_', starting with a letter (the AWS name becomes <env>-<sid>-Geo Redirect!)`,
    ],
  ],
  [
    "function name too long for <env>-<sid>-<name>",
    ticket({ name: "a".repeat(56), envs: "dev" }),
    [`line 2 (function name): the function name "dev-shop-${"a".repeat(56)}" is 65 characters; AWS allows at most 64: shorten the name`],
  ],
  ["no environments", ticket({ envs: null }), ['no environments: add "構築する環境一覧: dev, stg, prod" (Environments)']],
  ["unknown environment", ticket({ envs: "dev, qa" }), ['line 4 (environments): "qa" is not an environment; known: dev, prod, stg']],
  [
    "no distribution",
    ticket({ arn: null }),
    ['no distribution: add "関連づけるCloudfFrontのARN: arn:aws:cloudfront::<account>:distribution/<id>" (or the site name)'],
  ],
  [
    "an ARN that is not a CloudFront distribution ARN",
    ticket({ arn: "arn:aws:s3:::dev-shop-web-123456789012" }),
    [
      'line 5 (distribution): "arn:aws:s3:::dev-shop-web-123456789012" is not a CloudFront distribution ARN: expected arn:aws:cloudfront::<12-digit account>:distribution/<distribution id>',
    ],
  ],
  [
    "the template's example ARN: not one of ours",
    ticket({ arn: "arn:aws:cloudfront::111111111111:distribution/EXXXXXXXXXXXXX" }),
    [
      expect.stringMatching(
        /^line 5 \(distribution\): distribution EXXXXXXXXXXXXX of "arn:aws:cloudfront::111111111111:distribution\/EXXXXXXXXXXXXX" is not one of ours; distributions this project manages: E1DEVSHOPWEB01 \(dev web\), E1DEVMEDIALP01 \(dev lp\), /,
      ) as unknown as string,
    ],
  ],
  [
    "our distribution id in another account",
    ticket({ arn: "arn:aws:cloudfront::999999999999:distribution/E1DEVSHOPWEB01" }),
    [
      'line 5 (distribution): "arn:aws:cloudfront::999999999999:distribution/E1DEVSHOPWEB01": distribution E1DEVSHOPWEB01 is site "web" of environment dev, whose account is 123456789012, not 999999999999',
    ],
  ],
  [
    "distributions of two different sites",
    ticket({ arn: `${DEV_WEB}, arn:aws:cloudfront::123456789012:distribution/E1DEVMEDIALP01` }),
    ["line 5 (distribution): the distributions name different sites (web, lp); one ticket attaches a function to one site"],
  ],
  ["a site name that no environment has", ticket({ arn: "www" }), ['line 5 (distribution): "www" is not a site of environments dev, stg; sites: web, lp']],
  [
    "no event type chosen",
    ticket({ table: "/api/* - -" }),
    [
      'line 10: cache behavior "/api/*": no event type chosen; mark ビューワーリクエスト or ビューワーレスポンス: write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to',
    ],
  ],
  [
    "an ambiguous mark",
    ticket({ table: "/api/* x -" }),
    ['line 10: "x" in the ビューワーリクエスト column is not a mark; write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to'],
  ],
  [
    "the template's example row with a missing cell",
    ticket({ table: "hogehoge -" }),
    [
      "line 9: the cache behavior table has no rows",
      'line 10: row "hogehoge -" needs one cell per column: cache behavior, ビューワーリクエスト, ビューワーレスポンス (use "-" for an empty cell)',
    ],
  ],
  [
    "no cache behavior table",
    ticket({ table: null }),
    ['no cache behavior table: add a row per behavior under "関連づけるcache behavior | ビューワーリクエスト | ビューワーレスポンス"'],
  ],
  [
    "a behavior the site does not have",
    ticket({ table: "/img/* ○ -" }),
    ['line 10 (cache behavior): site "web" of environments dev, stg has no cache behavior "/img/*"; its behaviors: default, /api/*, /assets/*'],
  ],
  [
    "two functions on the same event of one behavior",
    ticket({ table: "default ○ -" }),
    [
      'line 10 (cache behavior): viewer-request of behavior "default" of site "web" in dev is already taken by functions/cf2/legacy-redirect/manifest.json; CloudFront allows one function per event type per behavior',
      expect.stringContaining('of site "web" in stg is already taken by functions/cf2/legacy-redirect/manifest.json') as unknown as string,
    ],
  ],
  [
    "a name already taken",
    ticket({ name: "legacy-redirect", table: "/assets/* ○ -" }),
    ['function name "legacy-redirect" is already taken by functions/cf2/legacy-redirect (ticket SHOP-1201); choose another name'],
  ],
  ["no Jira key anywhere", ticket({ key: null }), ['no Jira key: add "チケット: SHOP-1234" (Ticket), name the file after the key, or pass --ticket']],
  [
    "a log retention CloudWatch does not offer",
    ticket({ extra: "ログ保持期間: 10" }),
    [expect.stringContaining("line 7 (log retention): must be a CloudWatch Logs retention value: one of 1, 3, 5, 7") as unknown as string],
  ],
  [
    "an unknown owner",
    ticket({ extra: "Owner: team-a" }),
    [expect.stringContaining('line 7 (owner): the text "team-a" is not allowed; one of "app", "infra"') as unknown as string],
  ],
  [
    "a line that looks like a field but is not one",
    ticket({ extra: "CF2のランタイム指定: 2.0" }),
    [
      'line 7: "CF2のランタイム指定: 2.0" looks like a template field but is not one; the fields are CF2の命名, 構築する環境一覧, 関連づけるCloudfFrontのARN (and チケット, オーナー, ランタイム, ログ保持期間, コメント) and the cache behavior table',
    ],
  ],
];

describe("a malformed ticket gets one clear message per problem, and nothing is written", () => {
  test.each(bad)("%s", (_name, text, messages) => {
    expect(problemsOf(text)).toEqual(messages);
  });

  test("several problems at once", () => {
    expect(problemsOf(ticket({ envs: "qa", arn: "arn:aws:s3:::x", table: "/api/* - -" }))).toEqual([
      'line 4 (environments): "qa" is not an environment; known: dev, prod, stg',
      'line 5 (distribution): "arn:aws:s3:::x" is not a CloudFront distribution ARN: expected arn:aws:cloudfront::<12-digit account>:distribution/<distribution id>',
      'line 10: cache behavior "/api/*": no event type chosen; mark ビューワーリクエスト or ビューワーレスポンス: write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to',
    ]);
  });
});

describe("every problem in one run, at the ticket's lines", () => {
  test("a bad path pattern, an unknown environment, a bad mark and a taken event are all reported together", () => {
    expect(problemsOf(ticket({ envs: "dev, qa", table: "api/* ○ -\n/img/* x -\ndefault ○ -" }))).toEqual([
      'line 4 (environments): "qa" is not an environment; known: dev, prod, stg',
      'line 10: cache behavior "api/*" is not a path pattern: it must start with "/" (or "*"), such as /api/*; write "default" for the default behavior',
      'line 11: "x" in the ビューワーリクエスト column is not a mark; write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to',
      'line 12 (cache behavior): viewer-request of behavior "default" of site "web" in dev is already taken by functions/cf2/legacy-redirect/manifest.json; CloudFront allows one function per event type per behavior',
    ]);
  });

  test("a rendered (tab-separated) table with a bad mark names its line", () => {
    expect(problemsOf(ticket({ table: null, extra: "関連づけるcache behavior\tビューワーリクエスト\tビューワーレスポンス\n/api/*\tmaybe\t" }))).toEqual([
      'line 8: "maybe" in the ビューワーリクエスト column is not a mark; write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to',
    ]);
  });

  test("Jira issue JSON: problems cite the description's lines; JSON that is no issue is refused", () => {
    const issue = JSON.parse(readFileSync(path.join(TICKETS, "SHOP-1500-issue-api-v2.json"), "utf8"));
    issue.fields.description = issue.fields.description.replace("構築する環境一覧: dev", "構築する環境一覧: qa");
    expect(problemsOf(JSON.stringify(issue), "issue.json")).toEqual(['description line 3 (environments): "qa" is not an environment; known: dev, prod, stg']);
    expect(problemsOf(JSON.stringify({ key: "SHOP-1", fields: { summary: "no description" } }), "issue.json")).toEqual([
      'is JSON but not a Jira issue with a description: expected { "key": "SHOP-1234", "fields": { "description": <wiki text or Atlassian Document Format> } }',
    ]);
  });
});

test("--owner infra: the pass-through says the infrastructure team owns the code", () => {
  const dir = functionsCopy();
  ticketToFunction(ticketFile(ticket({ table: "/assets/* ○ -" })), { envDir: ENVS, functionsDir: dir, owner: "infra" });
  const code = readFileSync(path.join(dir, "geo-redirect", "index.js"), "utf8");
  expect(code).toContain('// The infrastructure team owns this code (manifest "owner": "infra"): change it here, in a pull request;');
  expect(code).not.toContain("application team");
});

test("the command's Next: steps are the ones docs/cloudfront-functions.md shows", () => {
  const doc = readFileSync(path.join(ROOT, "docs", "cloudfront-functions.md"), "utf8");
  for (const line of nextSteps("SHOP-1234", "response-headers")) expect(doc).toContain(line);
});

describe("the command", () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(ROOT, "scripts", "ticket.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });

  test("exits 1 with every problem and writes nothing; exits 0 and writes the function when the ticket is good", () => {
    const dir = functionsCopy();
    const before = snapshot(dir);
    const badRun = run([ticketFile(ticket({ name: "legacy-redirect", arn: "arn:aws:cloudfront::1:distribution/E1" }))], {
      EDGE_FUNCTIONS_DIR: dir,
      EDGE_ENVIRONMENTS_DIR: ENVS,
    });
    expect(badRun.status).toBe(1);
    expect(badRun.stderr).toMatch(
      /ticket\.txt: 2 problems; nothing was written:\n {2}- line 5 \(distribution\): "arn:aws:cloudfront::1:distribution\/E1" is not a CloudFront distribution ARN.*\n {2}- function name "legacy-redirect" is already taken/,
    );
    expect(snapshot(dir)).toEqual(before);

    const goodRun = run([path.join(TICKETS, "SHOP-1300-jira.txt")], { EDGE_FUNCTIONS_DIR: dir, EDGE_ENVIRONMENTS_DIR: ENVS });
    expect(goodRun.stderr).toBe("");
    expect(goodRun.status).toBe(0);
    expect(goodRun.stdout).toContain(
      "api-cors/ (manifest.json, index.js, tests/pass-through-viewer-request.json, tests/pass-through-viewer-response.json) for SHOP-1300",
    );
    expect(readdirSync(path.join(dir, "api-cors")).sort()).toEqual(["index.js", "manifest.json", "tests"]);
  });

  test("--json (for workflows): one line with what was written, the branch and the pull request title; or the problems", () => {
    const dir = functionsCopy();
    const good = run(["--json", path.join(TICKETS, "MEDIA-88-issue-api-v3.json")], { EDGE_FUNCTIONS_DIR: dir, EDGE_ENVIRONMENTS_DIR: ENVS });
    expect([good.status, JSON.parse(good.stdout)]).toEqual([
      0,
      {
        ok: true,
        ticket: "MEDIA-88",
        name: "lp-geo",
        dir: `${dir}/lp-geo`,
        files: [`${dir}/lp-geo/manifest.json`, `${dir}/lp-geo/index.js`, `${dir}/lp-geo/tests/pass-through-viewer-request.json`],
        branch: "ticket/media-88-lp-geo",
        title: "MEDIA-88: CloudFront Function lp-geo",
        environments: ["dev", "stg"],
      },
    ]);
    const bad = run(["--json", path.join(TICKETS, "MEDIA-88-issue-api-v3.json")], { EDGE_FUNCTIONS_DIR: dir, EDGE_ENVIRONMENTS_DIR: ENVS });
    expect([bad.status, JSON.parse(bad.stdout)]).toEqual([
      1,
      { ok: false, problems: ['function name "lp-geo" is already taken by ' + `${dir}/lp-geo (ticket MEDIA-88); choose another name`] },
    ]);
  });
});
