/**
 * `security`: what a production-tier environment requires (certificate with TLSv1.2_2021, standard logging on every
 * distribution), protects (deletion) and withholds (LIVE changes from the console role), and the rules that
 * enforce the requirements on every site.
 */
import { z } from "zod";
import { MINIMUM_TLS_POLICY } from "../model/safeguards";
import type { Issue } from "./rules";

/** Safeguards of an environment; every one is off unless set (the production example sets all four). */
export const security = z
  .object({
    /** Every distribution has an ACM certificate (and so TLSv1.2_2021) and at least one alias it serves. */
    requireCertificate: z.boolean().default(false),
    /** Every distribution writes standard access logs (`distribution.logging`). */
    requireLogging: z.boolean().default(false),
    /** prevent_destroy on distributions, site buckets and the OIDC provider; skip_destroy on log groups. */
    protectFromDeletion: z.boolean().default(false),
    /**
     * The console (maintenance) roles may read, test and read logs, but not update or publish functions: changes to
     * LIVE go only through the CI/CD role, whose GitHub environment's protection rules review them.
     */
    liveChangesOnlyThroughCicd: z.boolean().default(false),
    /** Every site has a web ACL in front of its distribution (`sites[].waf`). */
    requireWaf: z.boolean().default(false),
  })
  .strict();

/** The fields of an environment the safeguard rules read. */
export const SECURITY_READS = [["security"], ["sites", "*", "distribution"], ["sites", "*", "waf"]] as const;

/** Each site meets the environment's requirements. */
export function securityProblems(env: {
  security: z.output<typeof security>;
  sites: { distribution: { aliases: string[]; certificateArn?: string; logging?: unknown }; waf?: unknown }[];
}): Issue[] {
  const issues: Issue[] = [];
  const sec = env.security;
  env.sites.forEach((s, i) => {
    const d = s.distribution;
    if (sec.requireCertificate) {
      if (!d.certificateArn)
        issues.push({
          code: "custom",
          path: ["sites", i, "distribution", "certificateArn"],
          message: `is required in this environment (security.requireCertificate): without an ACM certificate CloudFront uses its default certificate, whose security policy stays at TLSv1; with one the distribution uses ${MINIMUM_TLS_POLICY}`,
        });
      if (d.aliases.length === 0)
        issues.push({
          code: "custom",
          path: ["sites", i, "distribution", "aliases"],
          message:
            "name at least one alias in this environment (security.requireCertificate): the certificate and its TLS policy apply to the aliases; the *.cloudfront.net name always uses CloudFront's default certificate",
        });
    }
    if (sec.requireWaf && !s.waf)
      issues.push({
        code: "custom",
        path: ["sites", i, "waf"],
        message:
          'is required in this environment (security.requireWaf): set {} for a web ACL this project creates (AWS managed rules and a rate limit), or { webAclArn: "<existing CLOUDFRONT web ACL>" }',
      });
    if (sec.requireLogging && !d.logging)
      issues.push({
        code: "custom",
        path: ["sites", i, "distribution", "logging"],
        message: 'is required in this environment (security.requireLogging): set { bucket: "<log bucket>", prefix: "<site>/" }',
      });
  });
  return issues;
}
