import { GUARDRAILS, bucketsAreLockedDown, functionsHaveLogGroups, logGroupsHaveRetention, noStarResourceUnlessRequired, noUnescapedTemplates, onlyRealActions, unescapedTemplates } from "./support/guardrails";
import { synthesizeExamples } from "./support/synth";

const stacks = synthesizeExamples();

describe("guardrails on every synthesized stack", () => {
  for (const [rule, check] of Object.entries(GUARDRAILS)) {
    test(rule, async () => {
      const violations = (await Promise.all(Object.entries(stacks).map(([name, stack]) => check(name, stack)))).flat();
      expect(violations).toEqual([]);
    });
  }
});

// The rules themselves must catch what they claim to catch.
describe("guardrails catch violations", () => {
  const policy = (statement: object) => ({
    resource: { aws_iam_policy: { p: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } } },
  });

  test("a scopable action on Resource * is reported; ListFunctions on * is not", async () => {
    const bad = await noStarResourceUnlessRequired("t", policy({ Effect: "Allow", Action: ["cloudfront:UpdateFunction", "cloudfront:ListFunctions"], Resource: "*" }));
    expect(bad).toEqual([expect.stringContaining('"cloudfront:UpdateFunction" on Resource "*"')]);
  });

  test("wildcard actions are reported", async () => {
    expect(await noStarResourceUnlessRequired("t", policy({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }))).toEqual([
      expect.stringContaining('wildcard action "s3:*"'),
    ]);
  });

  test("actions that do not exist are reported (the seed's *FunctionTestEvent)", async () => {
    const bad = await onlyRealActions("t", policy({ Effect: "Allow", Action: ["cloudfront:CreateFunctionTestEvent", "cloudfront:TestFunction"], Resource: "*" }));
    expect(bad).toEqual([expect.stringContaining('"cloudfront:CreateFunctionTestEvent" is not an IAM action')]);
  });

  test("a CloudFront Function without its log group, or not depending on it, is reported", () => {
    const fn = { name: "dev-shop-x", depends_on: ["aws_cloudwatch_log_group.g"] };
    expect(functionsHaveLogGroups("t", { resource: { aws_cloudfront_function: { f: fn } } })).toEqual(["t: aws_cloudfront_function.f has no log group /aws/cloudfront/function/dev-shop-x"]);
    const group = { name: "/aws/cloudfront/function/dev-shop-x", provider: "aws.us_east_1", retention_in_days: 14 };
    expect(functionsHaveLogGroups("t", { resource: { aws_cloudfront_function: { f: fn }, aws_cloudwatch_log_group: { g: group } } })).toEqual([]);
    expect(functionsHaveLogGroups("t", { resource: { aws_cloudfront_function: { f: { ...fn, depends_on: [] } }, aws_cloudwatch_log_group: { g: { ...group, provider: undefined } } } })).toEqual([
      "t: log group /aws/cloudfront/function/dev-shop-x is not in us-east-1 (provider aws.us_east_1)",
      "t: aws_cloudfront_function.f does not depend on its log group",
    ]);
  });

  test("a log group without retention is reported", () => {
    expect(logGroupsHaveRetention("t", { resource: { aws_cloudwatch_log_group: { g: { name: "/x" } } } })).toHaveLength(1);
  });

  test("a bare bucket is reported three times", () => {
    expect(bucketsAreLockedDown("t", { resource: { aws_s3_bucket: { b: { bucket: "x" } } } })).toHaveLength(3);
  });

  test("unescaped templates are found; references, function calls and escapes are not", () => {
    expect(unescapedTemplates("arn:${aws_s3_bucket.site_bucket_1234.arn}/*")).toEqual([]);
    expect(unescapedTemplates("${jsonencode(var.x)}")).toEqual([]);
    expect(unescapedTemplates("function/$${aws:PrincipalTag/sid}-*")).toEqual([]);
    expect(unescapedTemplates("%%{ if }")).toEqual([]);
    expect(unescapedTemplates("function/${aws:PrincipalTag/sid}-*")).toEqual(["${aws:PrincipalTag/sid}"]);
    expect(unescapedTemplates("var s = `${a + b}`")).toEqual(["${a + b}"]);
    expect(unescapedTemplates("100%{")).toEqual(["%{..."]);
    expect(noUnescapedTemplates("t", { resource: { x: { y: { code: "`${x}`" } } } })).toHaveLength(1);
  });
});
