/**
 * The shape of one environment file (environments/<name>.ts), validated with zod before any construct exists.
 *
 * Every rule here mirrors a limit that AWS or Terraform would otherwise report at apply time, so a typo fails in
 * `npm run synth` with the file, entry and field named instead of half-way through a deploy.
 */
import { z } from "zod";
import { DEFAULT_TEST_ROUTE, INVALIDATION_QUOTAS, MAX_PATHS_PER_BATCH } from "../model/release";
import { deployEnvironments, deployRolesSchema } from "./deploy-roles";
import { alarms, cicdIdentity, security, securityProblems } from "./security-schema";
import { wafSchema } from "./waf-schema";
import { securityHeadersSchema } from "./security-headers-schema";
import { bucketAccessLogsSchema } from "./access-logs-schema";
import { logEncryptionProblems, logEncryptionSchema } from "./log-encryption-schema";

import { CD_HEADER_PREFIX, ENV_NAME, LIMITS, LOG_RETENTION_DAYS, RESOURCE_NAME, SID } from "../model/limits";
import { defaultBucketName, invalidatorFunctionName } from "../model/names";
import {
  AWS_REGIONS,
  INVALIDATION_EVENTS,
  INVALIDATION_PATH_MODES,
  MANAGED_CACHE_POLICY_NAMES,
  PRICE_CLASSES,
  type ManagedCachePolicy,
} from "../model/vocabulary";
import { changeRecorderSchema } from "./change-recorder";

// Re-exported for code that read them from here before the model layer existed.
import { MANAGED_CACHE_POLICIES } from "../model/vocabulary";
export { AWS_REGIONS, CD_HEADER_PREFIX, ENV_NAME, INVALIDATION_EVENTS, INVALIDATION_PATH_MODES, LOG_RETENTION_DAYS, MANAGED_CACHE_POLICIES, PRICE_CLASSES, RESOURCE_NAME, SID };
export { defaultBucketName, invalidatorFunctionName };
export type { ManagedCachePolicy };
/** CloudFront allows 20 continuous deployment policies (and 20 staging distributions) per account. */
export const MAX_CONTINUOUS_DEPLOYMENTS = LIMITS.continuousDeploymentsPerAccount;

/** A CloudWatch Logs retention value; shared with the CloudFront Function manifests. */
export const retention = z
  .number()
  .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
    message: `must be a CloudWatch Logs retention value: one of ${LOG_RETENTION_DAYS.join(", ")}`,
  });

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id, as a string");

/** S3 bucket naming rules that matter in practice: 3-63 chars, lowercase, digits, dots, hyphens, no IP form. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3-63 characters (is ${name.length})`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "may contain only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit";
  if (/\.\.|\.-|-\./.test(name)) return "must not contain '..', '.-' or '-.'";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  if (name.includes(".")) return "must not contain dots (TLS to <bucket>.s3.amazonaws.com breaks with dotted names)";
  return undefined;
}
const bucketName = z.string().superRefine((name, ctx) => {
  const problem = bucketNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const tagKey = z.string().min(1).max(128).regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, "tag keys allow letters, digits, spaces and _ . : / = + - @");
const tagValue = z.string().max(256).regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, "tag values allow letters, digits, spaces and _ . : / = + - @");
const RESERVED_TAGS = ["environment", "managed-by", "repository", "sid"];
const tags = z
  .record(tagKey, tagValue)
  .superRefine((t, ctx) => {
    for (const k of Object.keys(t)) {
      if (RESERVED_TAGS.includes(k))
        ctx.addIssue({ code: "custom", path: [k], message: `tag "${k}" is set by the project itself; reserved: ${RESERVED_TAGS.join(", ")}` });
      if (k.toLowerCase().startsWith("aws:")) ctx.addIssue({ code: "custom", path: [k], message: 'tag keys must not start with "aws:"' });
    }
    if (Object.keys(t).length > 40) ctx.addIssue({ code: "custom", message: "at most 40 tags (AWS allows 50; the project adds its own)" });
  });

const backend = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("s3"),
      bucket: bucketName,
      key: z.string().min(1).regex(/^[^/].*\.tfstate$/, "must be a relative object key ending in .tfstate"),
      region: z.enum(AWS_REGIONS),
      encrypt: z.literal(true, { message: "state holds secrets in plain text: encrypt must be true" }).default(true),
      kmsKeyId: z.string().regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, "must be a KMS key or alias ARN").optional(),
      /** S3-native locking (Terraform >= 1.10). */
      useLockfile: z.boolean().default(true),
      /** Optional legacy DynamoDB lock table, for teams still on Terraform < 1.10. */
      dynamodbTable: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, "must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)").optional(),
    })
    .strict(),
  z.object({ type: z.literal("local"), path: z.string().min(1).optional() }).strict(),
]);

