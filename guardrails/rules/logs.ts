/** Log rules: every log group expires, and CloudFront Functions never log into a group Terraform does not own. */
import { Level, resources, type Finding, type Rule, type StackJson } from "../rule";

export const logGroupsHaveRetention: Rule = {
  id: "EDGE-LOG-1",
  level: Level.ERROR,
  title: "Every log group has a retention",
  explanation:
    "A CloudWatch log group without retention_in_days keeps its events forever and is billed for them " +
    "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention). " +
    "Set retention_in_days from the environment's logRetentionDays (or the manifest's retentionDays).",
  check: (stack) =>
    Object.entries<StackJson>(stack.resource?.aws_cloudwatch_log_group ?? {})
      .filter(([, g]) => !(typeof g.retention_in_days === "number" && g.retention_in_days > 0))
      .map(([name]) => ({ address: `aws_cloudwatch_log_group.${name}`, message: "has no retention_in_days" })),
  examples: {
    violating: { resource: { aws_cloudwatch_log_group: { g: { name: "/x" } } } },
    passing: { resource: { aws_cloudwatch_log_group: { g: { name: "/x", retention_in_days: 30 } } } },
  },
};

const FN = { name: "dev-shop-x", depends_on: ["aws_cloudwatch_log_group.g"] };
const FN_GROUP = { name: "/aws/cloudfront/function/dev-shop-x", provider: "aws.us_east_1", retention_in_days: 14 };

export const functionsHaveLogGroups: Rule = {
  id: "EDGE-CF2-1",
  level: Level.ERROR,
  title: "Every CloudFront Function depends on its log group (/aws/cloudfront/function/ + its name) in us-east-1",
  explanation:
    "CloudFront Functions write console.log output to /aws/cloudfront/function/<name> in us-east-1, whatever the " +
    "distribution's region (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/monitoring-functions.html). " +
    "If that group does not exist when the first line is logged, CloudFront creates it without expiry and outside " +
    "Terraform. Create it with the aws.us_east_1 provider and make the function depend on it.",
  check(stack) {
    const groups = Object.entries<StackJson>(stack.resource?.aws_cloudwatch_log_group ?? {});
    return resources(stack)
      .filter(([, type]) => type === "aws_cloudfront_function")
      .flatMap(([address, , fn]): Finding[] => {
        const expected = `/aws/cloudfront/function/${fn.name}`;
        const group = groups.find(([, g]) => g.name === expected);
        if (!group) return [{ address, message: `has no log group ${expected}` }];
        const findings: Finding[] = [];
        if (group[1].provider !== "aws.us_east_1")
          findings.push({ address: `aws_cloudwatch_log_group.${group[0]}`, message: `log group ${expected} is not in us-east-1 (provider aws.us_east_1)` });
        if (!(fn.depends_on ?? []).includes(`aws_cloudwatch_log_group.${group[0]}`)) findings.push({ address, message: "does not depend on its log group" });
        return findings;
      });
  },
  examples: {
    violating: {
      resource: { aws_cloudfront_function: { f: { ...FN, depends_on: [] } }, aws_cloudwatch_log_group: { g: { ...FN_GROUP, provider: undefined } } },
    },
    passing: { resource: { aws_cloudfront_function: { f: FN }, aws_cloudwatch_log_group: { g: FN_GROUP } } },
  },
};
