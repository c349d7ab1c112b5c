import type { Construct } from "constructs";
import type { ResolvedEnvironment, ResolvedSite } from "../model/resolved";
import type { CloudFrontFunction } from "../modules/cloudfront/cloudfront-function";
import { StaticSite, type BehaviorOrigin } from "../modules/cloudfront/static-site";
import { PROMOTION_OWNED_ATTRIBUTES } from "../modules/release/continuous-deployment";

/** What a site takes from the rest of the stack. */
export interface SiteInputs {
  /** The environment's CloudFront Functions by manifest name (stacks/functions.ts); the site attaches the ones it names. */
  readonly functions: ReadonlyMap<string, CloudFrontFunction>;
  /** Behaviors routed to a container function's URL (stacks/container-functions.ts). @default none */
  readonly behaviorOrigins?: readonly BehaviorOrigin[];
  /** The web ACL in front of the distribution (stacks/web-acls.ts). @default none */
  readonly webAclArn?: string;
}

/** One configured site: its bucket and distribution, with its functions and container-function origins attached. */
export function addSite(scope: Construct, env: Pick<ResolvedEnvironment, "name" | "accountId">, site: ResolvedSite, inputs: SiteInputs): StaticSite {
  const d = site.distribution;
  return new StaticSite(scope, `site-${site.name}`, {
    envName: env.name,
    accountId: env.accountId,
    sid: site.sid,
    siteName: site.name,
    bucketName: site.bucketName,
    comment: d.comment,
    aliases: d.aliases,
    certificateArn: d.certificateArn,
    priceClass: d.priceClass,
    defaultRootObject: d.defaultRootObject,
    defaultBehavior: d.defaultBehavior,
    behaviors: d.behaviors,
    logging: d.logging,
    adoptDistributionId: d.adopt ? d.id : undefined,
    functionAssociations: site.functionAssociations.length
      ? site.functionAssociations.map((a) => ({ behavior: a.behavior, eventType: a.eventType, function: inputs.functions.get(a.function)! }))
      : undefined,
    // Promotion rewrites the primary's origin; a site without continuous deployment keeps Terraform in charge of it.
    distributionIgnoreChanges: site.continuousDeployment ? PROMOTION_OWNED_ATTRIBUTES : undefined,
    // The replication source's folder stays reachable whatever release the primary serves.
    unversionedPrefix: site.unversionedPrefix,
    behaviorOrigins: inputs.behaviorOrigins,
    webAclArn: inputs.webAclArn,
    responseHeadersPolicyId: site.responseHeadersPolicyId,
    bucketAccessLogs: site.bucketAccessLogs,
  });
}
