/**
 * `npm run check:ticket-flow [-- --full]`: the ticket flow of docs/cloudfront-functions.md, end to end, in a scratch copy of the repository,
 * with three extra functions added by `npm run ticket` (one per ticket format) on cache behavior events that are free
 * in the current configuration: ticket -> synth -> validate -> tests. It proves that a valid ticket never turns the
 * tests red, whatever functions the repository already has.
 *
 * Default (what `test/ticket-flow.test.ts` runs, to keep `npm test` affordable): `terraform validate` of every stack
 * the new functions land in, and the suites whose inputs include the functions (cf2-manifests, cf2-functions, guardrails).
 * `--full` (for CI): `npm run validate` (init, validate and offline plan of every stack) and the whole `npm test`.
 * The user's tree is never touched; the scratch copy is removed unless `--keep`.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironments } from "../config/load";
import { readManifestSources } from "../config/functions/cf2/load";
import type { Environment } from "../config/environment";
import { projectRoot } from "../model/project-root";
import { runCli, type CliSpec } from "./lib/cli";
import { offlineUnavailableReason, prepareWorkdir, releaseWorkdir, terraformValidate, VALIDATE_DIR } from "./lib/terraform";

export interface FlowStep {
  /** What ran, as a user would type it. */
  step: string;
  ok: boolean;
  seconds: number;
  /** stdout and stderr, for failure messages. */
  output: string;
}

export interface FlowResult {
  /** Where the copy was (removed unless keep). */
  scratch: string;
  steps: FlowStep[];
  /** The functions the tickets added: name, environment, site, behavior, event. */
  added: { name: string; env: string; site: string; behavior: string; eventType: string }[];
  ok: boolean;
}

/** A free (environment, site, behavior, event) slot: no manifest attaches a function there. */
export function freeSlots(
  envs: Environment[],
  taken: Set<string>,
  count: number,
): { env: Environment; site: string; sid: string; behavior: string; eventType: string }[] {
  const slots: { env: Environment; site: string; sid: string; behavior: string; eventType: string }[] = [];
  for (const env of envs)
    for (const site of env.sites)
      for (const behavior of ["default", ...site.distribution.behaviors.map((b) => b.pathPattern)])
        for (const eventType of ["viewer-request", "viewer-response"])
          if (
            !taken.has(`${env.name} ${site.name} ${behavior} ${eventType}`) &&
            slots.length < count &&
            !slots.some((s) => s.env === env && s.site === site.name && s.behavior === behavior)
          )
            slots.push({ env, site: site.name, sid: site.sid, behavior, eventType });
  return slots;
}

/** Tickets for the slots, one per format docs/cloudfront-functions.md documents: the Japanese request template, a Jira table, English Markdown. */
function ticketsFor(slots: ReturnType<typeof freeSlots>): { file: string; text: string; name: string }[] {
  const mark = (eventType: string, col: string) => (eventType === col ? "○" : "-");
  return slots.map((s, i) => {
    const name = `e2e-flow-${i + 1}`;
    const key = `FLOW-${i + 1}`;
    const dist = s.env.sites.find((x) => x.name === s.site)!.distribution.id;
    const target = dist ? `arn:aws:cloudfront::${s.env.accountId}:distribution/${dist}` : s.site;
    const formats = [
      () =>
        [
          `チケット: ${key}`,
          `CF2の命名: ${name}`,
          `構築する環境一覧: ${s.env.name}`,
          `関連づけるCloudfFrontのARN: ${target}`,
          "",
          "関連づけるcache behavior ビューワーリクエスト ビューワーレスポンス",
          `${s.behavior} ${mark(s.eventType, "viewer-request")} ${mark(s.eventType, "viewer-response")}`,
          "",
        ].join("\n"),
      () =>
        [
          `h2. ${key}`,
          `Function name: ${name}`,
          `Environments: ${s.env.name}`,
          `Distribution: ${target}`,
          "",
          "||Cache behavior||Viewer request||Viewer response||",
          `|${s.behavior}|${mark(s.eventType, "viewer-request")}|${mark(s.eventType, "viewer-response")}|`,
          "",
        ].join("\n"),
      () =>
        [
          `Ticket: ${key}`,
          `Function name: ${name}`,
          `Environments: ${s.env.name}`,
          `Distribution: ${target}`,
          "",
          "| Cache behavior | Viewer request | Viewer response |",
          "| --- | --- | --- |",
          `| ${s.behavior} | ${mark(s.eventType, "viewer-request") === "○" ? "yes" : "-"} | ${mark(s.eventType, "viewer-response") === "○" ? "yes" : "-"} |`,
          "",
        ].join("\n"),
    ];
    return { file: `${key}.txt`, text: formats[i % formats.length](), name };
  });
}

