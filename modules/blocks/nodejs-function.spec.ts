import { AssetType, TerraformAsset, Testing, TerraformStack } from "cdktn";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NodejsFunction } from "./nodejs-function";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "nodejs-function-"));
  writeFileSync(path.join(dir, "code.zip"), "zip");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function synth(sourceAccountCondition?: boolean) {
  const stack = new TerraformStack(Testing.app(), "test");
  new NodejsFunction(stack, "fn", {
    functionName: "dev-x",
    description: "x",
    code: new TerraformAsset(stack, "code", { path: path.join(dir, "code.zip"), type: AssetType.FILE, assetHash: "abc" }),
    timeoutSeconds: 30,
    environment: { CONFIG: "{}" },
    logRetentionDays: 30,
    accountId: "123456789012",
    roleName: "dev-x",
    roleDescription: "runs x",
    policyName: "x",
    statements: [{ Sid: "S", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
    sourceAccountCondition,
  });
  return JSON.parse(Testing.synth(stack));
}

test("the function logs JSON to its own log group, created first with retention, and runs with its role", () => {
  const json = synth();
  const [logGroupId] = Object.keys(json.resource.aws_cloudwatch_log_group);
  const [rolePolicyId] = Object.keys(json.resource.aws_iam_role_policy);
  expect(json.resource.aws_cloudwatch_log_group[logGroupId]).toMatchObject({ name: "/aws/lambda/dev-x", retention_in_days: 30 });
  const fn = Object.values<any>(json.resource.aws_lambda_function)[0];
  expect(fn).toMatchObject({ function_name: "dev-x", runtime: "nodejs22.x", architectures: ["arm64"], timeout: 30, logging_config: { log_format: "JSON" } });
  expect(fn.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroupId}`, `aws_iam_role_policy.${rolePolicyId}`]);
  expect(JSON.parse(json.resource.aws_iam_role_policy[rolePolicyId].policy).Statement).toEqual([
    { Sid: "S", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
  ]);
});

test.each([
  [undefined, { StringEquals: { "aws:SourceAccount": "123456789012" } }],
  [false, undefined],
])("sourceAccountCondition %s: the trust policy's condition", (flag, condition) => {
  const role = Object.values<any>(synth(flag).resource.aws_iam_role)[0];
  expect(JSON.parse(role.assume_role_policy).Statement[0].Condition).toEqual(condition);
});
