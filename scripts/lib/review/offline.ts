/**
 * The offline review: synthesize the base ref (in a temporary git worktree, the user's tree untouched) and the
 * working tree, craft the state an apply of the base would leave (the crafted-state harness), and plan the head
 * configuration against it without AWS. Base stacks and their applied states are cached by their inputs, so a second
 * review of the same base only synthesizes and plans the head.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planAgainstAppliedState, planAgainstAppliedStates } from "../crafted-state";
import { PROJECT_ROOT, terraformPlanBatch, VALIDATE_DIR, type BatchCase, type PlanResult } from "../terraform";
import { stableJson, type Json } from "./changes";
import { ReviewError } from "./errors";
import { PlanSource, type StackPlan } from "./markdown";

export { ReviewError };

export type Stacks = Record<string, Json>;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new ReviewError(`${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${(r.stderr || r.stdout || String(r.error ?? "")).trim()}`);
  return r.stdout;
}

/** Runs a command to completion without blocking (so the base and the head synthesize at the same time). */
function runAsync(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => reject(new ReviewError(`${cmd} (in ${cwd}): ${err.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new ReviewError(`synth in ${cwd} failed (exit ${code}):\n${stderr.trim()}`))));
  });
}

/** Synthesizes every environment of a source tree with its own `scripts/app.mjs`; returns cdk.tf.json by stack. */
export async function synthesizeTree(root: string, env: NodeJS.ProcessEnv = process.env): Promise<Stacks> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), "edge-review-synth-"));
  try {
    if (!existsSync(path.join(root, "scripts", "app.mjs")))
      throw new ReviewError(`${root} has no scripts/app.mjs: is it this project at a ref that predates it?`);
    await runAsync(process.execPath, [path.join(root, "scripts", "app.mjs")], root, { ...env, CDKTF_OUTDIR: outdir });
    const dir = path.join(outdir, "stacks");
    if (!existsSync(dir)) return {};
    return Object.fromEntries(readdirSync(dir).map((s) => [s, JSON.parse(readFileSync(path.join(dir, s, "cdk.tf.json"), "utf8"))]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The commit a ref names, or a ReviewError saying the ref is unknown. */
export function resolveRef(ref: string, repo = PROJECT_ROOT): string {
  const r = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: repo, encoding: "utf8" });
  if (r.status !== 0) throw new ReviewError(`--base ${ref}: not a commit in ${repo} (try origin/main, main or a commit id; in CI fetch the base first)`);
  return r.stdout.trim();
}

/**
 * The base's stacks: synthesized in a temporary `git worktree` of the commit (node_modules linked from this
 * checkout), cached in .validate/review/ by commit. The worktree is removed afterwards, whatever happens.
 */
export async function baseStacks(ref: string, opts: { cache?: boolean } = {}): Promise<{ commit: string; stacks: Stacks; cached: boolean }> {
  const commit = resolveRef(ref);
  const cacheFile = path.join(VALIDATE_DIR, "review", `base-${commit}.json`);
  if (opts.cache !== false && existsSync(cacheFile)) return { commit, stacks: JSON.parse(readFileSync(cacheFile, "utf8")), cached: true };
  const parent = mkdtempSync(path.join(os.tmpdir(), "edge-review-base-"));
  const tree = path.join(parent, "tree");
  run("git", ["worktree", "add", "--detach", "--quiet", tree, commit], PROJECT_ROOT);
  try {
    symlinkSync(realpathSync(path.join(PROJECT_ROOT, "node_modules")), path.join(tree, "node_modules"), "dir");
    // The base's own environments and functions, whatever the head was pointed at.
    const env = { ...process.env };
    delete env.EDGE_ENVIRONMENTS_DIR;
    delete env.EDGE_FUNCTIONS_DIR;
    const stacks = await synthesizeTree(tree, env);
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    // Write, then rename: a concurrent review never reads half a file.
    writeFileSync(`${cacheFile}.${process.pid}.tmp`, JSON.stringify(stacks));
    renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
    return { commit, stacks, cached: false };
  } finally {
    spawnSync("git", ["worktree", "remove", "--force", tree], { cwd: PROJECT_ROOT });
    rmSync(parent, { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: PROJECT_ROOT });
  }
}

/** A stack with its resources, data sources and outputs removed: what planning a deleted environment needs. */
function emptied(stack: Json): Json {
  const { resource: _r, data: _d, output: _o, import: _i, moved: _m, ...rest } = stack;
  return rest;
}

/**
 * The head stack planned against the state an apply of the base stack would leave (empty when the environment is
 * new; every resource deleted when the head drops it). `workdir` names the harness's work directory. The head is
 * planned in the same Terraform plan as the proof that the crafted state is the applied one (planAgainstBaseBatch),
 * so a first review of a base costs two plans per stack, not three.
 */
export function planAgainstBase(workdir: string, base: Json | undefined, head: Json | undefined): Json {
  if (!base && !head) throw new Error("planAgainstBase: neither a base nor a head stack");
  return planAgainstBaseBatch(workdir, base, { head }).head;
}

/**
 * planAgainstBase for several heads of one base at once: the heads that need a plan are planned together, each
 * against its own copy of the base's applied state, in one Terraform plan (terraformPlanBatch; a plan's fixed cost
 * is seconds). Each result is that head's own plan, as planAgainstBase returns it.
 */
export function planAgainstBaseBatch<K extends string>(workdir: string, base: Json | undefined, heads: Record<K, Json | undefined>): Record<K, Json> {
  const results = {} as Record<K, Json>;
  const planned: [string, Json][] = [];
  for (const [key, head] of Object.entries<Json | undefined>(heads)) {
    if (!base && !head) throw new Error(`planAgainstBase: neither a base nor a head stack (${key})`);
    if (base && head && stableJson(base) === stableJson(head)) results[key as K] = { format_version: "1.2", resource_changes: [] };
    else planned.push([key, head ?? emptied(base!)]);
  }
  if (planned.length === 0) return results;
  // A new environment has no base: its heads plan against an empty state.
  const plans = base
    ? planAgainstAppliedState(workdir, base, (applied) => Object.fromEntries(planned.map(([key, config]) => [key, { config, state: applied() }])))
    : terraformPlanBatch(`${workdir}-batch`, Object.fromEntries(planned.map(([key, config]) => [key, { config } as BatchCase])));
  for (const [key, plan] of Object.entries<PlanResult>(plans)) results[key as K] = plan.plan;
  return results;
}

/**
 * planAgainstBase for several stacks at once (each environment of a review): every head that needs a plan is
 * planned against its base's applied state in one Terraform plan (planAgainstAppliedStates), and the new
 * environments' heads against empty states in one more. `workdirPrefix` names the work directories
 * (`<prefix>-<env>`). A configuration error in one stack fails the whole call: offlineReview then plans each stack
 * on its own, so only that stack shows the error.
 */
export function planAgainstBases(workdirPrefix: string, stacks: Record<string, { base?: Json; head?: Json }>): Record<string, Json> {
  const results: Record<string, Json> = {};
  const withBase: Record<string, { stackJson: Json; casesFor: (applied: () => Json) => Record<"head", BatchCase> }> = {};
  const envOf = new Map<string, string>();
  const created: Record<string, BatchCase> = {};
  for (const [env, { base, head }] of Object.entries(stacks)) {
    if (!base && !head) throw new Error(`planAgainstBase: neither a base nor a head stack (${env})`);
    if (base && head && stableJson(base) === stableJson(head)) results[env] = { format_version: "1.2", resource_changes: [] };
    else if (base) {
      withBase[`${workdirPrefix}-${env}`] = { stackJson: base, casesFor: (applied) => ({ head: { config: head ?? emptied(base), state: applied() } }) };
      envOf.set(`${workdirPrefix}-${env}`, env);
    } else created[`env-${Object.keys(created).length}`] = { config: head! };
  }
  const names = Object.keys(withBase);
  if (names.length) {
    const plans = planAgainstAppliedStates(`${workdirPrefix}-stacks`, withBase);
    for (const n of names) results[envOf.get(n)!] = plans[n].head.plan;
  }
  if (Object.keys(created).length) {
    const plans = terraformPlanBatch(`${workdirPrefix}-new-batch`, created);
    const newEnvs = Object.entries(stacks).filter(([, { base }]) => !base);
    newEnvs.forEach(([env], i) => (results[env] = plans[`env-${i}`].plan));
  }
  return results;
}

export interface OfflineReviewInput {
  base: Stacks;
  head: Stacks;
  /** Stacks to review; default: every stack of either side. */
  envs?: string[];
  baseRef?: string;
  /** Prefix of the harness work directories (`.validate/<prefix>-<env>`); tests use their own. */
  workdirPrefix?: string;
  /** Plans one stack; default planAgainstBase (tests pass their own to exercise failures without Terraform). */
  planner?: (workdir: string, base: Json | undefined, head: Json | undefined) => Json;
}

/**
 * Plans each stack offline and returns what the renderer needs. A stack that cannot be planned (Terraform refuses
 * its configuration or the crafted state) gets its error instead of a plan, so the other stacks still render.
 */
export function offlineReview(input: OfflineReviewInput): StackPlan[] {
  const all = [...new Set([...Object.keys(input.base), ...Object.keys(input.head)])].sort();
  const envs = input.envs ?? all;
  const unknown = envs.filter((e) => !all.includes(e));
  if (unknown.length) throw new ReviewError(`--env ${unknown.join(", ")}: no such stack in the base or the head; stacks: ${all.join(", ") || "(none)"}`);
  const planner = input.planner ?? planAgainstBase;
  if (!input.planner && envs.length > 1) {
    try {
      const plans = planAgainstBases(
        input.workdirPrefix ?? "review",
        Object.fromEntries(envs.map((env) => [env, { base: input.base[env], head: input.head[env] }])),
      );
      return envs.map((env) => ({
        env,
        source: PlanSource.OFFLINE,
        baseRef: input.baseRef,
        headStack: input.head[env],
        baseStack: input.base[env],
        plan: plans[env],
      }));
    } catch (err) {
      if (process.env.EDGE_TF_DEBUG) process.stderr.write(`offlineReview: ${(err as Error).message}\n`);
      // One stack's error failed the batch: each stack on its own below, so the others still render.
    }
  }
  return envs.map((env) => {
    const common = { env, source: PlanSource.OFFLINE, baseRef: input.baseRef, headStack: input.head[env], baseStack: input.base[env] };
    try {
      return { ...common, plan: planner(`${input.workdirPrefix ?? "review"}-${env}`, input.base[env], input.head[env]) };
    } catch (err) {
      return { ...common, plan: { format_version: "1.2", resource_changes: [] }, error: (err as Error).message };
    }
  });
}

/**
 * offlineReview of several heads against the same base (tests of many pull-request shapes): per stack, the heads
 * are planned in one batch (planAgainstBaseBatch). Each result is what offlineReview returns for that head.
 */
export function offlineReviews<K extends string>(input: Omit<OfflineReviewInput, "head"> & { heads: Record<K, Stacks> }): Record<K, StackPlan[]> {
  const keys = Object.keys(input.heads) as K[];
  const all = [...new Set([...Object.keys(input.base), ...keys.flatMap((k) => Object.keys(input.heads[k]))])].sort();
  const envs = input.envs ?? all;
  const unknown = envs.filter((e) => !all.includes(e));
  if (unknown.length) throw new ReviewError(`--env ${unknown.join(", ")}: no such stack in the base or the head; stacks: ${all.join(", ") || "(none)"}`);
  const byEnv = Object.fromEntries(
    envs.map((env) => [
      env,
      planAgainstBaseBatch(
        `${input.workdirPrefix ?? "review"}-${env}`,
        input.base[env],
        Object.fromEntries(keys.map((k) => [k, input.heads[k][env]])) as Record<K, Json | undefined>,
      ),
    ]),
  );
  return Object.fromEntries(
    keys.map((k) => [
      k,
      envs.map((env) => ({
        env,
        plan: byEnv[env][k],
        source: PlanSource.OFFLINE,
        baseRef: input.baseRef,
        headStack: input.heads[k][env],
        baseStack: input.base[env],
      })),
    ]),
  ) as Record<K, StackPlan[]>;
}

/** Identifies stacks' content, for logs ("base abc123, 3 stacks"). */
export function digest(stacks: Stacks): string {
  return createHash("sha256").update(JSON.stringify(stacks)).digest("hex").slice(0, 12);
}
