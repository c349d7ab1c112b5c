/**
 * Real CloudTrail records, written by others (public detection-rule test cases, test/fixtures/real/SOURCES.md
 * "CloudTrail records"), fed as EventBridge delivers them through the deployable bundle with the local S3, SSM and
 * GitHub fakes. The recorder's configuration names the resources of those records as this project's, the way an
 * environment would; each case asserts what a user gets: recorded or not, an issue or not, and what the issue says
 * the next plan does.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describeResource } from "../functions/change-recorder/issue";
import type { ChangeRecord } from "../functions/change-recorder/normalize";
import { bundleLambda } from "../modules/blocks/lambda-bundle";
import { FakeGitHub } from "./support/fake-github";
import { FakeS3, FakeSsm } from "./support/fake-recorder-aws";
import { runBundle } from "./support/run-bundle";

const bundle = bundleLambda("change-recorder");
const FIXTURES = path.join(__dirname, "fixtures", "real", "cloudtrail");
const BUCKET = "records-bucket-123456789012";
const TOKEN = "github_pat_11EXAMPLE0123456789_local";
const PARAMETER = "/edge/dev/change-recorder/github-token";
/** The account of most records, whose roles the configuration names. */
const ACCOUNT = "123456789012";
const IMAGE_TAG_PARAMETER = "/edge/dev/shop/api/image-tag";

/**
 * This project, as far as the records go: an infra-owned container function `production-api`, an app-owned one
 * `my-lambda-function` (repository `testrepo`) shipped by the team's role `tester`, three site buckets.
 */
const CONFIG = {
  bucket: BUCKET,
  repository: "example-org/edge-delivery",
  tokenParameter: PARAMETER,
  automationPrincipals: [`arn:aws:iam::${ACCOUNT}:role/dev-infra-apply`],
  appTeamPrincipals: [],
  appOwnedFunctions: [],
  appOwnedContainerFunctions: [
    { function: "my-lambda-function", repository: "testrepo", parameter: IMAGE_TAG_PARAMETER, teamPrincipals: [`arn:aws:iam::${ACCOUNT}:role/tester`] },
  ],
  watch: {
    distributionIds: [],
    functionPrefixes: ["dev-"],
    iamNamePrefixes: ["dev-"],
    buckets: ["corporate-documents", "bucket", "secrets"],
    lambdaFunctionPrefixes: ["production-", "my-lambda-"],
    repositoryPrefixes: ["testrepo"],
    parameterNames: [IMAGE_TAG_PARAMETER],
  },
  environment: "dev",
  retryBaseMs: 20,
  maxAttempts: 2,
};

/** One test case's CloudTrail record from a Panther rule file. */
function pantherRecord(file: string, name: string): Record<string, unknown> {
  const rule = parse(readFileSync(path.join(FIXTURES, "panther", file), "utf8")) as { Tests: { Name: string; Log: Record<string, unknown> }[] };
  const test = rule.Tests.find((t) => t.Name === name);
  if (!test) throw new Error(`${file} has no test case "${name}"`);
  return test.Log;
}

