import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AppTeamPolicy, appTeamPolicyDocument, INFRASTRUCTURE_ONLY_ACTIONS } from "./app-team-policy";

function synth() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const policy = new AppTeamPolicy(stack, "policy", { envName: "dev", accountId: "123456789012" });
  return { json: JSON.parse(Testing.synth(stack)), policy };
}

test("resources are named by the caller's principal tags only: no environment or sid is written into the policy", () => {
  const doc = appTeamPolicyDocument("123456789012", "dev-cf2-app-team");
  const allowed = JSON.stringify(doc.Statement.filter((s) => s.Effect === "Allow"));
  expect(allowed).not.toMatch(/dev-|shop|media/);
  expect(doc.Statement.find((s) => s.Sid === "OwnFunctions")!.Resource).toBe(
    "arn:aws:cloudfront::123456789012:function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*",
  );
});

test("function logs are read in us-east-1, under both log-group ARN spellings, including Insights results", () => {
  const logs = appTeamPolicyDocument("123456789012", "p").Statement.find((s) => s.Sid === "OwnFunctionLogs")!;
  expect(logs.Action).toEqual(expect.arrayContaining(["logs:StartQuery", "logs:GetQueryResults", "logs:GetLogEvents", "logs:FilterLogEvents"]));
  expect(logs.Resource).toEqual([
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*",
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*:*",
  ]);
});

test("creating and deleting functions and changing distributions are denied explicitly", () => {
  const deny = appTeamPolicyDocument("123456789012", "p").Statement.find((s) => s.Sid === "InfrastructureOnly")!;
  expect(deny).toMatchObject({ Effect: "Deny", Resource: "*" });
  expect(deny.Action).toEqual(expect.arrayContaining(["cloudfront:CreateFunction", "cloudfront:DeleteFunction", "cloudfront:UpdateDistribution"]));
  expect(INFRASTRUCTURE_ONLY_ACTIONS).not.toContain("cloudfront:PublishFunction");
});

test("the synthesized policy escapes the policy variables for Terraform and has a literal ARN", () => {
  const { json, policy } = synth();
  const p = Object.values<any>(json.resource.aws_iam_policy)[0];
  expect(p.name).toBe("dev-cf2-app-team");
  expect(p.policy).toContain("function/$${aws:PrincipalTag/environment}-$${aws:PrincipalTag/sid}-*");
  expect(p.policy).not.toMatch(/[^$]\$\{aws:/);
  expect(policy.arn).toBe("arn:aws:iam::123456789012:policy/dev-cf2-app-team");
  expect(JSON.parse(p.policy.replace(/\$\$\{/g, "${")).Statement.find((s: any) => s.Sid === "NoChangesToThisPolicy").Resource).toEqual([policy.arn]);
});

test("infrastructure-owned functions get an explicit deny on update, publish and test, named one by one", () => {
  const doc = appTeamPolicyDocument("123456789012", "dev-cf2-app-team", {
    infraOwnedFunctionNames: ["dev-shop-legacy-redirect", "dev-media-geo", "dev-shop-legacy-redirect"],
  });
  expect(doc.Statement.find((s) => s.Sid === "InfrastructureOwnedFunctions")).toEqual({
    Sid: "InfrastructureOwnedFunctions",
    Effect: "Deny",
    Action: ["cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:TestFunction"],
    Resource: ["arn:aws:cloudfront::123456789012:function/dev-media-geo", "arn:aws:cloudfront::123456789012:function/dev-shop-legacy-redirect"],
  });
  // IAM rejects a statement without resources: no infra function, no statement.
  expect(appTeamPolicyDocument("123456789012", "p").Statement.map((s) => s.Sid)).not.toContain("InfrastructureOwnedFunctions");
});

test("the roles may change neither the shared policy nor the other protected policies", () => {
  const doc = appTeamPolicyDocument("123456789012", "dev-cf2-app-team", { otherProtectedPolicyNames: ["dev-cf2-console-no-live-changes"] });
  expect(doc.Statement.find((s) => s.Sid === "NoChangesToThisPolicy")!.Resource).toEqual([
    "arn:aws:iam::123456789012:policy/dev-cf2-app-team",
    "arn:aws:iam::123456789012:policy/dev-cf2-console-no-live-changes",
  ]);
});
