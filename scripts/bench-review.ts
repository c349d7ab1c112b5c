/**
 * `npm run bench -- --only review`: wall time of `npm run review` for a one-environment change, cold (no cached base
 * stacks, applied state, work directory or plans) and cached (the same review again), as whole processes.
 *
 * The change: the first environment's default tags get one more tag (which touches every taggable resource of that
 * stack), written as JSON environment files in a temporary directory (EDGE_ENVIRONMENTS_DIR), so the working tree
 * is not touched; the base is HEAD. The cold run moves the plan cache aside and puts it back afterwards.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironments } from "../environments/load";
import { offlineUnavailableReason, PROJECT_ROOT, VALIDATE_DIR } from "./terraform";
import { resolveRef } from "./lib/review/offline";

const why = offlineUnavailableReason();
if (why) {
  process.stdout.write(`  SKIPPED review: ${why}\n`);
  process.exit(0);
}

const envs = loadEnvironments(path.join(PROJECT_ROOT, "environments"));
const target = envs[0];
const dir = mkdtempSync(path.join(os.tmpdir(), "bench-review-envs-"));
for (const env of envs) {
  const changed = env.name === target.name ? { ...env, tags: { ...env.tags, "bench-change": "one-environment" } } : env;
  writeFileSync(path.join(dir, `${env.name}.json`), JSON.stringify(changed, null, 2));
}

const prefixDirs = () => [path.join(VALIDATE_DIR, "review"), path.join(VALIDATE_DIR, `review-${target.name}`)];
const planCache = path.join(VALIDATE_DIR, "plan-cache");
const aside = `${planCache}.bench-${process.pid}`;

function review(): { ms: number; log: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/review.ts", "--base", "HEAD", "--env", target.name, "--out", path.join(dir, "review.md")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EDGE_ENVIRONMENTS_DIR: dir },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`npm run review failed:\n${r.stderr}`);
  return { ms, log: r.stderr.trim() };
}

const commit = resolveRef("HEAD").slice(0, 12);
process.stdout.write(`review: one-environment change (${target.name}: one default tag added), base HEAD ${commit}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}\n`);
for (const d of prefixDirs()) rmSync(d, { recursive: true, force: true });
if (existsSync(planCache)) renameSync(planCache, aside);
try {
  const cold = review();
  process.stdout.write(`  cold   ${(cold.ms / 1000).toFixed(1)} s   (limit 60 s)\n${cold.log.replace(/^/gm, "         ")}\n`);
  const cached = [review(), review()];
  const best = Math.min(...cached.map((c) => c.ms));
  process.stdout.write(`  cached ${(best / 1000).toFixed(1)} s   (best of ${cached.length}; limit 20 s)\n${cached[0].log.replace(/^/gm, "         ")}\n`);
  const md = spawnSync("grep", ["-m1", "^### ", path.join(dir, "review.md")], { encoding: "utf8" }).stdout.trim();
  process.stdout.write(`  rendered: ${md || "(no changes)"}\n`);
} finally {
  // Put the plan cache back, keeping what this run added.
  if (existsSync(aside)) {
    mkdirSync(planCache, { recursive: true });
    for (const f of readdirSync(planCache)) if (!existsSync(path.join(aside, f))) renameSync(path.join(planCache, f), path.join(aside, f));
    rmSync(planCache, { recursive: true, force: true });
    renameSync(aside, planCache);
  }
  rmSync(dir, { recursive: true, force: true });
}
