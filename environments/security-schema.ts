/**
 * Environment-level safeguards (issue 10) as zod fragments and cross-field rules, hooked into environments/schema.ts:
 * - `security`: what a production-tier environment requires (certificate with TLSv1.2_2021, standard logging on every
 *   distribution), protects (deletion) and withholds (LIVE changes from the console role);
 * - `alarms`: where failures of the invalidators and the release path page someone;
 * - the rules that keep one owner per site bucket (a replication source gets its own prefix under continuous
 *   deployment) and reject path modes that cannot work with continuous deployment.
 * Every rule names the entry and field it is about; environments/load.ts adds the file.
 */
import { z } from "zod";
import { couldBeReleaseVersion, GITHUB_NUMERIC_ID, JOB_WORKFLOW_REF, MINIMUM_TLS_POLICY, WRITER_PREFIX } from "../model/hardening";

/** Safeguards of an environment; every one is off unless set (the production example sets all four). */
export const security = z
  .object({
    /** Every distribution has an ACM certificate (and so TLSv1.2_2021) and at least one alias it serves. */
    requireCertificate: z.boolean().default(false),
    /** Every distribution writes standard access logs (`distribution.logging`). */
    requireLogging: z.boolean().default(false),
    /** prevent_destroy on distributions, site buckets and the OIDC provider; skip_destroy on log groups. */
    protectFromDeletion: z.boolean().default(false),
    /**
     * The console (maintenance) roles may read, test and read logs, but not update or publish functions: changes to
     * LIVE go only through the CI/CD role, whose GitHub environment's protection rules review them.
     */
    liveChangesOnlyThroughCicd: z.boolean().default(false),
    /** Every site has a web ACL in front of its distribution (`sites[].waf`). */
    requireWaf: z.boolean().default(false),
  })
  .strict();

