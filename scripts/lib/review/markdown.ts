/**
 * Renders one stack's plan as the Markdown a reviewer reads in a pull request: a header with counts by action, the
 * platform flags, then replacements (with the attribute forcing each), deletes, creates and updates (only the
 * attributes whose values change). Each stack's section carries a hidden marker so CI updates its comment in place,
 * and fits in one GitHub comment. Pure functions.
 */
import {
  ACTION_ORDER,
  ACTION_REASONS,
  ChangeAction,
  countByAction,
  isTagOnly,
  lineDiff,
  readPlan,
  ReplaceOrder,
  uncounted,
  type AttributeChange,
  type Json,
  type ResourceChange,
  type Shown,
} from "./changes";
import { COMPUTED_BY_AWS } from "../placeholders";
import { distributionRoutes, ROUTING_ATTRIBUTES, routingDiagram } from "./routes";
import { resourceConfig } from "./flags";
import { flagsOf, ownershipFromStacks, tagDifferences, type Flag } from "./flags";

/** Where a plan came from; the label says it, so nobody mistakes an offline plan for AWS's view. */
export const PlanSource = {
  /** The head configuration planned against the base's crafted applied state, without AWS. */
  OFFLINE: "offline",
  /** `terraform plan` against the real state and AWS. */
  AWS: "aws",
  /** A plan `npm run validate` made: dummy credentials, a local state, no AWS account read. */
  VALIDATE: "validate",
} as const;
export type PlanSource = (typeof PlanSource)[keyof typeof PlanSource];

/** GitHub's maximum comment body, in characters. */
export const COMMENT_LIMIT = 65_536;

export interface StackPlan {
  /** Environment (stack) name. */
  env: string;
  /** `terraform show -json` of the plan. */
  plan: Json;
  source: PlanSource;
  /** The base ref an offline plan was made against (shown in the label). */
  baseRef?: string;
  /** Synthesized head stack (`cdk.tf.json`), for ownership (`ignore_changes`) and construct paths; optional. */
  headStack?: Json;
  /** Synthesized base stack, for what was owned elsewhere before this change; optional. */
  baseStack?: Json;
  /** Why this stack could not be planned; its section says so and the other stacks render as usual. */
  error?: string;
}

export interface RenderedStack {
  env: string;
  /** The hidden marker CI finds its comment by. */
  marker: string;
  markdown: string;
  counts: Record<ChangeAction, number>;
  flags: Flag[];
  /** Whether details or resources were left out to fit the limit. */
  truncated: boolean;
  /** Whether the stack could not be planned (its section says why). */
  failed?: boolean;
}

/** The hidden marker of a stack's comment; stable across pushes. */
export function markerOf(env: string): string {
  return `<!-- edge-review:${env} -->`;
}

export function sourceLabel(s: Pick<StackPlan, "source" | "baseRef">): string {
  if (s.source === PlanSource.VALIDATE)
    return "offline plan from `npm run validate` (dummy credentials and a local state, no AWS account read: not a plan against AWS)";
  return s.source === PlanSource.AWS
    ? "plan against AWS (real state, refreshed)"
    : `offline plan against the base branch${s.baseRef ? ` \`${s.baseRef}\`` : ""} (no AWS account read: the base's applied state is crafted, values only AWS knows are shown as (computed by AWS))`;
}

const SHORT = 100;

/** A value inline: code for short ones, a hint for long ones (their diff is in the details). */
export function inline(v: Shown): string {
  if (v.kind === "unknown") return "_(known after apply)_";
  if (v.kind === "sensitive") return "_(sensitive)_";
  if (v.kind === "computed") return `_${COMPUTED_BY_AWS}_`;
  if (v.kind === "absent") return "_(none)_";
  const text = JSON.stringify(v.value) ?? "null";
  return code(text.length <= SHORT ? text : `${text.slice(0, SHORT - 1)}…`);
}

