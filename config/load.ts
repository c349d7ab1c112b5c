/**
 * Finds, validates and cross-checks every environment file. All problems of all files are collected and thrown
 * together, before any construct is created, so a bad file never produces partial Terraform.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import type { z } from "zod";
import { ENV_NAME } from "../model/limits";
import { ConfigError } from "../model/errors";
import { projectRoot } from "../model/project-root";
import { oidcProviderProblems } from "./access";
import { changeRecorderProblems } from "./change-recorder";
import { environmentSchema, type Environment } from "./environment";
import { USER_MESSAGES } from "./messages";
import { siteBucketName } from "./site";

export { ConfigError };

/** A file environments/ may hold: `<name>.ts` or `<name>.json` (or `.js`); the name is checked separately. */
const SOURCE_FILE = /^(?!.*\.d\.ts$)[^.].*\.(ts|js|json)$/;
const EXTENSION = /\.(ts|js|json)$/;

export interface EnvironmentSource {
  /** Path shown in messages, relative to the repository root (environments/dev.ts). */
  file: string;
  /** The file's default export, not yet validated, or why it could not be read. */
  input: unknown;
}

/**
 * The directory every entry point reads environments from: $EDGE_ENVIRONMENTS_DIR, or the repository's
 * environments/ (the source directory, never the synth build's copy, so `.json` files count everywhere).
 */
export function environmentsDir(): string {
  return process.env.EDGE_ENVIRONMENTS_DIR ?? path.join(projectRoot(), "environments");
}

/** Lists the environment files in a directory: every .ts, .js or .json file in it (folders are not environments). */
export function environmentFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * Loads every environment file in `dir` and validates them together. Every entry point (synth, cdktf, deploy, the
 * ticket tool, promote, the tests) calls this with the same directory, so they all see the same environments; a
 * file that cannot be read or loaded is a problem, never skipped.
 */
export function loadEnvironments(dir: string = environmentsDir()): Environment[] {
  const repoDir = path.join(projectRoot(), "environments");
  const shown = path.resolve(dir) === path.resolve(repoDir) ? "environments" : dir;
  let files: string[];
  try {
    files = environmentFiles(dir);
  } catch (err) {
    throw new ConfigError([`${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  const names = new Map<string, string>();
  const sources = files.map((f): EnvironmentSource => {
    const file = `${shown}/${f.replace(/\.js$/, ".ts")}`;
    const base = f.replace(EXTENSION, "");
    if (!ENV_NAME.test(base))
      return {
        file,
        input: new Error(`is not an environment file name: use <name>.ts or <name>.json with 2-10 lowercase letters or digits, starting with a letter`),
      };
    const twin = names.get(base);
    names.set(base, file);
    if (twin) return { file, input: new Error(`${twin} defines environment "${base}" too; keep one file per environment`) };
    return { file, input: readEnvironmentFile(path.join(dir, f), dir, repoDir) };
  });
  if (sources.length === 0) throw new ConfigError([`no environment files found in ${dir}`]);
  return validateEnvironments(sources);
}

/** An environment file's default export, or an Error saying in one line why there is none. */
function readEnvironmentFile(file: string, dir: string, repoDir: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return new Error(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (text.trim() === "")
    return new Error(`is empty: ${file.endsWith(".json") ? 'write one JSON object { "name": ... }' : "end it with export default defineEnvironment({ ... })"}`);
  if (file.endsWith(".json")) {
    try {
      return JSON.parse(text);
    } catch (err) {
      return new Error(`is not valid JSON: ${jsonErrorAt(text, (err as Error).message)}`);
    }
  }
  let exports: { default?: unknown };
  try {
    exports = loadModule(file, dir, repoDir);
  } catch (err) {
    return new Error(loadError(err));
  }
  if (!("default" in exports) || exports.default === undefined)
    return new Error("has no default export: end it with export default defineEnvironment({ ... })");
  return exports.default;
}

/** JSON.parse's "... at position N" as "line L: ...". */
function jsonErrorAt(text: string, message: string): string {
  const m = / at position (\d+)/.exec(message);
  if (!m) return message;
  const line = text.slice(0, Number(m[1])).split("\n").length;
  return `line ${line}: ${message.replace(m[0], "")}`;
}

/** Why a module could not be loaded, in one line: esbuild's, tsx's or swc's syntax errors carry a line. */
function loadError(err: unknown): string {
  const errors = (err as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0];
    const at = first.location ? `line ${first.location.line}: ` : "";
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    const unresolved = /^Could not resolve "(.+)"$/.exec(first.text);
    if (unresolved) return `${at}cannot import "${unresolved[1]}": no such file or package from the file's directory${more}`;
    return `has a syntax error: ${at}${first.text}${more}`;
  }
  const message = String((err as Error)?.message ?? err);
  const missing = (err as NodeJS.ErrnoException)?.code === "MODULE_NOT_FOUND" ? /Cannot find (?:module|package) '([^']+)'/.exec(message) : null;
  if (missing) return `cannot import "${missing[1]}": no such file or package from the file's directory`;
  // "<file>:3:8: ERROR: Unexpected ")"" (tsx, esbuild's text form) or swc's "  x Unexpected token ... ,-[<file>:3:8]".
  const located = /:(\d+):\d+:\s*(?:ERROR:\s*)?(.+)/.exec(message) ?? /\[[^\]]*:(\d+):\d+\]/.exec(message);
  if (err instanceof SyntaxError || /Transform failed|Syntax Error/.test(message)) {
    const text =
      located?.[2] ??
      message
        .split("\n")
        .find((l) => /\S/.test(l) && !/^\s*(Transform failed|Build failed)/.test(l))
        ?.replace(/^\s*[x×]\s*/, "")
        .trim() ??
      message;
    return `has a syntax error: ${located ? `line ${located[1]}: ` : ""}${text}`;
  }
  return `cannot be loaded: ${message.split("\n")[0]}`;
}

