/**
 * Schema fragment: a site's `securityHeaders`, hooked into config/site.ts as `sites[].securityHeaders`.
 * Omitted: every behavior returns the AWS managed SecurityHeadersPolicy (model/security-headers.ts); `false`: none;
 * `{ responseHeadersPolicyId }`: the site's own response headers policy instead.
 */
import { z } from "zod";
import { MANAGED_SECURITY_HEADERS_POLICY_ID } from "../model/security-headers";

export const securityHeadersSchema = z.union([
  z.literal(false),
  z
    .object({
      /** A response headers policy (managed or the account's own) every behavior of the site uses. */
      responseHeadersPolicyId: z
        .string()
        .regex(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
          "must be a response headers policy id (a UUID, e.g. 67f7725c-6f97-4210-82d7-5512b31e9d03)",
        ),
    })
    .strict(),
]);

/** The response headers policy every behavior of the site uses, or undefined when the site opts out. */
export function resolveResponseHeadersPolicy(securityHeaders: z.output<typeof securityHeadersSchema> | undefined): string | undefined {
  if (securityHeaders === false) return undefined;
  return securityHeaders?.responseHeadersPolicyId ?? MANAGED_SECURITY_HEADERS_POLICY_ID;
}
