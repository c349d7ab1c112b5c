import { GithubOidcClaim, githubConditionKey } from "../../model/safeguards";
import { GITHUB_OIDC_AUDIENCE, githubSubject } from "../../model/names";

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

/**
 * The StringEquals conditions of a CI/CD trust: audience and subject (names) plus the repository's and owner's
 * immutable ids and, optionally, the workflow. All exact (the schema admits digits for the ids and no wildcard in
 * the workflow ref).
 */
export function githubTrustConditions(job: GithubJobIdentity): Record<string, string> {
  return {
    [githubConditionKey(GithubOidcClaim.AUDIENCE)]: GITHUB_OIDC_AUDIENCE,
    [githubConditionKey(GithubOidcClaim.SUBJECT)]: githubSubject(job.repository, job.environment),
    [githubConditionKey(GithubOidcClaim.REPOSITORY_ID)]: job.repositoryId,
    [githubConditionKey(GithubOidcClaim.REPOSITORY_OWNER_ID)]: job.ownerId,
    ...(job.workflowRef ? { [githubConditionKey(GithubOidcClaim.JOB_WORKFLOW_REF)]: job.workflowRef } : {}),
  };
}
