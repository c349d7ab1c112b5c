/**
 * Finds and validates every container-image Lambda manifest under functions/lambda/. Like the environments and the
 * CloudFront Function manifests, all problems of all manifests are collected and thrown together before any
 * construct exists.
 */
import * as path from "node:path";
import { ConfigError, describeIssue } from "../../load";
import type { Environment } from "../../environment";
import { projectRoot } from "../../../model/project-root";
import { containerFunctionManifestSchema, type ContainerFunctionManifest } from "./manifest";
import { directoryNameProblems, functionDirectories, MANIFEST_FILE, readManifestJson } from "../manifest-files";
import { USER_MESSAGES } from "../../messages";

const CONTAINER_FUNCTION_MANIFEST_FILE = MANIFEST_FILE;

/** functions/lambda of the repository, or $EDGE_LAMBDA_DIR (tests and the benchmark point it elsewhere). */
export function containerFunctionsDir(): string {
  return process.env.EDGE_LAMBDA_DIR ?? path.join(projectRoot(), "functions", "lambda");
}

export interface ContainerFunctionManifestSource {
  /** The manifest's path as shown in messages (functions/lambda/<dir>/manifest.json). */
  file: string;
  /** Name of the function's directory; must equal the manifest's name. */
  dirName: string;
  /** The parsed manifest, or why it could not be read. */
  input: unknown;
}

/** A validated container function, shared by every environment that lists it. */
export interface ContainerFunctionSpec {
  manifest: ContainerFunctionManifest;
  /** The manifest's path as shown in messages. */
  file: string;
}

/** Reads every functions/lambda/<name>/manifest.json (files directly in the directory are ignored). */
export function readContainerFunctionManifestSources(dir: string = containerFunctionsDir()): ContainerFunctionManifestSource[] {
  return functionDirectories(dir).map((d) => ({
    file: `${d.shown}/${CONTAINER_FUNCTION_MANIFEST_FILE}`,
    dirName: d.name,
    input: readManifestJson(d.dir, "functions/lambda"),
  }));
}

/**
 * Validates manifests against the environments; throws one ConfigError listing every problem. `envs` undefined: the
 * environments are invalid (reported by their loader), so only the checks that read them wait.
 */
export function validateContainerFunctions(sources: ContainerFunctionManifestSource[], envs: readonly Environment[] | undefined): ContainerFunctionSpec[] {
  const schema = containerFunctionManifestSchema(envs);
  const problems: string[] = [];
  const specs: ContainerFunctionSpec[] = [];
  for (const { file, dirName, input } of sources) {
    if (input instanceof Error) {
      problems.push(`${file}: ${input.message}`);
      continue;
    }
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      problems.push(`${file}: must be a JSON object with ticket, name, sid, environments and owner`);
      continue;
    }
    // Checked on the raw input too, so a manifest with other problems reports this in the same run.
    problems.push(...directoryNameProblems(file, input, dirName));
    const result = schema.safeParse(input, USER_MESSAGES);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(describeIssue(file, input, issue));
      continue;
    }
    specs.push({ manifest: result.data, file });
  }
  problems.push(...crossManifestProblems(specs));
  if (problems.length > 0) throw new ConfigError(problems);
  return specs;
}

/** Loads every container function for these validated environments (undefined: invalid, see validateContainerFunctions). */
export function loadContainerFunctions(envs: readonly Environment[] | undefined, dir: string = containerFunctionsDir()): ContainerFunctionSpec[] {
  return validateContainerFunctions(readContainerFunctionManifestSources(dir), envs);
}

/** One cache behavior routes to one origin: the second manifest that claims a behavior is told about the first. */
function crossManifestProblems(specs: ContainerFunctionSpec[]): string[] {
  const problems: string[] = [];
  const taken = new Map<string, string>();
  for (const { manifest: m, file } of specs) {
    if (!m.origin) continue;
    for (const envName of m.environments) {
      const key = `${envName} ${m.origin.site} ${m.origin.pathPattern}`;
      const other = taken.get(key);
      if (other)
        problems.push(
          `${file}: field "origin.pathPattern": behavior "${m.origin.pathPattern}" of site "${m.origin.site}" in ${envName} already routes to the function of ${other}; a behavior has one origin`,
        );
      else taken.set(key, file);
    }
  }
  return problems;
}

/** The container functions an environment's stack creates. */
export function containerFunctionsOf(envName: string, specs: ContainerFunctionSpec[]): ContainerFunctionSpec[] {
  return specs.filter((s) => s.manifest.environments.includes(envName));
}
