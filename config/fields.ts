/** Field types several concerns share: log retention, account ids, S3 bucket names, GitHub repositories. */
import { z } from "zod";
import { LIMITS, LOG_RETENTION_DAYS } from "../model/limits";

/** A CloudWatch Logs retention value; shared with the function manifests. */
export const retention = z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
  message: `must be a CloudWatch Logs retention value: one of ${LOG_RETENTION_DAYS.join(", ")}`,
});

export const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id, as a string");

/** `owner/name` of a repository, as the tags and the change recorder's issues name it. */
export const repositoryName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"');

/**
 * S3 bucket naming rules that matter in practice: 3-63 chars, lowercase, digits, dots, hyphens, no IP form
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 */
export function bucketNameProblem(name: string): string | undefined {
  const { min, max } = LIMITS.bucketNameLength;
  if (name.length < min || name.length > max) return `must be ${min}-${max} characters (is ${name.length})`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "may contain only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit";
  if (/\.\.|\.-|-\./.test(name)) return "must not contain '..', '.-' or '-.'";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  if (name.includes(".")) return "must not contain dots (TLS to <bucket>.s3.amazonaws.com breaks with dotted names)";
  return undefined;
}

export const bucketName = z.string().superRefine((name, ctx) => {
  const problem = bucketNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
