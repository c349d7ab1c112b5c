import type { Construct } from "constructs";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { ResolvedEnvironment } from "../model/resolved";
import { AppTeamContainerFunctionPolicy } from "../modules/access/app-team-container-function-policy";
import type { AppTeamRoles } from "../modules/access/app-team-roles";
import { ContainerFunction } from "../modules/lambda/container-function";
import { FunctionUrlOrigin } from "../modules/lambda/function-url-origin";
import type { BehaviorOrigin, StaticSite } from "../modules/cloudfront/static-site";

/** What the stack needs from the container functions: origins for the sites, then the links to sites and roles. */
export interface ContainerFunctions {
  /** Container functions by manifest name. */
  readonly functions: Map<string, ContainerFunction>;
  /** Behaviors routed to a function URL, by site name (StaticSite's `behaviorOrigins`). */
  readonly originsBySite: Map<string, BehaviorOrigin[]>;
  /**
   * Once the sites and the application-team roles exist: admits each site's distribution to its functions, and
   * attaches the shared container-function policy to the roles of every product that owns a function here.
   */
  connect(sites: ReadonlyMap<string, StaticSite>, appTeamRoles: ReadonlyMap<string, AppTeamRoles>): void;
}

/** Creates the environment's container functions (functions/lambda/<name>/manifest.json that list it). */
export function addContainerFunctions(scope: Construct, env: ResolvedEnvironment): ContainerFunctions {
  const functions = new Map<string, ContainerFunction>();
  const origins: { site: string; origin: FunctionUrlOrigin }[] = [];
  const originsBySite = new Map<string, BehaviorOrigin[]>();
  for (const f of env.containerFunctions) {
    const { name: _name, origin: route, ...config } = f;
    const fn = new ContainerFunction(scope, `lambda-${f.name}`, { ...config, accountId: env.accountId, region: env.region });
    functions.set(f.name, fn);
    if (route) {
      const origin = new FunctionUrlOrigin(fn, "origin", {
        functionName: fn.function.functionName,
        name: f.functionName,
        region: env.region,
        readTimeoutSeconds: f.timeoutSeconds,
      });
      origins.push({ site: route.site, origin });
      originsBySite.set(route.site, [...(originsBySite.get(route.site) ?? []), origin.behaviorOrigin(route.pathPattern)]);
    }
  }

  return {
    functions,
    originsBySite,
    connect(sites, appTeamRoles) {
      // Sites with continuous deployment are refused by the manifest schema, so each origin serves one distribution.
      for (const { site, origin } of origins) origin.allowDistribution(site, sites.get(site)!.distribution.arn);
      const owners = [...new Set(env.containerFunctions.map((f) => f.sid))].filter((sid) => appTeamRoles.has(sid));
      if (owners.length === 0) return;
      const policy = new AppTeamContainerFunctionPolicy(scope, "app-team-lambda-policy", { envName: env.name, accountId: env.accountId, region: env.region });
      for (const sid of owners) {
        for (const [kind, role] of appTeamRoles.get(sid)!.roles) {
          new IamRolePolicyAttachment(scope, `app-team-${sid}-${kind}-lambda-policy`, { role: role.name, policyArn: policy.arn, dependsOn: [policy.policy] });
        }
      }
    },
  };
}
