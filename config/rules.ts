/**
 * How cross-field rules report, and when they run. zod skips an object's refinements once any of its fields
 * failed, so a user fixing one typo would only then learn of a duplicate site name: a second round. A rule here
 * names the fields it reads and runs whenever those parsed, whatever else failed, so one run lists every problem.
 */
import type { z } from "zod";

/** A problem a rule adds to the parse result; `path` is relative to the object the rule is attached to. */
export type Issue = { code: "custom"; path: (string | number)[]; message: string };

/** A field a rule reads, as a path; `"*"` stands for every index of an array. */
export type FieldPath = readonly (string | number)[];

/** Whether an issue at `issuePath` lies on, above or below the field `read` (so the rule cannot trust that field). */
function touches(issuePath: readonly PropertyKey[], read: FieldPath): boolean {
  const n = Math.min(issuePath.length, read.length);
  for (let i = 0; i < n; i++) {
    const want = read[i];
    if (want === "*" ? typeof issuePath[i] !== "number" : issuePath[i] !== want) return false;
  }
  return true;
}

/**
 * Issues after which a field's value is still of its type: another rule's finding (zod marks refinement issues
 * `continue`) and an unknown key beside known fields.
 */
function harmless(issue: z.core.$ZodRawIssue): boolean {
  return issue.continue === true || issue.code === "unrecognized_keys";
}

/**
 * Refinement options that run a rule when none of the fields it reads failed to parse.
 */
export function whenParsed(...reads: FieldPath[]): { when: (payload: z.core.ParsePayload) => boolean } {
  return {
    when: (payload) =>
      payload.value !== null &&
      typeof payload.value === "object" &&
      !payload.issues.some((issue) => !harmless(issue) && reads.some((read) => touches(issue.path ?? [], read))),
  };
}
