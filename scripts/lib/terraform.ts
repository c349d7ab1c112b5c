/**
 * Terraform as the judge, offline: validate and plan synthesized stacks with the local hashicorp/aws mirror,
 * dummy credentials and a local backend, and hand the plan over as JSON (`terraform show -json`). Plans are cached
 * by their inputs in .validate/plan-cache/.
 *
 * Used by `npm run validate` and by the tests (directly, and through the crafted-state harness in
 * scripts/lib/crafted-state.ts). It imports nothing from test/: shared code flows from scripts/lib to tests only.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The provider version `@cdktf/provider-aws@20.1.0` binds; the only one these checks can use offline. */
export const AWS_PROVIDER_VERSION = "5.100.0";
/** The provider's source address, as state and the plugin mirror spell it. */
export const AWS_SOURCE = "registry.terraform.io/hashicorp/aws";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** Work directories, plan files and caches of the offline checks. */
export const VALIDATE_DIR = path.join(PROJECT_ROOT, ".validate");

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Write-then-rename, for files other processes may read while they are written: test workers share the plan cache,
 * the provider schema and the crafted states, and a reader must never see half a file.
 */
export function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function platform(): string {
  const arch = { x64: "amd64", arm64: "arm64", ia32: "386" }[process.arch as string] ?? process.arch;
  return `${process.platform}_${arch}`;
}

/** The terraform binary: $TERRAFORM_BIN, or the first `terraform` on PATH. */
export function findTerraform(): string | undefined {
  if (process.env.TERRAFORM_BIN) return existsSync(process.env.TERRAFORM_BIN) ? process.env.TERRAFORM_BIN : undefined;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "terraform");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * A provider mirror root holding hashicorp/aws 5.100.0 for this platform: $TF_PROVIDER_MIRROR, or one of the usual
 * plugin locations.
 */