/**
 * Application-team access to a product's CloudFront Functions and their logs (modules/app-team-roles.ts).
 * Names end up in IAM condition values matched with ArnLike/StringEquals, so `*` and `?` are never allowed.
 */
const sessionHours = z.number().int().min(1, "must be 1-12 hours (IAM MaxSessionDuration)").max(12, "must be 1-12 hours (IAM MaxSessionDuration)");
const productAccess = z
  .object({
    /** Maintenance role for the console: assumable by these IAM Identity Center permission sets (by name). */
    maintenance: z
      .object({
        permissionSets: z
          .array(z.string().regex(/^[\w+=,.@-]{1,32}$/, "must be an IAM Identity Center permission set name: 1-32 of letters, digits and _ + = , . @ -"))
          .min(1, "name at least one permission set whose users may switch to the maintenance role"),
        /** Maximum session length; AWS caps sessions switched to from a single sign-on session at 1 hour anyway. */
        maxSessionHours: sessionHours.default(1),
      })
      .strict()
      .optional(),
    /** CI/CD role for GitHub Actions (OIDC): only jobs of this repository running in this GitHub environment. */
    cicd: z
      .object({
        repository: z.string().regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9_.-]{1,100}$/, 'must be a GitHub repository "owner/name"'),
        environment: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,255}$/, "must be a GitHub environment name: 1-255 of letters, digits and _ . - (the job's environment:, part of the OIDC subject)"),
        maxSessionHours: sessionHours.default(1),
        ...cicdIdentity,
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((a) => a.maintenance || a.cicd, "declare maintenance, cicd or both (or remove access)");

/** The account's IAM OIDC provider for GitHub Actions: created by this stack, or an existing one referenced. */
const githubOidc = z
  .object({
    /** ARN of a provider that already exists in the account (IAM allows one per URL); omit to create it here. */
    existingProviderArn: z
      .string()
      .regex(
        /^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
        "must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
      )
      .optional(),
  })
  .strict();

const product = z
  .object({
    /** Product (system) id used in names, tags and the principal-tag roles. */
    sid: z.string().regex(SID, "must be 2-16 lowercase letters or digits, starting with a letter"),
    /** Human description shown in tags and docs. */
    description: z.string().min(1).max(256),
    /** Maintenance and CI/CD roles for the product's application team. */
    access: productAccess.optional(),
  })
  .strict();

const behavior = z
  .object({
    /** CloudFront path pattern, e.g. "/api/*". */
    pathPattern: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9_\-.*$/~"'@:+&?]+$/, "allows A-Z a-z 0-9 _ - . * $ / ~ \" ' @ : + & ? only")
      .refine((p) => p !== "*" && p !== "/*", "\"*\" is the default behavior; declare it as defaultBehavior"),
    cachePolicy: z.enum(MANAGED_CACHE_POLICY_NAMES).default("CachingOptimized"),
    compress: z.boolean().default(true),
  })
  .strict();

