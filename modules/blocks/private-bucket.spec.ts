import { Testing, TerraformStack } from "cdktn";
import { PrivateBucket } from "./private-bucket";

function synth(build: (stack: TerraformStack) => void) {
  const stack = new TerraformStack(Testing.app(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

test("a private bucket construct: its resources below it, TLS-only policy first, then what others added", () => {
  const json = synth((stack) => {
    const bucket = new PrivateBucket(stack, "records", { bucket: "records-123", versioning: true });
    bucket.addToResourcePolicy({
      Sid: "ReadForSomeone",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${bucket.arn}/*`,
    });
  });
  // Logical ids follow the construct path: records/bucket, records/versioning.
  expect(Object.keys(json.resource.aws_s3_bucket)).toEqual([expect.stringMatching(/^records_bucket_[0-9A-F]{8}$/)]);
  expect(Object.keys(json.resource.aws_s3_bucket_versioning)).toEqual([expect.stringMatching(/^records_versioning_[0-9A-F]{8}$/)]);
  const policy = JSON.parse(Object.values<any>(json.resource.aws_s3_bucket_policy)[0].policy);
  expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["DenyInsecureTransport", "ReadForSomeone"]);
  expect(policy.Statement[1].Resource).toBe("arn:aws:s3:::records-123/*");
  const block = Object.values<any>(json.resource.aws_s3_bucket_public_access_block)[0];
  expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
});

test("inScope keeps the resources in the owner's scope under the ids given", () => {
  const json = synth((stack) => {
    PrivateBucket.inScope(stack, { bucket: "b", ownership: "o", publicAccess: "p", encryption: "e", policy: "pol" }, { bucketPrefix: "artifacts-" });
  });
  expect(Object.keys(json.resource.aws_s3_bucket)).toEqual(["b"]);
  expect(json.resource.aws_s3_bucket_versioning).toBeUndefined();
});
