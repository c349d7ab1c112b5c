/**
 * Vocabulary of the environment-level safeguards: what a production-tier environment requires and
 * protects, the GitHub OIDC claims the CI/CD trust pins, and the one prefix rule of a site bucket with two writers.
 * Imports neither config/ nor modules/.
 */

import { GITHUB_OIDC_HOST } from "./names";

/**
 * GitHub OIDC claims the CI/CD trust policy compares with StringEquals. Names (`sub`, owner/repo) survive a rename,
 * transfer or re-creation of an organization or repository; the numeric ids do not. AWS STS evaluates these claims
 * in trust policies ("AWS STS supports validation of identity provider claims", January 2026:
 * https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/;
 * claims: https://docs.github.com/en/actions/reference/security/oidc).
 */
export const GithubOidcClaim = {
  AUDIENCE: "aud",
  SUBJECT: "sub",
  REPOSITORY_ID: "repository_id",
  REPOSITORY_OWNER_ID: "repository_owner_id",
  /** `<owner>/<repo>/.github/workflows/<file>@<ref>` of the (reusable) workflow the job runs. */
  JOB_WORKFLOW_REF: "job_workflow_ref",
} as const;
export type GithubOidcClaim = (typeof GithubOidcClaim)[keyof typeof GithubOidcClaim];

/** The IAM condition key of a GitHub OIDC claim. */
export function githubConditionKey(claim: GithubOidcClaim): string {
  return `${GITHUB_OIDC_HOST}:${claim}`;
}

/** GitHub's numeric ids of users, organizations and repositories: positive integers, written as strings. */
export const GITHUB_NUMERIC_ID = /^[1-9][0-9]{0,19}$/;

/**
 * A pinned workflow: `<owner>/<repo>/.github/workflows/<file>.yml@refs/heads/<branch>` (or `refs/tags/<tag>`), as
 * GitHub writes `job_workflow_ref`. Exact, no wildcards: it ends up in a StringEquals condition.
 */
export const JOB_WORKFLOW_REF =
  /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9_.-]{1,100}\/\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml@refs\/(heads|tags)\/[A-Za-z0-9_./-]{1,255}$/;

/**
 * CloudFront Function actions an application team uses on its own functions that change or run code, denied on
 * infrastructure-owned functions even where the `<env>-<sid>-*` prefix matches them.
 */
export const INFRA_FUNCTION_DENIED_ACTIONS = ["cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:TestFunction"] as const;

/** What the console (maintenance) role loses where LIVE changes go only through the reviewed CI/CD role. */
export const CONSOLE_DENIED_ACTIONS = ["cloudfront:UpdateFunction", "cloudfront:PublishFunction"] as const;

/** The same for container functions: deploying code, pushing an image, pointing the image tag at another image. */
export const CONSOLE_DENIED_CONTAINER_ACTIONS = {
  functions: ["lambda:UpdateFunctionCode"],
  repositories: ["ecr:PutImage"],
  imageTags: ["ssm:PutParameter"],
} as const;

/** The minimum TLS policy every distribution with a certificate uses (CloudFront's current recommended policy). */
export const MINIMUM_TLS_POLICY = "TLSv1.2_2021";

/**
 * Key prefix of a site bucket that a second writer (a replication source of another account) owns. It is a plain
 * folder name ending in "/", so it never looks like a release prefix: releases are the commit id (40 hex
 * characters) or the S3 object version id (32 characters) of the release source.
 */
export const WRITER_PREFIX = /^[a-z][a-z0-9-]{0,62}\/$/;

/** Whether a top-level folder name could be a release version written by the release pipeline. */
export function couldBeReleaseVersion(folder: string, source: "codestar" | "s3" | "manual"): boolean {
  if (source === "codestar") return /^[0-9a-f]{7,40}$/.test(folder);
  if (source === "s3") return /^[A-Za-z0-9._]{32}$/.test(folder) || folder === "null";
  return false;
}
