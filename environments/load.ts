/**
 * Finds, validates and cross-checks every environment file. All problems of all files are collected and thrown
 * together, before any construct is created, so a bad file never produces partial Terraform.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { defaultBucketName, environmentSchema, type Environment } from "./schema";
import { changeRecorderProblems } from "./change-recorder";

/** Files in environments/ that are code, not environments. */
const NOT_ENVIRONMENTS = new Set(["schema", "load"]);

export interface EnvironmentSource {
  /** Path shown in messages, relative to the repository root (environments/dev.ts). */
  file: string;
  /** The file's default export, not yet validated. */
  input: unknown;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was synthesized:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** Lists the environment files in a directory: .ts sources (jest, tsx), transpiled .js (the app build), or .json. */
export function environmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^[a-z][a-z0-9]*\.(ts|js|json)$/.test(f))
    .filter((f) => !NOT_ENVIRONMENTS.has(f.replace(/\.(ts|js|json)$/, "")))
    .sort();
}

/** Loads every environment file in `dir` and validates them together. */
export function loadEnvironments(dir: string = __dirname): Environment[] {
  const shown = path.resolve(dir) === path.resolve(__dirname) ? "environments" : dir;
  const sources = environmentFiles(dir).map((f): EnvironmentSource => {
    const file = `${shown}/${f.replace(/\.js$/, ".ts")}`;
    if (f.endsWith(".json")) {
      try {
        return { file, input: JSON.parse(readFileSync(path.join(dir, f), "utf8")) };
      } catch (err) {
        return { file, input: new Error(`is not valid JSON: ${(err as Error).message}`) };
      }
    }
    const mod = require(path.join(dir, f));
    return { file, input: mod.default };
  });
  if (sources.length === 0) throw new ConfigError([`no environment files found in ${dir}`]);
  return validateEnvironments(sources);
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
