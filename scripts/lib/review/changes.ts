/**
 * Reads a Terraform plan (`terraform show -json`) into the changes a reviewer cares about: one entry per resource
 * that is created, updated, deleted, replaced, moved, imported or forgotten, with the values that change down to
 * the leaves of nested blocks (elements paired by their key: `path_pattern`, `origin_id`, `event_type`...), JSON
 * documents compared as documents, unknowns and sensitive values marked, and the crafted placeholders of an
 * offline plan shown as "(computed by AWS)". Pure functions: no Terraform, no files.
 *
 * Plan JSON format: https://developer.hashicorp.com/terraform/internals/json-format#change-representation
 */
import { COMPUTED_BY_AWS, PLACEHOLDER_TIME, withoutPlaceholders } from "../placeholders";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** What a plan does to one resource, as a reviewer names it. */
export const ChangeAction = {
  CREATE: "create",
  /** Brought under management from AWS (an `import` block), possibly with changes. */
  IMPORT: "import",
  UPDATE: "update",
  /** Only its address changes (a `moved` block or cdktf `moveTo`): nothing happens in AWS. */
  MOVE: "move",
  DELETE: "delete",
  /** Left in AWS but no longer in the state (a `removed` block with `destroy = false`): nobody manages it any more. */
  FORGET: "forget",
  REPLACE: "replace",
} as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];

/** Order of the counts in a stack's header line. */
export const ACTION_ORDER: readonly ChangeAction[] = [
  ChangeAction.CREATE,
  ChangeAction.IMPORT,
  ChangeAction.UPDATE,
  ChangeAction.MOVE,
  ChangeAction.DELETE,
  ChangeAction.FORGET,
  ChangeAction.REPLACE,
];

/** How a replacement happens: Terraform's default, or `create_before_destroy`. */
export const ReplaceOrder = {
  /** `["delete","create"]`: the old one goes first, so there is a moment without either. */
  DELETE_FIRST: "delete-then-create",
  /** `["create","delete"]`: the new one exists before the old one is deleted. */
  CREATE_FIRST: "create-before-destroy",
} as const;
export type ReplaceOrder = (typeof ReplaceOrder)[keyof typeof ReplaceOrder];

/**
 * A value as shown to a reviewer: known, known only after apply, masked, crafted by the offline review (AWS will
 * compute it), or absent (an element that is added or removed).
 */
export type Shown = { kind: "known"; value: unknown } | { kind: "unknown" } | { kind: "sensitive" } | { kind: "computed" } | { kind: "absent" };

/** One value that differs between before and after: a leaf, a whole element of a nested block, or a document. */
export interface AttributeChange {
  /** Top-level attribute or block name (`bucket`, `ordered_cache_behavior`, `tags`). */
  name: string;
  /** Where in the resource: `ordered_cache_behavior["/campaign/*"].function_association["viewer-request"].function_arn`. */
  path: string;
  before: Shown;
  after: Shown;
  /** For an element added or removed: its leaves (known ones with their values, unknown ones marked). */
  leaves?: AttributeChange[];
  /** For a JSON document (a policy, a state machine definition): the diff of both sides, keys sorted. */
  documentDiff?: string[];
}

export interface ResourceChange {
  /** Resource address (`aws_s3_bucket.site-web_bucket_1A2B3C4D`). */
  address: string;
  /** Address in the prior state when Terraform moves it (a `moved` block or cdktf moveTo). */
  previousAddress?: string;
  /** Resource type (`aws_s3_bucket`). */
  type: string;
  action: ChangeAction;
  /** For replacements: whether the new one is created first. */
  replaceOrder?: ReplaceOrder;
  /** For imports: the id imported. */
  importId?: string;
  /** For replacements: the attributes that force it (plan `replace_paths`), as dotted paths. */
  forcedBy: string[];
  /** Terraform's reason for a replacement or delete (`replace_because_cannot_update`, ...). */
  reason?: string;
  /** Values that change (updates, imports, replacements); for creates and deletes, every known top-level attribute. */
  attributes: AttributeChange[];
  /** Attributes (paths) whose value becomes known only after apply and that held nothing worth showing before. */
  unknownAfter: string[];
  /** The raw values, for the platform flags (shape comparison, names). */
  before: Json | null;
  after: Json | null;
}

