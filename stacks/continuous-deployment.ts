import type { Construct } from "constructs";
import type { ResolvedEnvironment, ResolvedSite } from "../model/resolved";
import type { StaticSite } from "../modules/cloudfront/static-site";
import { ContinuousDeployment } from "../modules/release/continuous-deployment";

/** A site's continuous deployment (`continuousDeployment` in its configuration), or undefined when it has none. */
export function addContinuousDeployment(
  scope: Construct,
  env: Pick<ResolvedEnvironment, "name" | "accountId" | "region">,
  site: ResolvedSite,
  staticSite: StaticSite,
): ContinuousDeployment | undefined {
  if (!site.continuousDeployment) return undefined;
  return new ContinuousDeployment(scope, `cd-${site.name}`, {
    envName: env.name,
    accountId: env.accountId,
    region: env.region,
    sid: site.sid,
    site: staticSite,
    siteName: site.name,
    config: site.continuousDeployment,
  });
}