const distribution = z
  .object({
    /** The distribution id once it exists; tickets may name it by ARN. Required with adopt. */
    id: z.string().regex(/^E[A-Z0-9]{7,15}$/, "must be a CloudFront distribution id like E2QWRUHAPOMQZL").optional(),
    /** Import an existing distribution (created outside this project) instead of creating one. */
    adopt: z.boolean().default(false),
    comment: z.string().max(128, "CloudFront allows at most 128 characters").optional(),
    aliases: z.array(z.string().regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/, "must be a lowercase DNS name")).default([]),
    /** ACM certificate in us-east-1; required when aliases are set. */
    certificateArn: z
      .string()
      .regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)")
      .optional(),
    priceClass: z.enum(PRICE_CLASSES).default("PriceClass_200"),
    /** Object served for "/"; an object key without a leading "/" (CloudFront's DefaultRootObject). */
    defaultRootObject: z
      .string()
      .min(1)
      .max(255)
      .refine((o) => !o.startsWith("/"), 'is an object key: no leading "/" (write "index.html", not "/index.html")')
      .default("index.html"),
    defaultBehavior: behavior.omit({ pathPattern: true }).default({ cachePolicy: "CachingOptimized", compress: true }),
    /** Ordered cache behaviors, evaluated in this order. */
    behaviors: z.array(behavior).default([]),
    /** Standard access logs to an existing log bucket (must allow ACLs for CloudFront). */
    logging: z
      .object({ bucket: bucketName, prefix: z.string().max(256).default("") })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.aliases.length > 0 && !d.certificateArn)
      ctx.addIssue({ code: "custom", path: ["certificateArn"], message: "is required when aliases are set (CloudFront needs a certificate for them)" });
    if (d.adopt && !d.id) ctx.addIssue({ code: "custom", path: ["id"], message: "is required when adopt is true (the id to import)" });
    const seen = new Set<string>();
    d.behaviors.forEach((b, i) => {
      if (seen.has(b.pathPattern))
        ctx.addIssue({ code: "custom", path: ["behaviors", i, "pathPattern"], message: `duplicate path pattern "${b.pathPattern}"` });
      seen.add(b.pathPattern);
    });
  });


/** Automatic CloudFront invalidation when the site's bucket changes (modules/site-invalidator.ts). */
const invalidation = z
  .object({
    events: z
      .array(z.enum(INVALIDATION_EVENTS))
      .min(1, 'list at least one of "created", "removed"')
      .refine((e) => new Set(e).size === e.length, "lists an event twice")
      .default(["created"]),
    /** Only keys starting with this (no leading "/"). */
    prefix: z.string().min(1).max(1024).refine((p) => !p.startsWith("/"), 'S3 keys have no leading "/"; write "assets/", not "/assets/"').optional(),
    /** Only keys ending with this, e.g. ".html". */
    suffix: z.string().min(1).max(1024).optional(),
    paths: z.enum(INVALIDATION_PATH_MODES).default("wildcard"),
    /** With paths "changed": above this many paths per distribution and batch, send /* instead. */
    maxPaths: z
      .number()
      .int()
      .min(1)
      .max(MAX_PATHS_PER_BATCH, `at most ${MAX_PATHS_PER_BATCH}, so one batch can never use up CloudFront's ${INVALIDATION_QUOTAS.pathsInProgress} paths in progress per distribution`)
      .default(50),
    /** How long Lambda gathers messages into one batch (one invalidation per distribution per batch). */
    batchingWindowSeconds: z.number().int().min(1, "at least 1 (batches of more than 10 messages need a window)").max(300, "Lambda allows at most 300").default(30),
    /** Receives before a message moves to the dead-letter queue. */
    maxReceiveCount: z.number().int().min(1).max(1000, "SQS allows 1-1000").default(5),
    /** Other sites of this environment whose distributions also serve this bucket's objects; the site's own is always included. */
    alsoInvalidate: z.array(z.string()).default([]),
    /** IAM role of another account that replicates into this bucket; the bucket policy admits it. */
    replicationSourceRoleArn: z
      .string()
      .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
      .optional(),
    /** Folder of the bucket the replication source may write (e.g. "vendor/"); required with continuous deployment. */
    replicationPrefix: z.string().optional(),
  })
  .strict();

/**
 * Continuous deployment of a site (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/continuous-deployment.html): a staging distribution, a continuous deployment policy that routes
 * testers (by header) or a small share of viewers (by weight) to it, Configure/Promote state machines and,
 * optionally, a release pipeline. Limits are CloudFront's: header names start with aws-cf-cd-, weight 0-0.15,
 * session stickiness 300-3600 s, one staging distribution per policy, no HTTP/3 (sites use HTTP/2).
 */
