import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/**
 * CloudFront's control plane region: CloudFront Function logs, the alarms on CloudFront metrics and the change
 * recorder live there, and certificates for a distribution must be issued there.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
 */
export const CLOUDFRONT_REGION = "us-east-1";

export interface AwsProvidersProps {
  /** The environment's main region: resources given no provider are created there. */
  readonly region: string;
  /** The one account the providers may act in (`allowed_account_ids`): credentials of another account fail before any change. */
  readonly accountId: string;
  /** Tags every resource gets (`default_tags`). */
  readonly defaultTags: Readonly<Record<string, string>>;
}

/**
 * The environment's AWS providers: the main region's, an aliased one for us-east-1, and aliased ones for other
 * regions a feature needs. The only place that constructs `AwsProvider`, so the move to hashicorp/aws 6.x (where most
 * resources take a `region` argument instead of an aliased provider) is made here; see docs/provider-6.md.
 *
 * Not a construct: the providers are children of the stack, so their logical names stay `aws`, `aws-us-east-1`, ...
 */
export class AwsProviders {
  /** Provider for the main region (Terraform's default `aws`). */
  readonly main: AwsProvider;
  /** Aliased provider for us-east-1 (`aws.us_east_1`). */
  readonly usEast1: AwsProvider;
  private readonly regional = new Map<string, AwsProvider>();

  constructor(
    private readonly stack: Construct,
    private readonly props: AwsProvidersProps,
  ) {
    this.main = new AwsProvider(stack, "aws", { region: props.region, ...this.common() });
    this.usEast1 = new AwsProvider(stack, "aws-us-east-1", { region: CLOUDFRONT_REGION, alias: "us_east_1", ...this.common() });
  }

  /**
   * The provider for `region` as used by `feature`: the main provider in the main region, otherwise one aliased
   * `<feature>_<region>` (made once per feature and region), with the same account guard and default tags.
   */
  forRegion(region: string, feature: string): AwsProvider {
    if (region === this.props.region) return this.main;
    const id = `aws-${feature}-${region}`;
    let provider = this.regional.get(id);
    if (!provider) {
      provider = new AwsProvider(this.stack, id, { region, alias: `${feature}_${region}`.replace(/-/g, "_"), ...this.common() });
      this.regional.set(id, provider);
    }
    return provider;
  }

  private common() {
    return { allowedAccountIds: [this.props.accountId], defaultTags: [{ tags: { ...this.props.defaultTags } }] };
  }
}
