/**
 * The guardrail rule pack: every rule, and the runner `npm run validate` and the tests share. Add a rule by writing
 * it in rules/<area>.ts (id, level, explanation, examples) and listing it in RULES; the table in docs/guardrails.md is generated
 * from this list (`npx tsx scripts/guardrails-table.ts --write`, kept equal by test/guardrails.test.ts).
 */
import { abacPoliciesDenyRetagging, noSessionTagsInTrust, noStarResourceUnlessRequired, onlyRealActions } from "./rules/iam";
import { functionsHaveLogGroups, logGroupsHaveRetention } from "./rules/logs";
import { lambdasHaveLogGroups, repositoriesAreImmutableAndScanned, repositoriesKeepTaggedImages, repositoryPoliciesNameFunctions } from "./rules/lambda";
import { bucketsAreEncrypted, bucketsBlockPublicAccess, bucketsDenyInsecureTransport } from "./rules/s3";
import { noUnescapedTemplates, providersSetDefaultTags } from "./rules/terraform";
import { Level, type Finding, type Rule, type StackJson } from "./rule";
import { resourceSuppressions, SUPPRESSIONS, suppressionProblems, type Suppression } from "./suppressions";

export { Level, type Finding, type Rule, type StackJson } from "./rule";
export { suppressGuardrail, type Suppression } from "./suppressions";

export const RULES: readonly Rule[] = [
  noStarResourceUnlessRequired,
  onlyRealActions,
  noSessionTagsInTrust,
  abacPoliciesDenyRetagging,
  logGroupsHaveRetention,
  functionsHaveLogGroups,
  bucketsBlockPublicAccess,
  bucketsAreEncrypted,
  bucketsDenyInsecureTransport,
  noUnescapedTemplates,
  providersSetDefaultTags,
  repositoriesAreImmutableAndScanned,
  repositoriesKeepTaggedImages,
  repositoryPoliciesNameFunctions,
  lambdasHaveLogGroups,
];

/** A finding located in a stack, with the rule that made it. */
export interface StackFinding extends Finding {
  readonly rule: Rule;
  readonly stack: string;
}

export interface GuardrailReport {
  /** Findings that count, errors and warnings. */
  readonly findings: StackFinding[];
  /** Findings a suppression with a reason accepted; printed, never counted. */
  readonly suppressed: (StackFinding & { readonly reason: string; readonly source: string })[];
  /** Problems with the suppressions themselves (unknown rule, no reason, matching nothing); each fails the run. */
  readonly suppressionProblems: string[];
}

const matches = (pattern: string, value: string) => (pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : pattern === value);

/**
 * Runs every rule over every stack. Suppressions come from `suppressions` (default: guardrails/suppressions.ts) and
 * from metadata on the resources themselves (suppressGuardrail).
 */
export async function runGuardrails(
  stacks: Record<string, StackJson>,
  opts: { rules?: readonly Rule[]; suppressions?: readonly Suppression[] } = {},
): Promise<GuardrailReport> {
  const rules = opts.rules ?? RULES;
  const configured = opts.suppressions ?? SUPPRESSIONS;
  const problems = suppressionProblems(configured, rules);
  const used = new Set<Suppression>();
  const findings: StackFinding[] = [];
  const suppressed: GuardrailReport["suppressed"] = [];
  for (const [stackName, stack] of Object.entries(stacks).sort(([a], [b]) => a.localeCompare(b))) {
    const onResources = resourceSuppressions(stack);
    problems.push(
      ...suppressionProblems(
        onResources.map((s) => ({ ...s, stack: stackName })),
        rules,
      ),
    );
    for (const rule of rules) {
      for (const finding of await rule.check(stack)) {
        const located: StackFinding = { ...finding, rule, stack: stackName };
        const byConfig = configured.find(
          (s) => s.rule === rule.id && s.reason?.trim() && matches(s.stack ?? "*", stackName) && matches(s.address, finding.address),
        );
        const byMetadata = onResources.find((s) => s.rule === rule.id && s.reason?.trim() && s.address === finding.address);
        if (byConfig) used.add(byConfig);
        const by = byConfig ?? byMetadata;
        if (by) suppressed.push({ ...located, reason: by.reason, source: byConfig ? "guardrails/suppressions.ts" : "resource metadata" });
        else findings.push(located);
      }
    }
  }
  const ids = new Set(rules.map((r) => r.id));
  for (const s of configured)
    if (!used.has(s) && ids.has(s.rule) && s.reason?.trim())
      problems.push(`guardrails/suppressions.ts: suppression of ${s.rule} on ${s.stack ?? "*"} ${s.address} matches no finding; remove it`);
  return { findings, suppressed, suppressionProblems: problems };
}

/** Whether the report fails the run: any error-level finding or any problem with a suppression. */
export function failed(report: GuardrailReport): boolean {
  return report.suppressionProblems.length > 0 || report.findings.some((f) => f.rule.level === Level.ERROR);
}

/** The report as `npm run validate` prints it: rule id, level, stack and address, message, then the explanation. */
export function formatReport(report: GuardrailReport, rules: readonly Rule[] = RULES): string {
  const lines: string[] = [];
  const explained = new Set<string>();
  for (const f of report.findings) {
    lines.push(`${f.rule.level === Level.ERROR ? "ERROR  " : "WARNING"} ${f.rule.id} ${f.stack} ${f.address}: ${f.message}`);
    if (!explained.has(f.rule.id)) lines.push(`        ${f.rule.title}. ${f.rule.explanation}`);
    explained.add(f.rule.id);
  }
  // One line per suppressed rule and resource: a broad document (the permissions boundary) yields one finding per
  // statement, and thousands of identical reasons would hide the lines that matter.
  const suppressed = new Map<string, (typeof report.suppressed)[number][]>();
  for (const s of report.suppressed) {
    const key = `${s.rule.id} ${s.stack} ${s.address}`;
    suppressed.set(key, [...(suppressed.get(key) ?? []), s]);
  }
  for (const [key, [s, ...more]] of suppressed)
    lines.push(
      `SUPPRESSED ${key}: ${s.message}${more.length ? ` (and ${more.length} more finding(s) of this rule here)` : ""} (reason: ${s.reason}; ${s.source})`,
    );
  for (const p of report.suppressionProblems) lines.push(`ERROR   suppression: ${p}`);
  const errors = report.findings.filter((f) => f.rule.level === Level.ERROR).length;
  lines.push(
    `guardrails: ${rules.length} rules: ${errors} error(s), ${report.findings.length - errors} warning(s), ${report.suppressed.length} suppressed, ${report.suppressionProblems.length} suppression problem(s)`,
  );
  return lines.join("\n");
}

/** The table of rules in docs/guardrails.md (between the guardrails-table markers). */
export function rulesTable(rules: readonly Rule[] = RULES): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  return ["| id | level | rule |", "| --- | --- | --- |", ...rules.map((r) => `| \`${r.id}\` | ${r.level} | ${cell(r.title)} |`)].join("\n");
}
