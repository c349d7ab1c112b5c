#!/usr/bin/env node
/**
 * Fails on two kinds of import:
 * - @cdktf/provider-aws from its package root instead of lib/<resource> (the root loads all 1,500 resources: 10x
 *   slower synth and type-check);
 * - an import across the layers the wrong way (docs/architecture.md, "Layers"): model/ depends on nothing of ours;
 *   config/ (schema, loaders, resolve step) and environments/ (environment data, typed with config/'s helpers) never
 *   see modules/ (constructs), nor modules/ them; stacks/ wires resolved environments (model/) into constructs
 *   (modules/) and imports nothing else (main.ts loads and resolves); toolchain/ (the CloudFront Functions checker,
 *   builder and runner, the ticket reader) builds on model/ only and serves configuration and the CLIs; scripts/
 *   (CLIs) never import test/. Spec and test files may also use test support and the CLIs' libraries, and a stack's
 *   spec may load configuration to build its stack from;
 * - an import cycle among model/, modules/, stacks/ and main.ts.
 *
 * Usage: node scripts/check-imports.mjs [root]   (root defaults to the repository; the tests pass a fixture tree)
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const SKIP = new Set(["node_modules", ".git", ".build", "cdktf.out", ".validate", "dist", "coverage"]);
const ROOT_IMPORT = /(from\s+|require\(\s*|import\(\s*)["']@cdktf\/provider-aws["']/;

/** Folder -> what its files must not import. */
const LAYER_RULES = {
  model: ["config", "environments", "modules", "stacks", "scripts", "toolchain", "test", "main.ts"],
  modules: ["config", "environments", "stacks", "scripts", "toolchain", "test", "main.ts"],
  config: ["modules", "stacks", "scripts", "test", "main.ts"],
  environments: ["modules", "stacks", "scripts", "test", "main.ts"],
  toolchain: ["environments", "config", "modules", "stacks", "scripts", "functions", "guardrails", "test", "main.ts"],
  scripts: ["test"],
};
/** Folder -> the only folders of ours its (non-spec) files may import. */
const ONLY = {
  stacks: ["model", "modules", "stacks"],
};

const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith(".d.ts")) files.push(p);
  }
};
walk(root);

const RELATIVE = /(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm;
const top = (p) => {
  const first = path.relative(root, p).split(path.sep)[0];
  return first === "main" ? "main.ts" : first;
};

const bad = [];
for (const f of files) {
  const text = readFileSync(f, "utf8");
  const rel = path.relative(root, f);
  text.split("\n").forEach((line, i) => {
    if (ROOT_IMPORT.test(line)) bad.push(`${rel}:${i + 1}: ${line.trim()} (import @cdktf/provider-aws/lib/<resource> instead of the package root)`);
  });
  const layer = top(f);
  const isTest = /\.(spec|test)\.ts$/.test(f);
  const banned = (LAYER_RULES[layer] ?? []).filter((t) => !(isTest && (t === "test" || t === "scripts")));
  const only = isTest ? undefined : ONLY[layer];
  for (const m of text.matchAll(RELATIVE)) {
    const target = top(path.resolve(path.dirname(f), m[1]));
    if (only && !only.includes(target))
      bad.push(
        `${rel}:${text.slice(0, m.index).split("\n").length}: imports "${m[1]}" (${layer}/ may import only ${only
          .filter((t) => t !== layer)
          .map((t) => `${t}/`)
          .join(" and ")})`,
      );
    else if (banned.includes(target))
      bad.push(`${rel}:${text.slice(0, m.index).split("\n").length}: imports "${m[1]}" (${layer}/ may not import ${target}${target.includes(".") ? "" : "/"})`);
  }
}
// No import cycles between the layers' files (a cycle hides which one is the wiring): resolved relative imports only.
const CYCLE_LAYERS = new Set(["model", "modules", "stacks", "main.ts"]);
const resolveImport = (from, spec) => {
  const t = path.resolve(path.dirname(from), spec);
  return [t, `${t}.ts`, path.join(t, "index.ts")].find((c) => files.includes(c));
};
const graph = new Map(
  files
    .filter((f) => CYCLE_LAYERS.has(top(f)) && !/\.(spec|test)\.ts$/.test(f))
    .map((f) => [f, [...readFileSync(f, "utf8").matchAll(RELATIVE)].map((m) => resolveImport(f, m[1])).filter((t) => t && CYCLE_LAYERS.has(top(t)))]),
);
const state = new Map();
const trail = [];
const visit = (f) => {
  state.set(f, "open");
  trail.push(f);
  for (const d of graph.get(f) ?? []) {
    if (state.get(d) === "open") bad.push(`import cycle: ${[...trail.slice(trail.indexOf(d)), d].map((p) => path.relative(root, p)).join(" -> ")}`);
    else if (!state.has(d)) visit(d);
  }
  trail.pop();
  state.set(f, "done");
};
for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);

if (bad.length > 0) {
  console.error(`Import rule violations:\n${bad.join("\n")}`);
  process.exit(1);
}
console.log(`ok: ${files.length} files import provider resources by deep path only and respect the layers`);
