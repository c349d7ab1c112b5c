/**
 * The documentation stays true to the repository: every relative link, anchor and repository path in README.md and
 * docs/*.md exists, every `npm run` names a package.json script, every `cdktf`/`cdktn` command is one the CLI has and
 * every file a command runs exists, every topic document is linked from the README, and the README stays short.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkDocs, headingSlug, markdownFiles } from "./support/docs-check";

const ROOT = path.join(__dirname, "..");
const MAX_README_LINES = 300;

test("README.md and every docs/*.md agree with the repository (file:line for each problem)", () => {
  expect(markdownFiles(ROOT)).toContain("README.md");
  expect(checkDocs(ROOT, { maxReadmeLines: MAX_README_LINES }).join("\n")).toBe("");
});

test("headings get GitHub's anchors", () => {
  expect(headingSlug("Workflows (`.github/workflows/`)")).toBe("workflows-githubworkflows");
  expect(headingSlug("`npm run review`")).toBe("npm-run-review");
  expect(headingSlug("The infrastructure team's roles (`deployRoles`)")).toBe("the-infrastructure-teams-roles-deployroles");
});

describe("a repository whose docs are wrong", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "docs-check-"));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    };
    write("package.json", JSON.stringify({ scripts: { synth: "x", "check:imports": "y" } }));
    write(".gitignore", "cdktf.out/\n");
    write("modules/static-site.ts", "");
    write("functions/cf2/geo/index.js", "");
    write("scripts/here.mjs", "");
    write(
      "README.md",
      [
        "# x",
        "```sh",
        "npm ci && npm run synth     # run the tests",
        "npm test && npm run lint",
        "npx cdktf plan dev",
        "npx tsx scripts/gone.ts --write && node scripts/here.mjs",
        "```",
        "[A](docs/a.md) and [A's part](docs/a.md#part) and [gone](docs/gone.md#x) and [web](https://example.com/x.md)",
        "`modules/static-site.ts`, `modules/site.ts`, `functions/cf2/<name>/`, `functions/lambda/<name>/`, `cdktf.out/stacks/<env>/`",
        "`npm run check:imports` and `npx cdktf diff dev`, `cdktf deploy`",
        ...Array.from({ length: 2 }, () => "filler"),
      ].join("\n") + "\n",
    );
    write(
      "docs/a.md",
      "# A\n\n## Part one\n\nSee [the map](../README.md#nowhere), [B](b.md#b) and [up](../../outside.md).\n`functions/cf2/geo/index.js` `modules/` `modules/nothing/`\n",
    );
    write("docs/b.md", "# B\n\nRun `cdktn synth`, then `functions/x/publish.sh <account>`.\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("each problem is listed with file and line", () => {
    const cliCommands = (cli: string) => (cli === "cdktf" ? new Set(["deploy", "diff", "synth"]) : undefined);
    expect(checkDocs(dir, { maxReadmeLines: 10, cliCommands })).toEqual([
      "README.md:11: README.md has 12 lines; keep it at most 10 and move topics to docs/",
      'README.md:4: "npm run lint": package.json has no script "lint"',
      'README.md:5: "cdktf plan": not a cdktf command; cdktf has deploy, diff, synth',
      'README.md:6: "tsx scripts/gone.ts": scripts/gone.ts does not exist',
      'README.md:8: link "docs/a.md#part": docs/a.md has no heading with the anchor #part',
      'README.md:8: link "docs/gone.md#x": docs/gone.md does not exist',
      "README.md:9: `modules/site.ts`: no such file or folder in the repository",
      "README.md:9: `functions/lambda/<name>/`: no such folder in the repository",
      'docs/a.md:5: link "../README.md#nowhere": README.md has no heading with the anchor #nowhere',
      'docs/a.md:5: link "../../outside.md" leaves the repository',
      "docs/a.md:6: `modules/nothing/`: no such folder in the repository",
      'docs/b.md:3: "cdktn synth": cdktn is not installed (node_modules/.bin/cdktn)',
      'docs/b.md:3: "functions/x/publish.sh": functions/x/publish.sh does not exist',
      "docs/b.md:1: not linked from README.md; add it to the README's list of documents",
    ]);
  });
});
