import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const CHECK = path.join(__dirname, "..", "scripts", "check-imports.mjs");
// Spelled in two parts so this file does not itself break the rule it tests.
const PROVIDER_ROOT = ["@cdktf", "provider-aws"].join("/");
const check = (root?: string) => spawnSync(process.execPath, root ? [CHECK, root] : [CHECK], { encoding: "utf8" });

/** `npm run check:imports`: provider resources by deep path, and imports only down the layers (docs/architecture.md, "Layers"). */
test("the repository passes the import rules", () => {
  const r = check();
  expect(r.stderr).toBe("");
  expect(r.stdout).toMatch(/^ok: \d+ files/);
});

test("each violation is named with file, line, import and the rule it breaks", () => {
  const files: Record<string, string> = {
    "modules/x.ts": 'import { a } from "../config/environment";\n',
    "model/y.ts": '\nexport { b } from "../modules/policy";\n',
    "environments/cf2/z.ts": 'import { c } from "../../modules/cloudfront-function";\n',
    "config/functions/u.ts": 'import { h } from "../../stacks/app";\n',
    // Allowed: an environment file takes its type helper from config/.
    "environments/qa.ts": 'import { defineEnvironment } from "../config/environment";\n',
    "scripts/w.ts": 'const d = require("../test/support/synth");\n',
    "stacks/v.ts": `import { AwsProvider } from "${PROVIDER_ROOT}";\n`,
    "stacks/u.ts": 'import { e } from "../modules/static-site";\nimport { f } from "../config/resolve";\nimport { m } from "../main";\n',
    "toolchain/cf2/u.ts": 'import { h } from "../../environments/load";\nimport { i } from "../../model/limits";\n',
    "modules/t.ts": 'import { j } from "../toolchain/cf2/code";\n',
    // Allowed: stacks wire resolved environments into modules; a spec beside a module or a stack uses test support
    // and (a stack's) configuration.
    "stacks/c1.ts": 'import { c2 } from "./c2";\n',
    "stacks/c2.ts": 'import type { C1 } from "./c1";\n',
    "stacks/ok.ts": 'import { e } from "../modules/static-site";\nimport type { R } from "../model/resolved";\nimport { s } from "./sites";\n',
    "stacks/ok.spec.ts": 'import { g } from "../test/support/synth";\nimport dev from "../environments/dev";\n',
    "modules/ok.spec.ts": 'import { g } from "../test/support/synth";\n',
  };
  const tmp = mkdtempSync(path.join(os.tmpdir(), "layers-"));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.join(tmp, path.dirname(f)), { recursive: true });
    writeFileSync(path.join(tmp, f), text);
  }
  const r = check(tmp);
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split("\n").slice(1).sort()).toEqual([
    'config/functions/u.ts:1: imports "../../stacks/app" (config/ may not import stacks/)',
    'environments/cf2/z.ts:1: imports "../../modules/cloudfront-function" (environments/ may not import modules/)',
    "import cycle: stacks/c1.ts -> stacks/c2.ts -> stacks/c1.ts",
    'model/y.ts:2: imports "../modules/policy" (model/ may not import modules/)',
    'modules/t.ts:1: imports "../toolchain/cf2/code" (modules/ may not import toolchain/)',
    'modules/x.ts:1: imports "../config/environment" (modules/ may not import config/)',
    'scripts/w.ts:1: imports "../test/support/synth" (scripts/ may not import test/)',
    'stacks/u.ts:2: imports "../config/resolve" (stacks/ may import only model/ and modules/)',
    'stacks/u.ts:3: imports "../main" (stacks/ may import only model/ and modules/)',
    `stacks/v.ts:1: import { AwsProvider } from "${PROVIDER_ROOT}"; (import ${PROVIDER_ROOT}/lib/<resource> instead of the package root)`,
    'toolchain/cf2/u.ts:1: imports "../../environments/load" (toolchain/ may not import environments/)',
  ]);
});
