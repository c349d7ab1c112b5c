import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ConsoleRestrictionPolicy, consoleRestrictionDocument, infraFunctionDenyStatement } from "./app-team-guards";

test("the console restriction denies only shipping code: CloudFront Function updates and publishes, container code, images and image tags of the account", () => {
  expect(consoleRestrictionDocument("123456789012").Statement).toEqual([
    {
      Sid: "LiveChangesOnlyThroughCicd",
      Effect: "Deny",
      Action: ["cloudfront:UpdateFunction", "cloudfront:PublishFunction"],
      Resource: "arn:aws:cloudfront::123456789012:function/*",
    },
    { Sid: "ContainerCodeOnlyThroughCicd", Effect: "Deny", Action: ["lambda:UpdateFunctionCode"], Resource: "arn:aws:lambda:*:123456789012:function:*" },
    { Sid: "ImagesOnlyThroughCicd", Effect: "Deny", Action: ["ecr:PutImage"], Resource: "arn:aws:ecr:*:123456789012:repository/*" },
    { Sid: "ImageTagsOnlyThroughCicd", Effect: "Deny", Action: ["ssm:PutParameter"], Resource: "arn:aws:ssm:*:123456789012:parameter/edge/*/image-tag" },
  ]);
});

test("the console restriction is one named policy per environment with a literal ARN", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const p = new ConsoleRestrictionPolicy(stack, "console", { envName: "prod", accountId: "345678901234" });
  const json = JSON.parse(Testing.synth(stack));
  const [resource] = Object.values<any>(json.resource.aws_iam_policy);
  expect(resource.name).toBe("prod-cf2-console-no-live-changes");
  expect(p.arn).toBe("arn:aws:iam::345678901234:policy/prod-cf2-console-no-live-changes");
  expect(JSON.parse(resource.policy)).toEqual(consoleRestrictionDocument("345678901234"));
});

test("the infra-function deny lists each function once, sorted, and is absent without functions", () => {
  expect(infraFunctionDenyStatement("1", ["b", "a", "b"])!.Resource).toEqual(["arn:aws:cloudfront::1:function/a", "arn:aws:cloudfront::1:function/b"]);
  expect(infraFunctionDenyStatement("1", [])).toBeUndefined();
});
