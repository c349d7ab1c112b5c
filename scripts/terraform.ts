/**
 * Terraform as the judge, offline: validate and plan synthesized stacks with the local hashicorp/aws mirror,
 * dummy credentials and a local backend, and hand the plan to tests as JSON (`terraform show -json`).
 *
 * Used by `npm run validate` and by tests that assert what Terraform will send to AWS, including drift checks
 * against a crafted state (`stateFromPlan`).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The provider version `@cdktf/provider-aws@20.1.0` binds; the only one these checks can use offline. */
export const AWS_PROVIDER_VERSION = "5.100.0";
const AWS_SOURCE = "registry.terraform.io/hashicorp/aws";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
/** Work directories, plan files and caches of the offline checks. */
export const VALIDATE_DIR = path.join(PROJECT_ROOT, ".validate");

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Write-then-rename, for files other processes may read while they are written: test workers share the plan cache,
 * the provider schema and the crafted states, and a reader must never see half a file.
 */
function writeAtomic(file: string, data: string | Buffer): void {
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
  const home = os.homedir();
  const candidates = [
    process.env.TF_PROVIDER_MIRROR,
    "/opt/tf-plugins",
    path.join(home, ".terraform.d", "plugins"),
    path.join(home, ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    process.env.TF_PLUGIN_CACHE_DIR,
  ].filter((c): c is string => Boolean(c));
  return candidates.find((root) => existsSync(path.join(root, AWS_SOURCE, AWS_PROVIDER_VERSION, platform())));
}

/** Why the offline checks cannot run here, or undefined when they can. */
export function offlineUnavailableReason(): string | undefined {
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
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function must(r: RunResult, what: string): RunResult {
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

// ---------------------------------------------------------------------------------------------------------------
// Crafted state: what the world looks like after apply (and after someone else changed things), without AWS.

let providerSchemaCache: Json | undefined;

/** The aws provider's schema (`terraform providers schema -json`), cached on disk per provider version. */
export function awsProviderSchema(dir: string): Json {
  if (providerSchemaCache) return providerSchemaCache;
  const file = path.join(VALIDATE_DIR, `aws-${AWS_PROVIDER_VERSION}-schema.json`);
  if (!existsSync(file)) {
    const r = must(terraform(dir, ["providers", "schema", "-json"]), "terraform providers schema");
    const all = JSON.parse(r.stdout);
    const key = Object.keys(all.provider_schemas).find((k) => k.endsWith("hashicorp/aws"))!;
    writeAtomic(file, JSON.stringify(all.provider_schemas[key].resource_schemas));
  }
  providerSchemaCache = JSON.parse(readFileSync(file, "utf8"));
  return providerSchemaCache!;
}

/** A value of the attribute's type standing in for what AWS would have returned. */
function placeholder(type: unknown, name: string, address: string): unknown {
  // Providers parse ARNs they receive (a function ARN in a distribution's function_association), so ARNs must look like ARNs.
  if (type === "string" && (name === "arn" || name.endsWith("_arn")))
    return `arn:aws:${address.split("_")[1] ?? "service"}::000000000000:${address}.${name}`.replace(/[^A-Za-z0-9._/:-]/g, "_");
  if (type === "string" && name.endsWith("_time")) return "2026-01-01T00:00:00Z";
  if (type === "string") return `${address}.${name}`.replace(/[^A-Za-z0-9._/-]/g, "_");
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return [];
  if (Array.isArray(type) && type[0] === "map") return {};
  return null;
}

/** Fills unknown values in a planned object using the block schema. */
function fillUnknown(value: Json | null, unknown: Json | boolean | undefined, block: Json, address: string): Json {
  const out: Json = { ...(value ?? {}) };
  for (const [name, attr] of Object.entries<Json>(block.attributes ?? {})) {
    const u = unknown && typeof unknown === "object" ? unknown[name] : undefined;
    if (u === true) out[name] = placeholder(attr.type, name, address);
    else if (!(name in out)) out[name] = null;
  }
  for (const [name, nested] of Object.entries<Json>(block.block_types ?? {})) {
    const u = unknown && typeof unknown === "object" ? unknown[name] : undefined;
    const v = out[name];
    if (nested.nesting_mode === "single" || nested.nesting_mode === "group") {
      out[name] = v ? fillUnknown(v, u, nested.block, address) : null;
    } else {
      const items: Json[] = Array.isArray(v) ? v : [];
      out[name] = items.map((item, i) => fillUnknown(item, Array.isArray(u) ? u[i] : undefined, nested.block, address));
    }
  }
  return out;
}

/** A plan's `after_sensitive` marks as state paths (`[[{type: "get_attr", value: "value"}]]`). */
function sensitivePaths(marks: unknown, prefix: Json[] = []): Json[][] {
  if (marks === true) return [prefix];
  if (Array.isArray(marks)) return marks.flatMap((m, i) => sensitivePaths(m, [...prefix, { type: "index", value: { value: i, type: "number" } }]));
  if (marks && typeof marks === "object") return Object.entries(marks).flatMap(([k, m]) => sensitivePaths(m, [...prefix, { type: "get_attr", value: k }]));
  return [];
}

/**
 * Builds a Terraform state (format 4) from a plan: every managed resource as the plan leaves it, unknown values
 * replaced by placeholders of the right type. `mutate` may change attributes to reflect changes made outside
 * Terraform.
 */
export function stateFromPlan(plan: Json, dir: string, mutate?: (address: string, attributes: Json) => void): Json {
  const schemas = awsProviderSchema(dir);
  const byResource = new Map<string, Json>();
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed" || rc.change.after === null) continue; // deleted, or only read
    const schema = schemas[rc.type];
    if (!schema) throw new Error(`no provider schema for ${rc.type}`);
    const attributes = fillUnknown(rc.change.after, rc.change.after_unknown, schema.block, rc.address);
    if (attributes.id === null || attributes.id === undefined) attributes.id = rc.address;
    mutate?.(rc.address, attributes);
    const key = `${rc.module_address ?? ""}|${rc.type}|${rc.name}`;
    const entry = byResource.get(key) ?? {
      ...(rc.module_address ? { module: rc.module_address } : {}),
      mode: "managed",
      type: rc.type,
      name: rc.name,
      provider: providerAddress(plan, rc),
      instances: [],
    };
    entry.instances.push({
      ...(rc.index !== undefined ? { index_key: rc.index } : {}),
      schema_version: schema.version ?? 0,
      attributes,
      // Terraform plans an update when only the sensitivity marks differ (aws_ssm_parameter's value).
      sensitive_attributes: sensitivePaths(rc.change.after_sensitive),
    });
    byResource.set(key, entry);
  }
  return {
    version: 4,
    terraform_version: "1.11.0",
    serial: 1,
    // Derived from the content, so the same state has the same bytes and its plans can be cached.
    lineage: lineageOf(byResource),
    outputs: outputsFromPlan(plan),
    resources: [...byResource.values()],
    check_results: null,
  };
}

/**
 * Root outputs as the plan leaves them; an unknown value gets a placeholder that the next round replaces. Only scalar
 * outputs are carried (a state output needs its type); others would show as changes.
 */
function outputsFromPlan(plan: Json): Json {
  const outputs: Json = {};
  for (const [name, change] of Object.entries<Json>(plan.output_changes ?? {})) {
    if (change.actions?.includes("delete")) continue;
    const value = change.after_unknown === true ? `output.${name}` : change.after;
    const type = { string: "string", number: "number", boolean: "bool" }[typeof value as string];
    if (type) outputs[name] = { value, type, ...(change.after_sensitive === true ? { sensitive: true } : {}) };
  }
  return outputs;
}

function lineageOf(resources: Map<string, Json>): string {
  const h = createHash("sha256").update(JSON.stringify([...resources.values()])).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The configuration block of a resource change (root module). */
function configOf(plan: Json, rc: Json): Json | undefined {
  return (plan.configuration?.root_module?.resources ?? []).find((r: Json) => r.address === rc.address.replace(/\[[^\]]*\]$/, ""));
}

/** The provider address as state records it, including an alias (provider["..."].us_east_1). */
function providerAddress(plan: Json, rc: Json): string {
  const key: string = configOf(plan, rc)?.provider_config_key ?? "aws";
  const alias = key.includes(".") ? key.split(".")[1] : undefined;
  return `provider["${AWS_SOURCE}"]${alias ? `.${alias}` : ""}`;
}

/**
 * Renders the references a plan on an empty state cannot know (`${aws_s3_bucket.x.arn}`) from the other resources'
 * crafted values, at any depth (a distribution's origin domain, its function associations) and in outputs, so the
 * state is what a second plan round would compute and appliedState usually settles in one round. It also matters
 * for correctness: some updates call AWS while planning (aws_sfn_state_machine validates a known definition with
 * ValidateStateMachineDefinition), so a placeholder must not survive into a plan that updates it. A value is only
 * replaced while it still holds its placeholder; references to values that are not plain strings are left to the
 * next round.
 */
function resolveReferences(state: Json, config: Json): Json {
  const values = new Map<string, Json>();
  for (const r of state.resources) if (r.instances.length === 1) values.set(`${r.type}.${r.name}`, r.instances[0].attributes);
  const lookup = (ref: string): string | undefined => {
    const m = /^([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)$/.exec(ref);
    const v = m ? values.get(m[1])?.[m[2]] : undefined;
    return typeof v === "string" ? v : undefined;
  };
  const isTemplate = (v: unknown): v is string => typeof v === "string" && /(^|[^$])\$\{/.test(v);
  /** The template with every reference rendered, or undefined when one cannot be yet. */
  const render = (template: string): string | undefined => {
    let complete = true;
    const rendered = template.replace(/(\$+)\{([^}]*)\}/g, (whole, dollars: string, ref: string) => {
      if (dollars.length % 2 === 0) return whole;
      const v = lookup(ref);
      if (v === undefined) complete = false;
      return `${dollars.slice(1)}${v ?? ""}`;
    });
    return complete ? rendered.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{") : undefined;
  };
  const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
  // A configured block and its planned instance agree on every literal scalar the configuration gives.
  const sameBlock = (configured: Json, planned: Json) =>
    Object.entries(configured).every(([k, v]) => typeof v === "object" || isTemplate(v) || String(planned?.[k]) === String(v));
  /** The planned value with the configuration's references rendered where it still holds a placeholder. */
  const resolve = (configured: unknown, planned: unknown, name: string, address: string): unknown => {
    if (isTemplate(configured)) return planned === placeholder("string", name, address) ? (render(configured) ?? planned) : planned;
    if (isObject(configured) && isObject(planned)) {
      for (const [k, v] of Object.entries(configured)) if (k in planned) planned[k] = resolve(v, planned[k], k, address);
      return planned;
    }
    if (Array.isArray(planned) && Array.isArray(configured) && configured.some(isTemplate) && configured.length === planned.length) {
      // A list of strings with unknown elements: the plan shows those as null.
      return planned.map((v, i) => (v === null && isTemplate(configured[i]) ? (render(configured[i]) ?? v) : v));
    }
    if (Array.isArray(planned) && (isObject(configured) || Array.isArray(configured))) {
      // Blocks: cdktf writes one as an object, several as a list; set blocks come back in any order, so pair by content.
      const unpaired = new Set(planned.keys());
      for (const block of Array.isArray(configured) ? configured : [configured]) {
        if (!isObject(block)) continue;
        const i = [...unpaired].find((j) => sameBlock(block, planned[j]));
        if (i === undefined) continue;
        unpaired.delete(i);
        planned[i] = resolve(block, planned[i], name, address);
      }
    }
    return planned;
  };
  for (const r of state.resources) {
    const configured = config.resource?.[r.type]?.[r.name];
    if (!configured || r.instances.length !== 1) continue;
    resolve(configured, r.instances[0].attributes, "", `${r.type}.${r.name}`);
  }
  for (const [name, output] of Object.entries<Json>(state.outputs ?? {})) {
    const template = config.output?.[name]?.value;
    if (isTemplate(template) && output.value === `output.${name}`) output.value = render(template) ?? output.value;
  }
  return state;
}

/**
 * The state an apply of this stack would leave, without AWS: plan on an empty state, turn the plan into a state,
 * and plan again against it (-refresh=false) until nothing changes, so values that flow between resources
 * (an id into a bucket policy) and provider defaults settle. Each round costs one plan.
 */
export function appliedState(name: string, stackJson: Json, maxRounds = 6): Json {
  const cacheFile = path.join(VALIDATE_DIR, name, `applied-${createHash("sha256").update(JSON.stringify(stackJson)).digest("hex").slice(0, 16)}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, "utf8"));
  let { dir } = prepareWorkdir(name, stackJson);
  let plan = terraformPlan(dir);
  for (let round = 0; round < maxRounds; round++) {
    const state = resolveReferences(stateFromPlan(plan.plan, dir), toOfflineConfig(stackJson).config);
    ({ dir } = prepareWorkdir(name, stackJson, state));
    plan = terraformPlan(dir, { refresh: false });
    if (process.env.EDGE_TF_DEBUG) process.stderr.write(`appliedState ${name}: round ${round + 1}: ${plan.changes.join(", ") || "settled"}\n`);
    if (plan.exitCode === 0) {
      writeAtomic(cacheFile, JSON.stringify(state));
      return state;
    }
  }
  throw new Error(`applied state of ${name} did not settle after ${maxRounds} rounds; still changing:\n${plan.changes.join("\n")}\n${plan.text}`);
}

/**
 * Plans a stack against the state an apply would leave, after `mutate` applied changes made outside Terraform
 * (an app team's published function code, a promoted distribution). This is the drift proof used by the
 * ownership tests: exit code 0 means the next plan leaves those changes alone.
 */
export function planAgainstState(name: string, stackJson: Json, mutate: (address: string, attributes: Json) => void): PlanResult {
  const applied = appliedState(name, stackJson);
  for (const r of applied.resources) for (const i of r.instances) mutate(`${r.type}.${r.name}${i.index_key !== undefined ? `[${JSON.stringify(i.index_key)}]` : ""}`, i.attributes);
  const { dir } = prepareWorkdir(name, stackJson, applied);
  return terraformPlan(dir, { refresh: false });
}
