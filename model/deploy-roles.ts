/**
 * The infrastructure team's GitHub Actions roles (modules/access/infra-deploy-roles.ts): their kinds, names, default GitHub
 * environments, and the resolved slice the stack hands to the module.
 */

/** The infrastructure team's two roles per environment. */
export const InfraRoleKind = {
  /** Read-only: `terraform plan -lock=false` in pull requests. */
  PLAN: "plan",
  /** `terraform apply` on merge to main, behind the GitHub environment's required reviewers. */
  APPLY: "apply",
} as const;
export type InfraRoleKind = (typeof InfraRoleKind)[keyof typeof InfraRoleKind];

/** `<env>-edge-infra-plan` / `<env>-edge-infra-apply`. */
export function infraRoleName(envName: string, kind: InfraRoleKind): string {
  return `${envName}-edge-infra-${kind}`;
}

/** The GitHub environment each role trusts by default: `<env>-plan` (no reviewers) and `<env>` (reviewers). */
export function defaultDeployEnvironment(envName: string, kind: InfraRoleKind): string {
  return kind === InfraRoleKind.PLAN ? `${envName}-plan` : envName;
}

/** The deploy roles of one environment, defaults applied. */
export interface ResolvedDeployRoles {
  /** `owner/name` of this repository (the OIDC subject). */
  readonly repository: string;
  /** Numeric GitHub ids pinned in the trust. */
  readonly repositoryId: string;
  readonly ownerId: string;
  /** GitHub environment of the plan job. */
  readonly planEnvironment: string;
  /** GitHub environment of the apply job. */
  readonly applyEnvironment: string;
  /** Whether the plan role may take the state lock. */
  readonly planLocks: boolean;
  /** Maximum session length of both roles, hours. */
  readonly maxSessionHours: number;
  /** AWS-managed policies roles may attach (the boundary denies every other). */
  readonly allowedAwsManagedPolicyArns: readonly string[];
  /** `job_workflow_ref` the apply role trusts: the apply workflow on the default branch. */
  readonly applyWorkflowRef: string;
  /** `job_workflow_ref` patterns the plan role trusts: the pull-request workflow on pull-request refs, and the apply workflow's plan job. */
  readonly planWorkflowRefs: readonly string[];
}

/** The workflows the deploy roles trust by default (.github/workflows/). */
export const DEFAULT_DEPLOY_WORKFLOWS = { apply: "apply.yml", pullRequest: "pr.yml", defaultBranch: "main" } as const;

/**
 * `job_workflow_ref` as GitHub writes it: `<owner>/<repo>/.github/workflows/<file>@<ref>`
 * (https://docs.github.com/en/actions/reference/security/oidc#understanding-the-oidc-token). A pull request's run
 * has the ref `refs/pull/<number>/merge`.
 */
export function jobWorkflowRef(repository: string, workflowFile: string, ref: string): string {
  return `${repository}/.github/workflows/${workflowFile}@${ref}`;
}

/** `<env>-edge-permissions-boundary`: the managed policy every role of the environment's stack carries as its boundary. */
export function permissionsBoundaryName(envName: string): string {
  return `${envName}-edge-permissions-boundary`;
}
