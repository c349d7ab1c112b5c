/**
 * Reading function manifests from disk, the same way for every kind (functions/cf2, functions/lambda): one
 * directory per function, files directly in the directory ignored, a missing or unparsable manifest turned into a
 * problem the validation reports with the file's shown path.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../model/project-root";

export const MANIFEST_FILE = "manifest.json";

/** The function directories under `dir` (sorted), each with how messages name it (relative to the project when inside it). */
export function functionDirectories(dir: string): { dir: string; name: string; shown: string }[] {
  if (!existsSync(dir)) return [];
  const root = projectRoot();
  const shownDir = path.relative(root, dir).startsWith("..") ? dir : path.relative(root, dir);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort()
    .map((name) => ({ dir: path.join(dir, name), name, shown: `${shownDir}/${name}` }));
}

/** The parsed manifest.json of a function directory, or an Error saying why it could not be read. */
export function readManifestJson(functionDir: string, parent: string): unknown {
  try {
    return JSON.parse(readFileSync(path.join(functionDir, MANIFEST_FILE), "utf8"));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return new Error(e.code === "ENOENT" ? `is missing (every directory under ${parent} is one function)` : `is not valid JSON: ${e.message}`);
  }
}

/** A manifest's name must equal its directory's; read from the raw input, so it is reported with the manifest's other problems. */
export function directoryNameProblems(file: string, input: unknown, dirName: string): string[] {
  const name = (input as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || name === "" || name === dirName) return [];
  return [`${file}: field "name": is "${name}" but must equal its directory name "${dirName}"`];
}