export function findProviderMirror(): string | undefined {
  // A mirror the user names is the one to use: a wrong one is an error (providerMirrorError), never a fallback.
  if (process.env.TF_PROVIDER_MIRROR) return providerMirrorError() ? undefined : process.env.TF_PROVIDER_MIRROR;
  const home = os.homedir();
  const candidates = [
    "/opt/tf-plugins",
    path.join(home, ".terraform.d", "plugins"),
    path.join(home, ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    process.env.TF_PLUGIN_CACHE_DIR,
  ].filter((c): c is string => Boolean(c));
  return candidates.find((root) => existsSync(path.join(root, AWS_SOURCE, AWS_PROVIDER_VERSION, platform())));
}

/** What is wrong with $TF_PROVIDER_MIRROR when it is set but holds no usable provider; undefined otherwise. */
export function providerMirrorError(): string | undefined {
  const mirror = process.env.TF_PROVIDER_MIRROR;
  if (!mirror) return undefined;
  if (!existsSync(mirror)) return `TF_PROVIDER_MIRROR=${mirror}: no such directory (unset it to use the usual plugin locations)`;
  const expected = path.join(mirror, AWS_SOURCE, AWS_PROVIDER_VERSION, platform());
  if (!existsSync(expected)) return `TF_PROVIDER_MIRROR=${mirror}: holds no ${AWS_SOURCE} ${AWS_PROVIDER_VERSION} for ${platform()} (expected ${expected})`;
  return undefined;
}

/** Why the offline checks cannot run here, or undefined when they can. */
export function offlineUnavailableReason(): string | undefined {
  const mirrorError = providerMirrorError();
  if (mirrorError) return mirrorError;
  if (!findTerraform()) return "terraform is not on PATH (set TERRAFORM_BIN or install Terraform >= 1.10)";
  if (!findProviderMirror())
    return `no provider mirror with ${AWS_SOURCE} ${AWS_PROVIDER_VERSION} for ${platform()} (set TF_PROVIDER_MIRROR to its root)`;
  return undefined;
}

/** A CLI config that installs only from the mirror and links providers from a cache instead of copying 700 MB. */
function cliConfigFile(): string {
  const mirror = findProviderMirror()!;
  const cache = path.join(VALIDATE_DIR, "plugin-cache");
  mkdirSync(cache, { recursive: true });
  const file = path.join(VALIDATE_DIR, "terraformrc");
  const text = [
    "provider_installation {",
    `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["${AWS_SOURCE}"]\n  }`,
    "}",
    `plugin_cache_dir = ${JSON.stringify(cache)}`,
    "plugin_cache_may_break_dependency_lock_file = true",
    "",
  ].join("\n");
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeAtomic(file, text);
  return file;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs terraform in a directory with the offline CLI config. */
export function terraform(cwd: string, args: string[]): RunResult {
  const bin = findTerraform();
  if (!bin) throw new Error(offlineUnavailableReason());
  const started = Date.now();
  const r = spawnSync(bin, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfigFile(),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      AWS_ACCESS_KEY_ID: "offline",
      AWS_SECRET_ACCESS_KEY: "offline",
      AWS_EC2_METADATA_DISABLED: "true",
    },
  });
  // EDGE_TF_DEBUG=1 lists every terraform call with its duration: the way to see where a slow suite spends its time.
  if (process.env.EDGE_TF_DEBUG) process.stderr.write(`terraform ${args[0]} in ${path.relative(VALIDATE_DIR, cwd)}: ${Date.now() - started} ms\n`);
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** The result, or an error with Terraform's output when it failed. */
export function must(r: RunResult, what: string): RunResult {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  return r;
}

export interface OfflineConfig {
  /** The stack JSON rewritten for an offline check. */
  config: Json;
  /** What the rewrite removed that the real plan would do (shown by `npm run validate`). */
  notes: string[];
}

/**
 * Rewrites a synthesized stack for an offline check: local backend, dummy credentials and the provider skip flags,
 * no account allow-list (it needs an AWS call), and no `import` blocks (they read the real resource).
 */
export function toOfflineConfig(stackJson: Json): OfflineConfig {
  const config: Json = JSON.parse(JSON.stringify(stackJson));
  const notes: string[] = [];
  config.terraform = { ...(config.terraform ?? {}), backend: { local: { path: "terraform.tfstate" } } };
  const providers = config.provider?.aws ?? [];
  for (const p of Array.isArray(providers) ? providers : [providers]) {
    delete p.allowed_account_ids;
    delete p.assume_role;
    Object.assign(p, {
      access_key: "offline",
      secret_key: "offline",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
  }
  if (config.import) {
    for (const i of config.import) notes.push(`import of ${i.to} (id ${i.id}) skipped offline: it reads the real resource`);
    delete config.import;
  }
  return { config, notes };
}

/** Whether a process with this pid still runs (EPERM: it runs as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A work directory holds one configuration and state at a time, so two processes (test workers) planning in the
 * same one would swap files under each other. Each process claims its directories until it exits; a second live
 * claimant gets an error naming the holder instead of a plan of someone else's stack.
 */
function claimWorkdir(dir: string, name: string): void {
  const file = path.join(dir, ".claimed-by");
  const holder = Number(existsSync(file) ? readFileSync(file, "utf8") : 0);
  if (holder === process.pid) return;
  if (holder && alive(holder))
    throw new Error(`work directory ${name} (.validate/${name}) is in use by process ${holder}; give each test file its own work directory name`);
  writeAtomic(file, String(process.pid));
}

/** Gives up this process's claim on a work directory, so a child process may plan there. */
export function releaseWorkdir(name: string): void {
  const file = path.join(VALIDATE_DIR, name, ".claimed-by");
  if (existsSync(file) && Number(readFileSync(file, "utf8")) === process.pid) rmSync(file, { force: true });
}

/**
 * Installs the provider into the shared plugin cache once, before parallel work starts: concurrent `terraform init`s
 * that all find the cache empty would each write the 700 MB provider into it at the same time. Once it is there,
 * init only links it, which is safe in parallel.
 */
export function warmPluginCache(): void {
  if (offlineUnavailableReason()) return;
  const name = "plugin-cache-warmup";
  prepareWorkdir(name, { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } } } });
  releaseWorkdir(name);
}

/** Prepares (or reuses) a work directory for a stack and runs `terraform init` once. */
export function prepareWorkdir(name: string, stackJson: Json, state?: Json): { dir: string; notes: string[] } {
  const dir = path.join(VALIDATE_DIR, name);
  mkdirSync(dir, { recursive: true });
  claimWorkdir(dir, name);
  const { config, notes } = toOfflineConfig(stackJson);
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
  for (const f of ["terraform.tfstate", "terraform.tfstate.backup", "plan.bin", "plan.json"]) rmSync(path.join(dir, f), { force: true });
  if (state) writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state, null, 2));
  if (!existsSync(path.join(dir, ".terraform", "providers"))) must(terraform(dir, ["init", "-input=false", "-no-color"]), `terraform init in ${dir}`);
  return { dir, notes };
}

export interface ValidateResult {
  valid: boolean;
  diagnostics: { severity: string; summary: string; detail?: string }[];
}

export function terraformValidate(dir: string): ValidateResult {
  const r = terraform(dir, ["validate", "-json", "-no-color"]);
  const out = JSON.parse(r.stdout || "{}");
  return { valid: Boolean(out.valid), diagnostics: out.diagnostics ?? [] };
}

