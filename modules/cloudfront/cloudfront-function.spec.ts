import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Cf2Runtime } from "../../model/vocabulary";
import { APP_OWNED_IGNORED_ATTRIBUTES, CloudFrontFunction, INFRA_OWNED_IGNORED_ATTRIBUTES, type CloudFrontFunctionProps } from "./cloudfront-function";

function synth(props: Partial<CloudFrontFunctionProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const usEast1 = new AwsProvider(stack, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1" });
  new CloudFrontFunction(stack, "fn", {
    functionName: "dev-shop-redirect",
    code: "function handler(event) {\n  return event.request;\n}\n",
    runtime: Cf2Runtime.JS_2_0,
    comment: "SHOP-1 redirect",
    ticket: "SHOP-1",
    sid: "shop",
    logRetentionDays: 30,
    logProvider: usEast1,
    ignoreChanges: INFRA_OWNED_IGNORED_ATTRIBUTES,
    ...props,
  });
  const json = JSON.parse(Testing.synth(stack));
  return { fn: Object.values<any>(json.resource.aws_cloudfront_function)[0], group: Object.values<any>(json.resource.aws_cloudwatch_log_group)[0], json };
}

test("a log group named after the function, in us-east-1, with retention and the ticket and sid tags; the function waits for it", () => {
  const { fn, group } = synth();
  expect(group).toMatchObject({
    name: "/aws/cloudfront/function/dev-shop-redirect",
    provider: "aws.us_east_1",
    retention_in_days: 30,
    tags: { ticket: "SHOP-1", sid: "shop" },
  });
  expect(fn.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\.fn_log-group_/)]);
  expect(fn).toMatchObject({ name: "dev-shop-redirect", runtime: "cloudfront-js-2.0", comment: "SHOP-1 redirect", publish: true });
});

test("infra-owned: nothing ignored, so Terraform reverts and republishes changes made elsewhere", () => {
  expect(synth().fn.lifecycle).toBeUndefined();
});

test("app-owned: code, comment, runtime, publish and key value stores are ignored, so no later plan updates (and publishes) it", () => {
  expect(synth({ ignoreChanges: APP_OWNED_IGNORED_ATTRIBUTES }).fn.lifecycle).toEqual({
    ignore_changes: ["code", "comment", "runtime", "publish", "key_value_store_associations"],
  });
});

test("${ and %{ in the code are escaped for Terraform", () => {
  const { fn } = synth({ code: "function handler(event) {\n  return `${event.request.uri}%{x}`;\n}\n" });
  expect(fn.code).toBe("function handler(event) {\n  return `$${event.request.uri}%%{x}`;\n}\n");
});

test("a key value store: associated when given (for app-owned functions, the association it is created with), absent otherwise", () => {
  const arn = "arn:aws:cloudfront::123456789012:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
  expect(synth({ keyValueStoreArn: arn }).fn.key_value_store_associations).toEqual([arn]);
  expect(synth({ keyValueStoreArn: arn, ignoreChanges: APP_OWNED_IGNORED_ATTRIBUTES }).fn).toMatchObject({
    key_value_store_associations: [arn],
    lifecycle: { ignore_changes: expect.arrayContaining(["key_value_store_associations"]) },
  });
  expect(synth().fn).not.toHaveProperty("key_value_store_associations");
});
