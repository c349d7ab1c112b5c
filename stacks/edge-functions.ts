import type { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import type { Environment } from "../environments/schema";
import { functionsOf, type Cf2Function } from "../environments/cf2/load";
import { FunctionOwner, functionComment, functionName } from "../environments/cf2/manifest";
import { APP_OWNED_IGNORED_ATTRIBUTES, CloudFrontFunction, INFRA_OWNED_IGNORED_ATTRIBUTES } from "../modules/cloudfront-function";
import { FunctionEventType, type FunctionAssociation } from "../modules/static-site";

/**
 * Creates the CloudFront Functions whose manifests (functions/cf2/<name>/manifest.json) list this environment, and
 * returns their associations by site name for the sites' distributions.
 */
export function addFunctions(
  scope: Construct,
  env: Environment,
  functions: Cf2Function[],
  logProvider: TerraformProvider,
): { functions: Map<string, CloudFrontFunction>; associationsBySite: Map<string, FunctionAssociation[]> } {
  const created = new Map<string, CloudFrontFunction>();
  const associationsBySite = new Map<string, FunctionAssociation[]>();
  for (const { manifest: m, code } of functionsOf(env.name, functions)) {
    const fn = new CloudFrontFunction(scope, `cf2-${m.name}`, {
      functionName: functionName(env.name, m.sid, m.name),
      code,
      runtime: m.runtime,
      comment: functionComment(m),
      ticket: m.ticket,
      sid: m.sid,
      logRetentionDays: m.retentionDays ?? env.logRetentionDays,
      logProvider,
      ignoreChanges: m.owner === FunctionOwner.APP ? APP_OWNED_IGNORED_ATTRIBUTES : INFRA_OWNED_IGNORED_ATTRIBUTES,
    });
    created.set(m.name, fn);
    for (const a of m.associations) {
      const list = associationsBySite.get(a.site) ?? [];
      list.push({ behavior: a.behavior, eventType: a.eventType as FunctionEventType, functionArn: fn.arn });
      associationsBySite.set(a.site, list);
    }
  }
  return { functions: created, associationsBySite };
}
