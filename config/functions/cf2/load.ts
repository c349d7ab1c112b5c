/**
 * Finds, validates and builds every CloudFront Function under functions/cf2/. Like config/load.ts, all
 * problems of all manifests and all code are collected and thrown together before any construct exists.
 *
 * Each function's code is read, bundled if needed and checked once, however many environments list it.
 */
import * as path from "node:path";
import { ConfigError, describeIssue } from "../../load";
import type { Environment } from "../../environment";
import { Cf2Runtime } from "../../../model/vocabulary";
import { buildFunctionCode } from "../../../toolchain/cf2/code-cache";
import { projectRoot } from "../../../model/project-root";
import { manifestSchema, type FunctionManifest } from "./manifest";
import { directoryNameProblems, functionDirectories, MANIFEST_FILE, readManifestJson } from "../manifest-files";
import { USER_MESSAGES } from "../../messages";

export { MANIFEST_FILE };
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
  /** The checker's warnings about the code (printed by the synth; they do not stop it). @default none */
  warnings?: string[];
}

/** Reads every functions/cf2/<name>/manifest.json (files directly in the directory, such as a README, are ignored). */
export function readManifestSources(dir: string = functionsDir()): ManifestSource[] {
  return functionDirectories(dir).map((d) => sourceOf(d.dir, d.shown));
}

/** One function directory as a source; `shown` is how messages name the directory. */
export function sourceOf(functionDir: string, shown: string): ManifestSource {
  const input = readManifestJson(functionDir, "functions/cf2");
  return {
    file: `${shown}/${MANIFEST_FILE}`,
    dirName: path.basename(functionDir),
    input,
    codeFile: path.join(functionDir, CODE_FILE),
    shownCodeFile: `${shown}/${CODE_FILE}`,
  };
}

/**
 * Validates manifests against the environments, builds and checks their code; throws one ConfigError for all
 * problems. `envs` undefined: the environments are invalid (reported by their loader), so only the checks that read
 * them wait; the manifests' own fields, directory names and code are checked in the same run.
 */
export function validateFunctions(sources: ManifestSource[], envs: readonly Environment[] | undefined): Cf2Function[] {
  const schema = manifestSchema(envs);
  const problems: string[] = [];
  const functions: Cf2Function[] = [];
  const partial: Slots[] = [];
  for (const source of sources) {
    const { file, input } = source;
    if (input instanceof Error) {
      problems.push(`${file}: ${input.message}`);
      continue;
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      problems.push(`${file}: must be a JSON object with ticket, name, sid, environments, associations and owner`);
      continue;
    }
    const result = schema.safeParse(input, USER_MESSAGES);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(describeIssue(file, input, issue));
      problems.push(...directoryNameProblems(file, input, source.dirName));
      // Its well-formed associations still take part in the one-function-per-event check, so a taken event is
      // reported in the same run as the manifest's other problems.
      const slots = slotsOf(input);
      if (slots) partial.push({ file, ...slots });
      // The code's problems too, so one run lists everything (checked for the runtime the manifest names, if valid).
      const runtime = (input as { runtime?: unknown }).runtime;
      problems.push(
        ...buildFunctionCode(source.codeFile, runtime === Cf2Runtime.JS_1_0 ? Cf2Runtime.JS_1_0 : Cf2Runtime.JS_2_0, source.shownCodeFile).problems,
      );
      continue;
    }
    const manifest = result.data;
    problems.push(...directoryNameProblems(file, input, source.dirName));
    const built = buildFunctionCode(source.codeFile, manifest.runtime, source.shownCodeFile);
    problems.push(...built.problems);
    if (built.kvsCalls.length > 0 && !manifest.keyValueStore)
      problems.push(
        `${source.shownCodeFile}: line ${built.kvsCalls[0]}: cf.kvs() reads a key value store, but ${file} declares none: add "keyValueStore": { "name": "<store>" } (created in each environment) or { "arn": { "<env>": "<store ARN>" } }`,
      );
    functions.push({ manifest, file, code: built.code, warnings: built.warnings });
  }
  problems.push(
    ...crossManifestProblems([
      ...functions.map((f) => ({ file: f.file, environments: f.manifest.environments, associations: f.manifest.associations })),
      ...partial,
    ]),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return functions;
}

/** Loads every function for these validated environments (undefined: invalid, see validateFunctions); `warn` receives the checker's warnings. */
export function loadFunctions(
  envs: readonly Environment[] | undefined,
  dir: string = functionsDir(),
  warn: (warning: string) => void = () => undefined,
): Cf2Function[] {
  const functions = validateFunctions(readManifestSources(dir), envs);
  for (const f of functions) for (const w of f.warnings ?? []) warn(w);
  return functions;
}

interface Slots {
  file: string;
  environments: string[];
  associations: { site: string; behavior: string; eventType: string }[];
}

/** The environments and associations of a manifest that failed validation, where they are well-formed. */
function slotsOf(input: unknown): Omit<Slots, "file"> | undefined {
  const m = input as { environments?: unknown; associations?: unknown };
  if (!Array.isArray(m?.environments) || !Array.isArray(m?.associations)) return undefined;
  const environments = m.environments.filter((e): e is string => typeof e === "string");
  const associations = m.associations.filter(
    (a): a is Slots["associations"][number] => typeof a?.site === "string" && typeof a?.behavior === "string" && typeof a?.eventType === "string",
  );
  return { environments, associations };
}

/** CloudFront allows one function per event type per cache behavior: the second manifest is told about the first. */
function crossManifestProblems(functions: Slots[]): string[] {
  const problems: string[] = [];
  const taken = new Map<string, string>();
  for (const { environments, associations, file } of functions) {
    for (const envName of environments) {
      associations.forEach((a, i) => {
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
