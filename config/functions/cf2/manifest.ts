/**
 * The manifest of one CloudFront Function (functions/cf2/<name>/manifest.json): the data a Jira ticket turns into,
 * reviewed in a pull request. Validated with zod against the environment configuration before any construct exists.
 */
import { z } from "zod";
import { FUNCTION_NAME, LIMITS, TICKET_KEY } from "../../../model/limits";
import { functionComment, functionName } from "../../../model/names";
import { CF2_RUNTIMES, Cf2Runtime, FUNCTION_EVENT_TYPES, FUNCTION_OWNERS, FunctionOwner } from "../../../model/vocabulary";
import type { Environment } from "../../environment";
import { retention } from "../../fields";
import { KVS_ARN, KVS_LOCAL_NAME, KVS_MAX_NAME_LENGTH, keyValueStoreName } from "../../../model/cf2-key-value-store";
import { checkManifestEnvironments } from "../manifest-environments";
import { whenParsed } from "../../rules";

// Re-exported for the ticket tool, which reads them from here.
export { FUNCTION_NAME, FunctionOwner, TICKET_KEY };
/** AWS: function names are [a-zA-Z0-9-_]{1,64}. */
const MAX_FUNCTION_NAME_LENGTH = LIMITS.functionNameLength;
/** AWS: function comments are at most 128 characters. */
const MAX_COMMENT_LENGTH = LIMITS.functionCommentLength;

const association = z
  .object({
    /** The site's name in the environment configuration (sites[].name). */
    site: z.string().min(1),
    /** "default" for the default cache behavior, otherwise the behavior's path pattern. */
    behavior: z.string().min(1),
    /** The viewer event the function runs on. */
    eventType: z.enum(FUNCTION_EVENT_TYPES),
  })
  .strict();

/**
 * The key value store the function reads with `cf.kvs()`: one this project creates in every environment listed
 * (`<env>-<sid>-<name>`, shared by every function of the product that names it), or existing stores by ARN, one per
 * environment listed.
 */
const keyValueStore = z.union([
  z
    .object({
      name: z.string().regex(KVS_LOCAL_NAME, "must be lowercase letters, digits, '-' or '_', starting with a letter"),
      comment: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({ arn: z.record(z.string(), z.string().regex(KVS_ARN, "must be a key value store ARN: arn:aws:cloudfront::<account>:key-value-store/<id>")) })
    .strict(),
]);

const manifestShape = z
  .object({
    /** The Jira ticket that requested the function; in the comment and the log group's tags. */
    ticket: z.string().regex(TICKET_KEY, 'must be a Jira issue key like "EDGE-123"'),
    /** Function name, equal to its directory name under functions/cf2/. */
    name: z.string().regex(FUNCTION_NAME, "must be lowercase letters, digits, '-' or '_', starting with a letter"),
    /** The product that owns the function; a product of every environment listed. */
    sid: z.string().min(1),
    /** The environments whose stacks create the function. */
    environments: z.array(z.string()).min(1, "list at least one environment"),
    /** Where the function runs: site, cache behavior and viewer event (the same in every environment listed). */
    associations: z.array(association).min(1, "attach the function to at least one cache behavior"),
    runtime: z.enum(CF2_RUNTIMES).default(Cf2Runtime.JS_2_0),
    /** "app": the application team owns the code after creation; "infra": the repository's code is uploaded. */
    owner: z.enum(FUNCTION_OWNERS),
    /** Log retention in days; defaults to the environment's logRetentionDays. */
    retentionDays: retention.optional(),
    /** Free text after the ticket key in the function's comment. */
    comment: z.string().min(1).optional(),
    /** The key value store the code reads (cloudfront-js-2.0 only): `{ "name": ... }` created here, or `{ "arn": { "<env>": ... } }`. */
    keyValueStore: keyValueStore.optional(),
  })
  .strict();

export type FunctionManifestInput = z.input<typeof manifestShape>;
export type FunctionManifest = z.output<typeof manifestShape>;

/**
 * The manifest schema with the rules that need the environment configuration. Without environments (they are
 * invalid, and reported on their own) every rule runs but those that read them: known environment names, the sid a
 * product of each, sites and behaviors, names per environment, store accounts.
 */
export function manifestSchema(envs: readonly Environment[] | undefined) {
  const byName = new Map((envs ?? []).map((e) => [e.name, e]));
  return manifestShape
    .superRefine(
      (m, ctx) => {
        const comment = functionComment(m);
        if (comment.length > MAX_COMMENT_LENGTH)
          ctx.addIssue({
            code: "custom",
            path: ["comment"],
            message: `with the ticket key the function comment is ${comment.length} characters; CloudFront allows at most ${MAX_COMMENT_LENGTH}`,
          });
      },
      whenParsed(["ticket"], ["name"], ["owner"], ["comment"]),
    )
    .superRefine(
      (m, ctx) => {
        if (envs) checkEnvironments(m, byName, ctx);
      },
      whenParsed(["environments"], ["sid"], ["name"], ["associations", "*", "site"], ["associations", "*", "behavior"]),
    )
    .superRefine((m, ctx) => checkKeyValueStore(m, byName, ctx), whenParsed(["keyValueStore"], ["runtime"], ["ticket"], ["environments"], ["sid"]))
    .superRefine(
      (m, ctx) => {
        const seen = new Set<string>();
        m.associations.forEach((a, j) => {
          const key = `${a.site} ${a.behavior} ${a.eventType}`;
          if (seen.has(key))
            ctx.addIssue({
              code: "custom",
              path: ["associations", j],
              message: `${a.eventType} of behavior "${a.behavior}" of site "${a.site}" is listed twice`,
            });
          seen.add(key);
        });
      },
      whenParsed(["associations", "*"]),
    );
}

/** Each environment listed knows the product, the sites and the behaviors the function attaches to. */
function checkEnvironments(m: FunctionManifest, byName: ReadonlyMap<string, Environment>, ctx: z.RefinementCtx): void {
  checkManifestEnvironments(m, byName, ctx, ({ env, envName, sidKnown, envIssue }) => {
    const name = functionName(envName, m.sid, m.name);
    if (name.length > MAX_FUNCTION_NAME_LENGTH)
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: `the function name "${name}" is ${name.length} characters; AWS allows at most ${MAX_FUNCTION_NAME_LENGTH}: shorten the name`,
      });
    m.associations.forEach((a, j) => {
      const site = env.sites.find((s) => s.name === a.site);
      if (!site) {
        envIssue(
          envName,
          ["associations", j, "site"],
          (e) => `"${a.site}" is not a site of ${e}; sites: ${env.sites.map((s) => s.name).join(", ") || "(none)"}`,
        );
        return;
      }
      if (sidKnown && site.sid !== m.sid)
        envIssue(
          envName,
          ["associations", j, "site"],
          (e) => `site "${a.site}" of ${e} belongs to product "${site.sid}", not "${m.sid}"; a function attaches only to its own product's sites`,
        );
      const behaviors = ["default", ...site.distribution.behaviors.map((b) => b.pathPattern)];
      if (!behaviors.includes(a.behavior))
        envIssue(
          envName,
          ["associations", j, "behavior"],
          (e) => `site "${a.site}" of ${e} has no cache behavior "${a.behavior}"; its behaviors: ${behaviors.join(", ")}`,
        );
    });
  });
}