export interface PlanResult {
  /** 0 = no changes, 2 = changes (with detailed exit codes). */
  exitCode: number;
  /** Resources the plan changes, as "address: actions" (like changedResources), read from `plan -json`. */
  changes: string[];
  /** `terraform show -json` of the saved plan; computed on first use (a drift check that only needs `changes` skips it). */
  readonly plan: Json;
  /** Human-readable plan, for failure messages; computed on first use. */
  readonly text: string;
}

const PLAN_ACTIONS: Record<string, string | undefined> = { create: "create", update: "update", delete: "delete", replace: "delete+create" };

/**
 * `terraform plan`, saved. Throws with Terraform's own diagnostics when planning fails. The plan's JSON and text
 * come from `terraform show` only when asked for: showing loads the provider schema again (about 2 s).
 */
export function terraformPlan(dir: string, opts: { refresh?: boolean } = {}): PlanResult {
  const args = ["plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode", "-json", "-out=plan.bin"];
  if (opts.refresh === false) args.push("-refresh=false");
  // A plan is a pure function of configuration, state and provider here (offline, dummy credentials), so the same
  // inputs planned by `npm run validate` or another test are not planned twice.
  const cacheBase = path.join(VALIDATE_DIR, "plan-cache", planKey(dir, args));
  let summary: { exitCode: number; changes: string[] };
  if (existsSync(`${cacheBase}.json`)) {
    summary = JSON.parse(readFileSync(`${cacheBase}.json`, "utf8"));
  } else {
    const r = terraform(dir, args);
    const messages = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Json);
    if (r.status !== 0 && r.status !== 2) {
      const errors = messages.filter((m) => m.type === "diagnostic" && m.diagnostic.severity === "error").map((m) => `${m.diagnostic.summary}: ${m.diagnostic.detail ?? ""}${m.diagnostic.address ? ` (${m.diagnostic.address})` : ""}`);
      throw new Error(`terraform plan in ${dir} failed (exit ${r.status}):\n${errors.join("\n") || r.stderr || r.stdout}`);
    }
    const changes = messages
      .filter((m) => m.type === "planned_change" && PLAN_ACTIONS[m.change.action])
      .map((m) => `${m.change.resource.addr}: ${PLAN_ACTIONS[m.change.action]}`)
      .sort();
    summary = { exitCode: r.status, changes };
    mkdirSync(path.dirname(cacheBase), { recursive: true });
    // Keep the plan file beside its summary: the work directory's plan.bin is overwritten by the next plan there.
    // The summary last: its presence is what marks the entry complete.
    writeAtomic(`${cacheBase}.bin`, readFileSync(path.join(dir, "plan.bin")));
    writeAtomic(`${cacheBase}.json`, JSON.stringify(summary));
  }
  let plan: Json | undefined;
  let text: string | undefined;
  return {
    ...summary,
    get plan() {
      if (plan) return plan;
      if (!existsSync(`${cacheBase}.plan.json`)) {
        const shown = must(terraform(dir, ["show", "-json", `${cacheBase}.bin`]), `terraform show in ${dir}`);
        writeAtomic(`${cacheBase}.plan.json`, shown.stdout);
      }
      plan = JSON.parse(readFileSync(`${cacheBase}.plan.json`, "utf8"));
      return plan!;
    },
    get text() {
      text ??= must(terraform(dir, ["show", "-no-color", `${cacheBase}.bin`]), `terraform show in ${dir}`).stdout;
      return text!;
    },
  };
}

/** Identifies a plan's inputs: configuration, state, arguments, Terraform binary and provider version. */
function planKey(dir: string, args: string[]): string {
  const hash = createHash("sha256").update(`${AWS_PROVIDER_VERSION}\n${findTerraform()}\n${args.join(" ")}\n`);
  hash.update(readFileSync(path.join(dir, "main.tf.json")));
  const state = path.join(dir, "terraform.tfstate");
  if (existsSync(state)) hash.update(readFileSync(state));
  return hash.digest("hex").slice(0, 32);
}

/** Validates and plans one synthesized stack from scratch (empty state). */
export function checkStack(name: string, stackJson: Json): { validate: ValidateResult; plan?: PlanResult; notes: string[] } {
  const { dir, notes } = prepareWorkdir(name, stackJson);
  const validate = terraformValidate(dir);
  if (!validate.valid) return { validate, notes };
  const plan = terraformPlan(dir);
  writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan.plan));
  return { validate, plan, notes };
}

/** Resource changes of a plan that are not no-ops, as "address: actions" lines. */
export function changedResources(plan: Json): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc: Json) => !(rc.change.actions.length === 1 && ["no-op", "read"].includes(rc.change.actions[0])))
    .map((rc: Json) => `${rc.address}: ${rc.change.actions.join("+")}`);
}
