/**
 * The manifest of one container-image Lambda function (functions/lambda/<name>/manifest.json), written by the
 * infrastructure team and reviewed in a pull request. The image itself is the application team's: it lives in their
 * repository and pipeline, never here. Validated with zod against the environments before any construct exists.
 */
import { z } from "zod";
import { TICKET_KEY } from "../../../model/limits";
import type { Environment } from "../../environment";
import { retention } from "../../fields";
import { checkManifestEnvironments } from "../manifest-environments";
import { whenParsed } from "../../rules";
import {
  ENVIRONMENT_VARIABLE_NAME,
  IMAGE_OWNERS,
  LAMBDA_ARCHITECTURES,
  CONTAINER_FUNCTION_DEFAULTS,
  CONTAINER_FUNCTION_LIMITS,
  CONTAINER_FUNCTION_NAME,
  RESERVED_ENVIRONMENT_VARIABLES,
  containerFunctionName,
  reservedContainerFunctionNameProblem,
} from "../../../model/container-function";

const range = (what: string, { min, max }: { min: number; max: number }, unit: string) =>
  z
    .number({ message: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `${what} must be ${min}-${max} ${unit}`)
    .max(max, `${what} must be ${min}-${max} ${unit}`);

const environmentVariables = z.record(z.string(), z.string({ message: "values are strings" })).superRefine((vars, ctx) => {
  for (const k of Object.keys(vars)) {
    if (!ENVIRONMENT_VARIABLE_NAME.test(k))
      ctx.addIssue({ code: "custom", path: [k], message: "names start with a letter and hold only letters, digits and _" });
    else if ((RESERVED_ENVIRONMENT_VARIABLES as readonly string[]).includes(k))
      ctx.addIssue({ code: "custom", path: [k], message: `"${k}" is reserved by the Lambda runtime` });
  }
  // Lambda measures the variables as the JSON it stores.
  const bytes = Buffer.byteLength(JSON.stringify(vars));
  if (bytes > CONTAINER_FUNCTION_LIMITS.environmentBytes)
    ctx.addIssue({ code: "custom", message: `are ${bytes} bytes together; Lambda allows ${CONTAINER_FUNCTION_LIMITS.environmentBytes}` });
});

const origin = z
  .object({
    /** The site's name in the environment configuration (sites[].name). */
    site: z.string().min(1),
    /**
     * Path pattern of a cache behavior the site already declares (distribution.behaviors[].pathPattern): the
     * environment owns the behavior's place in the evaluation order and its cache policy; the manifest routes it.
     */
    pathPattern: z.string().min(1),
  })
  .strict();

const containerFunctionManifestShape = z
  .object({
    /** The ticket that requested the function; tagged on every resource. */
    ticket: z.string().regex(TICKET_KEY, 'must be a Jira issue key like "SHOP-1300"'),
    /** Function name, equal to its directory name under functions/lambda/; the AWS name is `<env>-<sid>-<name>`. */
    name: z.string().regex(CONTAINER_FUNCTION_NAME, "must be lowercase letters and digits in words joined by single hyphens, starting with a letter"),
    /** The product that owns the function; a product of every environment listed. */
    sid: z.string().min(1),
    /** The environments whose stacks create the function. */
    environments: z.array(z.string()).min(1, "list at least one environment"),
    /** Who decides which image runs: "app" (the team's pipeline) or "infra" (the tag parameter, at every apply). */
    owner: z.enum(IMAGE_OWNERS, { message: 'must be "app" or "infra"' }),
    /** Memory in MB. */
    memory: range("memory", CONTAINER_FUNCTION_LIMITS.memoryMb, "MB").default(CONTAINER_FUNCTION_DEFAULTS.memoryMb),
    /** Timeout in seconds. */
    timeout: range("timeout", CONTAINER_FUNCTION_LIMITS.timeoutSeconds, "seconds").default(CONTAINER_FUNCTION_DEFAULTS.timeoutSeconds),
    /** Instruction set the image is built for. */
    architecture: z.enum(LAMBDA_ARCHITECTURES, { message: 'must be "arm64" or "x86_64"' }).default(CONTAINER_FUNCTION_DEFAULTS.architecture),
    /** Tagged images the repository keeps (newest by push time); older ones and every untagged image expire. */
    imagesToKeep: range("imagesToKeep", CONTAINER_FUNCTION_LIMITS.imagesToKeep, "images").default(CONTAINER_FUNCTION_DEFAULTS.imagesToKeep),
    /** Environment variables (plain text in the function configuration: never secrets). */
    environmentVariables: environmentVariables.default({}),
    /** Reserved concurrency; omitted = the account's unreserved pool. */
    reservedConcurrency: range("reservedConcurrency", CONTAINER_FUNCTION_LIMITS.reservedConcurrency, "executions").optional(),
    /** Log retention in days; defaults to the environment's logRetentionDays. */
    retentionDays: retention.optional(),
    /** Serve the function through a cache behavior of a site (function URL with IAM auth behind origin access control). */
    origin: origin.optional(),
  })
  .strict();

export type ContainerFunctionManifest = z.output<typeof containerFunctionManifestShape>;

/**
 * The manifest schema with the rules that need the environment configuration. Without environments (they are
 * invalid, and reported on their own) every rule runs but those that read them: known environment names, the sid a
 * product of each, the origin's site and behavior, names per environment.
 */
export function containerFunctionManifestSchema(envs: readonly Environment[] | undefined) {
  const byName = new Map((envs ?? []).map((e) => [e.name, e]));
  return containerFunctionManifestShape
    .superRefine(
      (m, ctx) => {
        if (m.origin && m.timeout > CONTAINER_FUNCTION_LIMITS.originTimeoutSeconds)
          ctx.addIssue({
            code: "custom",
            path: ["timeout"],
            message: `is ${m.timeout} seconds, but CloudFront waits at most ${CONTAINER_FUNCTION_LIMITS.originTimeoutSeconds} seconds for an origin: at most ${CONTAINER_FUNCTION_LIMITS.originTimeoutSeconds} with an origin`,
          });
      },
      whenParsed(["origin"], ["timeout"]),
    )
    .superRefine(
      (m, ctx) => {
        if (envs) checkEnvironments(m, byName, ctx);
      },
      whenParsed(["environments"], ["sid"], ["name"], ["origin"]),
    );
}

/** Each environment listed knows the product, and the site and behavior the function is served from. */
function checkEnvironments(m: ContainerFunctionManifest, byName: ReadonlyMap<string, Environment>, ctx: z.RefinementCtx): void {
  checkManifestEnvironments(m, byName, ctx, ({ env, envName, sidKnown, envIssue }) => {
    const fn = containerFunctionName(envName, m.sid, m.name);
    if (fn.length > CONTAINER_FUNCTION_LIMITS.functionNameLength)
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: `the function name "${fn}" is ${fn.length} characters; Lambda allows at most ${CONTAINER_FUNCTION_LIMITS.functionNameLength}: shorten the name by ${fn.length - CONTAINER_FUNCTION_LIMITS.functionNameLength}`,
      });
    const reserved = reservedContainerFunctionNameProblem(
      m.name,
      env.sites.filter((s) => s.sid === m.sid).map((s) => s.name),
    );
    if (reserved) envIssue(envName, ["name"], (e) => `"${fn.slice(envName.length + 1)}" ${reserved} in ${e}; choose another name`);
    if (!m.origin) return;
    const site = env.sites.find((s) => s.name === m.origin!.site);
    if (!site) {
      envIssue(envName, ["origin", "site"], (e) => `"${m.origin!.site}" is not a site of ${e}; sites: ${env.sites.map((s) => s.name).join(", ") || "(none)"}`);
      return;
    }
    if (sidKnown && site.sid !== m.sid)
      envIssue(
        envName,
        ["origin", "site"],
        (e) => `site "${site.name}" of ${e} belongs to product "${site.sid}", not "${m.sid}"; a function serves only its own product's sites`,
      );
    if (site.continuousDeployment)
      envIssue(
        envName,
        ["origin", "site"],
        (e) =>
          `site "${site.name}" of ${e} uses continuous deployment, whose release flow owns both distributions' origins (Configure rewrites the first origin, promotion copies staging onto the primary); serve the function from a site without continuousDeployment`,
      );
    const patterns = site.distribution.behaviors.map((b) => b.pathPattern);
    if (!patterns.includes(m.origin.pathPattern))
      envIssue(
        envName,
        ["origin", "pathPattern"],
        (e) =>
          `site "${site.name}" of ${e} has no cache behavior "${m.origin!.pathPattern}" to route to the function; declare it in the site's distribution.behaviors (its place and cache policy are the environment's); declared: ${patterns.join(", ") || "(none)"}`,
      );
  });
}