const snsTopicArn = z.string().regex(/^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");

/** Where alarms go: a topic this stack creates (optionally with e-mail subscriptions) or an existing topic. */
export const alarms = z
  .object({
    /** An existing SNS topic in the environment's account and main region; omit to create `<env>-edge-alarms`. */
    topicArn: snsTopicArn.optional(),
    /** E-mail addresses subscribed to the created topic (each confirms by mail once). */
    emails: z.array(z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address")).default([]),
  })
  .strict();

/** Pinning of the CI/CD role's GitHub trust by immutable ids; merged into `products[].access.cicd`. */
export const cicdIdentity = {
  /** The repository's numeric id (`gh api repos/<owner>/<repo> --jq .id`); survives no rename or re-creation. */
  repositoryId: z.string().regex(GITHUB_NUMERIC_ID, "must be the repository's numeric id as a string of digits (gh api repos/<owner>/<repo> --jq .id)"),
  /** The owner's (organization's or user's) numeric id (`gh api repos/<owner>/<repo> --jq .owner.id`). */
  ownerId: z.string().regex(GITHUB_NUMERIC_ID, "must be the repository owner's numeric id as a string of digits (gh api repos/<owner>/<repo> --jq .owner.id)"),
  /** Optional: only this workflow file at this ref may assume the role (the token's `job_workflow_ref`). */
  workflowRef: z
    .string()
    .regex(JOB_WORKFLOW_REF, 'must be "<owner>/<repo>/.github/workflows/<file>.yml@refs/heads/<branch>" (or @refs/tags/<tag>), without wildcards')
    .optional(),
};

type Issue = { code: "custom"; path: (string | number)[]; message: string };

/** The parts of a validated environment these rules read (kept structural so schema.ts can call it before types exist). */
interface EnvironmentView {
  accountId: string;
  region: string;
  security: z.output<typeof security>;
  alarms?: z.output<typeof alarms>;
  products: { access?: { cicd?: { repository: string; workflowRef?: string } } }[];
  sites: {
    distribution: { aliases: string[]; certificateArn?: string; logging?: unknown; behaviors: { pathPattern: string }[] };
    invalidation?: { paths: string; prefix?: string; replicationSourceRoleArn?: string; replicationPrefix?: string };
    continuousDeployment?: { pipeline?: { source: { type: "codestar" | "s3" } } };
    waf?: unknown;
  }[];
}

/** Cross-field rules of the safeguards; schema.ts adds each issue to the environment's result. */
export function securityProblems(env: EnvironmentView): Issue[] {
  const issues: Issue[] = [];
  const sec = env.security;
  const topic = env.alarms?.topicArn;
  // CloudWatch alarms notify topics of their own account and region.
  if (topic && !topic.startsWith(`arn:aws:sns:${env.region}:${env.accountId}:`))
    issues.push({ code: "custom", path: ["alarms", "topicArn"], message: `must be in this environment's account ${env.accountId} and region ${env.region} (alarms notify topics of their own region)` });
  if (topic && env.alarms!.emails.length > 0)
    issues.push({ code: "custom", path: ["alarms", "emails"], message: "subscribe addresses to an existing topic where it is managed; emails are for the topic this stack creates (omit topicArn)" });
  env.products.forEach((p, i) => {
    const cicd = p.access?.cicd;
    if (cicd?.workflowRef && !cicd.workflowRef.startsWith(`${cicd.repository}/`))
      issues.push({
        code: "custom",
        path: ["products", i, "access", "cicd", "workflowRef"],
        message: `names a workflow of another repository; a job of ${cicd.repository} runs "${cicd.repository}/.github/workflows/<file>@<ref>" (a reusable workflow of another repository needs its own role)`,
      });
  });
  env.sites.forEach((s, i) => {
    const d = s.distribution;
    if (sec.requireCertificate) {
      if (!d.certificateArn)
        issues.push({
          code: "custom",
          path: ["sites", i, "distribution", "certificateArn"],
          message: `is required in this environment (security.requireCertificate): without an ACM certificate CloudFront uses its default certificate, whose security policy stays at TLSv1; with one the distribution uses ${MINIMUM_TLS_POLICY}`,
        });
      if (d.aliases.length === 0)
        issues.push({
          code: "custom",
          path: ["sites", i, "distribution", "aliases"],
          message: "name at least one alias in this environment (security.requireCertificate): the certificate and its TLS policy apply to the aliases; the *.cloudfront.net name always uses CloudFront's default certificate",
        });
    }
    if (sec.requireWaf && !s.waf)
      issues.push({
        code: "custom",
        path: ["sites", i, "waf"],
        message: 'is required in this environment (security.requireWaf): set {} for a web ACL this project creates (AWS managed rules and a rate limit), or { webAclArn: "<existing CLOUDFRONT web ACL>" }',
      });
    if (sec.requireLogging && !d.logging)
      issues.push({
        code: "custom",
        path: ["sites", i, "distribution", "logging"],
        message: 'is required in this environment (security.requireLogging): set { bucket: "<log bucket>", prefix: "<site>/" }',
      });

    const inv = s.invalidation;
    const cd = s.continuousDeployment;
    if (!inv) return;
    const at = (field: string) => ["sites", i, "invalidation", field];
    if (inv.replicationPrefix !== undefined && !inv.replicationSourceRoleArn)
      issues.push({ code: "custom", path: at("replicationPrefix"), message: "is the prefix of a replication source: set replicationSourceRoleArn too, or remove it" });
    if (inv.replicationPrefix !== undefined && !WRITER_PREFIX.test(inv.replicationPrefix))
      issues.push({ code: "custom", path: at("replicationPrefix"), message: 'must be one folder name of lowercase letters, digits and hyphens ending in "/", e.g. "vendor/"' });
    if (!cd) return;
    // Under continuous deployment the bucket holds releases under <release>/ and the release flow owns them and their
    // invalidation: uploads of an unapproved release must never invalidate (or reach) the primary.
    if (inv.paths === "changed")
      issues.push({
        code: "custom",
        path: at("paths"),
        message: 'cannot be "changed" with continuousDeployment: the primary serves the bucket under /<release>, so changed keys become paths no viewer requests; use "wildcard" (the release flow invalidates releases itself)',
      });
    if (!inv.replicationSourceRoleArn) {
      issues.push({
        code: "custom",
        path: ["sites", i, "invalidation"],
        message: "with continuousDeployment the release flow invalidates releases; an invalidation block would flush the primary on every upload of an unapproved release. Remove it, or use it only for a replication source (replicationSourceRoleArn + replicationPrefix)",
      });
      return;
    }
    if (inv.replicationPrefix === undefined) {
      issues.push({
        code: "custom",
        path: at("replicationPrefix"),
        message: 'is required with continuousDeployment: a replication grant on the whole bucket writes into release prefixes and changes live content without an approval. Give the source its own folder, e.g. "vendor/" (or replicate into a bucket of its own)',
      });
      return;
    }
    const folder = inv.replicationPrefix.replace(/\/$/, "");
    const served = `/${inv.replicationPrefix}*`;
    const clash = d.behaviors.findIndex((b) => b.pathPattern === served);
    if (clash >= 0)
      issues.push({
        code: "custom",
        path: ["sites", i, "distribution", "behaviors", clash, "pathPattern"],
        message: `"${served}" is the behavior that serves the replication source's folder outside the release (added for invalidation.replicationPrefix); remove it here`,
      });
    const source = cd.pipeline?.source.type ?? "manual";
    if (couldBeReleaseVersion(folder, source))
      issues.push({
        code: "custom",
        path: at("replicationPrefix"),
        message: `"${inv.replicationPrefix}" could be a release prefix (releases are named after the ${source === "codestar" ? "commit id" : "source object's version id"}); choose a name that is not`,
      });
    if (inv.prefix !== undefined && !inv.prefix.startsWith(inv.replicationPrefix))
      issues.push({
        code: "custom",
        path: at("prefix"),
        message: `must start with replicationPrefix "${inv.replicationPrefix}" with continuousDeployment: only the replication source's uploads may trigger an invalidation, never a release upload`,
      });
  });
  return issues;
}