/**
 * Loads an environment module. Under jest or tsx `.ts` loads directly. The synth runs transpiled JavaScript from
 * .build/ (scripts/app.mjs), where the repository's environment files exist as `.js` in the environments/ beside
 * config/; files of any other directory are bundled with esbuild on the fly, so $EDGE_ENVIRONMENTS_DIR may hold
 * `.ts` files too.
 */
function loadModule(file: string, dir: string, repoDir: string): { default?: unknown } {
  const canLoadTs = ".ts" in require.extensions;
  if (!file.endsWith(".ts") || canLoadTs) return require(file);
  if (path.resolve(dir) === path.resolve(repoDir)) {
    const built = path.join(__dirname, "..", "environments", path.basename(file).replace(/\.ts$/, ".js"));
    if (existsSync(built)) return require(built);
  }
  // Loaded here only: the project's own environment files need no bundling, and loading esbuild costs every synth.
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const out = buildSync({ entryPoints: [file], bundle: true, write: false, format: "cjs", platform: "node", packages: "external", logLevel: "silent" });
  const m = new Module(file, module);
  m.filename = file;
  // Packages (zod) resolve from the file's directory first, then from the project's node_modules.
  m.paths = [...(Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file)), ...module.paths];
  (m as unknown as { _compile(code: string, file: string): void })._compile(out.outputFiles[0].text, file);
  return m.exports;
}

