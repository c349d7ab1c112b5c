/**
 * The security headers every behavior of a site returns unless the site opts out or names its own policy: the AWS
 * managed response headers policy "SecurityHeadersPolicy" (Strict-Transport-Security max-age=31536000,
 * X-Content-Type-Options nosniff, X-Frame-Options SAMEORIGIN, Referrer-Policy strict-origin-when-cross-origin,
 * X-XSS-Protection), whose id is fixed:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html#managed-response-headers-policies-security
 */
export const MANAGED_SECURITY_HEADERS_POLICY_ID = "67f7725c-6f97-4210-82d7-5512b31e9d03";