/** The record as EventBridge delivers it ("AWS API Call via CloudTrail"). */
function asEventBridgeEvent(record: Record<string, unknown>): object {
  return {
    version: "0",
    id: `eb-${String(record.eventID)}`,
    "detail-type": "AWS API Call via CloudTrail",
    source: `aws.${String(record.eventSource).replace(/\.amazonaws\.com$/, "")}`,
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

let s3: FakeS3;
let ssm: FakeSsm;
let github: FakeGitHub;

beforeEach(async () => {
  s3 = await new FakeS3().start();
  ssm = await new FakeSsm().start();
  github = await new FakeGitHub("example-org", "edge-delivery", TOKEN).start();
  ssm.parameters.set(PARAMETER, { type: "SecureString", value: TOKEN });
});
afterEach(async () => Promise.all([s3.stop(), ssm.stop(), github.stop()]));

const run = (event: unknown) =>
  runBundle(bundle.file, event, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
    AWS_SECRET_ACCESS_KEY: "local-test-secret",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    RECORDER_CONFIG: JSON.stringify({ ...CONFIG, githubApiUrl: github.url }),
  });

interface Case {
  file: string;
  name: string;
  kind: "manual" | "app-team" | "no-change" | "unwatched";
  /** The resource the record is about, as the issue names it. */
  resource: string;
  /** What the issue's "Next plan" row says (manual changes only). */
  nextPlan?: RegExp;
}

const CASES: Case[] = [
  // The team's own role ships its app-owned container function: expected, recorded, no issue (both API versions).
  {
    file: "aws_overwrite_lambda_code.yml",
    name: "AssumedRole Updates Lambda Code v2 (Normal CI/CD)",
    kind: "app-team",
    resource: "Lambda function my-lambda-function",
  },
  {
    file: "aws_overwrite_lambda_code.yml",
    name: "AssumedRole Updates Lambda Code (Normal CI/CD)",
    kind: "app-team",
    resource: "Lambda function my-lambda-function",
  },
  // Anyone updating the infra-owned function's code: the next apply reverts it to the parameter's tag.
  {
    file: "aws_overwrite_lambda_code.yml",
    name: "IAM User Updates Lambda Code",
    kind: "manual",
    resource: "Lambda function production-api",
    nextPlan: /^Terraform will deploy the image tag the function's parameter names again at the next apply/,
  },
  {
    file: "aws_overwrite_lambda_code.yml",
    name: "SSO AssumedRole Updates Lambda Code",
    kind: "manual",
    resource: "Lambda function production-api",
    nextPlan: /^Terraform will deploy the image tag/,
  },
  {
    file: "aws_overwrite_lambda_code.yml",
    name: "FederatedUser Updates Lambda Code",
    kind: "manual",
    resource: "Lambda function production-api",
    nextPlan: /^Terraform will deploy the image tag/,
  },
  // The team's role may ship its function, not delete it.
  {
    file: "aws_overwrite_lambda_code.yml",
    name: "Delete Function Event",
    kind: "manual",
    resource: "Lambda function my-lambda-function",
    nextPlan: /^Terraform will create the function again at the next apply, running the image tag its parameter names/,
  },
  // A function this project does not manage.
  { file: "aws_lambda_crud.yml", name: "Lambda DeleteFunction Unauthorized User", kind: "unwatched", resource: "Lambda function basic-node-task" },
  // An image pushed to the app-owned repository by someone who is not the team: raised, but Terraform changes nothing.
  {
    file: "aws_ecr_crud.yml",
    name: "Authorized account",
    kind: "manual",
    resource: "ECR repository testrepo",
    nextPlan: /^Terraform manages no images: .*the team must know/,
  },
  {
    file: "aws_s3_delete_public_access_block.yml",
    name: "Public Access Block Deleted Successfully",
    kind: "manual",
    resource: "S3 bucket corporate-documents",
    nextPlan: /^Terraform will put back the public access block of S3 bucket corporate-documents at the next apply .*a policy or ACL could make objects public/,
  },
  { file: "aws_s3_delete_public_access_block.yml", name: "Public Access Block Deletion Failed", kind: "no-change", resource: "S3 bucket corporate-documents" },
  {
    file: "aws_s3_bucket_policy_modified.yml",
    name: "S3 Bucket Policy Modified",
    kind: "manual",
    resource: "S3 bucket bucket",
    nextPlan: /^Terraform will revert this at the next apply/,
  },
  { file: "aws_s3_bucket_policy_modified.yml", name: "S3 Bucket Policy Modified Error Response", kind: "no-change", resource: "S3 bucket bucket" },
  // No readOnly field in the record: read-only by its name.
  { file: "aws_s3_bucket_policy_modified.yml", name: "S3 Bucket Policy Not Modified", kind: "no-change", resource: "S3 bucket bucket" },
  {
    file: "aws_s3_bucket_deleted.yml",
    name: "An S3 Bucket was deleted",
    kind: "manual",
    resource: "S3 bucket secrets",
    nextPlan: /^Terraform will create an empty bucket of the same name at the next apply/,
  },
  {
    file: "aws_ssm_decrypt_ssm_params.yml",
    name: "Single Secret Accessed in Single Event",
    kind: "no-change",
    resource: "SSM parameter /credentials/stratus-red-team/credentials-25",
  },
  // A group's inline policy: not a role or policy under the environment's prefix.
  { file: "aws_iam_policy_modified.yml", name: "IAM Policy Change", kind: "unwatched", resource: "IAM policy policy" },
  { file: "aws_iam_policy_modified.yml", name: "IAM Policy Change Error", kind: "no-change", resource: "IAM policy policy" },
];

test.each(CASES)("$file / $name: $kind", async ({ file, name, kind, resource, nextPlan }) => {
  const record = pantherRecord(file, name);
  const out = await run(asEventBridgeEvent(record));
  expect(out.error).toBeUndefined();
  const manual = kind === "manual";
  expect(out.result).toMatchObject({ eventId: record.eventID, kind, stored: "written", issue: manual ? "created" : "none" });
  // Every call is recorded, whatever it means.
  const stored = Object.values(s3.records(BUCKET)) as { classification: { kind: string }; resource: { type: string; id: string } }[];
  expect(stored.map((r) => r.classification.kind)).toEqual([kind]);
  expect(describeResource(stored[0] as unknown as ChangeRecord)).toBe(resource);
  expect(github.issues).toHaveLength(manual ? 1 : 0);
  if (!manual) return;
  const issue = github.issues[0];
  expect(issue.title).toBe(`Manual change in dev: ${resource}`);
  const row = /^\| Next plan \| (.*) \|$/m.exec(issue.body ?? "");
  expect(row?.[1]).toMatch(nextPlan!);
});
