import type { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import type { ResolvedFunction } from "../model/resolved";
import { FunctionOwner } from "../model/vocabulary";
import { APP_OWNED_IGNORED_ATTRIBUTES, CloudFrontFunction, INFRA_OWNED_IGNORED_ATTRIBUTES } from "../modules/cloudfront-function";

/**
 * Creates an environment's CloudFront Functions (functions/cf2/<name>/manifest.json that list it), by manifest
 * name; the sites attach them by reference (stacks/edge-stack.ts).
 */
export function addFunctions(scope: Construct, functions: readonly ResolvedFunction[], logProvider: TerraformProvider): Map<string, CloudFrontFunction> {
  const created = new Map<string, CloudFrontFunction>();
  for (const f of functions) {
    created.set(
      f.name,
      new CloudFrontFunction(scope, `cf2-${f.name}`, {
        functionName: f.functionName,
        code: f.code,
        runtime: f.runtime,
        comment: f.comment,
        ticket: f.ticket,
        sid: f.sid,
        logRetentionDays: f.logRetentionDays,
        logProvider,
        ignoreChanges: f.owner === FunctionOwner.APP ? APP_OWNED_IGNORED_ATTRIBUTES : INFRA_OWNED_IGNORED_ATTRIBUTES,
      }),
    );
  }
  return created;
}
