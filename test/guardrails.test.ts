import { GUARDRAILS, bucketsAreLockedDown, ecrRepositoriesAreLockedDown, lambdasHaveLogGroups, functionsHaveLogGroups, logGroupsHaveRetention, noStarResourceUnlessRequired, noUnescapedTemplates, onlyRealActions, unescapedTemplates } from "./support/guardrails";
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

  test("a mutable, unscanned repository without lifecycle, or with a policy open to everyone or all functions, is reported", () => {
    const policy = (Statement: object) => ({ repository: "${aws_ecr_repository.r.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [Statement] }) });
    const lambdaPull = { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "ecr:BatchGetImage" };
    const stack = (over: object) => ({
      resource: {
        aws_ecr_repository: { r: { image_tag_mutability: "IMMUTABLE", image_scanning_configuration: { scan_on_push: true } } },
        aws_ecr_lifecycle_policy: { l: { repository: "${aws_ecr_repository.r.name}", policy: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed" } }] }) } },
        aws_ecr_repository_policy: { p: policy({ ...lambdaPull, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:lambda:r:1:function:dev-shop-x" } } }) },
        ...over,
      },
    });
    expect(ecrRepositoriesAreLockedDown("t", stack({}))).toEqual([]);
    expect(ecrRepositoriesAreLockedDown("t", stack({ aws_ecr_repository: { r: {} }, aws_ecr_lifecycle_policy: {} }))).toHaveLength(3);
    const byAge = { l: { repository: "${aws_ecr_repository.r.name}", policy: JSON.stringify({ rules: [{ rulePriority: 2, selection: { tagStatus: "any", countType: "sinceImagePushed" } }] }) } };
    expect(ecrRepositoriesAreLockedDown("t", stack({ aws_ecr_lifecycle_policy: byAge }))).toEqual([expect.stringContaining("expires tagged images by age")]);
    expect(ecrRepositoriesAreLockedDown("t", stack({ aws_ecr_repository_policy: { p: policy({ ...lambdaPull, Principal: "*" }) } }))).toEqual([expect.stringContaining("not a service")]);
    expect(ecrRepositoriesAreLockedDown("t", stack({ aws_ecr_repository_policy: { p: policy(lambdaPull) } }))).toEqual([expect.stringContaining("not limited to named functions")]);
    const all = policy({ ...lambdaPull, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:lambda:r:1:function:*" } } });
    expect(ecrRepositoriesAreLockedDown("t", stack({ aws_ecr_repository_policy: { p: all } }))).toEqual([expect.stringContaining("not limited to named functions")]);
  });

  test("a Lambda function without its log group, or not depending on it, is reported", () => {
    const fn = { logging_config: { log_group: "${aws_cloudwatch_log_group.g.name}" }, depends_on: ["aws_cloudwatch_log_group.g"] };
    expect(lambdasHaveLogGroups("t", { resource: { aws_lambda_function: { f: fn } } })).toEqual([]);
    expect(lambdasHaveLogGroups("t", { resource: { aws_lambda_function: { f: { ...fn, depends_on: [] } } } })).toEqual(["t: aws_lambda_function.f does not depend on its log group"]);
    expect(lambdasHaveLogGroups("t", { resource: { aws_lambda_function: { f: {} } } })).toHaveLength(1);
  });
});
