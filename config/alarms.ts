/** `alarms`: where failures of the invalidators and the release path page someone, and its rules. */
import { z } from "zod";
import type { Issue } from "./rules";

const snsTopicArn = z
  .string()
  .regex(/^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");

/** Where alarms go: a topic this stack creates (optionally with e-mail subscriptions) or an existing topic. */
export const alarms = z
  .object({
    /** An existing SNS topic in the environment's account and main region; omit to create `<env>-edge-alarms`. */
    topicArn: snsTopicArn.optional(),
    /** E-mail addresses subscribed to the created topic (each confirms by mail once). */
    emails: z.array(z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address")).default([]),
  })
  .strict();

/** The fields of an environment the alarm rules read. */
export const ALARMS_READS = [["alarms"], ["accountId"], ["region"]] as const;

/** CloudWatch alarms notify topics of their own account and region; e-mails go only to the topic created here. */
export function alarmsProblems(env: { accountId: string; region: string; alarms?: z.output<typeof alarms> }): Issue[] {
  const issues: Issue[] = [];
  const topic = env.alarms?.topicArn;
  if (topic && !topic.startsWith(`arn:aws:sns:${env.region}:${env.accountId}:`))
    issues.push({
      code: "custom",
      path: ["alarms", "topicArn"],
      message: `must be in this environment's account ${env.accountId} and region ${env.region} (alarms notify topics of their own region)`,
    });
  if (topic && env.alarms!.emails.length > 0)
    issues.push({
      code: "custom",
      path: ["alarms", "emails"],
      message: "subscribe addresses to an existing topic where it is managed; emails are for the topic this stack creates (omit topicArn)",
    });
  return issues;
}
