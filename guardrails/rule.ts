/**
 * The shape of a guardrail: a project-wide rule every synthesized stack must keep, with a stable id, a level, a
 * one-paragraph explanation (printed with every finding) and two example stacks, one that breaks the rule and one
 * that keeps it (test/guardrails.test.ts runs every rule on both, so a rule cannot silently stop catching).
 * Rules read the synthesized JSON (what cdktf wrote); `npm run validate` runs them before Terraform does.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StackJson = Record<string, any>;

/** How a finding affects `npm run validate`: errors fail it, warnings are printed only. */
export enum Level {
  ERROR = "error",
  WARNING = "warning",
}

/** One place in a stack that breaks a rule. */
export interface Finding {
  /** The Terraform address of the element: `aws_iam_policy.x`, `data.aws_iam_policy_document.y`, `provider.aws.us_east_1`. */
  readonly address: string;
  /** What is wrong there, precisely (an attribute, an action, a missing block). */
  readonly message: string;
}

export interface Rule {
  /** Stable id, `EDGE-<AREA>-<n>`; suppressions and docs/guardrails.md name rules by it. Never reuse an id. */
  readonly id: string;
  /** Whether a finding fails `npm run validate` and the tests. */
  readonly level: Level;
  /** One line: what the rule demands. */
  readonly title: string;
  /** One paragraph: why, and what to do instead. Printed under each finding. */
  readonly explanation: string;
  /** The findings in one synthesized stack. */
  check(stack: StackJson): Finding[] | Promise<Finding[]>;
  /** A stack that breaks the rule (at least one finding) and one that keeps it (none). */
  readonly examples: { readonly violating: StackJson; readonly passing: StackJson };
}

export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every resource of a stack as [address, type, block]. */
export function resources(stack: StackJson): [string, string, StackJson][] {
  return Object.entries<StackJson>(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries<StackJson>(byName).map(([name, r]): [string, string, StackJson] => [`${type}.${name}`, type, r]),
  );
}

/** A stack holding one IAM policy with these statements (for examples). */
export function stackWithPolicy(statements: object[], type = "aws_iam_policy", attribute = "policy"): StackJson {
  return { resource: { [type]: { p: { [attribute]: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } } } };
}
