import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { FunctionUrlOrigin } from "./function-url-origin";

function build(timeout = 20, admit: string[] = ["lp"]) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const origin = new FunctionUrlOrigin(stack, "o", {
    functionName: "dev-media-thumbnailer",
    name: "dev-media-thumbnailer",
    region: "ap-northeast-1",
    readTimeoutSeconds: timeout,
  });
  for (const key of admit) origin.allowDistribution(key, `arn:aws:cloudfront::123456789012:distribution/E${key.toUpperCase()}`);
  return { origin, json: JSON.parse(Testing.synth(stack)) };
}

test("the behavior origin points at the URL's host through the lambda origin access control", () => {
  const { origin } = build();
  const b = origin.behaviorOrigin("/thumbnails/*");
  expect(b).toMatchObject({ pathPattern: "/thumbnails/*", originId: "lambda-dev-media-thumbnailer", readTimeoutSeconds: 20 });
  expect(b.domainName).toMatch(/^\$\{TfToken\[.*\]\}\.lambda-url\.ap-northeast-1\.on\.aws$/);
});

test("each admitted distribution gets InvokeFunctionUrl (AWS_IAM) and InvokeFunction, source = that distribution", () => {
  const { json } = build(20, ["lp", "web"]);
  const permissions = Object.values<any>(json.resource.aws_lambda_permission);
  expect(permissions).toHaveLength(4);
  for (const key of ["LP", "WEB"]) {
    const mine = permissions.filter((p) => p.source_arn.endsWith(`/E${key}`));
    expect(mine.map((p) => [p.action, p.function_url_auth_type]).sort()).toEqual([
      ["lambda:InvokeFunction", undefined],
      ["lambda:InvokeFunctionUrl", "AWS_IAM"],
    ]);
    expect(mine.every((p) => p.principal === "cloudfront.amazonaws.com")).toBe(true);
  }
});

test("a distribution admitted twice is a wiring error naming the construct", () => {
  expect(() => build(20, ["lp", "lp"])).toThrow('test/o: distribution "lp" is admitted twice');
});
