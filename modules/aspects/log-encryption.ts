import type { IAspect } from "cdktn";
import type { IConstruct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ConstructError } from "../../model/errors";

/**
 * Encrypts every log group of a stack with the customer managed key of its region (an aspect, so log groups of later
 * modules are covered). A log group that names its own key keeps it.
 */
export class LogGroupEncryption implements IAspect {
  constructor(
    private readonly keysByRegion: Readonly<Record<string, string>>,
    private readonly defaultRegion: string,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CloudwatchLogGroup) || node.kmsKeyIdInput !== undefined) return;
    const provider = node.provider;
    const region = (provider instanceof AwsProvider ? provider.region : undefined) ?? this.defaultRegion;
    const key = this.keysByRegion[region];
    if (!key) ConstructError.fail(node, `log group in ${region}: logEncryption names no key in ${region}`);
    node.kmsKeyId = key;
  }
}
