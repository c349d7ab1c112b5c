/**
 * Finds, validates and builds every CloudFront Function under functions/cf2/. Like environments/load.ts, all
 * problems of all manifests and all code are collected and thrown together before any construct exists.
 *
 * Each function's code is read, bundled if needed and checked once, however many environments list it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, describeIssue } from "../load";
import type { Environment } from "../schema";
import { Cf2Runtime } from "../../model/vocabulary";
import { buildFunctionCode } from "./code-cache";
import { projectRoot } from "../../model/project-root";
import { manifestSchema, type FunctionManifest } from "./manifest";

export const MANIFEST_FILE = "manifest.json";
export const CODE_FILE = "index.js";
export const TESTS_DIR = "tests";

/** functions/cf2 of the repository, or $EDGE_FUNCTIONS_DIR (the benchmark points it at generated functions). */
export function functionsDir(): string {
  return process.env.EDGE_FUNCTIONS_DIR ?? path.join(projectRoot(), "functions", "cf2");
}

export interface ManifestSource {
  /** The manifest's path as shown in messages (functions/cf2/<dir>/manifest.json). */
  file: string;
  /** Name of the function's directory; must equal the manifest's name. */
  dirName: string;
  /** The parsed manifest, or why it could not be read. */
  input: unknown;
  /** Path of the code's entry file on disk. */
  codeFile: string;
  /** The code's path as shown in messages. */
  shownCodeFile: string;
}

/** A validated function with the code to upload, shared by every environment that lists it. */
export interface Cf2Function {
  manifest: FunctionManifest;
  /** The manifest's path as shown in messages. */
  file: string;
  /** The code exactly as it is to be uploaded (not escaped for Terraform). */
  code: string;
}

/** Reads every functions/cf2/<name>/manifest.json (files directly in the directory, such as a README, are ignored). */
export function readManifestSources(dir: string = functionsDir()): ManifestSource[] {
  if (!existsSync(dir)) return [];
  const root = projectRoot();
  const shownDir = path.relative(root, dir).startsWith("..") ? dir : path.relative(root, dir);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort()
    .map((name) => sourceOf(path.join(dir, name), `${shownDir}/${name}`));
}

/** One function directory as a source; `shown` is how messages name the directory. */
export function sourceOf(functionDir: string, shown: string): ManifestSource {
  const file = `${shown}/${MANIFEST_FILE}`;
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(path.join(functionDir, MANIFEST_FILE), "utf8"));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    input = new Error(e.code === "ENOENT" ? `is missing (every directory under functions/cf2 is one function)` : `is not valid JSON: ${e.message}`);
  }
  return { file, dirName: path.basename(functionDir), input, codeFile: path.join(functionDir, CODE_FILE), shownCodeFile: `${shown}/${CODE_FILE}` };
}

/** Validates manifests against the environments, builds and checks their code; throws one ConfigError for all problems. */
export function validateFunctions(sources: ManifestSource[], envs: Environment[]): Cf2Function[] {
  const schema = manifestSchema(envs);
  const problems: string[] = [];
  const functions: Cf2Function[] = [];
  for (const source of sources) {
    const { file, input } = source;
    if (input instanceof Error) {
      problems.push(`${file}: ${input.message}`);
      continue;
    }
    const result = schema.safeParse(input);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(describeIssue(file, input, issue));
      // The code's problems too, so one run lists everything (checked for the runtime the manifest names, if valid).
      const runtime = (input as { runtime?: unknown }).runtime;
      problems.push(...buildFunctionCode(source.codeFile, runtime === Cf2Runtime.JS_1_0 ? Cf2Runtime.JS_1_0 : Cf2Runtime.JS_2_0, source.shownCodeFile).problems);
      continue;
    }
    const manifest = result.data;
    if (manifest.name !== source.dirName)
      problems.push(`${file}: field "name": is "${manifest.name}" but must equal its directory name "${source.dirName}"`);
    const built = buildFunctionCode(source.codeFile, manifest.runtime, source.shownCodeFile);
    problems.push(...built.problems);
    functions.push({ manifest, file, code: built.code });
  }
  problems.push(...crossManifestProblems(functions));
  if (problems.length > 0) throw new ConfigError(problems);
  return functions;
}

/** Loads every function for these (already validated) environments. */
export function loadFunctions(envs: Environment[], dir: string = functionsDir()): Cf2Function[] {
  return validateFunctions(readManifestSources(dir), envs);
}

/** CloudFront allows one function per event type per cache behavior: the second manifest is told about the first. */
function crossManifestProblems(functions: Cf2Function[]): string[] {
  const problems: string[] = [];
  const taken = new Map<string, string>();
  for (const { manifest, file } of functions) {
    for (const envName of manifest.environments) {
      manifest.associations.forEach((a, i) => {
        const key = `${envName} ${a.site} ${a.behavior} ${a.eventType}`;
        const other = taken.get(key);
        if (other && other !== file)
          problems.push(
            `${file}: entry associations[${i}], field "eventType": ${a.eventType} of behavior "${a.behavior}" of site "${a.site}" in ${envName} is already taken by ${other}; CloudFront allows one function per event type per behavior`,
          );
        else taken.set(key, file);
      });
    }
  }
  return problems;
}

/** The functions an environment's stack creates. */
export function functionsOf(envName: string, functions: Cf2Function[]): Cf2Function[] {
  return functions.filter((f) => f.manifest.environments.includes(envName));
}
