/**
 * Who may act on an environment's products: `products[].access` (the application teams' maintenance and CI/CD
 * roles, modules/app-team-roles.ts) and `githubOidc` (the account's GitHub Actions OIDC provider), with their
 * cross-field and cross-environment rules. Names end up in IAM condition values matched with ArnLike/StringEquals,
 * so `*` and `?` are never allowed.
 */
import { z } from "zod";
import { GITHUB_NUMERIC_ID, JOB_WORKFLOW_REF } from "../model/safeguards";
import { SID } from "../model/limits";
import type { Issue } from "./rules";

const sessionHours = z.number().int().min(1, "must be 1-12 hours (IAM MaxSessionDuration)").max(12, "must be 1-12 hours (IAM MaxSessionDuration)");

/** Pinning of the CI/CD role's GitHub trust by immutable ids. */
const cicdIdentity = {
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
          .regex(
            /^[A-Za-z0-9_.-]{1,255}$/,
            "must be a GitHub environment name: 1-255 of letters, digits and _ . - (the job's environment:, part of the OIDC subject)",
          ),
        maxSessionHours: sessionHours.default(1),
        ...cicdIdentity,
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((a) => a.maintenance || a.cicd, "declare maintenance, cicd or both (or remove access)");

/** The account's IAM OIDC provider for GitHub Actions: created by this stack, or an existing one referenced. */
export const githubOidc = z
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

export const product = z
  .object({
    /** Product (system) id used in names, tags and the principal-tag roles. */
    sid: z.string().regex(SID, "must be 2-16 lowercase letters or digits, starting with a letter"),
    /** Human description shown in tags and docs. */
    description: z.string().min(1).max(256),
    /** Maintenance and CI/CD roles for the product's application team. */
    access: productAccess.optional(),
  })
  .strict();

/** The fields of an environment the access rules read. */
export const ACCESS_READS = [["accountId"], ["githubOidc"], ["products", "*", "access"]] as const;

/** Cross-field rules: a CI/CD role needs the OIDC provider; the provider and the workflow belong to this account and repository. */
export function accessProblems(env: {
  accountId: string;
  githubOidc?: z.output<typeof githubOidc>;
  products: { access?: { cicd?: { repository: string; workflowRef?: string } } }[];
}): Issue[] {
  const issues: Issue[] = [];
  env.products.forEach((p, i) => {
    const cicd = p.access?.cicd;
    if (cicd && !env.githubOidc)
      issues.push({
        code: "custom",
        path: ["products", i, "access", "cicd"],
        message: "needs the environment's githubOidc: {} (create the provider) or { existingProviderArn }",
      });
    if (cicd?.workflowRef && !cicd.workflowRef.startsWith(`${cicd.repository}/`))
      issues.push({
        code: "custom",
        path: ["products", i, "access", "cicd", "workflowRef"],
        message: `names a workflow of another repository; a job of ${cicd.repository} runs "${cicd.repository}/.github/workflows/<file>@<ref>" (a reusable workflow of another repository needs its own role)`,
      });
  });
  const oidcArn = env.githubOidc?.existingProviderArn;
  if (oidcArn && !oidcArn.startsWith(`arn:aws:iam::${env.accountId}:`))
    issues.push({ code: "custom", path: ["githubOidc", "existingProviderArn"], message: `must be in this environment's account ${env.accountId}` });
  return issues;
}

/** Cross-environment rule: IAM allows one OIDC provider per issuer and account, so only one environment of an account may create it. */
export function oidcProviderProblems<E extends { accountId: string; githubOidc?: z.output<typeof githubOidc> }>(
  envs: readonly E[],
  fileOf: (env: E) => string,
): string[] {
  const problems: string[] = [];
  const creators = new Map<string, string>();
  for (const env of envs) {
    if (!env.githubOidc || env.githubOidc.existingProviderArn) continue;
    const other = creators.get(env.accountId);
    if (other)
      problems.push(
        `${fileOf(env)}: field "githubOidc": ${other} already creates the GitHub OIDC provider of account ${env.accountId} (one per account); set existingProviderArn: "arn:aws:iam::${env.accountId}:oidc-provider/token.actions.githubusercontent.com"`,
      );
    else creators.set(env.accountId, fileOf(env));
  }
  return problems;
}