/** Validates environment inputs; throws one ConfigError listing every problem. */
export function validateEnvironments(sources: EnvironmentSource[]): Environment[] {
  const problems: string[] = [];
  const envs: { env: Environment; file: string }[] = [];
  for (const { file, input } of sources) {
    const expected = path.basename(file).replace(EXTENSION, "");
    if (input instanceof Error) {
      problems.push(`${file}: ${input.message}`);
      continue;
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      const what = input === null ? "null" : Array.isArray(input) ? "a list" : typeof input;
      problems.push(
        `${file}: holds ${what}, not an environment: ${file.endsWith(".json") ? 'write one JSON object { "name": ... }' : "export default defineEnvironment({ ... })"}`,
      );
      continue;
    }
    // Checked on the raw input too, so a file with other problems reports this in the same run.
    const name = (input as { name?: unknown }).name;
    if (typeof name === "string" && ENV_NAME.test(name) && name !== expected)
      problems.push(`${file}: field "name": is "${name}" but must equal the file name "${expected}" (the stack is named after it)`);
    const result = environmentSchema.safeParse(input, USER_MESSAGES);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(describeIssue(file, input, issue));
      continue;
    }
    if (result.data.name === expected) envs.push({ env: result.data, file });
  }
  problems.push(...crossEnvironmentProblems(envs));
  if (problems.length > 0) throw new ConfigError(problems);
  return envs.map((e) => e.env);
}

/** Rules that span environments: what a CloudFront distribution id, an S3 bucket name or an account's singletons belong to. */
function crossEnvironmentProblems(valid: { env: Environment; file: string }[]): string[] {
  const problems: string[] = [];
  const files = new Map(valid.map(({ env, file }) => [env, file]));
  const fileOf = (env: Environment) => files.get(env) ?? `environments/${env.name}.ts`;
  const buckets = new Map<string, string>();
  const distributions = new Map<string, string>();
  for (const { env, file } of valid) {
    env.sites.forEach((site, i) => {
      const where = `${file}: entry sites[${i}] "${site.name}"`;
      const named = `${file} sites[${i}] "${site.name}"`;
      const bucket = siteBucketName(env, site);
      const other = buckets.get(bucket);
      if (other) problems.push(`${where}, field "bucketName": bucket "${bucket}" is also used by ${other}; S3 bucket names are global`);
      else buckets.set(bucket, named);
      const id = site.distribution.id;
      if (!id) return;
      const owner = distributions.get(id);
      // A distribution is managed by one stack; within one file the schema already reports the second site.
      if (owner && !owner.startsWith(`${file} `))
        problems.push(
          `${where}, field "distribution.id": distribution ${id} is also claimed by ${owner}; a distribution belongs to one environment (give this site its own, or remove the id to create one)`,
        );
      else if (!owner) distributions.set(id, named);
    });
  }
  const envs = valid.map((v) => v.env);
  problems.push(...oidcProviderProblems(envs, fileOf));
  problems.push(...changeRecorderProblems(envs, fileOf));
  return problems;
}

/** "environments/dev.ts: entry sites[0] "web", field "distribution.priceClass": <message>" */
export function describeIssue(file: string, input: unknown, issue: z.core.$ZodIssue): string {
  const segments = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  const firstIndex = segments.findIndex((p) => typeof p === "number");
  let entry = "";
  let fieldSegments = segments;
  if (firstIndex >= 0) {
    const entrySegments = segments.slice(0, firstIndex + 1);
    entry = `entry ${renderPath(entrySegments)}${labelOf(valueAt(input, entrySegments))}`;
    fieldSegments = segments.slice(firstIndex + 1);
  }
  const field = fieldSegments.length > 0 ? `field "${renderPath(fieldSegments)}"` : "";
  const where = [entry, field].filter(Boolean).join(", ");
  return `${file}: ${where ? `${where}: ` : ""}${issue.message}`;
}

function renderPath(segments: (string | number)[]): string {
  return segments.reduce<string>((acc, s) => (typeof s === "number" ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), "");
}

function valueAt(input: unknown, segments: (string | number)[]): unknown {
  let v: unknown = input;
  for (const s of segments) v = v && typeof v === "object" ? (v as Record<string | number, unknown>)[s] : undefined;
  return v;
}

function labelOf(v: unknown): string {
  if (!v || typeof v !== "object") return "";
  const o = v as Record<string, unknown>;
  const label = o.name ?? o.sid ?? o.pathPattern;
  return typeof label === "string" ? ` "${label}"` : "";
}
