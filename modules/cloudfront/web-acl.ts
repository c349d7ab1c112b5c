/**
 * A web ACL for one site's distribution, in us-east-1 with scope CLOUDFRONT (CloudFront uses web ACLs of that region
 * only: https://docs.aws.amazon.com/waf/latest/developerguide/cloudfront-features.html): AWS managed rule groups (IP
 * reputation, common rule set, known bad inputs), a rate-based rule per client IP, logging to a retained log group,
 * and CloudWatch metrics per rule (`AWS/WAFV2`, BlockedRequests and CountedRequests by web ACL and rule).
 */
import type { TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { MANAGED_RULE_GROUPS } from "../../model/waf";

export interface WebAclProps {
  /** The us-east-1 provider (scope CLOUDFRONT exists only there). */
  readonly provider: TerraformProvider;
  /** Web ACL name (`<env>-<sid>-<site>-waf`); also its metric name. */
  readonly name: string;
  /** Requests per 5 minutes from one IP before the rate-based rule blocks it. */
  readonly rateLimit: number;
  /** Log group, must start with `aws-waf-logs-`. */
  readonly logGroupName: string;
  /** Days the log group keeps events. */
  readonly logRetentionDays: number;
  /** A KMS key ARN for the log group. @default AWS-owned encryption */
  readonly logKmsKeyArn?: string;
}

// The provider types a rule's `statement` as `any` (it nests without end), so cdktf passes it through unconverted:
// it is written in Terraform's own snake_case here.
const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/** Owns: the web ACL, its log group and logging configuration. */
export class WebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const { provider, name } = props;
    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider,
      name,
      scope: "CLOUDFRONT",
      description: `In front of ${name.replace(/-waf$/, "")}'s distribution: AWS managed rules and a rate limit per IP`,
      defaultAction: { allow: {} },
      rule: [
        ...MANAGED_RULE_GROUPS.map((group, priority) => ({
          name: group,
          priority,
          // "none": the rule group's own actions (block) apply.
          overrideAction: { none: {} },
          statement: { managed_rule_group_statement: { name: group, vendor_name: "AWS" } },
          visibilityConfig: visibility(`${name}-${group}`),
        })),
        {
          name: "rate-limit-per-ip",
          priority: MANAGED_RULE_GROUPS.length,
          action: { block: {} },
          statement: { rate_based_statement: { limit: props.rateLimit, aggregate_key_type: "IP" } },
          visibilityConfig: visibility(`${name}-rate-limit`),
        },
      ],
      visibilityConfig: visibility(name),
    });
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      provider,
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKmsKeyArn,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", { provider, resourceArn: this.webAcl.arn, logDestinationConfigs: [this.logGroup.arn] });
  }

  get arn(): string {
    return this.webAcl.arn;
  }
}
