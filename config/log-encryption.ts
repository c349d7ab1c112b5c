/**
 * Schema fragment: `logEncryption`, customer managed KMS keys for every log group the environment creates
 * (modules/log-encryption.ts), hooked into config/site.ts. A key encrypts log groups of its own region only,
 * so there is one key per region the stack logs in: the main region and us-east-1 (CloudFront Functions, WAF, the
 * change recorder). Each key's policy must allow `logs.<region>.amazonaws.com`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
import { z } from "zod";

export const keyArn = z
  .string()
  .regex(
    /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
    "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias does not work for log groups",
  );

export const logEncryptionSchema = z
  .object({
    /** One key per region: the main region and us-east-1. */
    keyArns: z.array(keyArn).min(1),
  })
  .strict();

/** The key of each region, by region. */
export function logKeysByRegion(c: z.output<typeof logEncryptionSchema> | undefined): Readonly<Record<string, string>> | undefined {
  return c && Object.fromEntries(c.keyArns.map((arn) => [arn.split(":")[3], arn]));
}

/** Problems of the keys for an environment: another account, a region twice, a region the stack logs in without a key. */
export function logEncryptionProblems(env: {
  accountId: string;
  region: string;
  logEncryption?: z.output<typeof logEncryptionSchema>;
}): { path: (string | number)[]; message: string }[] {
  return regionalKeyProblems("logEncryption", env.logEncryption?.keyArns, env, { what: "log groups", where: "creates log groups", unit: "log groups" });
}

/**
 * Problems of one key per region under `field.keyArns`: another account, a region twice, the main region or
 * us-east-1 without a key (every environment creates resources in both).
 */
export function regionalKeyProblems(
  field: string,
  keyArns: readonly string[] | undefined,
  env: { accountId: string; region: string },
  words: { what: string; where: string; unit: string },
): { path: (string | number)[]; message: string }[] {
  if (!keyArns) return [];
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  keyArns.forEach((arn, i) => {
    const [, , , region, account] = arn.split(":");
    if (account !== env.accountId)
      problems.push({
        path: [field, "keyArns", i],
        message: `is in account ${account}; ${words.what} of this environment use keys of its account ${env.accountId}`,
      });
    if (seen.has(region)) problems.push({ path: [field, "keyArns", i], message: `is a second key in ${region}; name one key per region` });
    seen.add(region);
  });
  for (const region of new Set([env.region, "us-east-1"]))
    if (!seen.has(region))
      problems.push({
        path: [field, "keyArns"],
        message: `names no key in ${region}, where this environment ${words.where} (a key encrypts ${words.unit} of its own region only)`,
      });
  return problems;
}
