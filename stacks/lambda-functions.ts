import type { Construct } from "constructs";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Environment } from "../environments/schema";
import { lambdaFunctionsOf, type LambdaFunctionSpec } from "../environments/lambda/load";
import { bootstrapImageUri, imageTagParameterName, lambdaFunctionName, lambdaRepositoryName } from "../model/lambda";
import { AppTeamLambdaPolicy } from "../modules/app-team-lambda-policy";
import type { AppTeamRoles } from "../modules/app-team-roles";
import { ContainerFunction } from "../modules/container-function";
import { FunctionUrlOrigin } from "../modules/function-url-origin";
import type { BehaviorOrigin, StaticSite } from "../modules/static-site";

/** What the stack needs from the container functions: origins for the sites, then the links to sites and roles. */
export interface LambdaFunctions {
  /** Container functions by manifest name. */
  functions: Map<string, ContainerFunction>;
  /** Behaviors routed to a function URL, by site name (StaticSite's `behaviorOrigins`). */
  originsBySite: Map<string, BehaviorOrigin[]>;
  /**
   * Once the sites and the application-team roles exist: admits each site's distribution to its functions, and
   * attaches the shared container-function policy to the roles of every product that owns a function here.
   */
  connect(sites: Map<string, StaticSite>, appTeamRoles: Map<string, AppTeamRoles>): void;
}

/** Creates the container functions whose manifests (functions/lambda/<name>/manifest.json) list this environment. */
export function addLambdaFunctions(scope: Construct, env: Environment, specs: LambdaFunctionSpec[]): LambdaFunctions {
  const functions = new Map<string, ContainerFunction>();
  const origins: { site: string; origin: FunctionUrlOrigin }[] = [];
  const originsBySite = new Map<string, BehaviorOrigin[]>();
  const mine = lambdaFunctionsOf(env.name, specs);
  for (const { manifest: m } of mine) {
    const name = lambdaFunctionName(env.name, m.sid, m.name);
    const fn = new ContainerFunction(scope, `lambda-${m.name}`, {
      functionName: name,
      repositoryName: lambdaRepositoryName(env.name, m.sid, m.name),
      parameterName: imageTagParameterName(env.name, m.sid, m.name),
      accountId: env.accountId,
      region: env.region,
      sid: m.sid,
      ticket: m.ticket,
      owner: m.owner,
      memoryMb: m.memory,
      timeoutSeconds: m.timeout,
      architecture: m.architecture,
      imagesToKeep: m.imagesToKeep,
      environmentVariables: m.environmentVariables,
      reservedConcurrency: m.reservedConcurrency,
      logRetentionDays: m.retentionDays ?? env.logRetentionDays,
      bootstrapImageUri: bootstrapImageUri(env.accountId, env.region, m.architecture),
    });
    functions.set(m.name, fn);
    if (m.origin) {
      const origin = new FunctionUrlOrigin(fn, "origin", { functionName: fn.function.functionName, name, region: env.region, readTimeoutSeconds: m.timeout });
      origins.push({ site: m.origin.site, origin });
      originsBySite.set(m.origin.site, [...(originsBySite.get(m.origin.site) ?? []), origin.behaviorOrigin(m.origin.pathPattern)]);
    }
  }

  return {
    functions,
    originsBySite,
    connect(sites, appTeamRoles) {
      // Sites with continuous deployment are refused by the manifest schema, so each origin serves one distribution.
      for (const { site, origin } of origins) origin.allowDistribution(site, sites.get(site)!.distribution.arn);
      const owners = [...new Set(mine.map((s) => s.manifest.sid))].filter((sid) => appTeamRoles.has(sid));
      if (owners.length === 0) return;
      const policy = new AppTeamLambdaPolicy(scope, "app-team-lambda-policy", { envName: env.name, accountId: env.accountId, region: env.region });
      for (const sid of owners) {
        for (const [kind, role] of appTeamRoles.get(sid)!.roles) {
          new IamRolePolicyAttachment(scope, `app-team-${sid}-${kind}-lambda-policy`, { role: role.name, policyArn: policy.arn, dependsOn: [policy.policy] });
        }
      }
    },
  };
}