const stickinessTtl = z
  .number()
  .int("must be a whole number of seconds")
  .min(300, "must be 300-3600 seconds (CloudFront's session stickiness range)")
  .max(3600, "must be 300-3600 seconds (CloudFront's session stickiness range)");
/** Request header name of a header route; CloudFront only routes headers named aws-cf-cd-*. */
const cdHeader = z.string().superRefine((h, ctx) => {
  if (!h.startsWith(CD_HEADER_PREFIX))
    ctx.addIssue({ code: "custom", message: `must start with "${CD_HEADER_PREFIX}" (CloudFront routes only such headers to staging), e.g. "${CD_HEADER_PREFIX}release"` });
  else if (!/^aws-cf-cd-[a-z0-9][a-z0-9-]{0,80}$/.test(h))
    ctx.addIssue({ code: "custom", message: `after "${CD_HEADER_PREFIX}" allows 1-81 lowercase letters, digits or hyphens` });
});
const cdHeaderValue = z.string().regex(/^[A-Za-z0-9_.~-]{1,128}$/, "must be 1-128 of A-Z a-z 0-9 _ . ~ -");
const continuousDeployment = z
  .object({
    /** How viewers reach staging: a header testers send, or a share of all viewers. */
    traffic: z.discriminatedUnion("type", [
      z
        .object({
          type: z.literal("header"),
          /** Request header name; CloudFront only routes headers named aws-cf-cd-*. */
          header: cdHeader,
          /** Header value that selects staging. Not a secret: whoever learns it reaches staging (docs/security.md). */
          value: cdHeaderValue,
        })
        .strict(),
      z
        .object({
          type: z.literal("weight"),
          /** Share of viewers sent to staging. */
          weight: z.number().min(0, "must be 0-0.15 (CloudFront sends at most 15% to staging)").max(0.15, "must be 0-0.15 (CloudFront sends at most 15% to staging)"),
          /** Keep a viewer on the distribution it first reached. */
          sessionStickiness: z.object({ idleTtlSeconds: stickinessTtl, maximumTtlSeconds: stickinessTtl }).strict().optional(),
          /** Header route testers use before approval; the weight starts only after the first approval. Not a secret (docs/security.md). */
          testRoute: z.object({ header: cdHeader, value: cdHeaderValue }).strict().default({ ...DEFAULT_TEST_ROUTE }),
        })
        .strict()
        .superRefine((w, ctx) => {
          const s = w.sessionStickiness;
          if (s && s.idleTtlSeconds > s.maximumTtlSeconds)
            ctx.addIssue({ code: "custom", path: ["sessionStickiness", "idleTtlSeconds"], message: `must not exceed maximumTtlSeconds (${s.maximumTtlSeconds}): a session cannot idle longer than it lasts` });
        }),
    ]),
    /** Release pipeline (Source, Build, Deploy, Configure, Approve, Promote); without it, release with npm run promote. */
    pipeline: z
      .object({
        source: z.discriminatedUnion("type", [
          z
            .object({
              type: z.literal("codestar"),
              /** CodeStar (CodeConnections) connection, created and authorized outside this project. */
              connectionArn: z
                .string()
                .regex(/^arn:aws:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/, "must be a CodeStar connection ARN (arn:aws:codestar-connections:<region>:<account>:connection/<uuid>, or codeconnections)"),
              /** owner/name of the site's repository. */
              repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"'),
              branch: z.string().min(1).max(255),
            })
            .strict(),
          z
            .object({
              type: z.literal("s3"),
              /** Versioned bucket holding the source zip; the object version becomes the release version. */
              bucket: bucketName,
              key: z.string().min(1).max(1024).regex(/\.zip$/, "must be the key of a .zip object"),
            })
            .strict(),
        ]),
        /** Path of the build's buildspec in the repository; its artifact is the site's files. */
        buildspec: z.string().regex(/^[A-Za-z0-9_./-]+\.ya?ml$/, "must be a relative path to a .yml or .yaml file").default("buildspec.yml"),
        /** CodeBuild image for Build and Deploy. */
        buildImage: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
        /** SNS topic notified when a release waits for approval. */
        approvalTopicArn: z.string().regex(/^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN").optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const site = z
  .object({
    /** Site name, unique in the environment; used in resource names. */
    name: z.string().regex(RESOURCE_NAME, "must be 2-32 lowercase letters, digits or hyphens, starting with a letter"),
    /** The product that owns the site; must be one of this environment's products. */
    sid: z.string(),
    /** Origin bucket name; defaults to <env>-<sid>-<name>-<accountId>. */
    bucketName: bucketName.optional(),
    distribution,
    /** Invalidate the distribution(s) when objects in the bucket change. */
    invalidation: invalidation.optional(),
    /** Release through a staging distribution and a continuous deployment policy. */
    continuousDeployment: continuousDeployment.optional(),
    /** A web ACL in front of the distribution (environments/waf-schema.ts); required with security.requireWaf. */
    waf: wafSchema.optional(),
    /** Response headers on every behavior (environments/security-headers-schema.ts): omitted = AWS SecurityHeadersPolicy, false = none. */
    securityHeaders: securityHeadersSchema.optional(),
    /** S3 server access logs of the origin bucket (environments/access-logs-schema.ts). @default none */
    bucketAccessLogs: bucketAccessLogsSchema.optional(),
  })
  .strict();

export const environmentSchema = z
  .object({
    /** Environment name; must equal the file name (dev.ts -> "dev"). */
    name: z.string().regex(ENV_NAME, "must be 2-10 lowercase letters or digits, starting with a letter"),
    accountId,
    /** Main region for regional resources; CloudFront Function logs always go to us-east-1. */
    region: z.enum(AWS_REGIONS),
    /** owner/name of the repository that manages this environment, for the repository tag. */
    repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"'),
    /** Default retention for every log group this environment creates. */
    logRetentionDays: retention,
    /** Customer managed KMS keys for every log group (environments/log-encryption-schema.ts). @default AWS-owned encryption */
    logEncryption: logEncryptionSchema.optional(),
    backend,
    tags: tags.default({}),
    products: z.array(product).min(1, "declare at least one product"),
    sites: z.array(site).default([]),
    /** GitHub Actions OIDC provider; required when a product has access.cicd. */
    githubOidc: githubOidc.optional(),
    /** The infrastructure team's plan and apply roles for GitHub Actions (environments/deploy-roles.ts). */
    deployRoles: deployRolesSchema.optional(),
    /** Safeguards: certificate and logging required, deletion protection, no LIVE changes from the console. */
    security: security.prefault({}),
    /** Where failures page someone (environments/security-schema.ts); omit for no alarms. */
    alarms: alarms.optional(),
    /** Record changes made outside this repository and raise them as GitHub issues; one environment per account. */
    changeRecorder: changeRecorderSchema.optional(),
  })
  .strict()
  .superRefine((env, ctx) => securityProblems(env).forEach((issue) => ctx.addIssue(issue)))
  .superRefine((env, ctx) => logEncryptionProblems(env).forEach((p) => ctx.addIssue({ code: "custom", ...p })))
  .superRefine((env, ctx) => {
    const sids = new Set<string>();
    env.products.forEach((p, i) => {
      if (sids.has(p.sid)) ctx.addIssue({ code: "custom", path: ["products", i, "sid"], message: `duplicate sid "${p.sid}"` });
      sids.add(p.sid);
      if (p.access?.cicd && !env.githubOidc)
        ctx.addIssue({ code: "custom", path: ["products", i, "access", "cicd"], message: "needs the environment's githubOidc: {} (create the provider) or { existingProviderArn }" });
    });
    if (env.deployRoles && deployEnvironments(env.name, env.deployRoles).plan === deployEnvironments(env.name, env.deployRoles).apply)
      ctx.addIssue({ code: "custom", path: ["deployRoles", "planEnvironment"], message: "must differ from applyEnvironment: its reviewers would gate every pull request's plan" });
    const oidcArn = env.githubOidc?.existingProviderArn;
    if (oidcArn && !oidcArn.startsWith(`arn:aws:iam::${env.accountId}:`))
      ctx.addIssue({ code: "custom", path: ["githubOidc", "existingProviderArn"], message: `must be in this environment's account ${env.accountId}` });
    const siteNames = new Set<string>();
    const ids = new Set<string>();
    env.sites.forEach((s, i) => {
      if (siteNames.has(s.name)) ctx.addIssue({ code: "custom", path: ["sites", i, "name"], message: `duplicate site name "${s.name}"` });
      siteNames.add(s.name);
      if (!sids.has(s.sid))
        ctx.addIssue({ code: "custom", path: ["sites", i, "sid"], message: `"${s.sid}" is not a product of this environment; declared: ${[...sids].join(", ")}` });
      const id = s.distribution.id;
      if (id && ids.has(id)) ctx.addIssue({ code: "custom", path: ["sites", i, "distribution", "id"], message: `distribution id ${id} is declared twice` });
      if (id) ids.add(id);
      if (s.invalidation) invalidationProblems(env, s, i).forEach((issue) => ctx.addIssue(issue));
      if (!s.bucketName) {
        const generated = defaultBucketName(env.name, s.sid, s.name, env.accountId);
        const problem = bucketNameProblem(generated);
        if (problem)
          ctx.addIssue({ code: "custom", path: ["sites", i, "name"], message: `the generated bucket name "${generated}" ${problem}; set bucketName or shorten the name` });
      }
    });
  })
  .superRefine((env, ctx) => {
    const withCd = env.sites.flatMap((s, i) => (s.continuousDeployment ? [i] : []));
    if (withCd.length > MAX_CONTINUOUS_DEPLOYMENTS)
      ctx.addIssue({
        code: "custom",
        path: ["sites", withCd[MAX_CONTINUOUS_DEPLOYMENTS], "continuousDeployment"],
        message: `at most ${MAX_CONTINUOUS_DEPLOYMENTS} sites per account may use continuous deployment (CloudFront's staging distribution and policy quota); ${withCd.length} do`,
      });
  });

/** Cross-field rules of a site's invalidation block (linked sites, names, accounts). */
function invalidationProblems(env: { name: string; accountId: string; sites: { name: string; sid: string }[] }, s: z.output<typeof site>, i: number) {
  const inv = s.invalidation!;
  const issues: { code: "custom"; path: (string | number)[]; message: string }[] = [];
  const names = env.sites.map((x) => x.name);
  inv.alsoInvalidate.forEach((other, j) => {
    const path = ["sites", i, "invalidation", "alsoInvalidate", j];
    if (other === s.name) issues.push({ code: "custom", path, message: "the site's own distribution is always invalidated; list only other sites" });
    else if (!names.includes(other)) issues.push({ code: "custom", path, message: `"${other}" is not a site of this environment; declared: ${names.join(", ")}` });
    else if (inv.alsoInvalidate.indexOf(other) !== j) issues.push({ code: "custom", path, message: `"${other}" is listed twice` });
  });
  const role = inv.replicationSourceRoleArn;
  if (role && role.split(":")[4] === env.accountId)
    issues.push({ code: "custom", path: ["sites", i, "invalidation", "replicationSourceRoleArn"], message: "is in this environment's own account; only replication from another account needs the bucket policy" });
  const functionName = invalidatorFunctionName(env.name, s.sid, s.name);
  if (functionName.length > LIMITS.lambdaFunctionNameLength)
    issues.push({ code: "custom", path: ["sites", i, "name"], message: `the invalidator function name "${functionName}" is ${functionName.length} characters; Lambda allows ${LIMITS.lambdaFunctionNameLength}: shorten the site name` });
  // The invalidator turns a changed "<dir>/<index document>" into "<dir>/" and "<dir>": only a file name can be matched so.
  const root = s.distribution.defaultRootObject;
  if (root.includes("/"))
    issues.push({
      code: "custom",
      path: ["sites", i, "distribution", "defaultRootObject"],
      message: `is "${root}"; with invalidation it must be a file name such as index.html (no "/"): the invalidator matches it in every directory`,
    });
  return issues;
}


/** What an environment file exports (defaults may be omitted). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment, defaults filled in. */
export type Environment = z.output<typeof environmentSchema>;
export type Site = Environment["sites"][number];
export type Product = Environment["products"][number];
export type ContinuousDeploymentConfig = NonNullable<Site["continuousDeployment"]>;

/** Identity helper so environment files get types and editor completion. */
export function defineEnvironment(input: EnvironmentInput): EnvironmentInput {
  return input;
}