/** Inline code that survives backticks in the value. */
function code(text: string): string {
  const ticks = text.includes("`") ? "``" : "`";
  return `${ticks}${ticks.length > 1 ? " " : ""}${text.replace(/\n/g, "⏎")}${ticks.length > 1 ? " " : ""}${ticks}`;
}

/** A value pretty-printed for a diff block. */
function pretty(v: Shown): string[] {
  if (v.kind !== "known") return [inline(v).replace(/_/g, "")];
  return (typeof v.value === "string" ? v.value : (JSON.stringify(v.value, null, 2) ?? "")).split("\n");
}

export { lineDiff };

const isLong = (v: Shown) => v.kind === "known" && (JSON.stringify(v.value) ?? "").length > SHORT;

function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function fence(lang: string, lines: string[]): string {
  const body = lines.join("\n");
  const ticks = body.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

/** One changed value of an update or replacement: `path`: before → after, with a diff when long or a document. */
function attributeLine(a: AttributeChange, withDetails: boolean): string {
  if (a.documentDiff) {
    const changed = a.documentDiff.filter((l) => l.startsWith("+") || l.startsWith("-")).length;
    const head = `\`${a.path}\` (document): ${changed} line${changed === 1 ? "" : "s"} changed`;
    return withDetails ? `${head}\n  ${fence("diff", a.documentDiff).replace(/\n/g, "\n  ")}` : head;
  }
  if (a.leaves) {
    const added = a.before.kind === "absent";
    const head = `\`${a.path}\`: ${added ? "added" : "removed"}`;
    const rows = a.leaves.map((l) => `  - \`${l.path.slice(a.path.length).replace(/^\./, "")}\`: ${inline(added ? l.after : l.before)}`);
    return withDetails || rows.length <= 6 ? [head, ...rows].join("\n") : `${head} (${rows.length} values)`;
  }
  const line = `\`${a.path}\`: ${inline(a.before)} → ${inline(a.after)}`;
  if (!withDetails || !(isLong(a.before) || isLong(a.after))) return line;
  return `${line}\n  ${details("diff", fence("diff", lineDiff(pretty(a.before), pretty(a.after)))).replace(/\n/g, "\n  ")}`;
}

interface Ctx {
  withDetails: boolean;
  headStack?: Json;
  baseStack?: Json;
}

/** `aws_s3_bucket.site-web_bucket_1A2B` plus the construct path cdktf records (`dev/site-web/bucket`). */
function title(c: ResourceChange, ctx: Ctx): string {
  const stack = c.action === ChangeAction.DELETE ? ctx.baseStack : ctx.headStack;
  const m = /^([a-z0-9_]+)\.([^.[]+)/.exec(c.address);
  const path = m ? stack?.resource?.[m[1]]?.[m[2]]?.["//"]?.metadata?.path : undefined;
  const moved = c.previousAddress ? ` (moved from \`${c.previousAddress}\`)` : "";
  return `\`${c.address}\`${path ? ` · ${path}` : ""}${moved}`;
}

function unknownNote(c: ResourceChange): string {
  return c.unknownAfter.length ? ` · ${c.unknownAfter.length} known after apply` : "";
}

/** Why a replacement happens, in words: the forcing attributes, or Terraform's reason, or that the plan names none. */
function replaceWhy(c: ResourceChange): string {
  if (c.forcedBy.length) return `forced by ${c.forcedBy.map((p) => `\`${p}\``).join(", ")}`;
  const reason = c.reason ? (ACTION_REASONS[c.reason] ?? c.reason) : undefined;
  return reason ? `the plan names no attribute that forces it; Terraform's reason: ${reason}` : "the plan names no attribute that forces it";
}

const ORDER_TEXT: Record<ReplaceOrder, string> = {
  [ReplaceOrder.CREATE_FIRST]: "create before destroy: the new one exists before the old one is deleted",
  [ReplaceOrder.DELETE_FIRST]: "delete, then create: nothing serves in between",
};

/** Changed values as nested lines. */
function attributeLines(attributes: AttributeChange[], ctx: Ctx): string {
  return attributes.map((a) => `  - ${attributeLine(a, ctx.withDetails).replace(/\n/g, "\n  ")}`).join("\n");
}

