import { execFileSync } from "node:child_process";
import * as path from "node:path";

/** The package root of @cdktf/provider-aws loads all 1,500 resources: 10x slower synth and type-check. */
test("no file imports @cdktf/provider-aws from its package root", () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, "..", "scripts", "check-imports.mjs")], { encoding: "utf8" });
  expect(out).toMatch(/^ok: \d+ files/);
});
