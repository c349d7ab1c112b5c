/**
 * Suppressions: a finding is accepted only with a reason, and every accepted finding is printed by
 * `npm run validate` with that reason. Two places, like cdk-nag:
 *  - SUPPRESSIONS below, for a stack (or every stack) and an address (exact, or a prefix ending in `*`);
 *  - metadata on the resource, written by suppressGuardrail(resource, ruleId, reason) into the resource's "//"
 *    comment object, which Terraform ignores (https://developer.hashicorp.com/terraform/language/syntax/json#comment-properties).
 * A suppression without a reason, naming an unknown rule, or (in this file) matching no finding fails the run.
 */
import type { TerraformResource } from "cdktn";
import type { Rule, StackJson } from "./rule";

export interface Suppression {
  /** The rule id, e.g. "EDGE-IAM-1". */
  readonly rule: string;
  /** Stack (environment) name, or a prefix ending in `*`. @default "*" (every stack) */
  readonly stack?: string;
  /** Terraform address of the finding, e.g. "aws_iam_policy.x", or a prefix ending in `*`. */
  readonly address: string;
  /** Why breaking the rule is right here; printed with every finding it accepts. Required. */
  readonly reason: string;
}

/** The accepted exceptions. */
export const SUPPRESSIONS: readonly Suppression[] = [
  {
    rule: "EDGE-IAM-1",
    address: "aws_iam_policy.permissions-boundary_policy_*",
    reason:
      "the permissions boundary (modules/access/permissions-boundary.ts) grants nothing by itself: it is the ceiling over every role's identity policies, which name their resources, so it lists the services the stack uses",
  },
];

/** Where suppressGuardrail writes, inside the resource's "//" comment object. */
const METADATA_KEY = "guardrails_suppressions";

/** Records on the resource itself that it may break `rule`, and why (printed by `npm run validate`). */
export function suppressGuardrail(resource: TerraformResource, rule: string, reason: string): void {
  if (!reason.trim()) throw new Error(`${resource.node.path}: suppression of ${rule} needs a reason`);
  const existing = suppressionsOn.get(resource) ?? [];
  existing.push({ rule, reason });
  suppressionsOn.set(resource, existing);
  resource.addOverride(`//.${METADATA_KEY}`, existing);
}
const suppressionsOn = new WeakMap<TerraformResource, { rule: string; reason: string }[]>();

/** The suppressions recorded on a stack's resources, with their addresses. */
export function resourceSuppressions(stack: StackJson): Suppression[] {
  const out: Suppression[] = [];
  for (const [type, byName] of Object.entries<StackJson>(stack.resource ?? {}))
    for (const [name, r] of Object.entries<StackJson>(byName))
      for (const s of r?.["//"]?.[METADATA_KEY] ?? []) out.push({ rule: s.rule, reason: s.reason, address: `${type}.${name}` });
  return out;
}

/** What is wrong with these suppressions: an unknown rule id, a missing reason. */
export function suppressionProblems(suppressions: readonly Suppression[], rules: readonly Rule[]): string[] {
  const ids = new Set(rules.map((r) => r.id));
  return suppressions.flatMap((s) => [
    ...(ids.has(s.rule) ? [] : [`suppression on ${s.stack ?? "*"} ${s.address}: unknown rule "${s.rule}"; rules: ${[...ids].join(", ")}`]),
    ...(typeof s.reason === "string" && s.reason.trim()
      ? []
      : [`suppression of ${s.rule} on ${s.stack ?? "*"} ${s.address}: field "reason" is required (say why the rule does not apply)`]),
  ]);
}
