import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildFunctionCode as buildUncached, Cf2Runtime } from "./code";
import { buildFunctionCode, cf2CacheDir } from "./code-cache";

let dir: string;
const previous = process.env.EDGE_BUILD_DIR;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "cf2-cache-"));
  process.env.EDGE_BUILD_DIR = path.join(dir, "build");
});
afterEach(() => {
  if (previous === undefined) delete process.env.EDGE_BUILD_DIR;
  else process.env.EDGE_BUILD_DIR = previous;
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, code: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, code);
  return file;
};
const entries = () => readdirSync(cf2CacheDir()).filter((f) => f.endsWith(".json"));

test("answers exactly what the builder answers, from one entry per content, runtime and shown name", () => {
  const file = write("index.js", "function handler(event) { return event.request; }\n");
  const first = buildFunctionCode(file, Cf2Runtime.JS_2_0, "functions/cf2/x/index.js");
  expect(first).toEqual(buildUncached(file, Cf2Runtime.JS_2_0, "functions/cf2/x/index.js"));
  expect(entries()).toHaveLength(1);
  expect(buildFunctionCode(file, Cf2Runtime.JS_2_0, "functions/cf2/x/index.js")).toEqual(first);
  expect(entries()).toHaveLength(1);
  buildFunctionCode(file, Cf2Runtime.JS_1_0, "functions/cf2/x/index.js");
  buildFunctionCode(file, Cf2Runtime.JS_2_0, "functions/cf2/y/index.js");
  expect(entries()).toHaveLength(3);
});

test("changed code is built again, problems included", () => {
  const file = write("index.js", "function handler(event) { return event.request; }\n");
  expect(buildFunctionCode(file, Cf2Runtime.JS_2_0, "f.js").problems).toEqual([]);
  write("index.js", "function handler(event) { const { request } = event; return request; }\n");
  const changed = buildFunctionCode(file, Cf2Runtime.JS_2_0, "f.js");
  expect(changed.problems).toEqual(buildUncached(file, Cf2Runtime.JS_2_0, "f.js").problems);
  expect(changed.problems).toEqual([expect.stringContaining("destructuring")]);
  expect(entries()).toHaveLength(2);
});

test("code with a relative import is not cached (its other files are not in the key)", () => {
  write("lib.js", "export function pass(r) { return r; }\n");
  const file = write("index.js", 'import { pass } from "./lib.js";\nfunction handler(event) { return pass(event.request); }\n');
  expect(buildFunctionCode(file, Cf2Runtime.JS_2_0).bundled).toBe(true);
  write("lib.js", "export function pass(r) { r.uri = '/x'; return r; }\n");
  expect(buildFunctionCode(file, Cf2Runtime.JS_2_0).code).toContain("/x");
  expect(readdirSync(dir)).not.toContain("build");
});

test("an unreadable file is reported as the builder reports it", () => {
  const missing = path.join(dir, "missing.js");
  expect(buildFunctionCode(missing, Cf2Runtime.JS_2_0, "m.js")).toEqual(buildUncached(missing, Cf2Runtime.JS_2_0, "m.js"));
});