/** Files of the working tree a clone would have (tracked and untracked, not ignored). */
function treeFiles(root: string): string[] {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ls-files failed in ${root}: ${r.stderr}`);
  return r.stdout.split("\0").filter((f) => f && f !== "node_modules" && !f.startsWith("node_modules/"));
}

export function runTicketFlow(opts: { full?: boolean; keep?: boolean; log?: (line: string) => void } = {}): FlowResult {
  const root = projectRoot();
  const log = opts.log ?? (() => undefined);
  const scratch = mkdtempSync(path.join(os.tmpdir(), "ticket-flow-"));
  const steps: FlowStep[] = [];
  const run = (step: string, cmd: string, args: string[], env: Record<string, string> = {}): FlowStep => {
    const started = Date.now();
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    // The scratch copy's own directories, whatever the caller points at.
    delete childEnv.EDGE_FUNCTIONS_DIR;
    delete childEnv.EDGE_ENVIRONMENTS_DIR;
    const r = spawnSync(cmd, args, { cwd: scratch, encoding: "utf8", env: childEnv, maxBuffer: 64 * 1024 * 1024 });
    const s = {
      step,
      ok: r.status === 0,
      seconds: (Date.now() - started) / 1000,
      output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`,
    };
    steps.push(s);
    log(`${s.ok ? "ok  " : "FAIL"} ${step} (${s.seconds.toFixed(1)} s)`);
    return s;
  };

  for (const f of treeFiles(root)) {
    mkdirSync(path.dirname(path.join(scratch, f)), { recursive: true });
    cpSync(path.join(root, f), path.join(scratch, f));
  }
  symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"), "dir");
  // --full runs the scratch copy's own harness: share this checkout's provider cache instead of copying 700 MB.
  mkdirSync(path.join(scratch, ".validate"));
  mkdirSync(path.join(VALIDATE_DIR, "plugin-cache"), { recursive: true });
  symlinkSync(path.join(VALIDATE_DIR, "plugin-cache"), path.join(scratch, ".validate", "plugin-cache"), "dir");

  // Free slots in the configuration as it is now (the scratch copy is identical).
  const envs = loadEnvironments(path.join(root, "environments"));
  const existing = readManifestSources(path.join(root, "functions", "cf2"));
  const taken = new Set<string>();
  for (const s of existing) {
    const m = s.input as { environments?: string[]; associations?: { site: string; behavior: string; eventType: string }[] };
    for (const e of m.environments ?? []) for (const a of m.associations ?? []) taken.add(`${e} ${a.site} ${a.behavior} ${a.eventType}`);
  }
  const slots = freeSlots(envs, taken, 3);
  const added = slots.map((s, i) => ({ name: `e2e-flow-${i + 1}`, env: s.env.name, site: s.site, behavior: s.behavior, eventType: s.eventType }));
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  mkdirSync(path.join(scratch, "tickets"));
  let ok = true;
  if (slots.length === 0) log("SKIPPED: every cache behavior event of every environment already has a function; no ticket can add one");
  for (const t of ticketsFor(slots)) {
    writeFileSync(path.join(scratch, "tickets", t.file), t.text);
    ok = run(`npm run ticket -- tickets/${t.file}`, tsx, ["scripts/ticket.ts", `tickets/${t.file}`]).ok && ok;
  }
  ok = ok && run("npm run synth", process.execPath, ["scripts/app.mjs"]).ok;
  if (ok) {
    for (const a of added) {
      const stack = JSON.parse(readFileSync(path.join(scratch, "cdktf.out", "stacks", a.env, "cdk.tf.json"), "utf8"));
      const names = Object.values<{ name: string }>(stack.resource?.aws_cloudfront_function ?? {}).map((f) => f.name);
      const has = names.some((n) => n.endsWith(`-${a.name}`));
      steps.push({ step: `stack ${a.env} contains ${a.name}`, ok: has, seconds: 0, output: names.join(", ") });
      ok = ok && has;
    }
  }
  if (ok && opts.full) ok = run("npm run validate", tsx, ["scripts/validate.ts"]).ok;
  else if (ok) {
    // terraform validate of each stack the tickets changed (this checkout's harness and plugin cache).
    const unavailable = offlineUnavailableReason();
    for (const env of [...new Set(added.map((a) => a.env))]) {
      const step = `terraform validate (${env})`;
      if (unavailable) {
        steps.push({ step, ok: true, seconds: 0, output: `SKIPPED: ${unavailable}` });
        log(`SKIPPED ${step}: ${unavailable}`);
        continue;
      }
      const started = Date.now();
      const name = `ticket-flow-${env}`;
      let result: FlowStep;
      try {
        const { dir } = prepareWorkdir(name, JSON.parse(readFileSync(path.join(scratch, "cdktf.out", "stacks", env, "cdk.tf.json"), "utf8")));
        const v = terraformValidate(dir);
        result = {
          step,
          ok: v.valid,
          seconds: (Date.now() - started) / 1000,
          output: v.diagnostics.map((d) => `${d.severity}: ${d.summary} ${d.detail ?? ""}`).join("\n"),
        };
      } catch (err) {
        result = { step, ok: false, seconds: (Date.now() - started) / 1000, output: (err as Error).message };
      } finally {
        releaseWorkdir(name);
      }
      steps.push(result);
      log(`${result.ok ? "ok  " : "FAIL"} ${step} (${result.seconds.toFixed(1)} s)`);
      ok = ok && result.ok;
    }
  }
  if (ok) {
    const jest = path.join(root, "node_modules", "jest", "bin", "jest.js");
    // The suites whose inputs include the repository's functions: manifests and stacks, each function's own tests,
    // and the guardrails over every synthesized stack. (ticket.test.ts uses frozen fixtures, so it cannot notice.)
    const files = opts.full ? [] : ["test/cf2-manifests.test.ts", "test/cf2-functions.test.ts", "test/guardrails.test.ts"];
    // The copy's own ticket-flow test would start another copy: everything else runs.
    const args = opts.full ? ["--testPathIgnorePatterns", "/test/ticket-flow\\.test\\.ts$"] : files;
    ok = run(opts.full ? "npm test (without the ticket-flow test itself)" : `npx jest ${files.join(" ")}`, process.execPath, [
      jest,
      "--ci",
      "--silent",
      ...args,
    ]).ok;
  }
  if (!opts.keep) rmSync(scratch, { recursive: true, force: true });
  return { scratch, steps, added, ok };
}

