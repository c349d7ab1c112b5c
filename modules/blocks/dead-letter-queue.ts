import type { TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { ConstructError } from "../../model/errors";
import { sqsQueueArn } from "../../model/names";
import { denyInsecureTransport, policyJson } from "./policy";

/** SQS's longest retention: failed work waits 14 days for someone to look and replay it. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

export interface DeadLetterQueueProps {
  /** The queue's name (the alarm on its depth names it too). */
  readonly name: string;
  /** Account of the queue. */
  readonly accountId: string;
  /** Region of the queue (EventBridge needs a rule's dead-letter queue in the rule's region). */
  readonly region: string;
  /**
   * EventBridge rules that send the events they could not deliver here: a queue policy admits exactly them.
   * @default no queue policy (a Lambda destination or an SQS redrive writes with its own role)
   */
  readonly fromRules?: { readonly sid: string; readonly ruleArns: string | string[] };
  /** Provider of another region. @default the scope's default provider */
  readonly provider?: TerraformProvider;
}

/** Construct ids of the resources when they are created in the owner's scope. */
export interface DeadLetterQueueIds {
  /** The queue. */
  readonly queue: string;
  /** The queue policy; required with `fromRules`. @default none */
  readonly policy?: string;
}

/**
 * A dead-letter queue: encrypted with SQS-managed keys and keeping messages 14 days. Its owner registers it with the
 * environment's Alarms (`watchQueue`, by `name`), so messages in it page someone.
 *
 * Owns: the queue and, with `fromRules`, its policy. Leaves alone: the messages.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  readonly name: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.name = props.name;
    this.queue = DeadLetterQueue.resources(this, { queue: "queue", policy: "policy" }, props);
  }

  /**
   * Creates the resources directly in `scope` under the given ids: for constructs whose queues existed before this
   * building block, so their Terraform addresses stay the same.
   */
  static resources(scope: Construct, ids: DeadLetterQueueIds, props: DeadLetterQueueProps): SqsQueue {
    const { provider } = props;
    const queue = new SqsQueue(scope, ids.queue, {
      provider,
      name: props.name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    if (props.fromRules) {
      if (!ids.policy) ConstructError.fail(scope, "DeadLetterQueue: fromRules needs ids.policy");
      new SqsQueuePolicy(scope, ids.policy, {
        provider,
        queueUrl: queue.url,
        policy: policyJson({
          Version: "2012-10-17",
          Statement: [
            denyInsecureTransport("sqs", sqsQueueArn(props.region, props.accountId, props.name)),
            {
              Sid: props.fromRules.sid,
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: sqsQueueArn(props.region, props.accountId, props.name),
              Condition: { ArnEquals: { "aws:SourceArn": props.fromRules.ruleArns } },
            },
          ],
        }),
      });
    }
    return queue;
  }
}