/** Whether a changed value is (inside) one of the paths that force a replacement. */
function forces(a: AttributeChange, forcedBy: string[]): boolean {
  return forcedBy.some(
    (p) => p === a.path || p === a.name || a.path.startsWith(`${p}.`) || a.path.startsWith(`${p}[`) || p.startsWith(`${a.name}.`) || p.startsWith(`${a.name}[`),
  );
}

function renderChange(c: ResourceChange, ctx: Ctx): string {
  switch (c.action) {
    case ChangeAction.REPLACE: {
      const forcing = c.attributes.filter((a) => forces(a, c.forcedBy));
      const others = c.attributes.filter((a) => !forcing.includes(a));
      const head = `- ${title(c, ctx)}: ${replaceWhy(c)} (${ORDER_TEXT[c.replaceOrder ?? ReplaceOrder.DELETE_FIRST]})${forcing.map((a) => `; ${attributeLine(a, false)}`).join("")}${unknownNote(c)}`;
      if (!ctx.withDetails || !others.length) return others.length ? `${head} · ${others.length} other values change` : head;
      return `${head}\n  ${details(`${others.length} other changed values`, others.map((a) => `- ${attributeLine(a, true)}`).join("\n")).replace(/\n/g, "\n  ")}`;
    }
    case ChangeAction.DELETE: {
      const reason = c.reason && ACTION_REASONS[c.reason] ? `: ${ACTION_REASONS[c.reason]}` : "";
      return `- ${title(c, ctx)}${c.before && typeof c.before.name === "string" ? ` (${code(c.before.name)})` : ""}${reason}`;
    }
    case ChangeAction.FORGET:
      return `- ${title(c, ctx)}${c.before && typeof c.before.name === "string" ? ` (${code(c.before.name)})` : ""}: removed from the state only; it stays in AWS and nobody manages it any more`;
    case ChangeAction.MOVE:
      return `- \`${c.previousAddress}\` → \`${c.address}\`: moved in the state only, nothing changes in AWS`;
    case ChangeAction.CREATE: {
      const head = `- ${title(c, ctx)}`;
      if (!ctx.withDetails || !c.attributes.length) return head;
      const rows = c.attributes.map((a) => `| \`${a.name}\` | ${inline(a.after).replace(/\|/g, "\\|")} |`);
      return `${head}\n  ${details(`${c.attributes.length} attributes${unknownNote(c)}`, ["| attribute | value |", "| --- | --- |", ...rows].join("\n")).replace(/\n/g, "\n  ")}`;
    }
    case ChangeAction.IMPORT: {
      const head = `- ${title(c, ctx)}: imported from AWS${c.importId ? ` (id ${code(c.importId)})` : ""}`;
      return c.attributes.length ? `${head}, then updated${unknownNote(c)}\n${attributeLines(c.attributes, ctx)}` : `${head}, no changes`;
    }
    case ChangeAction.UPDATE: {
      if (!c.attributes.length) return `- ${title(c, ctx)}: only values known after apply (${c.unknownAfter.map((n) => `\`${n}\``).join(", ")})`;
      if (c.attributes.length === 1 && !c.attributes[0].leaves && !c.attributes[0].documentDiff)
        return `- ${title(c, ctx)}: ${attributeLine(c.attributes[0], ctx.withDetails)}${unknownNote(c)}`;
      return `- ${title(c, ctx)}${unknownNote(c)}\n${attributeLines(c.attributes, ctx)}`;
    }
  }
}

const SECTION_TITLES: Record<ChangeAction, string> = {
  [ChangeAction.REPLACE]: "Replace",
  [ChangeAction.DELETE]: "Delete",
  [ChangeAction.FORGET]: "Forget (removed from the state, left in AWS)",
  [ChangeAction.CREATE]: "Create",
  [ChangeAction.IMPORT]: "Import",
  [ChangeAction.UPDATE]: "Update",
  [ChangeAction.MOVE]: "Move (state only)",
};

/** Replacements first: they are the surprises. */
const SECTION_ORDER: readonly ChangeAction[] = [
  ChangeAction.REPLACE,
  ChangeAction.DELETE,
  ChangeAction.FORGET,
  ChangeAction.CREATE,
  ChangeAction.IMPORT,
  ChangeAction.UPDATE,
  ChangeAction.MOVE,
];

export function headerLine(env: string, counts: Record<ChangeAction, number>): string {
  const parts = ACTION_ORDER.filter((a) => counts[a] > 0).map((a) => `${counts[a]} ${a}`);
  const warn = counts.delete + counts.replace + counts.forget > 0 ? " ⚠" : "";
  return `### ${env}: ${parts.join(" · ")}${warn}`;
}

