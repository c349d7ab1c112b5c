/**
 * The crafted-state harness: what the world looks like after an apply (and after someone else changed things),
 * without AWS. `appliedState` turns plans into the state an apply would leave; `planAgainstState` plans against
 * that state after a mutation, which is how the tests prove every ownership boundary offline (exit 0: the next plan
 * leaves the change alone; exit 2: Terraform would revert it). Test support only: no CLI uses it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import {
  AWS_PROVIDER_VERSION,
  AWS_SOURCE,
  must,
  prepareWorkdir,
  terraform,
  terraformPlan,
  terraformPlanBatch,
  toOfflineConfig,
  type BatchCase,
  VALIDATE_DIR,
  writeAtomic,
  type Json,
  type PlanResult,
} from "./terraform";
import { placeholder } from "./placeholders";

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

/**
 * What AWS leaves in attributes the configuration does not set, where a placeholder would be refused by the
 * provider's own checks in the next plan. These are optional and computed, so the first plan only says "known after
 * apply":
 * - aws_sns_topic.fifo_throughput_scope: a standard topic has none, and the provider refuses any value unless
 *   fifo_topic is set ("FIFO throughput scope can only be set for FIFO topics";
 *   https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/sns_topic,
 *   check in https://github.com/hashicorp/terraform-provider-aws/blob/v5.100.0/internal/service/sns/topic.go).
 */
export const UNSET_BY_AWS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  aws_sns_topic: { fifo_throughput_scope: "" },
};

