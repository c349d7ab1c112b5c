/**
 * zod's own messages in the words of someone editing an environment file or a manifest: what the field must be and
 * what it is, never "expected string, received number". Rules with a message of their own keep it; these cover the
 * built-in checks (types, enumerations, lengths, unknown keys). Passed to every safeParse of user input.
 */
import type { z } from "zod";

const KIND: Record<string, string> = {
  string: "a quoted string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object { ... }",
  record: "an object { ... }",
  array: "a list [ ... ]",
  literal: "a fixed value",
};

/** How a value the user wrote reads in a message. */
function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v === "number" ? "the number" : ""} ${v}`.trim();
  if (typeof v === "object") return "an object";
  return typeof v;
}

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known word `word` abbreviates, or the closest one if it is close enough to be what was meant and no other is as close. */
function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const extended = known.filter((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
  if (lower.length >= 3 && extended.length === 1) return extended[0];
  // A misspelt abbreviation ("logRetension" for logRetentionDays) is as close to the key's start as to a word.
  const scored = known
    .map((k) => ({ k, d: Math.min(distance(word, k), word.length >= 5 ? distance(word, k.slice(0, word.length)) : Infinity) }))
    .sort((a, b) => a.d - b.d);
  const [best, next] = scored;
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best && best.d <= limit && (!next || next.d > best.d) ? best.k : undefined;
}

const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((k) => {
      const guess = closest(k, known);
      return guess ? `unknown field "${k}": did you mean "${guess}"?` : `unknown field "${k}"; allowed here: ${known.join(", ")}`;
    })
    .join("; ");
}

function sizeMessage(iss: { code: "too_small" | "too_big"; origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean }): string | undefined {
  const small = iss.code === "too_small";
  const limit = Number(small ? iss.minimum : iss.maximum);
  const exclusive = iss.inclusive === false;
  switch (iss.origin) {
    case "string":
      if (small && limit === 1) return "must not be empty";
      return `must be at ${small ? "least" : "most"} ${limit} characters`;
    case "array":
    case "set":
      if (small && limit === 1) return "must list at least one entry";
      return `must list at ${small ? "least" : "most"} ${limit} entries`;
    case "number":
    case "int":
    case "bigint":
      return exclusive ? `must be ${small ? "more" : "less"} than ${limit}` : `must be at ${small ? "least" : "most"} ${limit}`;
    default:
      return undefined;
  }
}

type Schema = { _zod: { def: { type: string; innerType?: Schema } } };
const isNever = (s: Schema): boolean => s._zod.def.type === "never" || (s._zod.def.innerType !== undefined && isNever(s._zod.def.innerType));

/** The message for a built-in check, or undefined to keep zod's. */
function userMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case "invalid_type": {
      const expected = String(iss.expected);
      if (iss.input === undefined) return `is required (${KIND[expected] ?? expected})`;
      return `must be ${KIND[expected] ?? expected}, not ${describeValue(iss.input)}`;
    }
    case "invalid_value": {
      const values = (iss.values ?? []) as readonly unknown[];
      if (iss.input === undefined) return `is required: one of ${quoted(values)}`;
      if (values.length === 1) return `must be ${quoted(values)}, not ${describeValue(iss.input)}`;
      const guess =
        typeof iss.input === "string"
          ? closest(
              iss.input,
              values.filter((v): v is string => typeof v === "string"),
            )
          : undefined;
      return `${describeValue(iss.input)} is not allowed${guess ? `: did you mean "${guess}"?` : ""}; one of ${quoted(values)}`;
    }
    case "invalid_union": {
      const { options, discriminator, errors } = iss as {
        options?: readonly unknown[];
        discriminator?: string;
        errors?: { message: string; path: PropertyKey[] }[][];
      };
      if (!discriminator || !options) {
        // Each alternative's first complaint, e.g. `must be a number, not the text "forever"; or must be "never"`.
        const tries = (errors ?? [])
          .map((e) => e[0])
          .filter((e) => e && e.path.length === 0)
          .map((e) => e.message);
        return tries.length > 0 ? [...new Set(tries)].join("; or ") : undefined;
      }
      const value = iss.input && typeof iss.input === "object" ? (iss.input as Record<string, unknown>)[discriminator] : iss.input;
      if (value === undefined) return `is required: one of ${quoted(options)}`;
      return `${describeValue(value)} is not allowed; one of ${quoted(options)}`;
    }
    case "unrecognized_keys": {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, Schema> } } } | undefined)?._zod?.def?.shape ?? {};
      // A key kept in the schema only to say where a removed setting went is not offered.
      const known = Object.keys(shape).filter((k) => !isNever(shape[k]));
      return unknownKeys(iss.keys as readonly string[], known);
    }
    case "too_small":
    case "too_big":
      return sizeMessage(iss as Parameters<typeof sizeMessage>[0]);
    case "invalid_format":
      return "has the wrong format";
    default:
      return undefined;
  }
}

/** Parse options that put every built-in message in users' words. */
export const USER_MESSAGES = { error: userMessage } as const;
