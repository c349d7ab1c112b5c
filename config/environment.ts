/**
 * The shape of one environment file (environments/<name>.ts or .json), composed from one module per concern and
 * validated with zod before any construct exists.
 *
 * Every rule mirrors a limit that AWS or Terraform would otherwise report at apply time, so a typo fails in
 * `npm run synth` with the file, entry and field named instead of half-way through a deploy. Each cross-field rule
 * runs as soon as the fields it reads are valid (config/rules.ts), so one run reports every problem.
 */
import { z } from "zod";
import { ENV_NAME } from "../model/limits";
import { AWS_REGIONS } from "../model/vocabulary";
import { ACCESS_READS, accessProblems, githubOidc, product } from "./access";
import { alarms, ALARMS_READS, alarmsProblems } from "./alarms";
import { backend } from "./backend";
import { changeRecorderSchema } from "./change-recorder";
import { continuousDeploymentProblems } from "./continuous-deployment";
import { deployRolesProblems, deployRolesSchema } from "./deploy-roles";
import { accountId, repositoryName, retention } from "./fields";
import { invalidationProblems } from "./invalidation";
import { logEncryptionProblems, logEncryptionSchema } from "./log-encryption";
import { messageEncryptionProblems, messageEncryptionSchema } from "./message-encryption";
import { whenParsed } from "./rules";
import { security, SECURITY_READS, securityProblems } from "./security";
import { site, siteProblems, SITES_READS } from "./site";

const tagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, "tag keys allow letters, digits, spaces and _ . : / = + - @");
const tagValue = z
  .string()
  .max(256)
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, "tag values allow letters, digits, spaces and _ . : / = + - @");
const RESERVED_TAGS = ["environment", "managed-by", "repository", "sid"];
const tags = z.record(tagKey, tagValue).superRefine((t, ctx) => {
  for (const k of Object.keys(t)) {
    if (RESERVED_TAGS.includes(k))
      ctx.addIssue({ code: "custom", path: [k], message: `tag "${k}" is set by the project itself; reserved: ${RESERVED_TAGS.join(", ")}` });
    if (k.toLowerCase().startsWith("aws:")) ctx.addIssue({ code: "custom", path: [k], message: 'tag keys must not start with "aws:"' });
  }
  if (Object.keys(t).length > 40) ctx.addIssue({ code: "custom", message: "at most 40 tags (AWS allows 50; the project adds its own)" });
});

export const environmentSchema = z
  .object({
    /** Environment name; must equal the file name (dev.ts -> "dev"). */
    name: z.string().regex(ENV_NAME, "must be 2-10 lowercase letters or digits, starting with a letter"),
    accountId,
    /** Main region for regional resources; CloudFront Function logs always go to us-east-1. */
    region: z.enum(AWS_REGIONS),
    /** owner/name of the repository that manages this environment, for the repository tag. */
    repository: repositoryName,
    /** Default retention for every log group this environment creates. */
    logRetentionDays: retention,
    /** Customer managed KMS keys for every log group (config/log-encryption.ts). @default AWS-owned encryption */
    logEncryption: logEncryptionSchema.optional(),
    /** Customer managed KMS keys for every SQS queue and SNS topic (config/message-encryption.ts). @default SSE-SQS queues, unencrypted topics */
    messageEncryption: messageEncryptionSchema.optional(),
    backend,
    tags: tags.default({}),
    products: z.array(product).min(1, "declare at least one product"),
    sites: z.array(site).default([]),
    /** GitHub Actions OIDC provider; required when a product has access.cicd. */
    githubOidc: githubOidc.optional(),
    /** The infrastructure team's plan and apply roles for GitHub Actions (config/deploy-roles.ts). */
    deployRoles: deployRolesSchema.optional(),
    /** Safeguards: certificate and logging required, deletion protection, no LIVE changes from the console. */
    security: security.prefault({}),
    /** Where failures page someone (config/alarms.ts); omit for no alarms. */
    alarms: alarms.optional(),
    /** Record changes made outside this repository and raise them as GitHub issues; one environment per account. */
    changeRecorder: changeRecorderSchema.optional(),
  })
  .strict()
  .superRefine((env, ctx) => alarmsProblems(env).forEach((issue) => ctx.addIssue(issue)), whenParsed(...ALARMS_READS))
  .superRefine((env, ctx) => securityProblems(env).forEach((issue) => ctx.addIssue(issue)), whenParsed(...SECURITY_READS))
  .superRefine(
    (env, ctx) => logEncryptionProblems(env).forEach((p) => ctx.addIssue({ code: "custom", ...p })),
    whenParsed(["accountId"], ["region"], ["logEncryption"]),
  )
  .superRefine(
    (env, ctx) => messageEncryptionProblems(env).forEach((p) => ctx.addIssue({ code: "custom", ...p })),
    whenParsed(["accountId"], ["region"], ["messageEncryption"]),
  )
  .superRefine(
    (env, ctx) => {
      const sids = new Set<string>();
      env.products.forEach((p, i) => {
        if (sids.has(p.sid)) ctx.addIssue({ code: "custom", path: ["products", i, "sid"], message: `duplicate sid "${p.sid}"` });
        sids.add(p.sid);
      });
    },
    whenParsed(["products", "*", "sid"]),
  )
  .superRefine((env, ctx) => accessProblems(env).forEach((issue) => ctx.addIssue(issue)), whenParsed(...ACCESS_READS))
  .superRefine((env, ctx) => deployRolesProblems(env).forEach((issue) => ctx.addIssue(issue)), whenParsed(["name"], ["deployRoles"]))
  .superRefine((env, ctx) => siteProblems(env).forEach((issue) => ctx.addIssue(issue)), whenParsed(...SITES_READS))
  .superRefine(
    (env, ctx) => env.sites.forEach((s, i) => invalidationProblems(env, s, i).forEach((issue) => ctx.addIssue(issue))),
    whenParsed(["name"], ["accountId"], ...(["name", "sid", "distribution", "invalidation", "continuousDeployment"] as const).map((f) => ["sites", "*", f])),
  )
  .superRefine((env, ctx) => continuousDeploymentProblems(env).forEach((issue) => ctx.addIssue(issue)), whenParsed(["sites", "*", "continuousDeployment"]));

/** What an environment file exports (defaults may be omitted). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment, defaults filled in. */
export type Environment = z.output<typeof environmentSchema>;

/** Identity helper so environment files get types and editor completion. */
export function defineEnvironment(input: EnvironmentInput): EnvironmentInput {
  return input;
}
