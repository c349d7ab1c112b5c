/**
 * Schema fragment: `messageEncryption`, customer managed KMS keys for every SQS queue and SNS topic the environment
 * creates (modules/aspects/message-encryption.ts), hooked into config/environment.ts. A key encrypts queues and
 * topics of its own region only: one key per region, the main region and us-east-1 (the change recorder, the
 * alarm topic of CloudFront-side alarms), plus any region the change recorder forwards from.
 *
 * The key policy (managed where the key is) must let the AWS services that send to them use it
 * (kms:GenerateDataKey*, kms:Decrypt): s3.amazonaws.com (bucket notifications to the invalidation queues),
 * events.amazonaws.com (rule dead-letter queues, the failed-pipeline rule's topic) and cloudwatch.amazonaws.com
 * (alarm topics): https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html. This project's roles get their grants.
 */
import { z } from "zod";
import { keyArn, regionalKeyProblems } from "./log-encryption";

export const messageEncryptionSchema = z
  .object({
    /** One key per region: the main region, us-east-1 and the change recorder's forwarding regions. */
    keyArns: z.array(keyArn).min(1),
  })
  .strict();

/** The key of each region, by region. */
export function messageKeysByRegion(c: z.output<typeof messageEncryptionSchema> | undefined): Readonly<Record<string, string>> | undefined {
  return c && Object.fromEntries(c.keyArns.map((arn) => [arn.split(":")[3], arn]));
}

/** Problems of the keys: another account, a region twice, the main region or us-east-1 without a key. */
export function messageEncryptionProblems(env: {
  accountId: string;
  region: string;
  messageEncryption?: z.output<typeof messageEncryptionSchema>;
}): { path: (string | number)[]; message: string }[] {
  return regionalKeyProblems("messageEncryption", env.messageEncryption?.keyArns, env, {
    what: "queues and topics",
    where: "creates queues and topics",
    unit: "queues and topics",
  });
}
