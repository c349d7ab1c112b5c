/**
 * The guardrail rule pack (guardrails/): every rule on every synthesized example stack, every rule against its own
 * breaking and keeping examples, suppressions, and the table in docs/guardrails.md equal to the pack.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktn";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { failed, formatReport, Level, RULES, rulesTable, runGuardrails, suppressGuardrail } from "../guardrails";
import { noStarResourceUnlessRequired, onlyRealActions } from "../guardrails/rules/iam";
import { bucketsAreEncrypted, bucketsBlockPublicAccess, bucketsDenyInsecureTransport } from "../guardrails/rules/s3";
import { noUnescapedTemplates, unescapedTemplates } from "../guardrails/rules/terraform";
import { stackWithPolicy } from "../guardrails/rule";
import { synthesizeExamples } from "./support/synth";

const messages = async (rule: { check: (s: object) => unknown }, stack: object) =>
  ((await rule.check(stack)) as { address: string; message: string }[]).map((f) => `${f.address}: ${f.message}`);

describe("the rule pack", () => {
  test("ids are unique and well-formed; every rule explains itself", () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^EDGE-[A-Z0-9]+-\d+$/);
      expect(Object.values(Level)).toContain(r.level);
      expect(r.explanation.length).toBeGreaterThan(100);
    }
  });

  describe.each(RULES.map((r) => [r.id, r] as const))("%s", (_id, rule) => {
    test("reports its breaking example, at addresses of that stack", async () => {
      const findings = await rule.check(rule.examples.violating);
      expect(findings.length).toBeGreaterThan(0);
      const ex = rule.examples.violating;
      const addresses = [
        ...Object.entries<object>(ex.resource ?? {}).flatMap(([t, by]) => Object.keys(by).map((n) => `${t}.${n}`)),
        ...Object.entries<object>(ex.data ?? {}).flatMap(([t, by]) => Object.keys(by).map((n) => `data.${t}.${n}`)),
        ...[ex.provider?.aws ?? []].flat().map((p: { alias?: string }) => `provider.aws${p.alias ? `.${p.alias}` : ""}`),
      ];
      for (const f of findings) expect(addresses).toContain(f.address);
    });
    test("accepts its keeping example", async () => {
      expect(await rule.check(rule.examples.passing)).toEqual([]);
    });
  });

  test("docs/guardrails.md's table is the pack's (npx tsx scripts/guardrails-table.ts --write)", () => {
    const doc = readFileSync(path.join(__dirname, "..", "docs", "guardrails.md"), "utf8");
    const block = /<!-- guardrails-table:begin[^>]*-->\n([\s\S]*?)\n<!-- guardrails-table:end -->/.exec(doc);
    expect(block?.[1]).toBe(rulesTable());
  });
});

describe("every synthesized example stack keeps every rule", () => {
  test("npm run validate's run of the pack finds nothing", async () => {
    const report = await runGuardrails(synthesizeExamples());
    if (failed(report) || report.findings.length > 0) throw new Error(formatReport(report));
  });
});

describe("suppressions", () => {
  const bare = { resource: { aws_s3_bucket: { b: { bucket: "x" } } } };
  const s3Rules = [bucketsBlockPublicAccess, bucketsAreEncrypted, bucketsDenyInsecureTransport];

  test("a finding is accepted only with a reason, and is printed with it", async () => {
    const suppressions = [{ rule: "EDGE-S3-2", stack: "dev", address: "aws_s3_bucket.b", reason: "encryption managed by the bucket's own account" }];
    const report = await runGuardrails({ dev: bare }, { rules: s3Rules, suppressions });
    expect(report.findings.map((f) => f.rule.id)).toEqual(["EDGE-S3-1", "EDGE-S3-3"]);
    expect(report.suppressed.map((f) => f.rule.id)).toEqual(["EDGE-S3-2"]);
    expect(formatReport(report, s3Rules)).toContain(
      "SUPPRESSED EDGE-S3-2 dev aws_s3_bucket.b: has no server-side encryption configuration (reason: encryption managed by the bucket's own account; guardrails/suppressions.ts)",
    );
    expect(failed(report)).toBe(true);
  });

  test("several suppressed findings of one rule on one resource print as one line with their count", async () => {
    const suppressions = ["EDGE-S3-1", "EDGE-S3-2", "EDGE-S3-3"].map((rule) => ({
      rule,
      stack: "dev",
      address: "aws_s3_bucket.b",
      reason: "managed elsewhere",
    }));
    const report = await runGuardrails({ dev: bare }, { rules: s3Rules, suppressions });
    const twice = { ...report, suppressed: [...report.suppressed, report.suppressed[0]] };
    const lines = formatReport(twice, s3Rules)
      .split("\n")
      .filter((l) => l.startsWith("SUPPRESSED"));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^SUPPRESSED EDGE-S3-\d dev aws_s3_bucket\.b: .* \(and 1 more finding\(s\) of this rule here\) \(reason: managed elsewhere; /);
  });

  test("a suppression without a reason, of an unknown rule or matching nothing fails the run", async () => {
    const suppressions = [
      { rule: "EDGE-S3-1", address: "aws_s3_bucket.*", reason: " " },
      { rule: "EDGE-NOPE-1", address: "aws_s3_bucket.b", reason: "typo" },
      { rule: "EDGE-S3-2", stack: "prod", address: "aws_s3_bucket.b", reason: "stale" },
    ];
    const report = await runGuardrails({ dev: bare }, { rules: s3Rules, suppressions });
    expect(report.suppressionProblems).toEqual([
      expect.stringContaining('field "reason" is required'),
      expect.stringContaining('unknown rule "EDGE-NOPE-1"'),
      expect.stringContaining("matches no finding"),
    ]);
    expect(report.findings).toHaveLength(3);
  });

  test("suppressGuardrail records the reason on the resource, where the run finds it", async () => {
    // A real synth: Testing.synth leaves out the "//" objects the suppression is written into.
    const outdir = mkdtempSync(path.join(os.tmpdir(), "guardrails-"));
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, "dev");
    const bucket = new S3Bucket(stack, "b", { bucket: "x" });
    suppressGuardrail(bucket, "EDGE-S3-1", "a public website bucket, reviewed in SEC-42");
    expect(() => suppressGuardrail(bucket, "EDGE-S3-2", "")).toThrow("needs a reason");
    app.synth();
    const json = JSON.parse(readFileSync(path.join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8"));
    rmSync(outdir, { recursive: true, force: true });
    const report = await runGuardrails({ dev: json }, { rules: s3Rules, suppressions: [] });
    expect(report.suppressed.map((s) => [s.rule.id, s.address, s.reason, s.source])).toEqual([
      ["EDGE-S3-1", "aws_s3_bucket.b", "a public website bucket, reviewed in SEC-42", "resource metadata"],
    ]);
    expect(report.findings.map((f) => f.rule.id)).toEqual(["EDGE-S3-2", "EDGE-S3-3"]);
  });
});

// Cases beyond each rule's pair of examples.
describe("rules catch what they claim", () => {
  test("wildcard actions and NotAction are reported", async () => {
    expect(await messages(noStarResourceUnlessRequired, stackWithPolicy([{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }]))).toEqual([
      expect.stringContaining('wildcard action "s3:*"'),
    ]);
    expect(await messages(noStarResourceUnlessRequired, stackWithPolicy([{ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" }]))).toEqual([
      expect.stringContaining("Allow with NotAction"),
    ]);
  });

  test("a scopable action on Resource * is named, ListFunctions is not", async () => {
    expect(await messages(noStarResourceUnlessRequired, noStarResourceUnlessRequired.examples.violating)).toEqual([
      expect.stringContaining('"cloudfront:UpdateFunction" on Resource "*"'),
    ]);
  });

  test("actions that do not exist are named (cloudfront:CreateFunctionTestEvent; testing is cloudfront:TestFunction)", async () => {
    expect(await messages(onlyRealActions, onlyRealActions.examples.violating)).toEqual([
      'aws_iam_policy.p: policy: "cloudfront:CreateFunctionTestEvent" is not an IAM action',
    ]);
  });

  test("a bare bucket breaks the three S3 rules", async () => {
    const bare = { resource: { aws_s3_bucket: { b: { bucket: "x" } } } };
    for (const rule of [bucketsBlockPublicAccess, bucketsAreEncrypted, bucketsDenyInsecureTransport]) expect(await rule.check(bare)).toHaveLength(1);
  });

  test("unescaped templates are found; references, function calls and escapes are not", async () => {
    expect(unescapedTemplates("arn:${aws_s3_bucket.site_bucket_1234.arn}/*")).toEqual([]);
    expect(unescapedTemplates("${jsonencode(var.x)}")).toEqual([]);
    expect(unescapedTemplates("function/$${aws:PrincipalTag/sid}-*")).toEqual([]);
    expect(unescapedTemplates("%%{ if }")).toEqual([]);
    expect(unescapedTemplates("function/${aws:PrincipalTag/sid}-*")).toEqual(["${aws:PrincipalTag/sid}"]);
    expect(unescapedTemplates("var s = `${a + b}`")).toEqual(["${a + b}"]);
    expect(unescapedTemplates("100%{")).toEqual(["%{..."]);
    expect(await messages(noUnescapedTemplates, { resource: { x: { y: { code: "`${x}`" } } }, output: { o: { value: "%{" } } })).toEqual([
      'x.y: code has unescaped "${x}"',
      'output.o: value has unescaped "%{..."',
    ]);
  });
});
