/**
 * Invalidation paths for changed objects, in the form CloudFront matches against its cache keys.
 *
 * CloudFront's rule: URL-encode non-ASCII characters and the characters RFC 1738 calls unsafe, and nothing else,
 * or the path does not match the cached object. "?" is encoded too (a literal "?" would start a query string), and
 * "*" is a wildcard only at the end of a path, so a key containing one is invalidated by its prefix up to the "*".
 */
import type { PathMode } from "./config";

/** RFC 1738 "unsafe" characters, plus "?" (see above). Control characters and non-ASCII are handled separately. */
const UNSAFE = new Set([" ", "<", ">", '"', "#", "%", "{", "}", "|", "\\", "^", "~", "[", "]", "`", "?"]);

/** Encodes one path segment string (slashes kept) the way CloudFront expects. */
export function encodePath(path: string): string {
  let out = "";
  for (const ch of path) {
    const code = ch.codePointAt(0)!;
    if (code < 0x21 || code > 0x7e || UNSAFE.has(ch)) {
      for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    } else out += ch;
  }
  return out;
}

/**
 * The paths that serve one object: "/<key>", and for an index document also its directory with and without the
 * trailing slash ("/blog/index.html" -> "/blog/index.html", "/blog/", "/blog"; the root one -> "/index.html", "/").
 */
export function objectPaths(key: string, indexDocument: string): string[] {
  const star = key.indexOf("*");
  if (star >= 0) return [`/${encodePath(key.slice(0, star))}*`];
  const paths = [`/${encodePath(key)}`];
  if (key === indexDocument) paths.push("/");
  else if (key.endsWith(`/${indexDocument}`)) {
    const dir = `/${encodePath(key.slice(0, -indexDocument.length))}`;
    paths.push(dir, dir.slice(0, -1));
  }
  return paths;
}

/** A path containing "*" is a wildcard path: it counts against the 15-wildcards-in-progress quota as well. */
export function isWildcard(path: string): boolean {
  return path.includes("*");
}

/** Paths and wildcard paths a request puts in progress. */
export function usageOf(paths: string[]): { paths: number; wildcards: number } {
  return { paths: paths.length, wildcards: paths.filter(isWildcard).length };
}

/**
 * The paths to send within what is left of the quotas: explicit paths that would exceed the remaining paths or
 * wildcard paths collapse to "/*" (one path, one wildcard), which covers them all.
 */
export function fitToBudget(paths: string[], remaining: { paths: number; wildcards: number }): string[] {
  const need = usageOf(paths);
  if (need.paths > remaining.paths || need.wildcards > remaining.wildcards) return ["/*"];
  return paths;
}

/** The paths one CreateInvalidation sends for a set of changed keys: sorted, without duplicates. */
export function invalidationPaths(keys: Iterable<string>, mode: PathMode, maxPaths: number, indexDocument: string): string[] {
  if (mode === "wildcard") return ["/*"];
  const paths = new Set<string>();
  for (const key of keys) for (const p of objectPaths(key, indexDocument)) paths.add(p);
  // "/*" counts as one billed path and covers everything; above maxPaths it is the cheaper request.
  if (paths.size > maxPaths) return ["/*"];
  return [...paths].sort();
}
