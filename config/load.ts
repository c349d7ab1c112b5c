/**
 * Finds, validates and cross-checks every environment file. All problems of all files are collected and thrown
 * together, before any construct is created, so a bad file never produces partial Terraform.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import type { z } from "zod";
import { ConfigError } from "../model/errors";
import { defaultBucketName } from "../model/names";
import { projectRoot } from "../model/project-root";
import { environmentSchema, type Environment } from "./environment";
import { changeRecorderProblems } from "./change-recorder";

export { ConfigError };

/** An environment file: `<name>.ts` or `<name>.json` (or `.js`, as the synth build transpiles `.ts`). */
const ENVIRONMENT_FILE = /^[a-z][a-z0-9]*\.(ts|js|json)$/;

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

/** Lists the environment files in a directory: .ts sources, transpiled .js, or .json. */
export function environmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => ENVIRONMENT_FILE.test(f))
    .sort();
}

/** JSON files whose names cannot be environment names would otherwise be skipped without a word. */
function misnamedFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".json") && !ENVIRONMENT_FILE.test(f));
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
  const problems = misnamedFiles(dir).map((f) => `${shown}/${f}: is not an environment file name: use <name>.json with 2-10 lowercase letters or digits`);
  const sources = files.map((f): EnvironmentSource => {
    const file = `${shown}/${f.replace(/\.js$/, ".ts")}`;
    const base = f.replace(/\.(ts|js|json)$/, "");
    const twin = names.get(base);
    names.set(base, file);
    if (twin) return { file, input: new Error(`${twin} defines environment "${base}" too; keep one file per environment`) };
    try {
      if (f.endsWith(".json")) return { file, input: JSON.parse(readFileSync(path.join(dir, f), "utf8")) };
      return { file, input: loadModule(path.join(dir, f), dir, repoDir).default };
    } catch (err) {
      const message = err instanceof SyntaxError && f.endsWith(".json") ? `is not valid JSON: ${err.message}` : `cannot be loaded: ${String((err as Error).message ?? err).split("\n")[0]}`;
      return { file, input: new Error(message) };
    }
  });
  if (sources.length === 0) throw new ConfigError([...problems, `no environment files found in ${dir}`]);
  let envs: Environment[];
  try {
    envs = validateEnvironments(sources);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...problems, ...err.problems]);
    throw err;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return envs;
}

/**
 * Loads an environment module. Under jest or tsx `.ts` loads directly. The synth runs transpiled JavaScript from
 * .build/<pid>/ (scripts/app.mjs), where the repository's environment files exist as `.js` beside this file; files
 * of any other directory are bundled with esbuild on the fly, so $EDGE_ENVIRONMENTS_DIR may hold `.ts` files too.
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
  const envs: Environment[] = [];
  for (const { file, input } of sources) {
    const expected = path.basename(file).replace(/\.(ts|js|json)$/, "");
    if (input instanceof Error) {
      problems.push(`${file}: ${input.message}`);
      continue;
    }
    if (input === undefined || input === null || typeof input !== "object") {
      problems.push(`${file}: must export default defineEnvironment({...})`);
      continue;
    }
    const result = environmentSchema.safeParse(input);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(describeIssue(file, input, issue));
      continue;
    }
    if (result.data.name !== expected)
      problems.push(`${file}: field "name": is "${result.data.name}" but must equal the file name "${expected}" (the stack is named after it)`);
    envs.push(result.data);
  }
  problems.push(...crossEnvironmentProblems(envs, sources));
  if (problems.length > 0) throw new ConfigError(problems);
  return envs;
}

/** Rules that span environments: names and globally unique bucket names. */
function crossEnvironmentProblems(envs: Environment[], sources: EnvironmentSource[]): string[] {
  const problems: string[] = [];
  const fileOf = (env: Environment) => sources.find((s) => (s.input as { name?: string }).name === env.name)?.file ?? `environments/${env.name}.ts`;
  const buckets = new Map<string, string>();
  for (const env of envs) {
    env.sites.forEach((site, i) => {
      const bucket = site.bucketName ?? defaultBucketName(env.name, site.sid, site.name, env.accountId);
      const where = `${fileOf(env)}: entry sites[${i}] "${site.name}"`;
      const other = buckets.get(bucket);
      if (other) problems.push(`${where}, field "bucketName": bucket "${bucket}" is also used by ${other}; S3 bucket names are global`);
      else buckets.set(bucket, where.replace(/: entry /, " "));
    });
  }
  // IAM allows one OIDC provider per issuer and account: only one environment of an account may create it.
  const oidcCreators = new Map<string, string>();
  for (const env of envs) {
    if (!env.githubOidc || env.githubOidc.existingProviderArn) continue;
    const other = oidcCreators.get(env.accountId);
    if (other)
      problems.push(
        `${fileOf(env)}: field "githubOidc": ${other} already creates the GitHub OIDC provider of account ${env.accountId} (one per account); set existingProviderArn: "arn:aws:iam::${env.accountId}:oidc-provider/token.actions.githubusercontent.com"`,
      );
    else oidcCreators.set(env.accountId, fileOf(env));
  }
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
