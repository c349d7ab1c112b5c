import type { Construct } from "constructs";
import type { ResolvedEnvironment } from "../model/resolved";
import { AppTeamPolicy } from "../modules/access/app-team-policy";
import { AppTeamRoles } from "../modules/access/app-team-roles";
import { GithubOidcProvider } from "../modules/access/github-oidc-provider";
import { appTeamGuards } from "./safeguards";

/** The application teams' access, for the features wired after it. */
export interface Access {
  /** Application-team roles by sid (products with `access`). */
  readonly appTeamRoles: Map<string, AppTeamRoles>;
  /** The account's GitHub OIDC provider, when a product's CI/CD role needs it (`githubOidc`). @default none */
  readonly githubOidc?: GithubOidcProvider;
}

/**
 * Application-team access: one shared attribute-based policy and a maintenance and/or CI/CD role per product, the
 * CI/CD roles trusting the account's GitHub OIDC provider. IAM is global, so the main provider serves.
 */
export function addAccess(scope: Construct, env: ResolvedEnvironment): Access {
  const appTeamRoles = new Map<string, AppTeamRoles>();
  if (env.appTeams.length === 0) return { appTeamRoles };
  const guards = appTeamGuards(scope, env);
  const policy = new AppTeamPolicy(scope, "app-team-policy", { envName: env.name, accountId: env.accountId, ...guards.policy });
  const githubOidc = env.githubOidc && new GithubOidcProvider(scope, "github-oidc", { accountId: env.accountId, ...env.githubOidc });
  for (const team of env.appTeams) {
    const { maintenance, cicd } = team;
    appTeamRoles.set(
      team.sid,
      new AppTeamRoles(scope, `app-team-${team.sid}`, {
        envName: env.name,
        accountId: env.accountId,
        sid: team.sid,
        policyArn: policy.arn,
        policy: policy.policy,
        maintenance,
        maintenancePolicies: guards.maintenancePolicies,
        cicd: cicd && githubOidc ? { ...cicd, oidcProviderArn: githubOidc.arn, oidcProvider: githubOidc.resource } : undefined,
      }),
    );
  }
  return { appTeamRoles, githubOidc };
}
