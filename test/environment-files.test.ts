/**
 * Every entry point sees the same environments: `npm run synth` / `cdktf synth|deploy` (scripts/app.mjs -> main.ts)
 * and the loader the ticket tool, `npm run promote` and the tests call. JSON and TypeScript files count alike, in the
 * repository's environments/ and in $EDGE_ENVIRONMENTS_DIR; a file that cannot be read is an error, never skipped.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import dev from "../environments/dev";
import { environmentFiles, loadEnvironments } from "../config/load";

const ROOT = path.join(__dirname, "..");
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** Runs the synth on an environment directory; functions come from the repository only for the repository's environments. */
function synth(envDir: string, functionsDir = mkdtempSync(path.join(os.tmpdir(), "edge-no-functions-"))) {
  const outdir = path.join(mkdtempSync(path.join(os.tmpdir(), "edge-out-")), "out");
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "app.mjs")], {
    encoding: "utf8",
    // No container functions either: the repository's manifests name the example environments.
    env: {
      ...process.env,
      EDGE_ENVIRONMENTS_DIR: envDir,
      EDGE_FUNCTIONS_DIR: functionsDir,
      EDGE_LAMBDA_DIR: mkdtempSync(path.join(os.tmpdir(), "edge-no-lambdas-")),
      CDKTF_OUTDIR: outdir,
    },
  });
  const stacksDir = path.join(outdir, "stacks");
  return { ...r, stacks: existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [] };
}

/** An example environment under another name, in its own account (two environments may not both create the account's OIDC provider). */
const asJson = (name: string, accountId = "123456789012") => JSON.stringify({ ...JSON.parse(JSON.stringify(dev)), name, accountId, sites: [] });

test("EDGE_ENVIRONMENTS_DIR may name the repository's own environments/: the synth sees what the loader sees", () => {
  const dir = path.join(ROOT, "environments");
  const r = synth(dir, path.join(ROOT, "functions", "cf2"));
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const names = loadEnvironments(dir)
    .map((e) => e.name)
    .sort();
  expect(names).toEqual(
    environmentFiles(dir)
      .map((f) => f.replace(/\.(ts|json)$/, ""))
      .sort(),
  );
  expect(r.stacks).toEqual(names);
});

test("JSON and TypeScript environment files in one directory are all synthesized, and the loader returns the same set", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-envs-"));
  writeFileSync(path.join(dir, "qa.json"), asJson("qa"));
  // A TypeScript environment outside the repository, importing the schema by path like the examples do.
  writeFileSync(
    path.join(dir, "uat.ts"),
    `import { defineEnvironment } from ${JSON.stringify(path.join(ROOT, "config", "environment"))};\nexport default defineEnvironment(${asJson("uat", "210987654321")});\n`,
  );
  const r = synth(dir);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stacks).toEqual(["qa", "uat"]);
  expect(
    loadEnvironments(dir)
      .map((e) => e.name)
      .sort(),
  ).toEqual(["qa", "uat"]);
});

test("files that cannot be used are errors, listed together, with exit 1 and no stack trace", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-envs-"));
  writeFileSync(path.join(dir, "qa.json"), asJson("qa"));
  writeFileSync(path.join(dir, "qa.ts"), `export default ${asJson("qa")};\n`);
  writeFileSync(path.join(dir, "uat.ts"), 'throw new Error("boom while loading");\n');
  writeFileSync(path.join(dir, "Prod.json"), asJson("prod"));
  writeFileSync(path.join(dir, "stg.json"), "{ not json");
  const r = synth(dir);
  expect(r.status).toBe(1);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.stacks).toEqual([]);
  expect(r.stderr).toContain(`${dir}/Prod.json: is not an environment file name`);
  expect(r.stderr).toContain(`${dir}/qa.ts: ${dir}/qa.json defines environment "qa" too; keep one file per environment`);
  expect(r.stderr).toContain(`${dir}/uat.ts: cannot be loaded: boom while loading`);
  expect(r.stderr).toMatch(new RegExp(`${dir}/stg\\.json: is not valid JSON`));
});