/** The key value store suits the runtime, its names fit, and each ARN belongs to its environment's account. */
function checkKeyValueStore(m: FunctionManifest, byName: ReadonlyMap<string, Environment>, ctx: z.RefinementCtx): void {
  const kvs = m.keyValueStore;
  if (kvs && m.runtime !== Cf2Runtime.JS_2_0)
    ctx.addIssue({ code: "custom", path: ["keyValueStore"], message: `key value stores need runtime cloudfront-js-2.0 (this function uses ${m.runtime})` });
  if (kvs && "name" in kvs && kvs.comment && `${m.ticket} ${kvs.comment}`.length > MAX_COMMENT_LENGTH)
    ctx.addIssue({
      code: "custom",
      path: ["keyValueStore", "comment"],
      message: `with the ticket key the store comment is ${`${m.ticket} ${kvs.comment}`.length} characters; CloudFront allows at most ${MAX_COMMENT_LENGTH}`,
    });
  if (kvs && "name" in kvs)
    for (const envName of m.environments) {
      const full = keyValueStoreName(envName, m.sid, kvs.name);
      if (full.length > KVS_MAX_NAME_LENGTH)
        ctx.addIssue({
          code: "custom",
          path: ["keyValueStore", "name"],
          message: `the store name "${full}" is ${full.length} characters; AWS allows at most ${KVS_MAX_NAME_LENGTH}`,
        });
    }
  if (kvs && "arn" in kvs) {
    for (const envName of m.environments)
      if (!(envName in kvs.arn))
        ctx.addIssue({ code: "custom", path: ["keyValueStore", "arn"], message: `no ARN for environment ${envName}; give one per environment listed` });
    for (const [envName, arn] of Object.entries(kvs.arn)) {
      const env = byName.get(envName);
      if (!m.environments.includes(envName))
        ctx.addIssue({
          code: "custom",
          path: ["keyValueStore", "arn", envName],
          message: `${envName} is not one of the function's environments (${m.environments.join(", ")})`,
        });
      else if (env && KVS_ARN.test(arn) && KVS_ARN.exec(arn)?.[1] !== env.accountId)
        ctx.addIssue({
          code: "custom",
          path: ["keyValueStore", "arn", envName],
          message: `the store is in account ${KVS_ARN.exec(arn)?.[1]}, but ${envName} deploys to ${env.accountId}; a function can only use stores of its own account`,
        });
    }
  }
}
