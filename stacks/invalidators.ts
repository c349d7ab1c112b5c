import type { Construct } from "constructs";
import type { ResolvedEnvironment } from "../model/resolved";
import { SiteInvalidator } from "../modules/cloudfront/site-invalidator";
import type { StaticSite } from "../modules/cloudfront/static-site";

/**
 * One invalidator per site with an `invalidation` block. Needs every site: an invalidator may also invalidate other
 * sites' distributions (`alsoInvalidate`, checked by the resolve step).
 */
export function addInvalidators(
  scope: Construct,
  env: Pick<ResolvedEnvironment, "name" | "accountId" | "region" | "sites" | "messageKmsKeyArns">,
  sites: ReadonlyMap<string, StaticSite>,
): Map<string, SiteInvalidator> {
  const invalidators = new Map<string, SiteInvalidator>();
  for (const site of env.sites) {
    if (!site.invalidation) continue;
    invalidators.set(
      site.name,
      new SiteInvalidator(scope, `invalidator-${site.name}`, {
        envName: env.name,
        accountId: env.accountId,
        region: env.region,
        sid: site.sid,
        siteName: site.name,
        site: sites.get(site.name)!,
        alsoInvalidate: site.invalidation.alsoInvalidate.map((name) => sites.get(name)!),
        config: site.invalidation,
        queueKmsKeyArn: env.messageKmsKeyArns?.[env.region],
      }),
    );
  }
  return invalidators;
}
