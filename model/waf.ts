/**
 * A site's web ACL (modules/web-acl.ts): names and the resolved configuration. WAF for CloudFront lives in
 * us-east-1 with scope CLOUDFRONT (https://docs.aws.amazon.com/waf/latest/developerguide/cloudfront-features.html).
 */

/** The AWS managed rule groups every web ACL this project creates evaluates, in this order. */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

/** A web ACL name: `<env>-<sid>-<site>-waf` (WAF allows 1-128 of A-Z a-z 0-9 _ -). */
export function webAclName(siteBaseName: string): string {
  return `${siteBaseName}-waf`;
}

/** WAF sends logs only to log groups whose name starts with `aws-waf-logs-` (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html). */
export function wafLogGroupName(siteBaseName: string): string {
  return `aws-waf-logs-${siteBaseName}`;
}

/** A site's WAF, defaults applied: an existing web ACL, or one this project creates. */
export type ResolvedWaf =
  | { readonly kind: "existing"; readonly webAclArn: string }
  | {
      readonly kind: "managed";
      /** Web ACL name. */
      readonly name: string;
      /** Requests per 5 minutes from one IP before the rate-based rule blocks it. */
      readonly rateLimit: number;
      /** The retained log group the web ACL logs to. */
      readonly logGroupName: string;
      /** Blocked requests per 5 minutes above which the environment's alarms page (with `alarms`). */
      readonly blockedRequestsAlarmThreshold: number;
    };