/** Fills unknown values in a planned object using the block schema. */
function fillUnknown(value: Json | null, unknown: Json | boolean | undefined, block: Json, address: string): Json {
  const out: Json = { ...(value ?? {}) };
  const unset = UNSET_BY_AWS[address.split(".")[0]] ?? {};
  for (const [name, attr] of Object.entries<Json>(block.attributes ?? {})) {
    const u = unknown && typeof unknown === "object" ? unknown[name] : undefined;
    if (u === true)
      out[name] = name in unset && !(value && value[name] !== null && value[name] !== undefined) ? unset[name] : placeholder(attr.type, name, address);
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
  const h = createHash("sha256")
    .update(JSON.stringify([...resources.values()]))
    .digest("hex");
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
  /**
   * A rendered value as the provider stores it. An EventBridge rule's event_pattern is kept as re-marshalled JSON
   * (Go's encoding/json: object keys sorted, no spaces; the provider's ruleEventPatternJSONDecoder), so the crafted
   * state must hold it that way too or the next round shows the key order as a change.
   */
  const stored = (value: string | undefined, name: string, address: string): string | undefined => {
    if (value === undefined || name !== "event_pattern" || !address.startsWith("aws_cloudwatch_event_rule.")) return value;
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Json)[k])]),
            )
          : v;
    try {
      return JSON.stringify(sorted(JSON.parse(value)));
    } catch {
      return value;
    }
  };
  const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
  // A configured block and its planned instance agree on every literal scalar the configuration gives.
  const sameBlock = (configured: Json, planned: Json) =>
    Object.entries(configured).every(([k, v]) => typeof v === "object" || isTemplate(v) || String(planned?.[k]) === String(v));
  /** The planned value with the configuration's references rendered where it still holds a placeholder. */
  const resolve = (configured: unknown, planned: unknown, name: string, address: string): unknown => {
    if (isTemplate(configured)) return planned === placeholder("string", name, address) ? (stored(render(configured), name, address) ?? planned) : planned;
    if (isObject(configured) && isObject(planned)) {
      // A map of strings the plan could not know at all (a Lambda's environment variables with one reference) is
      // crafted as {}: render it whole when every entry renders, or the next round would still change it.
      const entries = Object.entries(configured);
      if (Object.keys(planned).length === 0 && entries.length > 0 && entries.every(([, v]) => typeof v === "string")) {
        const rendered = entries.map(([k, v]) => [k, isTemplate(v) ? render(v) : v] as const);
        if (rendered.every(([, v]) => v !== undefined)) return Object.fromEntries(rendered);
      }
      for (const [k, v] of entries) if (k in planned) planned[k] = resolve(v, planned[k], k, address);
      return planned;
    }
    if (Array.isArray(planned) && planned.length === 0 && Array.isArray(configured) && configured.some(isTemplate)) {
      // A set of strings with an unknown element is unknown as a whole (an alarm's actions, a function's key value
      // stores, a WAF logging destination), so it was crafted as []: the configuration has elements, the plan none.
      if (!configured.every((v) => typeof v === "string")) return planned;
      const rendered = configured.map((v) => (isTemplate(v) ? render(v) : v));
      return rendered.every((v) => v !== undefined) ? rendered : planned;
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
function appliedStateFile(name: string, stackJson: Json): string {
  return path.join(VALIDATE_DIR, name, `applied-${createHash("sha256").update(JSON.stringify(stackJson)).digest("hex").slice(0, 16)}.json`);
}

export function appliedState(name: string, stackJson: Json, maxRounds = 6): Json {
  const cacheFile = appliedStateFile(name, stackJson);
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
  const applied = mutated(appliedState(name, stackJson), mutate);
  const { dir } = prepareWorkdir(name, stackJson, applied);
  return terraformPlan(dir, { refresh: false });
}

/** Applies `mutate` to every resource instance of a state, by address (`type.name` or `type.name[key]`). */
function mutated(state: Json, mutate: (address: string, attributes: Json) => void): Json {
  for (const r of state.resources)
    for (const i of r.instances) mutate(`${r.type}.${r.name}${i.index_key !== undefined ? `[${JSON.stringify(i.index_key)}]` : ""}`, i.attributes);
  return state;
}

/** One case of planAgainstStates: a mutation of the applied state, or a whole scenario. */
export type CraftedCase =
  | ((address: string, attributes: Json) => void)
  | {
      /** Changes made outside Terraform, as for planAgainstState. @default none */
      readonly mutate?: (address: string, attributes: Json) => void;
      /** Changes the applied state some other way (a resource deleted by hand); gets a copy. @default none */
      readonly state?: (applied: Json) => Json;
      /** The configuration planned against it (a later commit of the repository). @default the stack */
      readonly config?: Json;
    };

/** The batch case that proves a first-round crafted state settled (planAgainstAppliedState). */
const SETTLES = "craftedStateSettles";

/**
 * Plans cases built on the state an apply of this stack would leave, in one batch (terraformPlanBatch). The proof
 * that the crafted state is the applied one (it plans no change against its own configuration) is one more case of
 * the same batch, not a plan of its own: when the first round settles, as it usually does, the batch is the only
 * plan after the empty-state one. When it does not, the state is built round by round (appliedState) and the batch
 * planned again. `casesFor` gets a copy of the state per call.
 */
export function planAgainstAppliedState<K extends string>(
  name: string,
  stackJson: Json,
  casesFor: (applied: () => Json) => Record<K, BatchCase>,
): Record<K, PlanResult> {
  return planAgainstAppliedStates(name, { [name]: { stackJson, casesFor } })[name];
}

/**
 * What a first apply of each stack would do: every stack planned on an empty state, in one batch
 * (`<batchName>-empty`; one stack plans in its own work directory, where `npm run validate`'s plan of the same
 * configuration is a cache hit). Keyed like `stacks`.
 */
export function emptyStatePlans<S extends string>(batchName: string, stacks: Record<S, Json>): Record<S, PlanResult> {
  const names = Object.keys(stacks) as S[];
  if (names.length === 1) {
    const { dir } = prepareWorkdir(names[0], stacks[names[0]]);
    return { [names[0]]: terraformPlan(dir) } as Record<S, PlanResult>;
  }
  const plans = terraformPlanBatch(`${batchName}-empty`, Object.fromEntries(names.map((n, i) => [`stack${i}`, { config: stacks[n] }])));
  return Object.fromEntries(names.map((n, i) => [n, plans[`stack${i}`]])) as Record<S, PlanResult>;
}

/** One stack of planAgainstAppliedStates: its configuration and the cases planned on its applied state. */
export interface AppliedStateCases<K extends string> {
  /** The stack as synthesized. */
  readonly stackJson: Json;
  /** The cases, built on copies of the stack's applied state (one copy per call). */
  readonly casesFor: (applied: () => Json) => Record<K, BatchCase>;
}

/**
 * planAgainstAppliedState for several stacks (each environment of a review, the drift suites of several features):
 * the stacks are planned on empty states in one batch (emptyStatePlans) and every stack's cases and settle proofs
 * in one more, so the whole set costs two plans and two shows instead of two of each per stack. A stack is keyed by
 * the name of its applied state's work directory; the batches plan in `<batchName>-empty` and `<batchName>-batch`
 * (with one stack, as planAgainstAppliedState always did: its own directory and `<name>-batch`). A stack whose
 * first-round state does not settle is built round by round and its cases planned on their own.
 */
export function planAgainstAppliedStates<S extends string, K extends string>(
  batchName: string,
  stacks: Record<S, AppliedStateCases<K>>,
): Record<S, Record<K, PlanResult>> {
  const names = Object.keys(stacks) as S[];
  const firstRound = new Map<S, string>();
  const uncached = names.filter((n) => !existsSync(appliedStateFile(n, stacks[n].stackJson)));
  if (uncached.length) {
    // Every stack's empty-state plan, not only the uncached ones': the same batch a test reads (emptyStatePlans) is
    // then one plan, cached by its inputs.
    const empty = emptyStatePlans(batchName, Object.fromEntries(names.map((n) => [n, stacks[n].stackJson])) as Record<S, Json>);
    const dir = path.join(VALIDATE_DIR, names.length === 1 ? names[0] : `${batchName}-empty`);
    for (const n of uncached)
      firstRound.set(n, JSON.stringify(resolveReferences(stateFromPlan(empty[n].plan, dir), toOfflineConfig(stacks[n].stackJson).config)));
  }
  const cases: Record<string, BatchCase> = {};
  const caseKeys = new Map<S, Record<string, K>>();
  names.forEach((n, i) => {
    const crafted = firstRound.get(n);
    const state = crafted ?? JSON.stringify(appliedState(n, stacks[n].stackJson));
    const own = stacks[n].casesFor(() => JSON.parse(state));
    if (SETTLES in own) throw new Error(`planAgainstAppliedState: "${SETTLES}" is the harness's own case name`);
    const keys: Record<string, K> = {};
    for (const [k, c] of Object.entries<BatchCase>({
      ...own,
      ...(crafted ? { [SETTLES]: { config: stacks[n].stackJson, state: JSON.parse(crafted) } } : {}),
    })) {
      const key = names.length === 1 ? k : `stack${i}-${k}`;
      keys[key] = k as K;
      cases[key] = c;
    }
    caseKeys.set(n, keys);
  });
  const results = terraformPlanBatch(`${batchName}-batch`, cases);
  return Object.fromEntries(
    names.map((n) => {
      const own = Object.fromEntries(Object.entries(caseKeys.get(n)!).map(([key, k]) => [k, results[key]])) as Record<string, PlanResult>;
      const settles = own[SETTLES];
      if (!settles) return [n, own];
      if (process.env.EDGE_TF_DEBUG) process.stderr.write(`appliedState ${n}: round 1 (in the batch): ${settles.changes.join(", ") || "settled"}\n`);
      if (settles.exitCode === 0) {
        const file = appliedStateFile(n, stacks[n].stackJson);
        mkdirSync(path.dirname(file), { recursive: true });
        writeAtomic(file, firstRound.get(n)!);
        delete own[SETTLES];
        return [n, own];
      }
      // Not settled in one round: the state round by round, then this stack's cases on their own.
      const applied = JSON.stringify(appliedState(n, stacks[n].stackJson));
      return [
        n,
        terraformPlanBatch(
          `${n}-batch`,
          stacks[n].casesFor(() => JSON.parse(applied)),
        ),
      ];
    }),
  ) as Record<S, Record<K, PlanResult>>;
}

/**
 * planAgainstState for several cases of one stack at once: every case is planned against its own copy of the
 * applied state, all in ONE Terraform plan (terraformPlanBatch; a plan's fixed cost is seconds), and each result is
 * that case's own part of the plan. `name` names the applied state's work directory, as for planAgainstState; the
 * batch plans in `<name>-batch`.
 */
export function planAgainstStates<K extends string>(name: string, stackJson: Json, cases: Record<K, CraftedCase>): Record<K, PlanResult> {
  return planAgainstStatesOf(name, { [name]: { stackJson, cases } })[name];
}

/**
 * planAgainstStates for several stacks (the drift suites of several features): the stacks' empty-state plans in one
 * batch and every case of every stack in one more (planAgainstAppliedStates). Keyed by each stack's work directory
 * name, as planAgainstStates's `name`.
 */
export function planAgainstStatesOf<S extends string, K extends string>(
  batchName: string,
  stacks: Record<S, { readonly stackJson: Json; readonly cases: Record<K, CraftedCase> }>,
): Record<S, Record<K, PlanResult>> {
  const withCases = Object.entries<{ stackJson: Json; cases: Record<K, CraftedCase> }>(stacks).map(([n, s]) => [
    n,
    { stackJson: s.stackJson, casesFor: craftedCases(s.stackJson, s.cases) },
  ]);
  return planAgainstAppliedStates(batchName, Object.fromEntries(withCases) as Record<S, AppliedStateCases<K>>);
}

/** The batch cases of crafted cases: each on its own copy of the applied state. */
function craftedCases<K extends string>(stackJson: Json, cases: Record<K, CraftedCase>): (applied: () => Json) => Record<K, BatchCase> {
  return (applied) =>
    Object.fromEntries(
      Object.entries<CraftedCase>(cases).map(([key, c]) => {
        const spec = typeof c === "function" ? { mutate: c } : c;
        let state = applied();
        if (spec.state) state = spec.state(state);
        if (spec.mutate) state = mutated(state, spec.mutate);
        return [key, { config: spec.config ?? stackJson, state }];
      }),
    ) as Record<K, BatchCase>;
}
