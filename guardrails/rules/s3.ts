/** S3 rules: every bucket is private, encrypted and reachable over TLS only. */
import { Level, list, type Finding, type Rule, type StackJson } from "../rule";

/** The resources of a type that configure the given bucket (`bucket = "${aws_s3_bucket.<name>.id}"`). */
function forBucket(stack: StackJson, type: string, name: string): StackJson[] {
  const ref = new RegExp(`\\$\\{aws_s3_bucket\\.${name}\\.(id|bucket)\\}`);
  return Object.values<StackJson>(stack.resource?.[type] ?? {}).filter((x) => typeof x.bucket === "string" && ref.test(x.bucket));
}

function eachBucket(stack: StackJson, problem: (name: string) => string | undefined): Finding[] {
  return Object.keys(stack.resource?.aws_s3_bucket ?? {}).flatMap((name) => {
    const message = problem(name);
    return message ? [{ address: `aws_s3_bucket.${name}`, message }] : [];
  });
}

const BARE = { resource: { aws_s3_bucket: { b: { bucket: "x" } } } };
const LOCKED_DOWN = {
  resource: {
    aws_s3_bucket: { b: { bucket: "x" } },
    aws_s3_bucket_public_access_block: {
      p: { bucket: "${aws_s3_bucket.b.id}", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      e: { bucket: "${aws_s3_bucket.b.id}", rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] },
    },
    aws_s3_bucket_policy: {
      p: {
        bucket: "${aws_s3_bucket.b.id}",
        policy: JSON.stringify({
          Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        }),
      },
    },
  },
};

export const bucketsBlockPublicAccess: Rule = {
  id: "EDGE-S3-1",
  level: Level.ERROR,
  title: "Every S3 bucket blocks all public access",
  explanation:
    "Origin buckets are read by CloudFront through origin access control, artifact buckets by the pipeline: nothing " +
    "is public. A bucket needs an aws_s3_bucket_public_access_block with all four settings true " +
    "(https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html), so neither an " +
    "ACL nor a policy can ever open it.",
  check: (stack) =>
    eachBucket(stack, (name) =>
      forBucket(stack, "aws_s3_bucket_public_access_block", name).some(
        (p) => p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets,
      )
        ? undefined
        : "does not block all public access",
    ),
  examples: { violating: BARE, passing: LOCKED_DOWN },
};

export const bucketsAreEncrypted: Rule = {
  id: "EDGE-S3-2",
  level: Level.ERROR,
  title: "Every S3 bucket has a server-side encryption configuration",
  explanation:
    "S3 encrypts new objects with SSE-S3 by default since January 2023 " +
    "(https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html), but the configuration is " +
    "the bucket's and can be changed outside Terraform. Owning an aws_s3_bucket_server_side_encryption_configuration " +
    "makes the encryption explicit, reviewed and reverted if changed.",
  check: (stack) =>
    eachBucket(stack, (name) =>
      forBucket(stack, "aws_s3_bucket_server_side_encryption_configuration", name).length > 0 ? undefined : "has no server-side encryption configuration",
    ),
  examples: { violating: BARE, passing: LOCKED_DOWN },
};

export const bucketsDenyInsecureTransport: Rule = {
  id: "EDGE-S3-3",
  level: Level.ERROR,
  title: "Every S3 bucket policy denies requests without TLS",
  explanation:
    "A bucket accepts plain HTTP requests unless its policy denies them: a Deny statement with the condition " +
    '{"Bool": {"aws:SecureTransport": "false"}} ' +
    "(https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit). Every bucket " +
    "needs an aws_s3_bucket_policy with that statement.",
  check: (stack) =>
    eachBucket(stack, (name) =>
      forBucket(stack, "aws_s3_bucket_policy", name).some((p) => {
        try {
          return list<StackJson>(JSON.parse(p.policy).Statement).some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false");
        } catch {
          return false;
        }
      })
        ? undefined
        : "has no policy denying aws:SecureTransport=false",
    ),
  examples: { violating: BARE, passing: LOCKED_DOWN },
};
