/**
 * `deployRoles`: the infrastructure team's own GitHub Actions roles for this environment
 * (modules/infra-deploy-roles.ts), used by .github/workflows/pr.yml (plan) and apply.yml (apply). Schema, rule and
 * resolve step.
 */
import { z } from "zod";
import type { Issue } from "./rules";
import { DEFAULT_DEPLOY_WORKFLOWS, defaultDeployEnvironment, InfraRoleKind, jobWorkflowRef, type ResolvedDeployRoles } from "../model/deploy-roles";

const workflowFile = z.string().regex(/^[A-Za-z0-9_.-]+\.ya?ml$/, "must be a workflow file name in .github/workflows/, e.g. apply.yml");

/** A GitHub environment name as it appears in the OIDC subject (`repo:<owner>/<name>:environment:<environment>`). */
const githubEnvironment = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,255}$/, "must be a GitHub environment name: 1-255 of letters, digits and _ . - (the job's environment:, part of the OIDC subject)");

/** GitHub's numeric ids, as strings (IAM compares condition values as strings). */
const githubId = (what: string) =>
  z
    .string()
    .regex(
      /^[1-9]\d{0,19}$/,
      `must be the ${what}'s numeric GitHub id, as a string (gh api repos/<owner>/<name> --jq '${what === "repository" ? ".id" : ".owner.id"}')`,
    );

export const deployRolesSchema = z
  .object({
    /** Numeric id of this repository (`gh api repos/<owner>/<name> --jq .id`); pinned in the trust, so a re-created or renamed-into repository gets nothing. */
    repositoryId: githubId("repository"),
    /** Numeric id of the repository's owner (`gh api repos/<owner>/<name> --jq .owner.id`). */
    ownerId: githubId("owner"),
    /** GitHub environment the pull-request plan job runs in (no reviewers needed). @default "<env>-plan" */
    planEnvironment: githubEnvironment.optional(),
    /** GitHub environment the apply job runs in (required reviewers for production). @default "<env>" */
    applyEnvironment: githubEnvironment.optional(),
    /** Whether the plan role may write the state lock object; CI plans with -lock=false, so no. @default false */
    planLocks: z.boolean().default(false),
    /** Maximum session length of both roles, in hours (IAM MaxSessionDuration). @default 1 */
    maxSessionHours: z.number().int().min(1, "must be 1-12 hours (IAM MaxSessionDuration)").max(12, "must be 1-12 hours (IAM MaxSessionDuration)").default(1),
    /** The repository's default branch: the apply role trusts only the apply workflow run from it. @default "main" */
    defaultBranch: z
      .string()
      .regex(/^[A-Za-z0-9_./-]{1,255}$/, "must be a branch name")
      .default(DEFAULT_DEPLOY_WORKFLOWS.defaultBranch),
    /** The workflow file whose jobs apply (and plan before applying). @default "apply.yml" */
    applyWorkflow: workflowFile.default(DEFAULT_DEPLOY_WORKFLOWS.apply),
    /** The workflow file that plans pull requests. @default "pr.yml" */
    pullRequestWorkflow: workflowFile.default(DEFAULT_DEPLOY_WORKFLOWS.pullRequest),
    /** AWS-managed policies the stack's roles may attach; every other one is denied by the permissions boundary. @default none */
    allowedAwsManagedPolicyArns: z
      .array(z.string().regex(/^arn:aws:iam::aws:policy\/[\w+=,.@/-]{1,512}$/, "must be an AWS-managed policy ARN (arn:aws:iam::aws:policy/<path/name>)"))
      .refine(
        (a) => !a.some((arn) => /\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/.test(arn)),
        "must not allow AdministratorAccess, IAMFullAccess or PowerUserAccess: they lift the boundary's purpose",
      )
      .default([]),
  })
  .strict();

export type DeployRolesConfig = z.output<typeof deployRolesSchema>;

/** The GitHub environments the roles trust, defaults applied. */
export function deployEnvironments(envName: string, r: Pick<DeployRolesConfig, "planEnvironment" | "applyEnvironment">): { plan: string; apply: string } {
  return {
    plan: r.planEnvironment ?? defaultDeployEnvironment(envName, InfraRoleKind.PLAN),
    apply: r.applyEnvironment ?? defaultDeployEnvironment(envName, InfraRoleKind.APPLY),
  };
}

/** The plan job must run in its own GitHub environment: the apply environment's reviewers would gate every pull request's plan. */
export function deployRolesProblems(env: { name: string; deployRoles?: DeployRolesConfig }): Issue[] {
  if (!env.deployRoles) return [];
  const { plan, apply } = deployEnvironments(env.name, env.deployRoles);
  if (plan !== apply) return [];
  return [
    {
      code: "custom",
      path: ["deployRoles", "planEnvironment"],
      message: "must differ from applyEnvironment: its reviewers would gate every pull request's plan",
    },
  ];
}

/** The resolve step's part (config/resolve.ts): defaults applied once. */
export function resolveDeployRoles(env: { name: string; repository: string; deployRoles?: DeployRolesConfig }): ResolvedDeployRoles | undefined {
  const r = env.deployRoles;
  if (!r) return undefined;
  const environments = deployEnvironments(env.name, r);
  return {
    repository: env.repository,
    repositoryId: r.repositoryId,
    ownerId: r.ownerId,
    planEnvironment: environments.plan,
    applyEnvironment: environments.apply,
    planLocks: r.planLocks,
    maxSessionHours: r.maxSessionHours,
    allowedAwsManagedPolicyArns: r.allowedAwsManagedPolicyArns,
    applyWorkflowRef: jobWorkflowRef(env.repository, r.applyWorkflow, `refs/heads/${r.defaultBranch}`),
    planWorkflowRefs: [
      jobWorkflowRef(env.repository, r.pullRequestWorkflow, "refs/pull/*/merge"),
      jobWorkflowRef(env.repository, r.applyWorkflow, `refs/heads/${r.defaultBranch}`),
    ],
  };
}
