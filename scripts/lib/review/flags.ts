/**
 * The changes that matter on this platform, each with the one sentence a reviewer needs: data-bearing or retained
 * resources deleted or replaced, access taken away, updates to what application teams or the release flow own,
 * tag-only updates across many resources, and delete + create pairs that are really renames. Pure functions.
 */
import { ChangeAction, isTagOnly, stableJson, TAG_ATTRIBUTES, type Json, type ResourceChange } from "./changes";

export const FlagKind = {
  /** A delete or replacement loses data or a name others depend on. */
  DATA_LOSS: "data-loss",
  /** A delete or replacement takes access away from people or workflows. */
  ACCESS_LOSS: "access-loss",
  /** An update of something an application team or the release flow owns. */
  OWNED_UPDATE: "owned-update",
  /** Many resources change only their tags (default tags changed). */
  TAG_ONLY: "tag-only",
  /** A delete and a create of the same type and shape: a renamed construct id. */
  RENAME: "rename",
  /** Removed from the state but left in AWS (`removed` with `destroy = false`): nobody manages it any more. */
  FORGOTTEN: "forgotten",
} as const;
export type FlagKind = (typeof FlagKind)[keyof typeof FlagKind];

export interface Flag {
  kind: FlagKind;
  /** The resources concerned. */
  addresses: string[];
  /** One sentence: what happens and why it matters. */
  message: string;
}

/** Why deleting or replacing a resource of these types loses something that Terraform cannot bring back. */
export const DATA_BEARING: Readonly<Record<string, string>> = {
  aws_s3_bucket: "its objects (a site's content, the pipeline's artifacts) go with it and a new bucket starts empty",
  aws_cloudfront_distribution: "a new distribution gets a new *.cloudfront.net domain name, so DNS records and partners pointing at the old one break",
  aws_cloudwatch_log_group: "every log event in it is deleted",
  aws_ecr_repository: "its images go with it, including the tags running deployments pull",
  aws_ssm_parameter: "application teams and the release pipeline read and write it, and the value they set is lost",
  aws_iam_openid_connect_provider: "every GitHub Actions role in the account that trusts it fails until it exists again",
  aws_cloudfront_function: "the distributions stop running it and, for an app-owned function, the team's published code is lost",
};

/** Why deleting or replacing these takes access away. */
export const ACCESS_BEARING: Readonly<Record<string, string>> = {
  aws_iam_role: "whoever assumes it (a team's GitHub workflow, a single sign-on user, a service) is refused from then on",
  aws_iam_policy: "every role it is attached to loses those permissions",
};

/** Minimum tag-only updates that are summarized as "default tags changed" rather than listed. */
export const TAG_ONLY_SUMMARY_THRESHOLD = 2;

/** What the synthesized stacks say about ownership; either may be missing (a real plan without the synth output). */
export interface Ownership {
  /** `lifecycle.ignore_changes` of the resource at this address in the head configuration. */
  headIgnored(address: string): string[] | undefined;
  /** The same in the base configuration (what the applied state was built with). */
  baseIgnored(address: string): string[] | undefined;
}

/** Resource address -> its block in a synthesized stack (cdktf puts every resource in the root module). */
export function resourceConfig(stack: Json | undefined, address: string): Json | undefined {
  const m = /^([a-z0-9_]+)\.([^.[]+)/.exec(address);
  return m ? stack?.resource?.[m[1]]?.[m[2]] : undefined;
}

/** Ownership read from the synthesized head and base stacks (`cdk.tf.json`). */
export function ownershipFromStacks(head?: Json, base?: Json): Ownership {
  const ignored = (stack: Json | undefined, address: string) => {
    const list = resourceConfig(stack, address)?.lifecycle?.ignore_changes;
    return Array.isArray(list) ? (list as string[]) : list === "all" ? ["all"] : undefined;
  };
  return { headIgnored: (a) => ignored(head, a), baseIgnored: (a) => ignored(base, a) };
}

/** The marker `functionComment` puts in an app-owned function's comment when the manifest sets none. */
const APP_OWNED_COMMENT = "code owned by the application team";

/** Whether a function change is one the application team owns: its code is ignored, or its comment says so. */
export function isAppOwnedFunction(c: ResourceChange, own: Ownership): boolean {
  if (c.type !== "aws_cloudfront_function") return false;
  const ignored = [...(own.headIgnored(c.address) ?? []), ...(own.baseIgnored(c.previousAddress ?? c.address) ?? [])];
  if (ignored.includes("code") || ignored.includes("all")) return true;
  return [c.before?.comment, c.after?.comment].some((v) => typeof v === "string" && v.includes(APP_OWNED_COMMENT));
}

const known = (v: unknown) =>
  v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === "object" && v !== null && Object.keys(v).length === 0);

/**
 * Whether a create has the shape of a delete: every attribute the create knows equals the deleted one's, with at
 * least two compared (so an almost empty resource is not matched by chance). Tags are left out: a refactor that
 * moves a construct into a product scope may add `sid`.
 */
export function sameShape(deleted: ResourceChange, created: ResourceChange): boolean {
  if (deleted.type !== created.type || !deleted.before || !created.after) return false;
  let compared = 0;
  for (const [k, v] of Object.entries(created.after)) {
    if (k === "id" || TAG_ATTRIBUTES.includes(k) || !known(v) || created.unknownAfter.includes(k)) continue;
    if (stableJson(deleted.before[k]) !== stableJson(v)) return false;
    compared++;
  }
  return compared >= 2;
}