/** Renders the body in the given mode; `maxItems` cuts the resource lists (for the last resort). */
function body(s: StackPlan, changes: ResourceChange[], flags: Flag[], ctx: Ctx, maxItems = Infinity): { text: string; omitted: number } {
  const counts = countByAction(changes);
  const lines = [markerOf(s.env), headerLine(s.env, counts), `_${sourceLabel(s)}_`, ""];
  if (flags.length) lines.push("**⚠ Flags**", ...flags.map((f) => `- ${f.message}`), "");
  const tagOnly = changes.filter(isTagOnly);
  const summarizeTags = flags.some((f) => f.kind === "tag-only");
  let shown = 0;
  let omitted = 0;
  for (const action of SECTION_ORDER) {
    let items = changes.filter((c) => c.action === action);
    if (!items.length) continue;
    lines.push(`**${SECTION_TITLES[action]}** (${items.length})`);
    if (action === ChangeAction.UPDATE && summarizeTags) {
      items = items.filter((c) => !isTagOnly(c));
      lines.push(`- ${tagOnly.length} resources: tags only (${tagDifferences(tagOnly).join("; ") || "tags"})`);
      if (ctx.withDetails) lines.push(`  ${details("resources", tagOnly.map((c) => `- \`${c.address}\``).join("\n")).replace(/\n/g, "\n  ")}`);
    }
    for (const c of items) {
      if (shown >= maxItems) {
        omitted++;
        continue;
      }
      lines.push(renderChange(c, ctx));
      shown++;
    }
    lines.push("");
  }
  if (ctx.withDetails) {
    const diagrams = routingChanges(changes, ctx);
    if (diagrams.length) lines.push("**What a viewer's request goes through** (before → after)", ...diagrams, "");
  }
  const rest = uncounted(s.plan);
  const notCounted = [
    rest.unchanged ? `${rest.unchanged} unchanged` : "",
    rest.reads ? `${rest.reads} data source${rest.reads === 1 ? "" : "s"} read during apply` : "",
  ].filter(Boolean);
  if (notCounted.length) lines.push(`_Not counted: ${notCounted.join(" · ")}._`);
  return { text: lines.join("\n").trimEnd(), omitted };
}

/**
 * A before → after diagram for each distribution whose change touches what a viewer's request goes through
 * (behaviors, their functions, origins, continuous deployment). Each side is read from the synthesized stack when
 * there is one (references name the functions), else from the plan's values.
 */
function routingChanges(changes: ResourceChange[], ctx: Ctx): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.type !== "aws_cloudfront_distribution") continue;
    const touches =
      c.action !== ChangeAction.UPDATE ||
      c.attributes.some((a) => ROUTING_ATTRIBUTES.includes(a.name)) ||
      c.unknownAfter.some((p) => ROUTING_ATTRIBUTES.some((r) => p === r || p.startsWith(`${r}[`) || p.startsWith(`${r}.`)));
    if (!touches || c.action === ChangeAction.MOVE || c.action === ChangeAction.FORGET) continue;
    const baseConfig = resourceConfig(ctx.baseStack, c.previousAddress ?? c.address);
    const headConfig = resourceConfig(ctx.headStack, c.address);
    const before = c.before
      ? distributionRoutes(baseConfig ?? c.before, baseConfig ? ctx.baseStack : ctx.headStack)
      : { routes: [], continuousDeployment: false };
    const after = c.after ? distributionRoutes(headConfig ?? c.after, ctx.headStack) : undefined;
    out.push(`- \`${c.address}\``, routingDiagram(after, before));
  }
  return out;
}

