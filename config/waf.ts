/**
 * Schema fragment: a site's `waf` (modules/web-acl.ts), hooked into config/site.ts as `sites[].waf`; with
 * `security.requireWaf` every site needs one (config/security.ts).
 */
import { z } from "zod";
import { webAclName, wafLogGroupName, type ResolvedWaf } from "../model/waf";

const webAclArn = z
  .string()
  .regex(
    /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]{1,128}\/[0-9a-f-]{36}$/,
    "must be the ARN of a web ACL with scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>): CloudFront uses web ACLs of us-east-1 only",
  );

export const wafSchema = z
  .object({
    /** An existing web ACL (scope CLOUDFRONT, us-east-1) managed elsewhere; omit for one this project creates. */
    webAclArn: webAclArn.optional(),
    /** Created web ACL: requests per 5 minutes from one IP before it is blocked (WAF allows 10 to 2,000,000,000). @default 2000 */
    rateLimit: z.number().int().min(10, "WAF's rate-based rules allow 10 to 2,000,000,000 requests per 5 minutes").max(2_000_000_000).optional(),
    /** Created web ACL, with `alarms`: blocked requests per 5 minutes (all rules together) above which the alarm pages. @default 100 */
    blockedRequestsAlarmThreshold: z
      .number()
      .int("must be a whole number of requests")
      .min(0, "must be 0 (page on every blocked request) or more")
      .max(2_000_000_000)
      .optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (w.webAclArn)
      for (const field of ["rateLimit", "blockedRequestsAlarmThreshold"] as const)
        if (w[field] !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: "configures the web ACL this project creates; an existing webAclArn is configured where it is managed",
          });
  });

export type WafConfig = z.output<typeof wafSchema>;

/** The resolve step's part: defaults applied, names derived from the site's base name. */
export function resolveWaf(waf: WafConfig | undefined, siteBaseName: string): ResolvedWaf | undefined {
  if (!waf) return undefined;
  if (waf.webAclArn) return { kind: "existing", webAclArn: waf.webAclArn };
  return {
    kind: "managed",
    name: webAclName(siteBaseName),
    rateLimit: waf.rateLimit ?? 2000,
    logGroupName: wafLogGroupName(siteBaseName),
    blockedRequestsAlarmThreshold: waf.blockedRequestsAlarmThreshold ?? 100,
  };
}
