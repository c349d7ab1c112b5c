/**
 * Checks the repository's Markdown (README.md and docs/*.md) against the repository itself: relative links and their
 * anchors, repository paths in backticks, `npm run <script>`, `cdktf <command>` (or `cdktn`), the files commands run
 * (`npx tsx <file>`, `node <file>`, `<path>.sh`), that every topic document is linked from the README, and the README's
 * length. Everything it compares with is read from the files
 * (package.json, the folders, the CLI's own `--help`), so adding a document, a script or a folder needs no edit here.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

export interface DocsCheckOptions {
  /** Most lines README.md may have. */
  readonly maxReadmeLines: number;
  /**
   * The subcommands of a CLI (`cdktf`, `cdktn`), undefined when it is not installed, or null when it is installed but
   * cannot run on this machine (cdktn-cli needs Node.js >= 22.19): its commands are then not checked, and a warning says so.
   * @default its `--help`
   */
  readonly cliCommands?: (cli: string) => ReadonlySet<string> | undefined | null;
}

/** README.md and every Markdown file directly in docs/, relative to `root`. */
export function markdownFiles(root: string): string[] {
  const docs = path.join(root, "docs");
  const topics = existsSync(docs)
    ? readdirSync(docs)
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ["README.md", ...topics];
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

interface Line {
  readonly number: number;
  readonly text: string;
  /** Inside a fenced code block. */
  readonly code: boolean;
}

function linesOf(text: string): Line[] {
  let fence: string | undefined;
  return text.split("\n").map((t, i) => {
    const marker = /^\s*(```|~~~)/.exec(t)?.[1];
    if (marker && (!fence || fence === marker)) {
      fence = fence ? undefined : marker;
      return { number: i + 1, text: t, code: true };
    }
    return { number: i + 1, text: t, code: fence !== undefined };
  });
}

/** The anchors a Markdown file's headings get, duplicates numbered as GitHub does. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of linesOf(text)) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line.text);
    if (line.code || !m) continue;
    const slug = headingSlug(m[1]);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Top-level names .gitignore excludes (generated output), as tests of a name. */
function ignoredTopLevel(root: string): (name: string) => boolean {
  const file = path.join(root, ".gitignore");
  const patterns = (existsSync(file) ? readFileSync(file, "utf8").split("\n") : [])
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("!"))
    .map((l) => l.replace(/^\//, "").replace(/\/$/, ""))
    .filter((l) => !l.includes("/"))
    .map((l) => new RegExp(`^${l.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`));
  return (name) => name === "node_modules" || name === ".git" || patterns.some((p) => p.test(name));
}

/** A path segment with placeholders (`<name>`, `*`, `{a,b}`) as a regular expression, or the segment itself. */
function segmentMatcher(segment: string): string | RegExp {
  if (!/[<*{]/.test(segment)) return segment;
  const escaped = segment.replace(/[.+?^$()|[\]\\]/g, "\\$&");
  const pattern = escaped
    .replace(/<[^>]*>/g, ".+")
    .replace(/\*/g, ".*")
    .replace(/\{([^}]*)\}/g, (_m, alternatives: string) => `(?:${alternatives.split(",").join("|")})`);
  return new RegExp(`^${pattern}$`);
}

/** Whether a repository path exists; placeholders match any name, a trailing `/` asks for a folder. */
function pathExists(root: string, repoPath: string): boolean {
  const wantsDir = repoPath.endsWith("/");
  const segments = repoPath.split("/").filter(Boolean);
  let candidates = [root];
  for (const segment of segments) {
    const matcher = segmentMatcher(segment);
    const next: string[] = [];
    for (const dir of candidates) {
      if (typeof matcher === "string") {
        if (existsSync(path.join(dir, matcher))) next.push(path.join(dir, matcher));
      } else if (existsSync(dir) && statSync(dir).isDirectory()) {
        for (const name of readdirSync(dir)) if (matcher.test(name)) next.push(path.join(dir, name));
      }
    }
    candidates = next;
  }
  return candidates.some((c) => !wantsDir || statSync(c).isDirectory());
}

/** `cdktf <command>` in a code span or block, `npx cdktf <command>` anywhere; the CLI name and the command. */
const CLI_IN_CODE = /(?:^|[\s`(])(?:npx\s+)?(cdkt[fn])\s+([a-z][\w-]*)/g;
const CLI_IN_PROSE = /\bnpx\s+(cdkt[fn])\s+([a-z][\w-]*)/g;
/** `npm run <script>` (also `npm --prefix <dir> run <script>`), not across a shell comment or `&&`. */
const NPM_RUN = /\bnpm\b[^`|\n#&;]*?\brun\s+([a-z][\w:.-]*)/g;
/** A file a command runs: `npx tsx <file>`, `node <file>`, or a shell script by its path; run from the repository root. */
const RUNS_FILE = /\b(?:tsx|node)\s+((?:\.\/)?[\w.-]+(?:\/[\w.-]+)*\.(?:ts|mts|cts|mjs|cjs|js))\b/g;
const SHELL_SCRIPT = /(?:^|[\s`(])((?:\.\/)?[\w.-]+\/[\w./-]*\.sh)\b/g;
const CODE_SPAN = /`([^`\n]+)`/g;
const LINK = /\[[^\]\n]*\]\(([^()\s]+)(?:\s+"[^"]*")?\)/g;

function defaultCliCommands(root: string): (cli: string) => ReadonlySet<string> | undefined | null {
  const cache = new Map<string, ReadonlySet<string> | undefined | null>();
  return (cli) => {
    if (!cache.has(cli)) {
      const bin = path.join(root, "node_modules", ".bin", cli);
      let commands: Set<string> | undefined | null;
      if (existsSync(bin)) {
        const r = spawnSync(bin, ["--help"], { cwd: root, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
        const re = new RegExp(`^\\s+${cli}\\s+([a-z][\\w-]*)`, "gm");
        commands = new Set([...`${r.stdout}`.matchAll(re)].map((m) => m[1]));
        if (r.status !== 0 || commands.size === 0) {
          console.warn(
            `SKIPPED checking "${cli} <command>" in the docs: ${cli} --help failed on node ${process.version} (${`${r.stderr}`.trim().split("\n")[0] || `exit ${r.status}`}); see docs/versions.md`,
          );
          commands = null;
        }
      }
      cache.set(cli, commands);
    }
    return cache.get(cli);
  };
}

/** Every problem of the repository's Markdown, each as `<file>:<line>: <what is wrong>`. */
export function checkDocs(repositoryRoot: string, options: DocsCheckOptions): string[] {
  const root = path.resolve(repositoryRoot);
  const problems: string[] = [];
  const files = markdownFiles(root);
  const texts = new Map(files.map((f) => [f, readFileSync(path.join(root, f), "utf8")]));
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (abs: string) => {
    if (!anchorCache.has(abs)) anchorCache.set(abs, anchorsOf(readFileSync(abs, "utf8")));
    return anchorCache.get(abs)!;
  };
  const scripts = new Set(Object.keys(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts ?? {}));
  const cliCommands = options.cliCommands ?? defaultCliCommands(root);
  const ignored = ignoredTopLevel(root);
  const topLevel = new Set(readdirSync(root).filter((n) => !ignored(n)));
  const readmeLinks = new Set<string>();

  for (const file of files) {
    const dir = path.dirname(path.join(root, file));
    const at = (line: Line, message: string) => problems.push(`${file}:${line.number}: ${message}`);
    const text = texts.get(file)!;
    const lines = linesOf(text);
    const count = lines.length - (text.endsWith("\n") ? 1 : 0);
    if (file === "README.md" && count > options.maxReadmeLines)
      problems.push(
        `README.md:${options.maxReadmeLines + 1}: README.md has ${count} lines; keep it at most ${options.maxReadmeLines} and move topics to docs/`,
      );

    for (const line of lines) {
      const spans = line.code ? [] : [...line.text.matchAll(CODE_SPAN)].map((m) => m[1]);

      for (const m of line.text.matchAll(NPM_RUN)) if (!scripts.has(m[1])) at(line, `"npm run ${m[1]}": package.json has no script "${m[1]}"`);

      const cliUses = line.code
        ? [...line.text.matchAll(CLI_IN_CODE)]
        : [...spans.flatMap((s) => [...s.matchAll(CLI_IN_CODE)]), ...line.text.replace(CODE_SPAN, "").matchAll(CLI_IN_PROSE)];
      for (const [, cli, command] of cliUses) {
        const commands = cliCommands(cli);
        if (commands === null) continue;
        if (!commands) at(line, `"${cli} ${command}": ${cli} is not installed (node_modules/.bin/${cli})`);
        else if (!commands.has(command)) at(line, `"${cli} ${command}": not a ${cli} command; ${cli} has ${[...commands].sort().join(", ")}`);
      }
      for (const code of line.code ? [line.text] : spans)
        for (const m of [...code.matchAll(RUNS_FILE), ...code.matchAll(SHELL_SCRIPT)])
          if (!existsSync(path.join(root, m[1]))) at(line, `"${m[0].trim()}": ${m[1]} does not exist`);
      if (line.code) continue;

      for (const span of spans) {
        if (/\s/.test(span) || span.includes("...") || span.includes("$") || span.includes("://")) continue;
        const first = span.split("/")[0];
        if (!span.includes("/") || !topLevel.has(first)) continue;
        if (!pathExists(root, span)) at(line, `\`${span}\`: no such ${span.endsWith("/") ? "folder" : "file or folder"} in the repository`);
      }

      for (const m of line.text.replace(CODE_SPAN, "").matchAll(LINK)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [rel, anchor] = target.split("#", 2);
        const abs = rel ? path.resolve(dir, decodeURI(rel)) : path.join(root, file);
        if (abs !== root && !abs.startsWith(root + path.sep)) at(line, `link "${target}" leaves the repository`);
        else if (!existsSync(abs)) at(line, `link "${target}": ${path.relative(root, abs)} does not exist`);
        else if (anchor !== undefined && abs.endsWith(".md") && !anchors(abs).has(anchor))
          at(line, `link "${target}": ${path.relative(root, abs)} has no heading with the anchor #${anchor}`);
        if (file === "README.md" && existsSync(abs)) readmeLinks.add(path.relative(root, abs));
      }
    }
  }

  for (const file of files.filter((f) => f !== "README.md"))
    if (!readmeLinks.has(file)) problems.push(`${file}:1: not linked from README.md; add it to the README's list of documents`);
  return problems;
}