/** How to read a plan. */
export interface ReadOptions {
  /**
   * The plan was made offline against a crafted state: values that are crafted placeholders are shown as
   * "(computed by AWS)", and a placeholder becoming unknown is no change worth a line.
   */
  placeholders?: boolean;
}

/** Plan actions -> reviewer action; undefined for no-op and read (and moves/imports, decided by the caller). */
export function actionOf(actions: string[]): ChangeAction | undefined {
  const a = actions.join("+");
  if (a === "create") return ChangeAction.CREATE;
  if (a === "update") return ChangeAction.UPDATE;
  if (a === "delete") return ChangeAction.DELETE;
  if (a === "forget") return ChangeAction.FORGET;
  if (a === "delete+create" || a === "create+delete") return ChangeAction.REPLACE;
  return undefined;
}

/** What Terraform's `action_reason` means, for a replacement or delete that names no attribute. */
export const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "the resource is tainted (a failed apply or `terraform taint`)",
  replace_by_request: "replacement was requested (`-replace`)",
  replace_by_triggers: "a `replace_triggered_by` reference changed",
  replace_because_cannot_update: "the provider cannot update it in place",
  delete_because_no_resource_config: "its configuration was removed",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "its count/for_each form changed",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "the target of its moved block does not exist",
  read_because_config_unknown: "its configuration is known only after apply",
  read_because_dependency_pending: "it depends on a pending change",
};

/** The sensitivity or unknown mark of one attribute or element (`true`, a nested structure, or absent). */
function markOf(marks: unknown, key: string | number): unknown {
  if (marks === true) return true;
  if (typeof key === "number") return Array.isArray(marks) ? marks[key] : undefined;
  return marks && typeof marks === "object" && !Array.isArray(marks) ? (marks as Json)[key] : undefined;
}

/** Whether a mark structure marks anything at all (a nested `true` anywhere). */
export function anyMarked(mark: unknown): boolean {
  if (mark === true) return true;
  if (Array.isArray(mark)) return mark.some(anyMarked);
  if (mark && typeof mark === "object") return Object.values(mark).some(anyMarked);
  return false;
}

/**
 * A value with the parts marked sensitive replaced by `(sensitive)`: a nested block keeps its other fields readable,
 * a marked leaf never shows.
 */
export function maskSensitive(value: unknown, mark: unknown): unknown {
  if (mark === true) return SENSITIVE;
  if (!mark || typeof mark !== "object" || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v, i) => maskSensitive(v, Array.isArray(mark) ? mark[i] : undefined));
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, maskSensitive(v, (mark as Json)[k])]));
}

/** What a masked value renders as; never the value. */
export const SENSITIVE = "(sensitive)";
/** What an unknown leaf inside a known block renders as. */
export const KNOWN_AFTER_APPLY = "(known after apply)";

/** A value with the leaves marked unknown replaced by "(known after apply)". */
function markUnknown(value: unknown, mark: unknown): unknown {
  if (mark === true) return KNOWN_AFTER_APPLY;
  if (!mark || typeof mark !== "object") return value;
  if (Array.isArray(mark)) {
    const items = Array.isArray(value) ? [...value] : [];
    mark.forEach((m, i) => (items[i] = markUnknown(items[i], m)));
    return items;
  }
  const out: Json = value && typeof value === "object" && !Array.isArray(value) ? { ...(value as Json) } : {};
  for (const [k, m] of Object.entries(mark as Json)) out[k] = markUnknown(out[k], m);
  return out;
}

/** Crafted placeholders replaced by "(computed by AWS)" at any depth. */
function cleanPlaceholders(value: unknown): unknown {
  if (typeof value === "string") return withoutPlaceholders(value);
  if (Array.isArray(value)) return value.map(cleanPlaceholders);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, cleanPlaceholders(v)]));
  return value;
}

/**
 * A value without the empty leaves providers fill in for unset arguments (null, "", false, 0, [], {}): the crafted
 * state and AWS's answers differ only there, and a reviewer never needs them. Array positions are kept (null), so
 * sensitivity marks still line up; undefined when nothing is left.
 */
