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
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
  if (!findProviderMirror()) return `no provider mirror with ${AWS_SOURCE} ${AWS_PROVIDER_VERSION} for ${platform()} (set TF_PROVIDER_MIRROR to its root)`;
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
  const name = WARMUP_DIR;
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
  initWorkdir(dir, config);
  return { dir, notes };
}

const WARMUP_DIR = "plugin-cache-warmup";

/**
 * `terraform init` once per work directory, and usually not even that: what init leaves for a configuration that
 * needs only the aws provider and the local backend (the backend's record, the lock file, a link into the plugin
 * cache) is the same in every work directory, so a new one gets a copy of the warmed-up directory's (warmPluginCache)
 * instead of starting Terraform (a second or more per directory). Anything else gets a real init.
 */
function initWorkdir(dir: string, config: Json): void {
  if (existsSync(path.join(dir, ".terraform", "providers"))) return;
  const warm = path.join(VALIDATE_DIR, WARMUP_DIR);
  const onlyAws = Object.keys(config.terraform?.required_providers ?? {}).every((p) => p === "aws");
  const localBackend = JSON.stringify(config.terraform?.backend) === JSON.stringify({ local: { path: "terraform.tfstate" } });
  const hasModules = Object.keys(config.module ?? {}).length > 0;
  if (
    dir !== warm &&
    onlyAws &&
    localBackend &&
    !hasModules &&
    existsSync(path.join(warm, ".terraform", "providers")) &&
    existsSync(path.join(warm, ".terraform.lock.hcl"))
  ) {
    cpSync(path.join(warm, ".terraform"), path.join(dir, ".terraform"), { recursive: true, verbatimSymlinks: true });
    copyFileSync(path.join(warm, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
    return;
  }
  must(terraform(dir, ["init", "-input=false", "-no-color"]), `terraform init in ${dir}`);
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
  /** Root outputs the plan changes, by name (absent in summaries cached before it was recorded). */
  outputs?: string[];
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
  let summary: { exitCode: number; changes: string[]; outputs?: string[] };
  if (existsSync(`${cacheBase}.json`)) {
    summary = JSON.parse(readFileSync(`${cacheBase}.json`, "utf8"));
  } else {
    const r = terraform(dir, args);
    const messages = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Json);
    if (r.status !== 0 && r.status !== 2) {
      const errors = messages
        .filter((m) => m.type === "diagnostic" && m.diagnostic.severity === "error")
        .map((m) => `${m.diagnostic.summary}: ${m.diagnostic.detail ?? ""}${m.diagnostic.address ? ` (${m.diagnostic.address})` : ""}`);
      throw new Error(`terraform plan in ${dir} failed (exit ${r.status}):\n${errors.join("\n") || r.stderr || r.stdout}`);
    }
    const changes = messages
      .filter((m) => m.type === "planned_change" && PLAN_ACTIONS[m.change.action])
      .map((m) => `${m.change.resource.addr}: ${PLAN_ACTIONS[m.change.action]}`)
      .sort();
    // Root outputs that change: a batch tells its cases apart by them (each case's outputs are prefixed).
    const outputs = Object.entries<Json>(messages.find((m) => m.type === "outputs")?.outputs ?? {})
      .filter(([, o]) => o.action && o.action !== "noop")
      .map(([n]) => n)
      .sort();
    summary = { exitCode: r.status, changes, outputs };
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
  // A batch's cases are local modules in subdirectories (terraformPlanBatch): their configurations are inputs too.
  for (const sub of readdirSync(dir)
    .filter((d) => d.startsWith(MODULE_DIR_PREFIX))
    .sort()) {
    hash.update(`\n${sub}\n`);
    hash.update(readFileSync(path.join(dir, sub, "main.tf.json")));
  }
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

/** Subdirectories of a batch work directory holding one case's configuration as a local module. */
const MODULE_DIR_PREFIX = "case-";
/** Separates a case's key from an output's name in the batch's root outputs. */
const OUTPUT_SEPARATOR = "__";

export interface BatchCase {
  /** The synthesized stack to plan (the same provider configuration in every case of a batch). */
  config: Json;
  /** The state to plan it against; default: empty. */
  state?: Json;
}

/** The provider configuration names a stack's resources use beyond the default one ("aws.us_east_1"). */
function providerAliases(config: Json): string[] {
  const providers = config.provider?.aws ?? [];
  return (Array.isArray(providers) ? providers : [providers]).filter((p: Json) => p.alias).map((p: Json) => `aws.${p.alias}`);
}

/** A stack as a module: no backend and no provider blocks of its own; the root passes its providers in. */
function asModule(config: Json): Json {
  const { provider: _provider, terraform: tf = {}, ...rest } = config;
  const { backend: _backend, required_providers: required = {}, ...terraformRest } = tf;
  const aws = { ...(required.aws ?? { source: "hashicorp/aws" }), configuration_aliases: providerAliases(config) };
  return { ...rest, terraform: { ...terraformRest, required_providers: { ...required, aws } } };
}

/**
 * The provider configurations of a batch's group of cases: the first group keeps the stacks' own names (`aws`,
 * `aws.us_east_1`); another group's get aliases of their own (`aws.group2`, `aws.group2_us_east_1`).
 */
function groupAlias(group: number, name: string): string {
  if (group === 0) return name;
  const alias = name.includes(".") ? name.split(".")[1] : undefined;
  return `aws.group${group + 1}${alias ? `_${alias}` : ""}`;
}

/** A provider configuration name (`aws`, `aws.us_east_1`) of a group as the case's own plan would spell it. */
function caseProviderName(group: number, name: string): string | undefined {
  if (group === 0) return name.startsWith("aws.group") ? undefined : name;
  const prefix = `aws.group${group + 1}`;
  if (name === prefix) return "aws";
  return name.startsWith(`${prefix}_`) ? `aws.${name.slice(prefix.length + 1)}` : undefined;
}

/** The parts of a case's state under `module.<key>`, with its root outputs prefixed and its group's providers. */
function stateInModule(state: Json, key: string, group: number): { resources: Json[]; outputs: Json } {
  // State records a module's resources with the root provider configuration they were passed (`provider["..."].group2`).
  const provider = (address: string) => {
    const m = /^provider\["([^"]+)"\](?:\.(\w+))?$/.exec(address);
    if (!m || group === 0) return address;
    const name = groupAlias(group, m[2] ? `aws.${m[2]}` : "aws");
    return `provider["${m[1]}"].${name.slice("aws.".length)}`;
  };
  const resources = (state.resources ?? []).map((r: Json) => ({
    ...r,
    ...(r.provider ? { provider: provider(r.provider) } : {}),
    module: r.module ? `module.${key}.${r.module}` : `module.${key}`,
  }));
  const outputs = Object.fromEntries(Object.entries<Json>(state.outputs ?? {}).map(([n, o]) => [`${key}${OUTPUT_SEPARATOR}${n}`, o]));
  return { resources, outputs };
}

/** An address inside `module.<key>` as the case's own plan would spell it, or undefined when it is not the case's. */
function caseAddress(address: string, key: string): string | undefined {
  const prefix = `module.${key}.`;
  return address.startsWith(prefix) ? address.slice(prefix.length) : undefined;
}

/** A module's configuration with its resources' provider keys as the case's own plan would spell them. */
function moduleInCase(module: Json, group: number): Json {
  const rename = (r: Json) =>
    r.provider_config_key ? { ...r, provider_config_key: caseProviderName(group, r.provider_config_key) ?? r.provider_config_key } : r;
  return {
    ...module,
    ...(module.resources ? { resources: module.resources.map(rename) } : {}),
    ...(module.module_calls
      ? {
          module_calls: Object.fromEntries(
            Object.entries<Json>(module.module_calls).map(([n, c]) => [n, { ...c, module: moduleInCase(c.module ?? {}, group) }]),
          ),
        }
      : {}),
  };
}

/** One case's view of the batch's `terraform show -json`: its resource and output changes and its configuration. */
function caseView(plan: Json, key: string, group: number): Json {
  const own = (list: Json[] | undefined) =>
    (list ?? []).flatMap((rc) => {
      const address = caseAddress(rc.address, key);
      if (address === undefined) return [];
      const moduleAddress = rc.module_address === `module.${key}` ? undefined : caseAddress(rc.module_address ?? "", key);
      const { module_address: _m, ...rest } = rc;
      return [
        {
          ...rest,
          address,
          ...(moduleAddress ? { module_address: moduleAddress } : {}),
          ...(rc.previous_address ? { previous_address: caseAddress(rc.previous_address, key) } : {}),
        },
      ];
    });
  const prefix = `${key}${OUTPUT_SEPARATOR}`;
  const outputs = (o: Json | undefined) =>
    Object.fromEntries(
      Object.entries<Json>(o ?? {})
        .filter(([n]) => n.startsWith(prefix))
        .map(([n, v]) => [n.slice(prefix.length), v]),
    );
  const call = plan.configuration?.root_module?.module_calls?.[key];
  // The group's provider configurations under the names the case's stack gives them; the other groups' are not its.
  const providerConfig = Object.fromEntries(
    Object.entries<Json>(plan.configuration?.provider_config ?? {}).flatMap(([name, { alias: _alias, ...p }]) => {
      const own = caseProviderName(group, name);
      return own === undefined ? [] : [[own, own === "aws" ? p : { ...p, alias: own.split(".")[1] }]];
    }),
  );
  return {
    ...plan,
    resource_changes: own(plan.resource_changes),
    resource_drift: own(plan.resource_drift),
    output_changes: outputs(plan.output_changes),
    configuration: { ...plan.configuration, provider_config: providerConfig, root_module: moduleInCase(call?.module ?? {}, group) },
  };
}

/**
 * Plans several cases (a configuration and the state it is planned against) in ONE `terraform plan -refresh=false`
 * and one `show`: each case is a module of the batch's root configuration, with its state under `module.<key>`.
 * A plan's fixed cost (starting Terraform and the provider, loading the provider's schema: seconds) is paid once
 * instead of per case, and a module's resources plan exactly as the same resources at the root do. Each case's
 * result is its own part of the plan, with addresses as its own plan would spell them: `changes`, `exitCode`
 * (2 when one of its resources or outputs changes), `plan` (its resource and output changes and configuration) and
 * `text` (the whole batch's, for failure messages). A configuration error in one case fails the whole batch.
 */
export function terraformPlanBatch(name: string, cases: Record<string, BatchCase>): Record<string, PlanResult> {
  const keys = Object.keys(cases);
  if (keys.length === 0) return {};
  for (const key of keys)
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(key) || key.includes(OUTPUT_SEPARATOR))
      throw new Error(`batch case "${key}": a Terraform module name: a letter, then letters, digits, "-" and single "_"`);
  const dir = path.join(VALIDATE_DIR, name);
  mkdirSync(dir, { recursive: true });
  claimWorkdir(dir, name);
  const offline = Object.fromEntries(keys.map((k) => [k, toOfflineConfig(cases[k].config).config]));
  const first = offline[keys[0]];
  // Cases with the same provider configurations share the root's; cases configured otherwise (another environment's
  // default tags, another region) form a group with aliased copies of theirs (groupAlias), in the same plan.
  const groupKeys = [...new Set(keys.map((k) => JSON.stringify(offline[k].provider ?? null)))];
  const groupOf = Object.fromEntries(keys.map((k) => [k, groupKeys.indexOf(JSON.stringify(offline[k].provider ?? null))]));
  const groupProviders = groupKeys.map((_, group) => {
    const config = offline[keys.find((k) => groupOf[k] === group)!];
    const providers = config.provider?.aws ?? [];
    return (Array.isArray(providers) ? providers : [providers]).map((p: Json) => {
      const alias = groupAlias(group, p.alias ? `aws.${p.alias}` : "aws");
      return alias === "aws" ? p : { ...p, alias: alias.slice("aws.".length) };
    });
  });
  // One module directory per distinct configuration: cases planned against different states share it.
  const moduleDirs = new Map<string, string>();
  for (const key of keys) {
    const text = JSON.stringify(asModule(offline[key]), null, 2);
    const sub = `${MODULE_DIR_PREFIX}${createHash("sha256").update(text).digest("hex").slice(0, 12)}`;
    if (!moduleDirs.has(sub)) {
      mkdirSync(path.join(dir, sub), { recursive: true });
      writeFileSync(path.join(dir, sub, "main.tf.json"), text);
    }
    moduleDirs.set(key, sub);
  }
  const used = new Set(moduleDirs.values());
  for (const d of readdirSync(dir)) if (d.startsWith(MODULE_DIR_PREFIX) && !used.has(d)) rmSync(path.join(dir, d), { recursive: true, force: true });
  const providersOf = (key: string) => Object.fromEntries(["aws", ...providerAliases(offline[key])].map((p) => [p, groupAlias(groupOf[key], p)]));
  const outputs: Json = {};
  for (const key of keys)
    for (const [n, o] of Object.entries<Json>(offline[key].output ?? {}))
      outputs[`${key}${OUTPUT_SEPARATOR}${n}`] = { value: `\${module.${key}.${n}}`, ...(o.sensitive ? { sensitive: true } : {}) };
  const root: Json = {
    terraform: first.terraform,
    provider: { ...first.provider, aws: groupProviders.flat() },
    module: Object.fromEntries(keys.map((k) => [k, { source: `./${moduleDirs.get(k)}`, providers: providersOf(k) }])),
    ...(Object.keys(outputs).length ? { output: outputs } : {}),
  };
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(root, null, 2));
  for (const f of ["terraform.tfstate", "terraform.tfstate.backup", "plan.bin", "plan.json"]) rmSync(path.join(dir, f), { force: true });
  const parts = keys.map((k) => stateInModule(cases[k].state ?? {}, k, groupOf[k]));
  const resources = parts.flatMap((p) => p.resources);
  if (resources.length) {
    const content = JSON.stringify(parts);
    const h = createHash("sha256").update(content).digest("hex");
    const state = {
      version: 4,
      terraform_version: "1.11.0",
      serial: 1,
      lineage: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
      outputs: Object.assign({}, ...parts.map((p) => p.outputs)),
      resources,
      check_results: null,
    };
    writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state, null, 2));
  }
  // Terraform plans only modules `init` (or `get`) recorded; a new module call needs recording, not a provider install.
  const recorded = path.join(dir, ".terraform", "modules", "modules.json");
  const known = existsSync(recorded) ? (JSON.parse(readFileSync(recorded, "utf8")).Modules as Json[]) : [];
  const current = (m: Json) => m.Key === "" || (cases[m.Key] && m.Source === `./${moduleDirs.get(m.Key)}`);
  // The providers and backend as for any work directory; the module calls recorded by `get`, which installs nothing.
  initWorkdir(dir, { ...root, module: undefined });
  if (known.length !== keys.length + 1 || !known.every(current)) must(terraform(dir, ["get", "-no-color"]), `terraform get in ${dir}`);
  let batch: PlanResult;
  try {
    batch = terraformPlan(dir, { refresh: false });
  } catch (err) {
    // Terraform names the batch's module (`module.<key>.aws_sns_topic.x`): say it as the case's own plan would.
    const message = (err as Error).message.replace(/\bmodule\.([A-Za-z][A-Za-z0-9_-]*)\.(\S+?)(?=[)\s,]|$)/g, (whole, key: string, address: string) =>
      key in cases ? (keys.length === 1 ? address : `${address} (case ${key})`) : whole,
    );
    throw new Error(message, { cause: err });
  }
  let shown: Json | undefined;
  const whole = () => (shown ??= batch.plan);
  return Object.fromEntries(
    keys.map((key) => {
      const changes = batch.changes.flatMap((c) => caseAddress(c, key) ?? []);
      const prefix = `${key}${OUTPUT_SEPARATOR}`;
      const allOutputs =
        batch.outputs ??
        Object.entries<Json>(whole().output_changes ?? {})
          .filter(([, o]) => o.actions.join() !== "no-op")
          .map(([n]) => n);
      const changedOutputs = allOutputs.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
      let view: Json | undefined;
      const result: PlanResult = {
        exitCode: changes.length || changedOutputs.length ? 2 : 0,
        changes,
        outputs: changedOutputs,
        get plan() {
          return (view ??= caseView(whole(), key, groupOf[key]));
        },
        get text() {
          return batch.text;
        },
      };
      return [key, result];
    }),
  );
}
