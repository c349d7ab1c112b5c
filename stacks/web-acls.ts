import type { TerraformProvider } from "cdktn";
import type { Construct } from "constructs";
import type { ResolvedEnvironment, ResolvedSite } from "../model/resolved";
import { WebAcl } from "../modules/cloudfront/web-acl";

/** The web ACL ARN a site's distribution uses: an existing one, or one made here (in us-east-1); none without `waf`. */
export function siteWebAclArn(scope: Construct, env: ResolvedEnvironment, site: ResolvedSite, usEast1: TerraformProvider): string | undefined {
  const waf = site.waf;
  if (!waf) return undefined;
  if (waf.kind === "existing") return waf.webAclArn;
  return new WebAcl(scope, `waf-${site.name}`, {
    provider: usEast1,
    name: waf.name,
    rateLimit: waf.rateLimit,
    logGroupName: waf.logGroupName,
    logRetentionDays: env.logRetentionDays,
  }).arn;
}
