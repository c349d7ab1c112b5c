/**
 * The manifest of one CloudFront Function (functions/cf2/<name>/manifest.json): the data a Jira ticket turns into,
 * reviewed in a pull request. Validated with zod against the environment configuration before any construct exists.
 */
import { z } from "zod";
import { FUNCTION_NAME, LIMITS, TICKET_KEY } from "../../model/limits";
import { functionComment, functionName } from "../../model/names";
import { CF2_RUNTIMES, Cf2Runtime, FUNCTION_EVENT_TYPES, FUNCTION_OWNERS, FunctionOwner } from "../../model/vocabulary";
import { retention, type Environment } from "../schema";

// Re-exported for the ticket tool and tests, which read them from here.
export { FUNCTION_NAME, FunctionOwner, TICKET_KEY, functionComment, functionName };
/** AWS: function names are [a-zA-Z0-9-_]{1,64}. */
export const MAX_FUNCTION_NAME_LENGTH = LIMITS.functionNameLength;
/** AWS: function comments are at most 128 characters. */
export const MAX_COMMENT_LENGTH = LIMITS.functionCommentLength;
export const EVENT_TYPES = FUNCTION_EVENT_TYPES;

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

export const manifestShape = z
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
  })
  .strict();

export type FunctionManifestInput = z.input<typeof manifestShape>;
export type FunctionManifest = z.output<typeof manifestShape>;

/** The manifest schema with the rules that need the environment configuration. */
export function manifestSchema(envs: Environment[]) {
  const byName = new Map(envs.map((e) => [e.name, e]));
  return manifestShape.superRefine((m, ctx) => {
    const comment = functionComment(m);
    if (comment.length > MAX_COMMENT_LENGTH)
      ctx.addIssue({ code: "custom", path: ["comment"], message: `with the ticket key the function comment is ${comment.length} characters; CloudFront allows at most ${MAX_COMMENT_LENGTH}` });
    // A problem that repeats in several environments is reported once, naming them all.
    const perEnv = new Map<string, { path: (string | number)[]; message: string; envs: string[] }>();
    const envIssue = (envName: string, path: (string | number)[], message: (env: string) => string) => {
      const key = `${path.join(".")} ${message("\u0000")}`;
      const entry = perEnv.get(key) ?? { path, message: "", envs: [] };
      entry.envs.push(envName);
      entry.message = message(entry.envs.length === 1 ? `environment ${entry.envs[0]}` : `environments ${entry.envs.join(", ")}`);
      perEnv.set(key, entry);
    };
    const seenEnvs = new Set<string>();
    m.environments.forEach((envName, i) => {
      if (seenEnvs.has(envName)) ctx.addIssue({ code: "custom", path: ["environments", i], message: `"${envName}" is listed twice` });
      seenEnvs.add(envName);
      const env = byName.get(envName);
      if (!env) {
        ctx.addIssue({ code: "custom", path: ["environments", i], message: `"${envName}" is not an environment; known: ${[...byName.keys()].join(", ")}` });
        return;
      }
      const sidKnown = env.products.some((p) => p.sid === m.sid);
      if (!sidKnown) envIssue(envName, ["sid"], (e) => `"${m.sid}" is not a product of ${e}; products: ${env.products.map((p) => p.sid).join(", ")}`);
      const name = functionName(envName, m.sid, m.name);
      if (name.length > MAX_FUNCTION_NAME_LENGTH)
        ctx.addIssue({ code: "custom", path: ["name"], message: `the function name "${name}" is ${name.length} characters; AWS allows at most ${MAX_FUNCTION_NAME_LENGTH}: shorten the name` });
      m.associations.forEach((a, j) => {
        const site = env.sites.find((s) => s.name === a.site);
        if (!site) {
          envIssue(envName, ["associations", j, "site"], (e) => `"${a.site}" is not a site of ${e}; sites: ${env.sites.map((s) => s.name).join(", ") || "(none)"}`);
          return;
        }
        if (sidKnown && site.sid !== m.sid)
          envIssue(envName, ["associations", j, "site"], (e) => `site "${a.site}" of ${e} belongs to product "${site.sid}", not "${m.sid}"; a function attaches only to its own product's sites`);
        const behaviors = ["default", ...site.distribution.behaviors.map((b) => b.pathPattern)];
        if (!behaviors.includes(a.behavior))
          envIssue(envName, ["associations", j, "behavior"], (e) => `site "${a.site}" of ${e} has no cache behavior "${a.behavior}"; its behaviors: ${behaviors.join(", ")}`);
      });
    });
    for (const { path, message } of perEnv.values()) ctx.addIssue({ code: "custom", path, message });
    const seen = new Set<string>();
    m.associations.forEach((a, j) => {
      const key = `${a.site} ${a.behavior} ${a.eventType}`;
      if (seen.has(key))
        ctx.addIssue({ code: "custom", path: ["associations", j], message: `${a.eventType} of behavior "${a.behavior}" of site "${a.site}" is listed twice` });
      seen.add(key);
    });
  });
}
