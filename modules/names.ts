import { createHash } from "node:crypto";

/**
 * `<base>-<suffix>` when it fits in `max` characters (IAM role names: 64); otherwise the base is shortened and an
 * 8-character hash of the full name keeps it unique, so long site names never fail at apply time.
 */
export function boundedName(base: string, suffix: string, max: number): string {
  const full = `${base}-${suffix}`;
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  const keep = max - suffix.length - hash.length - 2;
  if (keep < 1) throw new Error(`cannot fit "${full}" into ${max} characters`);
  return `${base.slice(0, keep).replace(/-+$/, "")}-${hash}-${suffix}`;
}
