import { Aspects, type TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { cf2LogGroupName } from "../../model/names";
import type { Cf2Runtime } from "../../model/vocabulary";
import { escapeTerraformTemplates } from "../blocks/policy";
import { SidTags } from "../aspects/sid-tags";

/** Arguments of aws_cloudfront_function that a lifecycle ignore list may name. */
export type FunctionAttribute = "code" | "comment" | "runtime" | "publish" | "key_value_store_associations";

/**
 * What Terraform leaves alone on a function the application team owns. Facts it rests on: Terraform's state reads
 * the function's DEVELOPMENT stage, and the provider calls PublishFunction after every update when publish = true
 * (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/cloudfront_function, argument
 * `publish`; stages: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/test-function.html):
 * - `code`: the team updates DEVELOPMENT and publishes it; state reads DEVELOPMENT, so Terraform would revert it.
 * - `comment`, `runtime`: the provider's update calls UpdateFunction and then, with publish = true, PublishFunction,
 *   which would push the team's untested DEVELOPMENT code to LIVE. Ignoring them leaves no update at all.
 * - `publish`: flipping it would also be an update (and so a publish).
 * - `key_value_store_associations`: unset in config, Terraform would drop a key value store the team associated.
 * What Terraform still owns: the name (a new name replaces the function) and the log group.
 */
export const APP_OWNED_IGNORED_ATTRIBUTES: readonly FunctionAttribute[] = ["code", "comment", "runtime", "publish", "key_value_store_associations"];
/** An infrastructure-owned function: the repository's code is the truth; changes made elsewhere are reverted. */
export const INFRA_OWNED_IGNORED_ATTRIBUTES: readonly FunctionAttribute[] = [];

export interface CloudFrontFunctionProps {
  /** AWS name, `<env>-<sid>-<name>` ([a-zA-Z0-9-_], at most 64); the principal-tag roles match on this prefix. */
  readonly functionName: string;
  /** The code to upload, exactly as built and checked (toolchain/cf2/code.ts); escaped for Terraform here. */
  readonly code: string;
  /** JavaScript runtime. */
  readonly runtime: Cf2Runtime;
  /** Function comment (at most 128 characters), starting with the ticket key. */
  readonly comment: string;
  /** Jira ticket key that requested the function; tagged on the log group as `ticket`. */
  readonly ticket: string;
  /** Product id, tagged as `sid` on every taggable resource. */
  readonly sid: string;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: number;
  /** The us-east-1 provider: CloudFront Functions log only there. */
  readonly logProvider: TerraformProvider;
  /** Attributes Terraform ignores after creation: APP_OWNED_IGNORED_ATTRIBUTES or INFRA_OWNED_IGNORED_ATTRIBUTES. */
  readonly ignoreChanges: readonly FunctionAttribute[];
  /**
   * ARN of the key value store the code reads (at most one per function). With `key_value_store_associations`
   * ignored (app-owned), this is the association the function is created with; later changes are the team's.
   * @default none
   */
  readonly keyValueStoreArn?: string;
}

/**
 * A CloudFront Function and its log group.
 *
 * The log group `/aws/cloudfront/function/<name>` is created first, in us-east-1, with a retention: otherwise
 * CloudFront creates it on the first log line without expiry. The function is published on creation (a cache
 * behavior can only use a LIVE function).
 *
 * Owns: the name, the log group (name, retention, tags), and every function argument not in `ignoreChanges`.
 * Leaves alone: the attributes in `ignoreChanges` (for app-owned functions: code, comment, runtime, publish, key
 * value store associations, so no later plan updates or publishes the function).
 */
export class CloudFrontFunction extends Construct {
  readonly function: CloudfrontFunction;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: CloudFrontFunctionProps) {
    super(scope, id);

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider: props.logProvider,
      name: cf2LogGroupName(props.functionName),
      retentionInDays: props.logRetentionDays,
      tags: { ticket: props.ticket },
    });

    this.function = new CloudfrontFunction(this, "function", {
      name: props.functionName,
      runtime: props.runtime,
      comment: props.comment,
      code: escapeTerraformTemplates(props.code),
      publish: true,
      keyValueStoreAssociations: props.keyValueStoreArn ? [props.keyValueStoreArn] : undefined,
      // The group must exist before the function can log, or CloudFront creates one that never expires.
      dependsOn: [this.logGroup],
      lifecycle: props.ignoreChanges.length > 0 ? { ignoreChanges: [...props.ignoreChanges] } : undefined,
    });

    Aspects.of(this).add(new SidTags(props.sid));
  }

  /** ARN of the function; associations run its LIVE stage. */
  get arn(): string {
    return this.function.arn;
  }
}