/** One stack's section, at most `limit` characters: details are dropped first, then resources, and it says so. */
export function renderStack(s: StackPlan, limit = COMMENT_LIMIT): RenderedStack {
  if (s.error) return renderFailed(s, limit);
  const changes = readPlan(s.plan, { placeholders: s.source !== PlanSource.AWS });
  const counts = countByAction(changes);
  const flags = flagsOf(changes, ownershipFromStacks(s.headStack, s.baseStack));
  const base = { env: s.env, marker: markerOf(s.env), counts, flags };
  if (!changes.length) return { ...base, markdown: `${markerOf(s.env)}\n**${s.env}**: no changes · _${sourceLabel(s)}_`, truncated: false };
  const ctx: Ctx = { withDetails: true, headStack: s.headStack, baseStack: s.baseStack };
  const full = body(s, changes, flags, ctx).text;
  if (full.length <= limit) return { ...base, markdown: full, truncated: false };
  const notice = (what: string) =>
    `\n\n> **Truncated**: ${what} to fit GitHub's ${COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit; the job log and \`npm run review\` show everything.`;
  const compact = body(s, changes, flags, { ...ctx, withDetails: false }).text;
  const compactNotice = notice("attribute details were left out");
  if (compact.length + compactNotice.length <= limit) return { ...base, markdown: compact + compactNotice, truncated: true };
  // Last resort: fewer resources, found by halving (each render is cheap next to a plan).
  let lo = 0;
  let hi = changes.length;
  let best = "";
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const r = body(s, changes, flags, { ...ctx, withDetails: false }, mid);
    const text = r.text + notice(`attribute details and ${r.omitted} of ${changes.length} resources were left out`);
    if (text.length <= limit) {
      best = text;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (!best) {
    // Even the flags alone do not fit: say so with the header.
    const head = [markerOf(s.env), headerLine(s.env, counts), `_${sourceLabel(s)}_`].join("\n");
    best = `${head}${notice(`every detail (${flags.length} flags, ${changes.length} resources) was left out`)}`.slice(0, limit);
  }
  return { ...base, markdown: best, truncated: true };
}

/** The section of a stack that could not be planned: the header says so, the reason follows (Terraform's words). */
function renderFailed(s: StackPlan, limit: number): RenderedStack {
  const counts = countByAction([]);
  const reason = fence("text", s.error!.split("\n"));
  const markdown = [
    markerOf(s.env),
    `### ${s.env}: not reviewed ⚠`,
    `_${sourceLabel(s)}_`,
    "",
    "The plan of this stack failed, so nothing of it is shown; the other stacks are reviewed as usual. Terraform said:",
    "",
    reason,
  ].join("\n");
  return { env: s.env, marker: markerOf(s.env), counts, flags: [], markdown: markdown.slice(0, limit), truncated: markdown.length > limit, failed: true };
}

/** Every stack's section, and the whole review as one document (for `--out` and the job summary). */
export function renderReview(stacks: StackPlan[], limit = COMMENT_LIMIT): { stacks: RenderedStack[]; markdown: string } {
  const rendered = stacks.map((s) => renderStack(s, limit));
  const total = rendered.reduce((n, r) => n + r.flags.length, 0);
  const failed = rendered.filter((r) => r.failed).length;
  const heading = `## Infrastructure review: ${rendered.length} stack${rendered.length === 1 ? "" : "s"}${total ? ` · ${total} flag${total === 1 ? "" : "s"} ⚠` : ""}${failed ? ` · ${failed} not reviewed ⚠` : ""}`;
  return { stacks: rendered, markdown: [heading, ...rendered.map((r) => r.markdown)].join("\n\n") + "\n" };
}