/** Delete + create pairs of the same type and shape, each delete and create used once. */
export function renames(changes: ResourceChange[]): { from: ResourceChange; to: ResourceChange }[] {
  const deletes = changes.filter((c) => c.action === ChangeAction.DELETE);
  const pairs: { from: ResourceChange; to: ResourceChange }[] = [];
  const used = new Set<string>();
  for (const created of changes.filter((c) => c.action === ChangeAction.CREATE)) {
    const from = deletes.find((d) => !used.has(d.address) && sameShape(d, created));
    if (!from) continue;
    used.add(from.address);
    pairs.push({ from, to: created });
  }
  return pairs;
}

/** Key-level differences of `tags_all` (or `tags`) across tag-only updates: `cost-center: "a" -> "b"`. */
export function tagDifferences(changes: ResourceChange[]): string[] {
  const lines = new Set<string>();
  for (const c of changes) {
    const attr = c.attributes.find((a) => a.name === "tags_all") ?? c.attributes.find((a) => a.name === "tags");
    if (!attr || attr.before.kind !== "known" || attr.after.kind !== "known") continue;
    const b = (attr.before.value ?? {}) as Record<string, string>;
    const a = (attr.after.value ?? {}) as Record<string, string>;
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (b[k] === a[k]) continue;
      if (!(k in b)) lines.add(`\`${k}\` added: ${JSON.stringify(a[k])}`);
      else if (!(k in a)) lines.add(`\`${k}\` removed (was ${JSON.stringify(b[k])})`);
      else lines.add(`\`${k}\`: ${JSON.stringify(b[k])} → ${JSON.stringify(a[k])}`);
    }
  }
  return [...lines].sort();
}

/** Every flag of one stack's changes. */
export function flagsOf(changes: ResourceChange[], own: Ownership): Flag[] {
  const flags: Flag[] = [];
  const renamed = renames(changes);
  const inRename = new Set(renamed.flatMap((p) => [p.from.address, p.to.address]));
  for (const { from, to } of renamed) {
    const loss = DATA_BEARING[from.type] ? `; as written, Terraform deletes and recreates it and ${DATA_BEARING[from.type]}` : "";
    flags.push({
      kind: FlagKind.RENAME,
      addresses: [from.address, to.address],
      message: `\`${from.address}\` → \`${to.address}\` looks like a renamed construct id, not a new resource${loss}: keep the resource with \`moved { from = ${from.address}  to = ${to.address} }\` (cdktf: \`.moveFromId("${from.address}")\` on the new construct, or \`moveTo\`).`,
    });
  }
  for (const c of changes) {
    if (inRename.has(c.address)) continue;
    const destroys = c.action === ChangeAction.DELETE || c.action === ChangeAction.REPLACE;
    if (destroys && DATA_BEARING[c.type]) {
      const why = c.action === ChangeAction.REPLACE && c.forcedBy.length ? ` (forced by \`${c.forcedBy.join("`, `")}\`)` : "";
      flags.push({
        kind: FlagKind.DATA_LOSS,
        addresses: [c.address],
        message: `\`${c.address}\` is ${c.action === ChangeAction.DELETE ? "deleted" : "replaced"}${why}: ${DATA_BEARING[c.type]}.`,
      });
    } else if (destroys && ACCESS_BEARING[c.type]) {
      flags.push({
        kind: FlagKind.ACCESS_LOSS,
        addresses: [c.address],
        message: `\`${c.address}\`${nameOf(c)} is ${c.action === ChangeAction.DELETE ? "deleted" : "replaced"}: ${ACCESS_BEARING[c.type]}.`,
      });
    }
    if (c.action === ChangeAction.FORGET)
      flags.push({
        kind: FlagKind.FORGOTTEN,
        addresses: [c.address],
        message: `\`${c.address}\`${nameOf(c)} leaves the state but stays in AWS: no stack manages it from now on (it keeps running and costing, and its drift is nobody's); delete it by hand or adopt it in another stack with an \`import\` block.`,
      });
    if (c.action !== ChangeAction.UPDATE && c.action !== ChangeAction.REPLACE && c.action !== ChangeAction.IMPORT) continue;
    if (isAppOwnedFunction(c, own)) {
      flags.push({
        kind: FlagKind.OWNED_UPDATE,
        addresses: [c.address],
        message: `\`${c.address}\`${nameOf(c)} is owned by its application team, yet the plan ${c.action === ChangeAction.UPDATE ? "updates" : "replaces"} it (${[...new Set(c.attributes.map((a) => `\`${a.name}\``))].join(", ") || "computed values"}): the provider would publish or revert the team's code; this should never appear, so check the manifest's \`owner\` and the function's \`ignore_changes\`.`,
      });
      continue;
    }
    // Attributes the base ignored (someone else owns them) that the head now sets: applying reverts their work.
    const owned = own.baseIgnored(c.previousAddress ?? c.address) ?? [];
    const reverted = [...new Set(c.attributes.filter((a) => owned.includes(a.name)).map((a) => a.name))];
    if (reverted.length)
      flags.push({
        kind: FlagKind.OWNED_UPDATE,
        addresses: [c.address],
        message: `\`${c.address}\` changes ${reverted.map((n) => `\`${n}\``).join(", ")}, which the release flow or an application team owns (ignored until now): applying reverts their last change.`,
      });
  }
  const tagOnly = changes.filter(isTagOnly);
  if (tagOnly.length >= TAG_ONLY_SUMMARY_THRESHOLD) {
    const diffs = tagDifferences(tagOnly);
    flags.push({
      kind: FlagKind.TAG_ONLY,
      addresses: tagOnly.map((c) => c.address),
      message: `${tagOnly.length} resources change only their tags${diffs.length ? ` (${diffs.join("; ")})` : ""}: the environment's default tags changed, which touches every taggable resource but nothing else.`,
    });
  }
  return flags;
}

function nameOf(c: ResourceChange): string {
  const v = c.before?.name ?? c.after?.name;
  return typeof v === "string" ? ` (${v})` : "";
}
