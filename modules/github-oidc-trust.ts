import { GITHUB_NUMERIC_ID, GithubOidcClaim, githubConditionKey, JOB_WORKFLOW_REF } from "../model/hardening";
import { GITHUB_OIDC_AUDIENCE } from "./github-oidc-provider";

/** Which GitHub Actions jobs may assume a CI/CD role. */
export interface GithubJobIdentity {
  /** `owner/name` of the repository (the name part of `sub`). */
  readonly repository: string;
  /** The GitHub environment the job declares (`environment:`), whose protection rules gate it. */
  readonly environment: string;
  /** The repository's numeric id: a re-created or transferred repository of the same name has another one. */
  readonly repositoryId: string;
  /** The owner's numeric id: a re-created organization or user of the same name has another one. */
  readonly ownerId: string;
  /** Only this workflow file at this ref (`job_workflow_ref`). @default any workflow of the repository */
  readonly workflowRef?: string;
}

/** The OIDC subject GitHub puts in a token of a job that declares `environment: <name>`. */
export function githubSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}

/**
 * The StringEquals conditions of a CI/CD trust: audience and subject (names) plus the repository's and owner's
 * immutable ids and, optionally, the workflow. All exact: a value with `*` or `?` would be a pattern under
 * StringLike and is refused here, as the schema refuses it.
 */
export function githubTrustConditions(job: GithubJobIdentity): Record<string, string> {
  for (const [field, value] of [["repositoryId", job.repositoryId], ["ownerId", job.ownerId]] as const)
    if (!GITHUB_NUMERIC_ID.test(value)) throw new Error(`GitHub trust of ${job.repository}: ${field} must be a numeric id, is "${value}"`);
  if (job.workflowRef !== undefined && !JOB_WORKFLOW_REF.test(job.workflowRef))
    throw new Error(`GitHub trust of ${job.repository}: workflowRef "${job.workflowRef}" is not <owner>/<repo>/.github/workflows/<file>@refs/...`);
  return {
    [githubConditionKey(GithubOidcClaim.AUDIENCE)]: GITHUB_OIDC_AUDIENCE,
    [githubConditionKey(GithubOidcClaim.SUBJECT)]: githubSubject(job.repository, job.environment),
    [githubConditionKey(GithubOidcClaim.REPOSITORY_ID)]: job.repositoryId,
    [githubConditionKey(GithubOidcClaim.REPOSITORY_OWNER_ID)]: job.ownerId,
    ...(job.workflowRef ? { [githubConditionKey(GithubOidcClaim.JOB_WORKFLOW_REF)]: job.workflowRef } : {}),
  };
}
