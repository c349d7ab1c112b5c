import type { IAspect } from "cdktn";
import type { IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { ConstructError } from "../../model/errors";
import type { PolicyStatement } from "../blocks/policy";

/**
 * Encrypts every SQS queue and SNS topic of a stack with the customer managed key of its region (an aspect, so
 * queues and topics of later modules are covered). A queue or topic that names its own key keeps it. SQS refuses
 * SSE-SQS and a KMS key together, so a queue's SSE-SQS setting is dropped.
 */
export class MessageEncryption implements IAspect {
  constructor(
    private readonly keysByRegion: Readonly<Record<string, string>>,
    private readonly defaultRegion: string,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof SqsQueue || node instanceof SnsTopic) || node.kmsMasterKeyIdInput !== undefined) return;
    const provider = node.provider;
    const region = (provider instanceof AwsProvider ? provider.region : undefined) ?? this.defaultRegion;
    const key = this.keysByRegion[region];
    if (!key)
      ConstructError.fail(
        node,
        `${node instanceof SqsQueue ? "queue" : "topic"} in ${region}: messageEncryption names no key in ${region}; add one to messageEncryption.keyArns`,
      );
    node.kmsMasterKeyId = key;
    if (node instanceof SqsQueue) node.resetSqsManagedSseEnabled();
  }
}

/**
 * What a role that sends to (`send`) or receives from a queue encrypted with `keyArn` needs: producers
 * kms:GenerateDataKey and kms:Decrypt, consumers kms:Decrypt, only through SQS in the queue's region
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 */
export function queueKeyStatement(sid: string, keyArn: string, region: string, use: "send" | "receive"): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: use === "send" ? ["kms:GenerateDataKey", "kms:Decrypt"] : "kms:Decrypt",
    Resource: keyArn,
    Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
  };
}
