/**
 * `npm run bench -- --only review`: wall time of `npm run review` for a one-environment change, cold (no cached base
 * stacks, applied state, work directory or plans) and cached (the same review again), as whole processes.
 *
 * The change: the first environment's default tags get one more tag (which touches every taggable resource of that
 * stack), written as JSON environment files in a temporary directory (EDGE_ENVIRONMENTS_DIR), so the working tree
 * is not touched; the base is HEAD. Each run's tag value differs, so the head is really planned every time and only
 * the base (stacks and applied state) is cached. The cold run moves the plan cache aside and puts it back afterwards.
 * Besides wall time, the CPU time of the review process and its children (terraform) is shown: on a loaded machine
 * wall time says more about the neighbours than about the review.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironments } from "../config/load";
import { offlineUnavailableReason, PROJECT_ROOT, VALIDATE_DIR } from "./lib/terraform";
import { resolveRef } from "./lib/review/offline";

const why = offlineUnavailableReason();
if (why) {
  process.stdout.write(`  SKIPPED review: ${why}\n`);
  process.exit(0);
}

const envs = loadEnvironments(path.join(PROJECT_ROOT, "environments"));
const target = envs[0];
const dir = mkdtempSync(path.join(os.tmpdir(), "bench-review-envs-"));
function writeChange(run: number): void {
  for (const env of envs) {
    const changed = env.name === target.name ? { ...env, tags: { ...env.tags, "bench-change": `run-${run}` } } : env;
    writeFileSync(path.join(dir, `${env.name}.json`), JSON.stringify(changed, null, 2));
  }
}

/** CPU seconds of this process's waited-for children (Linux /proc; undefined elsewhere). */
function childCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

const prefixDirs = () => [path.join(VALIDATE_DIR, "review"), path.join(VALIDATE_DIR, `review-${target.name}`)];
const planCache = path.join(VALIDATE_DIR, "plan-cache");
const aside = `${planCache}.bench-${process.pid}`;

let runs = 0;
function review(): { ms: number; cpu?: number; log: string } {
  writeChange(runs++);
  const cpuBefore = childCpuSeconds();
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      path.join(PROJECT_ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
      "scripts/review.ts",
      "--base",
      "HEAD",
      "--env",
      target.name,
      "--out",
      path.join(dir, "review.md"),
    ],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, EDGE_ENVIRONMENTS_DIR: dir },
      encoding: "utf8",
    },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`npm run review failed:\n${r.stderr}`);
  const cpuAfter = childCpuSeconds();
  return { ms, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, log: r.stderr.trim() };
}

const commit = resolveRef("HEAD").slice(0, 12);
process.stdout.write(
  `review: one-environment change (${target.name}: one default tag added), base HEAD ${commit}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}\n`,
);
for (const d of prefixDirs()) rmSync(d, { recursive: true, force: true });
if (existsSync(planCache)) renameSync(planCache, aside);
try {
  const cold = review();
  const cpu = (c: { cpu?: number }) => (c.cpu === undefined ? "" : `, CPU ${c.cpu.toFixed(1)} s`);
  process.stdout.write(`  cold   ${(cold.ms / 1000).toFixed(1)} s wall${cpu(cold)}   (limit 60 s)\n${cold.log.replace(/^/gm, "         ")}\n`);
  const cached = [review(), review()].sort((a, b) => a.ms - b.ms);
  process.stdout.write(
    `  cached ${(cached[0].ms / 1000).toFixed(1)} s wall${cpu(cached[0])}   (best of ${cached.length}, head planned each time; limit 20 s)\n${cached[0].log.replace(/^/gm, "         ")}\n`,
  );
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