const FLOW_OPTIONS = { full: { type: "boolean", default: false }, keep: { type: "boolean", default: false } } as const;
const FLOW_CLI: CliSpec<typeof FLOW_OPTIONS> = {
  command: "check:ticket-flow",
  usage: [
    "usage: npm run check:ticket-flow [-- --full] [--keep]",
    "  runs the ticket flow in a scratch copy of the repository: a ticket, npm run ticket, the tests, the synth",
    "  --full  run the whole test suite in the copy (default: the CloudFront Functions and guardrail tests)",
    "  --keep  keep the scratch copy and print where it is",
  ].join("\n"),
  options: FLOW_OPTIONS,
};

if (require.main === module)
  void runCli(FLOW_CLI, process.argv.slice(2), ({ values }) => {
    const { full, keep } = values;
    const result = runTicketFlow({ full, keep, log: (l) => process.stdout.write(`${l}\n`) });
    for (const s of result.steps.filter((x) => !x.ok)) process.stdout.write(`\n--- ${s.step} ---\n${s.output}\n`);
    process.stdout.write(
      `${result.ok ? "ticket flow green" : "ticket flow RED"} with ${result.added.map((a) => `${a.name} (${a.env} ${a.site} ${a.behavior} ${a.eventType})`).join(", ")}${keep ? ` in ${result.scratch}` : ""}\n`,
    );
    return result.ok ? 0 : 1;
  });
