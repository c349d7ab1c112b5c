import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { MANAGED_RULE_GROUPS, wafLogGroupName, webAclName } from "../../model/waf";
import { WebAcl } from "./web-acl";

test("a CLOUDFRONT web ACL in us-east-1: the AWS managed groups, a rate limit per IP, logs to a retained aws-waf-logs- group", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const usEast1 = new AwsProvider(stack, "us-east-1", { region: "us-east-1", alias: "us_east_1" });
  new WebAcl(stack, "waf", {
    provider: usEast1,
    name: webAclName("prod-shop-web"),
    rateLimit: 1500,
    logGroupName: wafLogGroupName("prod-shop-web"),
    logRetentionDays: 90,
  });
  const json = JSON.parse(Testing.synth(stack));
  const [acl] = Object.values<any>(json.resource.aws_wafv2_web_acl); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(acl).toMatchObject({ name: "prod-shop-web-waf", scope: "CLOUDFRONT", provider: "aws.us_east_1", default_action: { allow: {} } });
  const rules = acl.rule as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(rules.filter((r) => r.statement.managed_rule_group_statement).map((r) => r.statement.managed_rule_group_statement.name)).toEqual([
    ...MANAGED_RULE_GROUPS,
  ]);
  expect(rules.find((r) => r.statement.rate_based_statement)).toMatchObject({
    action: { block: {} },
    statement: { rate_based_statement: { limit: 1500, aggregate_key_type: "IP" } },
  });
  expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
  const [group] = Object.values<any>(json.resource.aws_cloudwatch_log_group); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(group).toMatchObject({ name: "aws-waf-logs-prod-shop-web", retention_in_days: 90, provider: "aws.us_east_1" });
  expect(Object.values<any>(json.resource.aws_wafv2_web_acl_logging_configuration)).toHaveLength(1); // eslint-disable-line @typescript-eslint/no-explicit-any
});
