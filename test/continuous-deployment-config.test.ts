import { problemsAfter as check } from "./support/config";
import { validateEnvironments } from "../config/load";
import stg from "../environments/stg";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Validates the stg example (whose "web" site uses continuous deployment) after `mutate`. */
const problemsAfter = (mutate: (cd: any, env: any) => void) => check(stg, "environments/stg.ts", (env) => mutate(env.sites[0].continuousDeployment, env));

const where = 'environments/stg.ts: entry sites[0] "web", field "continuousDeployment.';
const weight = (w: object) => (cd: any) => (cd.traffic = { type: "weight", ...w });

const cases: [string, (cd: any, env: any) => void, string][] = [
  [
    "header without the aws-cf-cd- prefix",
    (cd) => (cd.traffic.header = "x-staging"),
    `${where}traffic.header": must start with "aws-cf-cd-" (CloudFront routes only such headers to staging)`,
  ],
  [
    "header with uppercase",
    (cd) => (cd.traffic.header = "aws-cf-cd-Release"),
    `${where}traffic.header": after "aws-cf-cd-" allows 1-81 lowercase letters, digits or hyphens`,
  ],
  ["header value with a space", (cd) => (cd.traffic.value = "two words"), `${where}traffic.value": must be 1-128 of A-Z a-z 0-9 _ . ~ -`],
  ["weight over 15%", weight({ weight: 0.2 }), `${where}traffic.weight": must be 0-0.15 (CloudFront sends at most 15% to staging)`],
  ["negative weight", weight({ weight: -0.01 }), `${where}traffic.weight": must be 0-0.15`],
  [
    "stickiness under 300 s",
    weight({ weight: 0.1, sessionStickiness: { idleTtlSeconds: 60, maximumTtlSeconds: 600 } }),
    `${where}traffic.sessionStickiness.idleTtlSeconds": must be 300-3600 seconds (CloudFront's session stickiness range)`,
  ],
  [
    "stickiness over 3600 s",
    weight({ weight: 0.1, sessionStickiness: { idleTtlSeconds: 300, maximumTtlSeconds: 7200 } }),
    `${where}traffic.sessionStickiness.maximumTtlSeconds": must be 300-3600 seconds`,
  ],
  [
    "idle longer than the session",
    weight({ weight: 0.1, sessionStickiness: { idleTtlSeconds: 1200, maximumTtlSeconds: 600 } }),
    `${where}traffic.sessionStickiness.idleTtlSeconds": must not exceed maximumTtlSeconds (600)`,
  ],
  [
    "header field on a weight policy",
    weight({ weight: 0.1, header: "aws-cf-cd-x" }),
    `${where}traffic": unknown field "header"; allowed here: type, weight, sessionStickiness, testRoute`,
  ],
  [
    "weight test route without the aws-cf-cd- prefix",
    weight({ weight: 0.1, testRoute: { header: "x-preview", value: "1" } }),
    `${where}traffic.testRoute.header": must start with "aws-cf-cd-"`,
  ],
  [
    "weight test route without a value",
    weight({ weight: 0.1, testRoute: { header: "aws-cf-cd-preview" } }),
    `${where}traffic.testRoute.value": is required (a quoted string)`,
  ],
  ["unknown traffic type", (cd) => (cd.traffic = { type: "cookie" }), `${where}traffic.type": the text "cookie" is not allowed; one of "header", "weight"`],
  [
    "connection ARN of another service",
    (cd) => (cd.pipeline.source.connectionArn = "arn:aws:codecommit:ap-northeast-1:234567890123:repo"),
    `${where}pipeline.source.connectionArn": must be a CodeStar connection ARN`,
  ],
  ["repository without owner", (cd) => (cd.pipeline.source.repository = "shop-web"), `${where}pipeline.source.repository": must be "owner/name"`],
  [
    "S3 source that is not a zip",
    (cd) => (cd.pipeline.source = { type: "s3", bucket: "example-org-releases", key: "site.tar" }),
    `${where}pipeline.source.key": must be the key of a .zip object`,
  ],
  [
    "approval topic that is not SNS",
    (cd) => (cd.pipeline.approvalTopicArn = "arn:aws:sqs:ap-northeast-1:234567890123:q"),
    `${where}pipeline.approvalTopicArn": must be an SNS topic ARN`,
  ],
  ["buildspec outside YAML", (cd) => (cd.pipeline.buildspec = "build.sh"), `${where}pipeline.buildspec": must be a relative path to a .yml or .yaml file`],
  [
    "more sites than CloudFront's 20 policies per account",
    (cd, env) => {
      env.sites = Array.from({ length: 21 }, (_, i) => ({ name: `site${i}`, sid: "shop", distribution: {}, continuousDeployment: clone(cd) }));
    },
    'environments/stg.ts: entry sites[20] "site20", field "continuousDeployment": at most 20 sites per account may use continuous deployment',
  ],
];

describe("bad continuous deployment configuration gets a precise message", () => {
  test.each(cases)("%s", (_name, mutate, message) => {
    const problems = problemsAfter(mutate);
    expect(problems).toEqual([expect.stringContaining(message)]);
  });
});

test("header and weight policies, with and without a pipeline, are valid; defaults are filled in", () => {
  expect(problemsAfter(() => {})).toEqual([]);
  expect(problemsAfter(weight({ weight: 0.15, sessionStickiness: { idleTtlSeconds: 300, maximumTtlSeconds: 3600 } }))).toEqual([]);
  expect(problemsAfter((cd) => delete cd.pipeline)).toEqual([]);
  const [env] = validateEnvironments([{ file: "environments/stg.ts", input: clone(stg) }]);
  expect(env.sites[0].continuousDeployment?.pipeline).toMatchObject({
    buildspec: "buildspec.yml",
    buildImage: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
  });
  // A weight site without its own test route gets the default one (the weight starts only after approval).
  const input = clone(stg);
  input.sites![0].continuousDeployment!.traffic = { type: "weight", weight: 0.05 };
  const [weighted] = validateEnvironments([{ file: "environments/stg.ts", input }]);
  expect(weighted.sites[0].continuousDeployment?.traffic).toEqual({
    type: "weight",
    weight: 0.05,
    testRoute: { header: "aws-cf-cd-release", value: "candidate" },
  });
});