export function withoutEmpty(value: unknown): unknown {
  if (value === null || value === undefined || value === "" || value === false || value === 0) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(withoutEmpty);
    return items.every((i) => i === undefined) ? undefined : items.map((i) => (i === undefined ? null : i));
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Json)
      .map(([k, v]) => [k, withoutEmpty(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

const isEmpty = (v: unknown) => withoutEmpty(v) === undefined;

/** Stable JSON (sorted keys), so values compare and print the same whatever order the provider gives. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Json)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** A value with object keys sorted at every depth (documents are compared and printed this way). */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys((value as Json)[k])]),
    );
  return value;
}

/** A replace path (`[["origin", 0, "domain_name"]]`) as `origin[0].domain_name`. */
export function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** A string holding a JSON object or array (a policy, a state machine definition, an event pattern), parsed. */
export function parseDocument(value: unknown): Json | unknown[] | undefined {
  if (typeof value !== "string" || !/^\s*[{[]/.test(value)) return undefined;
  try {
    const parsed = JSON.parse(value);
    return parsed && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fields that identify an element of a nested block, most specific first: cache behaviors by path pattern, origins
 * by id, function associations by event type, custom error responses by code, policy statements by Sid.
 */
export const ELEMENT_KEYS: readonly string[] = [
  "path_pattern",
  "origin_id",
  "event_type",
  "error_code",
  "Sid",
  "sid",
  "key",
  "name",
  "header_name",
  "id",
  "domain_name",
];

/** The field that tells the elements of both lists apart (present, scalar and unique on each side), if any. */
function elementKey(before: unknown[], after: unknown[]): string | undefined {
  const objects = [...before, ...after];
  if (!objects.length || !objects.every((o) => o && typeof o === "object" && !Array.isArray(o))) return undefined;
  return ELEMENT_KEYS.find((k) =>
    [before, after].every((side) => {
      const values = side.map((o) => (o as Json)[k]);
      return values.every((v) => (typeof v === "string" && v !== "") || typeof v === "number") && new Set(values).size === values.length;
    }),
  );
}

/** Up to this many elements a list of scalars (aliases, methods) is shown whole; beyond, only what was added or removed. */
const SHORT_LIST = 8;

class Differ {
  readonly changes: AttributeChange[] = [];
  readonly unknown: string[] = [];
  constructor(private readonly opts: ReadOptions) {}

  /** A leaf (or a whole value) as shown: masked where sensitive, placeholders named for what they are. */
  shown(value: unknown, sensitive: unknown, unknown?: unknown): Shown {
    if (unknown === true) return { kind: "unknown" };
    if (sensitive === true) return { kind: "sensitive" };
    if (this.opts.placeholders && typeof value === "string" && (value === PLACEHOLDER_TIME || withoutPlaceholders(value) === COMPUTED_BY_AWS))
      return { kind: "computed" };
    let v = maskSensitive(value, sensitive);
    if (anyMarked(unknown)) v = markUnknown(v, unknown);
    if (this.opts.placeholders) v = cleanPlaceholders(v);
    // Blocks and maps without their empty defaults; a scalar as it is (0 and false can be the change).
    if (v !== null && typeof v === "object") {
      const cleaned = withoutEmpty(v);
      return cleaned === undefined ? { kind: "absent" } : { kind: "known", value: cleaned };
    }
    return v === null || v === undefined ? { kind: "absent" } : { kind: "known", value: v };
  }

  /** Every leaf of an element that is added or removed, with its value (unknown ones marked). */
  leaves(path: string, name: string, value: unknown, sensitive: unknown, unknown: unknown): AttributeChange[] {
    if (unknown === true) return [{ name, path, before: { kind: "absent" }, after: { kind: "unknown" } }];
    if (sensitive === true) return [{ name, path, before: { kind: "absent" }, after: { kind: "sensitive" } }];
    if (Array.isArray(value) && value.some((v) => v && typeof v === "object")) {
      const key = elementKey([], value);
      return value.flatMap((v, i) => this.leaves(`${path}[${key ? JSON.stringify((v as Json)[key]) : i}]`, name, v, markOf(sensitive, i), markOf(unknown, i)));
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const keys = new Set([...Object.keys(value), ...(unknown && typeof unknown === "object" && !Array.isArray(unknown) ? Object.keys(unknown) : [])]);
      return [...keys].sort().flatMap((k) => this.leaves(`${path}.${k}`, name, (value as Json)[k], markOf(sensitive, k), markOf(unknown, k)));
    }
    const shown = this.shown(value, sensitive);
    return shown.kind === "absent" || (shown.kind === "known" && isEmpty(shown.value)) ? [] : [{ name, path, before: { kind: "absent" }, after: shown }];
  }

  /** Compares one value of both sides and records what differs, down to the leaves. */
  diff(path: string, name: string, b: unknown, a: unknown, bs: unknown, as: unknown, unknown: unknown): void {
    if (unknown === true) {
      // Computed by AWS after apply (an ARN, an etag): only worth a line when it held something a reviewer knows.
      const before = this.shown(b, bs);
      if (before.kind === "absent" || before.kind === "computed" || (before.kind === "known" && isEmpty(before.value))) this.unknown.push(path);
      else this.changes.push({ name, path, before, after: { kind: "unknown" } });
      return;
    }
    if (bs === true || as === true) {
      if (stableJson(b) !== stableJson(a) || (bs === true) !== (as === true))
        this.changes.push({ name, path, before: this.shown(b, bs), after: this.shown(a, as) });
      return;
    }
    const bDoc = parseDocument(b);
    const aDoc = parseDocument(a);
    if (bDoc || aDoc) return this.document(path, name, b, a, bDoc, aDoc);
    const bList = Array.isArray(b) ? b : isEmpty(b) ? [] : undefined;
    const aList = Array.isArray(a) ? a : isEmpty(a) ? [] : undefined;
    if (bList && aList && (Array.isArray(b) || Array.isArray(a)) && !TAG_ATTRIBUTES.includes(path)) return this.list(path, name, bList, aList, bs, as, unknown);
    const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if ((isObj(b) || isObj(a)) && (isObj(b) || isEmpty(b)) && (isObj(a) || isEmpty(a)) && !TAG_ATTRIBUTES.includes(path)) {
      const bo = (isObj(b) ? b : {}) as Json;
      const ao = (isObj(a) ? a : {}) as Json;
      const um = unknown && typeof unknown === "object" ? Object.keys(unknown) : [];
      for (const k of [...new Set([...Object.keys(bo), ...Object.keys(ao), ...um])].sort())
        this.diff(`${path}.${k}`, name, bo[k], ao[k], markOf(bs, k), markOf(as, k), markOf(unknown, k));
      return;
    }
    if (stableJson(withoutEmpty(b) ?? null) === stableJson(withoutEmpty(a) ?? null) && !anyMarked(unknown)) return;
    const before = this.shown(b, bs);
    const after = this.shown(a, as, unknown);
    if (before.kind === "computed" && after.kind === "computed") return;
    this.changes.push({ name, path, before, after });
  }

  /** JSON in strings: both sides parsed, keys sorted; equal documents are no change, others a diff of what changed. */
  private document(path: string, name: string, b: unknown, a: unknown, bDoc: unknown, aDoc: unknown): void {
    const text = (raw: unknown, doc: unknown) => (doc !== undefined ? JSON.stringify(sortedKeys(doc), null, 2) : isEmpty(raw) ? "" : String(raw));
    const bText = text(b, bDoc);
    const aText = text(a, aDoc);
    if (bText === aText) return;
    const clean = (t: string) => (this.opts.placeholders ? withoutPlaceholders(t) : t);
    const lines = (t: string) => (t === "" ? [] : clean(t).split("\n"));
    const documentDiff = lineDiff(lines(bText), lines(aText), 1);
    if (!documentDiff.some((l) => l.startsWith("+") || l.startsWith("-"))) return; // only crafted values differ
    this.changes.push({ name, path, before: this.shown(b, undefined), after: this.shown(a, undefined), documentDiff });
  }

  /** Lists: blocks element by element (paired by key, else by position); scalars whole when short. */
  private list(path: string, name: string, b: unknown[], a: unknown[], bs: unknown, as: unknown, unknown: unknown): void {
    const blocks = [...b, ...a].some((v) => v !== null && typeof v === "object");
    if (!blocks) {
      if (stableJson(b) === stableJson(a) && !anyMarked(unknown)) return;
      if (b.length + a.length <= SHORT_LIST * 2 || anyMarked(unknown)) {
        if (stableJson([...b].map(String).sort()) === stableJson([...a].map(String).sort()) && !anyMarked(unknown)) return; // a set in another order
        this.changes.push({ name, path, before: b.length ? this.shown(b, bs) : { kind: "absent" }, after: this.shown(a, as, unknown) });
        return;
      }
      const added = a.filter((v) => !b.some((x) => stableJson(x) === stableJson(v)));
      const removed = b.filter((v) => !a.some((x) => stableJson(x) === stableJson(v)));
      for (const v of removed) this.changes.push({ name, path: `${path}[…]`, before: this.shown(v, undefined), after: { kind: "absent" } });
      for (const v of added) this.changes.push({ name, path: `${path}[…]`, before: { kind: "absent" }, after: this.shown(v, undefined) });
      return;
    }
    const key = elementKey(
      b.filter((v) => !isEmpty(v)),
      a.filter((v) => !isEmpty(v)),
    );
    const label = (v: unknown, i: number) => (key ? `[${JSON.stringify((v as Json)[key])}]` : `[${i}]`);
    const pairs: { bi?: number; ai?: number; label: string }[] = [];
    if (key) {
      const afterIndex = new Map(a.map((v, i) => [(v as Json)?.[key], i]));
      const beforeKeys = new Set(b.map((v) => (v as Json)?.[key]));
      b.forEach((v, i) => pairs.push({ bi: i, ai: afterIndex.get((v as Json)?.[key]), label: label(v, i) }));
      a.forEach((v, i) => !beforeKeys.has((v as Json)?.[key]) && pairs.push({ ai: i, label: label(v, i) }));
    } else {
      for (let i = 0; i < Math.max(b.length, a.length); i++)
        pairs.push({ bi: i < b.length ? i : undefined, ai: i < a.length ? i : undefined, label: `[${i}]` });
    }
    for (const { bi, ai, label: l } of pairs) {
      const p = `${path}${l}`;
      if (bi !== undefined && ai !== undefined) this.diff(p, name, b[bi], a[ai], markOf(bs, bi), markOf(as, ai), markOf(unknown, ai));
      else if (ai !== undefined) {
        const leaves = this.leaves(p, name, a[ai], markOf(as, ai), markOf(unknown, ai));
        if (leaves.length)
          this.changes.push({ name, path: p, before: { kind: "absent" }, after: this.shown(a[ai], markOf(as, ai), markOf(unknown, ai)), leaves });
      } else if (bi !== undefined) {
        const leaves = this.leaves(p, name, b[bi], markOf(bs, bi), undefined);
        if (leaves.length)
          this.changes.push({
            name,
            path: p,
            before: this.shown(b[bi], markOf(bs, bi)),
            after: { kind: "absent" },
            leaves: leaves.map((l) => ({ ...l, before: l.after, after: { kind: "absent" } })),
          });
      }
    }
    // Same elements in another order (cache behaviors are matched in order): that is a change of its own.
    if (key) {
      const order = (side: unknown[]) =>
        side.map((v) => (v as Json)?.[key]).filter((k) => a.some((x) => (x as Json)?.[key] === k) && b.some((x) => (x as Json)?.[key] === k));
      if (stableJson(order(b)) !== stableJson(order(a)) && name === "ordered_cache_behavior")
        this.changes.push({ name, path: `${path} (order)`, before: { kind: "known", value: order(b) }, after: { kind: "known", value: order(a) } });
    }
  }
}

/** Line diff (longest common subsequence), `-`/`+`/` ` prefixed; unchanged runs beyond `context` lines are shortened. */
export function lineDiff(before: string[], after: string[], context = 2): string[] {
  const n = before.length;
  const m = after.length;
  if (n * m > 250_000) return [...before.map((l) => `- ${l}`), ...after.map((l) => `+ ${l}`)];
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      out.push(`  ${before[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`- ${before[i++]}`);
    else out.push(`+ ${after[j++]}`);
  }
  const keep = out.map((_l, k) => out.slice(Math.max(0, k - context), k + context + 1).some((x) => !x.startsWith("  ")));
  const shortened: string[] = [];
  out.forEach((l, k) => {
    if (keep[k]) shortened.push(l);
    else if (keep[k - 1] || k === 0) shortened.push("  …");
  });
  return shortened;
}

/** Reads one resource change of a plan; undefined for no-ops, reads and data sources. */
export function readResourceChange(rc: Json, opts: ReadOptions = {}): ResourceChange | undefined {
  if (rc.mode !== "managed") return undefined;
  const c = rc.change ?? {};
  const actions: string[] = c.actions ?? [];
  const previousAddress = rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined;
  const importing = c.importing && typeof c.importing === "object" ? c.importing : undefined;
  let action = actionOf(actions);
  if (importing && (action === ChangeAction.UPDATE || actions.join() === "no-op")) action = ChangeAction.IMPORT;
  if (!action && previousAddress && actions.join() === "no-op") action = ChangeAction.MOVE;
  if (!action) return undefined;
  const before: Json | null = c.before ?? null;
  const after: Json | null = c.after ?? null;
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {}), ...Object.keys(c.after_unknown ?? {})])].sort();
  const differ = new Differ(opts);
  const attributes: AttributeChange[] = [];
  const unknownAfter: string[] = [];
  const whole = action === ChangeAction.CREATE || action === ChangeAction.DELETE || action === ChangeAction.FORGET;
  for (const name of names) {
    if (name === "id" && !whole) continue;
    if (whole) {
      const creating = action === ChangeAction.CREATE;
      const unknown = creating ? markOf(c.after_unknown, name) : undefined;
      const v = creating ? after?.[name] : before?.[name];
      const shown = differ.shown(v, markOf(creating ? c.after_sensitive : c.before_sensitive, name), unknown);
      if (shown.kind === "unknown" || (shown.kind === "absent" && anyMarked(unknown))) unknownAfter.push(name);
      else if (shown.kind !== "absent" && !(shown.kind === "known" && isEmpty(shown.value)) && !(shown.kind === "computed" && !creating && name === "id"))
        attributes.push({ name, path: name, before: creating ? { kind: "absent" } : shown, after: creating ? shown : { kind: "absent" } });
      continue;
    }
    differ.diff(name, name, before?.[name], after?.[name], markOf(c.before_sensitive, name), markOf(c.after_sensitive, name), markOf(c.after_unknown, name));
  }
  if (!whole) {
    attributes.push(...differ.changes);
    unknownAfter.push(...differ.unknown);
  }
  return {
    address: rc.address,
    previousAddress,
    type: rc.type,
    action,
    replaceOrder: action === ChangeAction.REPLACE ? (actions[0] === "create" ? ReplaceOrder.CREATE_FIRST : ReplaceOrder.DELETE_FIRST) : undefined,
    importId: importing ? String(importing.id ?? importing.identity ?? "") || undefined : undefined,
    forcedBy: (c.replace_paths ?? []).map((p: (string | number)[]) => pathText(p)),
    reason: rc.action_reason,
    attributes,
    unknownAfter,
    before,
    after,
  };
}

/** Every change of a plan that is not a no-op or read, in plan order. */
export function readPlan(plan: Json, opts: ReadOptions = {}): ResourceChange[] {
  const list = Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  return list.map((rc: Json) => readResourceChange(rc, opts)).filter((c: ResourceChange | undefined): c is ResourceChange => Boolean(c));
}

/** What a plan does that the counts leave out: resources left unchanged, data sources read during apply. */
export function uncounted(plan: Json): { unchanged: number; reads: number } {
  const list: Json[] = Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  const key = (rc: Json) => (rc.change?.actions ?? []).join("+");
  return {
    unchanged: list.filter(
      (rc) => rc.mode === "managed" && key(rc) === "no-op" && !rc.change?.importing && !(rc.previous_address && rc.previous_address !== rc.address),
    ).length,
    reads: list.filter((rc) => key(rc) === "read").length,
  };
}

/** Counts by action, for the header line. */
export function countByAction(changes: ResourceChange[]): Record<ChangeAction, number> {
  const counts = Object.fromEntries(ACTION_ORDER.map((a) => [a, 0])) as Record<ChangeAction, number>;
  for (const c of changes) counts[c.action]++;
  return counts;
}

/** Attributes that differ only in tags: `tags` (the resource's own) and `tags_all` (with the provider's default tags). */
export const TAG_ATTRIBUTES = ["tags", "tags_all"];

/** Whether an update changes nothing but tags. */
export function isTagOnly(c: ResourceChange): boolean {
  return c.action === ChangeAction.UPDATE && c.attributes.length > 0 && c.attributes.every((a) => TAG_ATTRIBUTES.includes(a.name));
}
