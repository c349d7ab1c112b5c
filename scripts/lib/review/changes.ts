/**
 * Reads a Terraform plan (`terraform show -json`) into the changes a reviewer cares about: one entry per resource
 * that is created, updated, deleted or replaced, with the attributes whose values change, unknowns and sensitive
 * values marked. Pure functions: no Terraform, no files.
 *
 * Plan JSON format: https://developer.hashicorp.com/terraform/internals/json-format#change-representation
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** What a plan does to one resource, as a reviewer names it. */
export const ChangeAction = {
  CREATE: "create",
  UPDATE: "update",
  DELETE: "delete",
  REPLACE: "replace",
} as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];

/** Order of the counts in a stack's header line and of the sections below it. */
export const ACTION_ORDER: readonly ChangeAction[] = [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.DELETE, ChangeAction.REPLACE];

/** A value as shown to a reviewer: known, known only after apply, or masked. */
export type Shown = { kind: "known"; value: unknown } | { kind: "unknown" } | { kind: "sensitive" };

/** One attribute whose value differs between before and after (top-level attribute names; blocks as a whole). */
export interface AttributeChange {
  /** Top-level attribute or block name (`bucket`, `origin`, `tags`). */
  name: string;
  before: Shown;
  after: Shown;
}

export interface ResourceChange {
  /** Resource address (`aws_s3_bucket.site-web_bucket_1A2B3C4D`). */
  address: string;
  /** Address in the prior state when Terraform moves it (a `moved` block or cdktf moveTo). */
  previousAddress?: string;
  /** Resource type (`aws_s3_bucket`). */
  type: string;
  action: ChangeAction;
  /** For replacements: the attributes that force it (plan `replace_paths`), as dotted paths. */
  forcedBy: string[];
  /** Terraform's reason for a replacement or delete (`replace_because_cannot_update`, ...). */
  reason?: string;
  /** Attributes whose values change (updates and replacements); for creates and deletes, every known attribute. */
  attributes: AttributeChange[];
  /** Attributes whose value becomes known only after apply (collapsed in the rendering). */
  unknownAfter: string[];
  /** The raw values, for the platform flags (shape comparison, names). */
  before: Json | null;
  after: Json | null;
}

/** Plan actions -> reviewer action; undefined for no-op and read. */
export function actionOf(actions: string[]): ChangeAction | undefined {
  const a = actions.join("+");
  if (a === "create") return ChangeAction.CREATE;
  if (a === "update") return ChangeAction.UPDATE;
  if (a === "delete") return ChangeAction.DELETE;
  if (a === "delete+create" || a === "create+delete") return ChangeAction.REPLACE;
  return undefined;
}

/** The sensitivity or unknown mark of one top-level attribute (`true`, a nested structure, or absent). */
function markOf(marks: unknown, name: string): unknown {
  if (marks === true) return true;
  return marks && typeof marks === "object" && !Array.isArray(marks) ? (marks as Json)[name] : undefined;
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

function shown(value: unknown, sensitiveMark: unknown, unknownMark?: unknown): Shown {
  if (unknownMark === true) return { kind: "unknown" };
  if (sensitiveMark === true) return { kind: "sensitive" };
  const masked = maskSensitive(value, sensitiveMark);
  // Blocks and maps without their empty defaults; a scalar as it is (0 and false can be the change).
  return { kind: "known", value: masked !== null && typeof masked === "object" ? (withoutEmpty(masked) ?? null) : masked };
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
    const entries = Object.entries(value as Json).map(([k, v]) => [k, withoutEmpty(v)] as const).filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0);

/** Stable JSON (sorted keys), so values compare and print the same whatever order the provider gives. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Json)[k])}`).join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** A replace path (`[["origin", 0, "domain_name"]]`) as `origin[0].domain_name`. */
export function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Reads one resource change of a plan; undefined for no-ops, reads and data sources. */
export function readResourceChange(rc: Json): ResourceChange | undefined {
  if (rc.mode !== "managed") return undefined;
  const c = rc.change ?? {};
  const action = actionOf(c.actions ?? []);
  if (!action && !(rc.previous_address && rc.previous_address !== rc.address)) return undefined;
  const before: Json | null = c.before ?? null;
  const after: Json | null = c.after ?? null;
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {}), ...Object.keys(c.after_unknown ?? {})]);
  const attributes: AttributeChange[] = [];
  const unknownAfter: string[] = [];
  for (const name of [...names].sort()) {
    if (name === "id" && action !== ChangeAction.DELETE) continue;
    const unknown = markOf(c.after_unknown, name);
    const b = before?.[name];
    const a = after?.[name];
    if (action === ChangeAction.CREATE || action === ChangeAction.DELETE) {
      if (action === ChangeAction.CREATE && unknown === true) {
        unknownAfter.push(name);
        continue;
      }
      const v = action === ChangeAction.CREATE ? a : b;
      if (isEmpty(v)) continue; // provider defaults left unset: nothing to read
      attributes.push({
        name,
        before: action === ChangeAction.DELETE ? shown(b, markOf(c.before_sensitive, name)) : { kind: "known", value: null },
        after: action === ChangeAction.CREATE ? shown(a, markOf(c.after_sensitive, name)) : { kind: "known", value: null },
      });
      continue;
    }
    if (unknown === true) {
      // Computed by AWS after apply (an ARN, an etag): only worth a line when the configuration does not explain it.
      unknownAfter.push(name);
      continue;
    }
    const bs = markOf(c.before_sensitive, name);
    const as = markOf(c.after_sensitive, name);
    const unknownInside = anyMarked(unknown);
    if (!unknownInside && stableJson(withoutEmpty(b)) === stableJson(withoutEmpty(a)) && anyMarked(bs) === anyMarked(as)) continue;
    attributes.push({ name, before: shown(b, bs), after: unknownInside ? { kind: "unknown" } : shown(a, as) });
  }
  return {
    address: rc.address,
    previousAddress: rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined,
    type: rc.type,
    action: action ?? ChangeAction.UPDATE,
    forcedBy: (c.replace_paths ?? []).map((p: (string | number)[]) => pathText(p)),
    reason: rc.action_reason,
    attributes,
    unknownAfter,
    before,
    after,
  };
}

/** Every change of a plan that is not a no-op, in plan order. */
export function readPlan(plan: Json): ResourceChange[] {
  return (plan.resource_changes ?? []).map(readResourceChange).filter((c: ResourceChange | undefined): c is ResourceChange => Boolean(c));
}

/** Counts by action, for the header line. */
export function countByAction(changes: ResourceChange[]): Record<ChangeAction, number> {
  const counts = { create: 0, update: 0, delete: 0, replace: 0 } as Record<ChangeAction, number>;
  for (const c of changes) counts[c.action]++;
  return counts;
}

/** Attributes that differ only in tags: `tags` (the resource's own) and `tags_all` (with the provider's default tags). */
export const TAG_ATTRIBUTES = ["tags", "tags_all"];

/** Whether an update changes nothing but tags. */
export function isTagOnly(c: ResourceChange): boolean {
  return c.action === ChangeAction.UPDATE && c.attributes.length > 0 && c.attributes.every((a) => TAG_ATTRIBUTES.includes(a.name));
}
