/**
 * Stack wiring of the environment safeguards (config/security.ts): the application-team guards generated from
 * the CloudFront Function manifests. Called from stacks/edge-stack.ts.
 */
import type { Construct } from "constructs";
import type { ResolvedEnvironment } from "../model/resolved";
import { FunctionOwner } from "../model/vocabulary";
import { ConsoleRestrictionPolicy } from "../modules/access/app-team-guards";

/** What AppTeamPolicy and AppTeamRoles take from the safeguards. */
export interface AppTeamGuards {
  /** Props for AppTeamPolicy: the infra-owned functions to deny and the other policies the roles may not change. */
  readonly policy: { readonly infraOwnedFunctionNames: readonly string[]; readonly otherProtectedPolicyNames: readonly string[] };
  /** Policies every maintenance role attaches besides the shared one. */
  readonly maintenancePolicies: readonly { readonly arn: string; readonly resource?: ConsoleRestrictionPolicy["policy"] }[];
}

/**
 * The explicit deny on every infra-owned function this environment creates (from the manifests, so a new infra
 * function is covered by its own pull request) and, with `security.liveChangesOnlyThroughCicd`, the console
 * restriction policy for the maintenance roles.
 */
export function appTeamGuards(scope: Construct, env: ResolvedEnvironment): AppTeamGuards {
  const infraOwnedFunctionNames = env.functions.filter((f) => f.owner === FunctionOwner.INFRA).map((f) => f.functionName);
  if (!env.security.liveChangesOnlyThroughCicd) return { policy: { infraOwnedFunctionNames, otherProtectedPolicyNames: [] }, maintenancePolicies: [] };
  const console = new ConsoleRestrictionPolicy(scope, "app-team-console-restriction", { envName: env.name, accountId: env.accountId });
  return {
    policy: { infraOwnedFunctionNames, otherProtectedPolicyNames: [console.name] },
    maintenancePolicies: [{ arn: console.arn, resource: console.policy }],
  };
}
