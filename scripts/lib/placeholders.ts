/**
 * The values the crafted applied state stands in for what AWS would have returned (ids, ARNs, timestamps), and how
 * to recognise them again: an offline review must never show them as if they were real, it says "(computed by AWS)".
 * Pure functions, shared by the crafted-state harness and the review.
 */

/** The account id of every crafted ARN; no real account has it. */
export const PLACEHOLDER_ACCOUNT = "000000000000";
/** The timestamp of every crafted `*_time` attribute. */
export const PLACEHOLDER_TIME = "2026-01-01T00:00:00Z";

/** A value of the attribute's type standing in for what AWS would have returned. */
export function placeholder(type: unknown, name: string, address: string): unknown {
  // Providers parse ARNs they receive (a function ARN in a distribution's function_association), so ARNs must look like ARNs.
  if (type === "string" && (name === "arn" || name.endsWith("_arn")))
    return `arn:aws:${address.split("_")[1] ?? "service"}::${PLACEHOLDER_ACCOUNT}:${address}.${name}`.replace(/[^A-Za-z0-9._/:-]/g, "_");
  if (type === "string" && name.endsWith("_time")) return PLACEHOLDER_TIME;
  if (type === "string") return `${address}.${name}`.replace(/[^A-Za-z0-9._/-]/g, "_");
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return [];
  if (Array.isArray(type) && type[0] === "map") return {};
  return null;
}

/**
 * A crafted string inside any text: an ARN in the placeholder account, or `<type>.<logical id>.<attribute>` (a
 * resource address and attribute name, which no AWS value looks like).
 */
export const PLACEHOLDER_PATTERN = new RegExp(
  `arn:aws:[a-z0-9-]*::${PLACEHOLDER_ACCOUNT}:[A-Za-z0-9._/-]*|\\baws_[a-z0-9_]+\\.[A-Za-z0-9_-]+(?:\\.[a-z0-9_]+)*`,
  "g",
);

/** What a reviewer reads in place of a crafted value. */
export const COMPUTED_BY_AWS = "(computed by AWS)";

/** A string with every crafted part replaced by "(computed by AWS)". */
export function withoutPlaceholders(text: string): string {
  if (text === PLACEHOLDER_TIME) return COMPUTED_BY_AWS;
  return text.replace(PLACEHOLDER_PATTERN, COMPUTED_BY_AWS);
}

/**
 * Whether rendered text (a review) shows a crafted value: an ARN in the placeholder account, the crafted timestamp,
 * a quoted value that is a resource address, or an address with an attribute (`aws_x.y.mfa_delete`). Plain addresses
 * (`aws_s3_bucket.site-web_bucket_1A2B`) are how a review names resources, so they do not count.
 */
export function showsCraftedValue(text: string): boolean {
  return new RegExp(`${PLACEHOLDER_ACCOUNT}|${PLACEHOLDER_TIME}|"aws_[a-z0-9_]+\\.|\\baws_[a-z0-9_]+\\.[A-Za-z0-9_-]+\\.[a-z][a-z0-9_]*`).test(text);
}
