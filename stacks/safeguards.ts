/**
 * Stack wiring of the environment safeguards (environments/security.ts): the application-team guards generated from
 * the CloudFront Function manifests. Called from stacks/edge-stack.ts.
 */
import type { Construct } from "constructs";
import { functionsOf, type Cf2Function } from "../environments/cf2/load";
import { FunctionOwner, functionName } from "../environments/cf2/manifest";
import type { Environment } from "../environments/schema";
import { ConsoleRestrictionPolicy } from "../modules/app-team-guards";

/** What AppTeamPolicy and AppTeamRoles take from the safeguards. */
export interface AppTeamGuards {
  /** Props for AppTeamPolicy: the infra-owned functions to deny and the other policies the roles may not change. */
  readonly policy: { infraOwnedFunctionNames: string[]; otherProtectedPolicyNames: string[] };
  /** Policies every maintenance role attaches besides the shared one. */
  readonly maintenancePolicies: { arn: string; resource?: ConsoleRestrictionPolicy["policy"] }[];
}

/**
 * The explicit deny on every infra-owned function this environment creates (from the manifests, so a new infra
 * function is covered by its own pull request) and, with `security.liveChangesOnlyThroughCicd`, the console
 * restriction policy for the maintenance roles.
 */
export function appTeamGuards(scope: Construct, env: Environment, functions: Cf2Function[]): AppTeamGuards {
  const infraOwnedFunctionNames = functionsOf(env.name, functions)
    .filter((f) => f.manifest.owner === FunctionOwner.INFRA)
    .map((f) => functionName(env.name, f.manifest.sid, f.manifest.name));
  if (!env.security.liveChangesOnlyThroughCicd) return { policy: { infraOwnedFunctionNames, otherProtectedPolicyNames: [] }, maintenancePolicies: [] };
  const console = new ConsoleRestrictionPolicy(scope, "app-team-console-restriction", { envName: env.name, accountId: env.accountId });
  return {
    policy: { infraOwnedFunctionNames, otherProtectedPolicyNames: [console.name] },
    maintenancePolicies: [{ arn: console.arn, resource: console.policy }],
  };
}
